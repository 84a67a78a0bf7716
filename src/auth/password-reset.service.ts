import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { invalid } from '../http/errors.js';
import { renderMail } from '../mail/mail-templates.js';
import { enqueueMail } from '../mail/outbox.repository.js';
import { findUserByEmail, updateUserRow } from '../users/users.repository.js';
import { passwordResets } from './auth.schema.js';
import { hashPassword } from '../users/passwords.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import { revokeAllSessions } from './sessions.repository.js';

const RESET_TOKEN_MS = 60 * 60 * 1000;

/** Says nothing about whether the account exists; only a real, active account gets a mail. */
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
    paragraphs: [`Hello ${user.name},`, 'Someone asked to reset the password of your Helpline account. The link works once, for one hour.'],
    link: { url: link, label: 'Choose a new password' },
    footer: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  });
  await db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({ userId: user.id, tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + RESET_TOKEN_MS) });
    await enqueueMail(tx, { kind: 'password_reset', to: user.email, ...mail }, ctx);
  });
}

/** Single use: the token is spent, the password replaced and every login of the user ended. */
export async function resetPassword(ctx: AppContext, token: string, password: string): Promise<void> {
  const now = ctx.now();
  const passwordHash = await hashPassword(password);
  await ctx.database.db.transaction(async (tx) => {
    const [reset] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tokenHash, hashSecretToken(token)), isNull(passwordResets.usedAt)))
      .returning();
    if (!reset || reset.expiresAt <= now) throw invalid('invalid_reset_token', 'This reset link is invalid, used or expired');
    await updateUserRow(tx, reset.userId, { passwordHash }, now);
    await revokeAllSessions(tx, reset.userId, now);
  });
}
