import type { Actor } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { conflict, invalid, unauthenticated } from '../http/errors.js';
import { renderMail } from '../mail/mail-templates.js';
import { enqueueMail } from '../mail/outbox.repository.js';
import { findUserById, lockUser, markEmailVerified, type UserRow } from '../users/users.repository.js';
import {
  insertEmailVerification,
  spendEmailVerification,
  spendOutstandingEmailVerifications,
  verificationMailsSince,
} from './email-verifications.repository.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/** A verification link works for a day: long enough to find the mail, short enough to age out. */
export const VERIFICATION_TOKEN_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Whoever registered an address can ask for another link every interval; without a daily
 * cap that is still a mail every few minutes to a mailbox that never asked for any.
 */
export const MAX_VERIFICATION_MAILS_PER_DAY = 5;

/**
 * The mail carries nothing the registrant wrote (no name, no subject): it goes to an address
 * nobody has proven, so whoever typed it in must not be able to put words in front of its owner.
 */
const verificationMail = (link: string) =>
  renderMail({
    subject: 'Confirm your email address for Helpline',
    heading: 'Confirm your email address',
    paragraphs: [
      'Hello,',
      'A Helpline account was created with this email address. Confirm that the address is yours to receive mail about your tickets. The link works once, for 24 hours.',
    ],
    link: { url: link, label: 'Confirm my address' },
    footer: 'If you did not create this account, ignore this mail: nothing else will be sent to you for it.',
  });

/**
 * Sends a new verification link (older ones stop working). Call it in the transaction that
 * creates the account or holds its row locked: the mail is queued only if that commits.
 */
export async function queueVerificationMail(tx: Db, ctx: AppContext, user: Pick<UserRow, 'id' | 'email'>): Promise<void> {
  const now = ctx.now();
  const { token, hash } = newSecretToken();
  await spendOutstandingEmailVerifications(tx, user.id, now);
  await insertEmailVerification(tx, {
    userId: user.id,
    email: user.email,
    tokenHash: hash,
    createdAt: now,
    expiresAt: new Date(now.getTime() + VERIFICATION_TOKEN_MS),
  });
  const link = `${ctx.config.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  await enqueueMail(tx, { kind: 'email_verification', to: user.email, ...verificationMail(link) }, ctx);
}

export type ResendOutcome = { sent: true } | { sent: false; retryAfterMs: number };

/**
 * Another link, for the signed-in owner of an unverified account: at most one per
 * `emailVerificationMailIntervalMs` (the registration's own mail counts) and
 * `MAX_VERIFICATION_MAILS_PER_DAY` a day. The caller learns when to ask again: it is their
 * own account, so that says nothing they may not know.
 */
export async function resendVerificationMail(ctx: AppContext, actor: Actor): Promise<ResendOutcome> {
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx): Promise<ResendOutcome> => {
    // Locked, so two requests at once cannot both find that no mail went out lately.
    await lockUser(tx, actor.id);
    const user = await findUserById(tx, actor.id);
    if (!user) throw unauthenticated();
    if (user.emailVerifiedAt) throw conflict('email_already_verified', 'Your email address is already verified');
    const sent = await verificationMailsSince(tx, user.id, new Date(now.getTime() - DAY_MS));
    const waits = [
      sent.newest ? sent.newest.getTime() + ctx.config.emailVerificationMailIntervalMs - now.getTime() : 0,
      sent.first && sent.count >= MAX_VERIFICATION_MAILS_PER_DAY ? sent.first.getTime() + DAY_MS - now.getTime() : 0,
    ];
    const retryAfterMs = Math.max(...waits);
    if (retryAfterMs > 0) return { sent: false, retryAfterMs };
    await queueVerificationMail(tx, ctx, user);
    return { sent: true };
  });
}

const invalidLink = () => invalid('invalid_verification_token', 'This verification link is invalid, used or expired');

/**
 * Single use and expiring; proves only the address it was sent to, so a link mailed before
 * the address changed verifies nothing. Every other outstanding link of the user is spent.
 */
export async function verifyEmail(ctx: AppContext, token: string): Promise<void> {
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    const link = await spendEmailVerification(tx, hashSecretToken(token), now);
    if (!link || link.expiresAt <= now) throw invalidLink();
    const user = await findUserById(tx, link.userId);
    if (user?.email !== link.email) throw invalidLink();
    await markEmailVerified(tx, user.id, now);
    await spendOutstandingEmailVerifications(tx, user.id, now);
  });
}
