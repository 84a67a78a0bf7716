import type { Actor } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { invalidField, unauthenticated } from '../http/errors.js';
import { hashPassword, verifyPassword } from '../users/passwords.js';
import { assertPasswordHardToGuess } from '../users/password-strength.js';
import { findUserById, lockUser, updateUserRow } from '../users/users.repository.js';
import { spendOutstandingPasswordResets } from './password-resets.repository.js';
import { revokeOtherSessions } from './sessions.repository.js';

export const WRONG_CURRENT_PASSWORD = 'The current password is wrong';

/**
 * The signed-in user sets a new password by proving the current one, so a borrowed
 * unlocked browser (or a stolen access token) cannot take the account over by itself. A
 * wrong current password is invalid input of that field (400), not a failed login: the
 * session stays, and the form shows the message beside the field.
 *
 * Every reset link still in a mailbox is spent, and every other login of the user is
 * ended: whoever changes a password because it leaked wants the intruder out, while the
 * device they are using stays signed in.
 */
export async function changePassword(ctx: AppContext, actor: Actor, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const { db } = ctx.database;
  const user = await findUserById(db, actor.id);
  if (!user) throw unauthenticated();
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw invalidField('wrong_password', 'currentPassword', WRONG_CURRENT_PASSWORD);
  }
  assertPasswordHardToGuess(input.newPassword, [user.email, user.name], 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const now = ctx.now();
  await db.transaction(async (tx) => {
    await lockUser(tx, user.id);
    await updateUserRow(tx, user.id, { passwordHash }, now);
    await spendOutstandingPasswordResets(tx, user.id, now);
    await revokeOtherSessions(tx, user.id, actor.sessionId, now);
  });
}
