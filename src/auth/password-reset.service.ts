import type { AppContext } from '../context.js';
import { invalid } from '../http/errors.js';
import { oneLine, renderMail } from '../mail/mail-templates.js';
import { enqueueMail } from '../mail/outbox.repository.js';
import { findUserByEmail, lockUser, markEmailVerified, updateUserRow } from '../users/users.repository.js';
import { hashPassword } from '../users/passwords.js';
import { assertPasswordHardToGuess } from '../users/password-strength.js';
import {
  insertPasswordReset,
  newestOutstandingResetAt,
  spendOutstandingPasswordResets,
  spendPasswordReset,
} from './password-resets.repository.js';
import { spendOutstandingEmailVerifications } from './email-verifications.repository.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import { revokeAllSessions } from './sessions.repository.js';

const RESET_TOKEN_MS = 60 * 60 * 1000;

/**
 * Says nothing about whether the account exists; only a real, active account gets a mail.
 * Only the newest link works: the user clicks the mail they just asked for, and a link left
 * in an older mail (or a mailbox read by someone else since) sets no password. While a link
 * sent less than `passwordResetMailIntervalMs` ago is unused, asking again sends nothing
 * (silently, like an unknown address): nobody can flood a mailbox through this form.
 */
export async function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  const { db } = ctx.database;
  const user = await findUserByEmail(db, email);
  if (!user?.active) return;
  const now = ctx.now();
  const { token, hash } = newSecretToken();
  const link = `${ctx.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  const mail = renderMail({
    subject: 'Reset your Helpline password',
    heading: 'Reset your password',
    // An unproven address gets no words of whoever registered it, not even their name.
    paragraphs: [user.emailVerifiedAt ? `Hello ${oneLine(user.name)},` : 'Hello,', 'Someone asked to reset the password of your Helpline account. The link works once, for one hour.'],
    link: { url: link, label: 'Choose a new password' },
    footer: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  });
  await db.transaction(async (tx) => {
    // Locked, so two requests at once cannot both find that no mail went out lately.
    await lockUser(tx, user.id);
    const lastSent = await newestOutstandingResetAt(tx, user.id);
    if (lastSent && now.getTime() - lastSent.getTime() < ctx.config.passwordResetMailIntervalMs) return;
    await spendOutstandingPasswordResets(tx, user.id, now);
    await insertPasswordReset(tx, { userId: user.id, tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + RESET_TOKEN_MS) });
    await enqueueMail(tx, { kind: 'password_reset', to: user.email, ...mail }, ctx);
  });
}

/**
 * Single use: the token is spent with every other of the user, the password replaced and
 * every login of the user ended. A weak password is refused before the token is touched,
 * so the same link can be used again with a better one. Following a link mailed to the
 * address proves the address as well as a verification link would (mail intake's customers
 * claim their accounts this way), so the account counts as verified from now on.
 */
export async function resetPassword(ctx: AppContext, token: string, password: string): Promise<void> {
  assertPasswordHardToGuess(password);
  const now = ctx.now();
  const passwordHash = await hashPassword(password);
  await ctx.database.db.transaction(async (tx) => {
    const reset = await spendPasswordReset(tx, hashSecretToken(token), now);
    if (!reset || reset.expiresAt <= now) throw invalid('invalid_reset_token', 'This reset link is invalid, used or expired');
    await spendOutstandingPasswordResets(tx, reset.userId, now);
    await updateUserRow(tx, reset.userId, { passwordHash }, now);
    await revokeAllSessions(tx, reset.userId, now);
    await markEmailVerified(tx, reset.userId, now);
    await spendOutstandingEmailVerifications(tx, reset.userId, now);
  });
}
