import type { Actor } from '../authz/actor.js';
import { CUSTOMER_ROLE } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import { unauthenticated } from '../http/errors.js';
import { findUserByEmail, findUserById, insertUser } from '../users/users.repository.js';
import { presentUser, type UserDto } from '../users/users.presenter.js';
import { hashPassword, verifyPassword } from '../users/passwords.js';
import { assertPasswordHardToGuess } from '../users/password-strength.js';
import { revokeSessionOfRefreshToken, rotateRefreshToken, startSession, type IssuedSession } from './sessions.repository.js';
import { ACCESS_TOKEN_SECONDS, issueAccessToken } from './tokens.js';
import { queueVerificationMail } from './email-verification.service.js';

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserDto;
}

async function authResult(ctx: AppContext, session: IssuedSession, user: UserDto): Promise<AuthResult> {
  const accessToken = await issueAccessToken(ctx.config.jwtSecret, session, ctx.now());
  return { accessToken, refreshToken: session.refreshToken, expiresIn: ACCESS_TOKEN_SECONDS, user };
}

/**
 * Self-registration always creates a customer; staff accounts are made by managers. Typing
 * an address proves nothing, so the account starts unverified and its only mail is the
 * verification link, queued with the account; the portal works meanwhile.
 */
export async function register(ctx: AppContext, input: { email: string; name: string; password: string }): Promise<AuthResult> {
  assertPasswordHardToGuess(input.password, [input.email, input.name]);
  const passwordHash = await hashPassword(input.password);
  const { user, session } = await ctx.database.db.transaction(async (tx) => {
    const row = await insertUser(tx, { email: input.email, name: input.name.trim(), role: CUSTOMER_ROLE, passwordHash, emailVerifiedAt: null });
    await queueVerificationMail(tx, ctx, row);
    return { user: row, session: await startSession(tx, row.id, ctx.now()) };
  });
  return authResult(ctx, session, presentUser(user));
}

const badCredentials = () => unauthenticated('Email or password is wrong');

export async function login(ctx: AppContext, input: { email: string; password: string }): Promise<AuthResult> {
  const { db } = ctx.database;
  const user = await findUserByEmail(db, input.email);
  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !passwordOk || !user.active) throw badCredentials();
  const session = await startSession(db, user.id, ctx.now());
  return authResult(ctx, session, presentUser(user));
}

export async function refresh(ctx: AppContext, refreshToken: string): Promise<AuthResult> {
  const { db } = ctx.database;
  const session = await rotateRefreshToken(db, refreshToken, ctx.now());
  const user = await findUserById(db, session.userId);
  if (!user?.active) throw unauthenticated('The account is inactive');
  return authResult(ctx, session, presentUser(user));
}

/** Only the caller's own sessions can be ended this way. */
export async function logout(ctx: AppContext, actor: Actor, refreshToken: string): Promise<void> {
  await revokeSessionOfRefreshToken(ctx.database.db, actor.id, refreshToken, ctx.now());
}

export async function me(ctx: AppContext, actor: Actor): Promise<UserDto & { permissions: string[] }> {
  const user = await findUserById(ctx.database.db, actor.id);
  if (!user) throw unauthenticated();
  return { ...presentUser(user), permissions: [...actor.permissions].sort() };
}
