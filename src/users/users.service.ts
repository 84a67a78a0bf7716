import { recordAudit } from '../audit/audit.repository.js';
import { hashPassword } from './passwords.js';
import { assertPasswordHardToGuess } from './password-strength.js';
import { revokeAllSessions } from '../auth/sessions.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { Role } from '../authz/permissions.js';
import { authorizeUserChange, userAbilities } from '../authz/policies/user.js';
import type { AppContext } from '../context.js';
import { oneLine, renderMail } from '../mail/mail-templates.js';
import { enqueueMail } from '../mail/outbox.repository.js';
import { decodeCursor, encodeCursor, isCursorInstant, isCursorUuid } from '../http/cursor.js';
import { userNotFound } from './user-errors.js';
import { presentManagedUser, type ManagedUserDto } from './users.presenter.js';
import {
  countActiveManagers,
  findUserById,
  insertVerifiedUser,
  listActiveCustomers,
  listAssignable,
  listUsers,
  lockActiveManagers,
  updateUserRow,
  type UserRow,
} from './users.repository.js';

const isUserCursor = (value: unknown): value is { createdAt: string; id: string } => {
  const v = value as { createdAt?: unknown; id?: unknown } | null;
  return isCursorInstant(v?.createdAt) && isCursorUuid(v?.id);
};

export async function listUsersFor(
  ctx: AppContext,
  actor: Actor,
  query: { role?: Role; q?: string; limit?: number; cursor?: string },
): Promise<{ items: ManagedUserDto[]; nextCursor: string | null }> {
  authorize(actor, 'user.list');
  const limit = query.limit ?? 25;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isUserCursor);
  const { db } = ctx.database;
  const rows = await listUsers(db, { role: query.role, q: query.q, after, limit });
  const activeManagers = await countActiveManagers(db);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => presentFor(actor, row, activeManagers)),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

export async function createUserFor(
  ctx: AppContext,
  actor: Actor,
  input: { email: string; name: string; role: Role; password: string },
): Promise<ManagedUserDto> {
  authorize(actor, 'user.create');
  assertPasswordHardToGuess(input.password, [input.email, input.name]);
  const passwordHash = await hashPassword(input.password);
  return ctx.database.db.transaction(async (tx) => {
    // A manager vouches for the address of an account they make (as staff always are).
    const user = await insertVerifiedUser(tx, { email: input.email, name: input.name.trim(), role: input.role, passwordHash }, ctx.now());
    await recordAudit(
      tx,
      { actorId: actor.id, action: 'user.created', targetType: 'user', targetId: user.id, details: { email: user.email, role: user.role } },
      ctx.now(),
    );
    await enqueueMail(tx, { kind: 'account_created', to: user.email, ...welcomeMail(ctx, user.name, actor.name) }, ctx);
    return presentFor(actor, user, await countActiveManagers(tx));
  });
}

// The password is never mailed: the manager hands it over, or the user sets one via "forgot password".
const welcomeMail = (ctx: AppContext, name: string, creator: string) =>
  renderMail({
    subject: 'Your Helpline account',
    heading: 'Welcome to Helpline',
    paragraphs: [`Hello ${oneLine(name)},`, `${oneLine(creator)} created a Helpline account for you.`, 'Ask them for your first password, or choose one with "Forgot password" on the login page.'],
    link: { url: `${ctx.config.publicUrl}/login`, label: 'Log in' },
  });

/** A user with what the caller may do with them, given how many active managers there are. */
const presentFor = (actor: Actor, user: UserRow, activeManagers: number): ManagedUserDto =>
  presentManagedUser(user, userAbilities(actor, { ...user, activeManagers }));

export async function getUserFor(ctx: AppContext, actor: Actor, id: string): Promise<ManagedUserDto> {
  const { db } = ctx.database;
  const user = await findUserById(db, id);
  authorize(actor, 'user.read', user);
  return presentFor(actor, user, await countActiveManagers(db));
}

export async function assignableUsers(ctx: AppContext, actor: Actor) {
  authorize(actor, 'ticket.chooseAssignee');
  return { items: await listAssignable(ctx.database.db) };
}

/** Active customers a staff member may open a ticket for, found by name or email. */
export async function requesterChoices(ctx: AppContext, actor: Actor, q: string | undefined) {
  authorize(actor, 'ticket.chooseRequester', actor);
  return { items: await listActiveCustomers(ctx.database.db, q?.trim() || undefined, 20) };
}

export async function updateUserFor(
  ctx: AppContext,
  actor: Actor,
  id: string,
  changes: { name?: string; role?: Role; active?: boolean },
): Promise<ManagedUserDto> {
  authorize(actor, 'user.edit');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    const activeManagers = await lockActiveManagers(tx);
    const before = await findUserById(tx, id);
    if (!before) throw userNotFound();
    authorizeUserChange(actor, { ...before, activeManagers: activeManagers.length }, changes);
    const after = await updateUserRow(tx, id, { ...changes, ...(changes.name ? { name: changes.name.trim() } : {}) }, now);
    if (!after) throw userNotFound();
    if (changes.active === false) await revokeAllSessions(tx, id, now);
    const diff = Object.fromEntries(
      (['name', 'role', 'active'] as const)
        .filter((field) => changes[field] !== undefined && before[field] !== after[field])
        .map((field) => [field, { from: before[field], to: after[field] }]),
    );
    if (Object.keys(diff).length > 0) {
      await recordAudit(tx, { actorId: actor.id, action: 'user.updated', targetType: 'user', targetId: id, details: diff }, now);
    }
    return presentFor(actor, after, await countActiveManagers(tx));
  });
}
