import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/audit.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { oneLine, renderMail } from '../mail/mail-templates.js';
import { enqueueMail } from '../mail/outbox.repository.js';
import { hashPassword } from '../users/passwords.js';
import { insertVerifiedUser } from '../users/users.repository.js';
import { insertPasswordReset } from './password-resets.repository.js';
import { newSecretToken } from './secret-tokens.js';

/** A customer opens the mail when they open it: a week, not the hour of a reset asked for. */
const INVITATION_MS = 7 * 24 * 60 * 60 * 1000;

export interface NewCustomer {
  id: string;
  name: string;
  email: string;
}

/**
 * A customer account made by staff opening a ticket for someone who has none. It has no
 * usable password: the customer chooses one through the link mailed to them (the reset
 * flow, so using it also proves the address). The staff member vouches for the address, as a
 * manager does for accounts they make, so the ticket's mails reach the customer meanwhile.
 */
export async function createCustomer(ctx: AppContext, actor: Actor, input: { email: string; name: string }): Promise<NewCustomer> {
  // Making the customer is part of choosing whom to open a ticket for.
  authorize(actor, 'ticket.chooseRequester', actor);
  const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
  const now = ctx.now();
  const { token, hash } = newSecretToken();
  return ctx.database.db.transaction(async (tx) => {
    const user = await insertVerifiedUser(tx, { email: input.email, name: input.name.trim(), role: 'customer', passwordHash }, now);
    await insertPasswordReset(tx, { userId: user.id, tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + INVITATION_MS) });
    await recordAudit(tx, { actorId: actor.id, action: 'user.created', targetType: 'user', targetId: user.id, details: { email: user.email, role: user.role } }, now);
    const mail = renderMail({
      subject: 'Your Helpline account',
      heading: 'Welcome to Helpline',
      paragraphs: [
        `Hello ${oneLine(user.name)},`,
        `${oneLine(actor.name)} of the support team created an account for you, to follow your requests. Choose a password to sign in; the link works once, for a week.`,
      ],
      link: { url: `${ctx.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`, label: 'Choose a password' },
      footer: 'After a week, use "Forgot password" on the login page instead.',
    });
    await enqueueMail(tx, { kind: 'customer_invitation', to: user.email, ...mail }, ctx);
    return { id: user.id, name: user.name, email: user.email };
  });
}
