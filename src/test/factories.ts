import { randomBytes } from 'node:crypto';
import { hashPassword } from '../users/passwords.js';
import { startSession } from '../auth/sessions.repository.js';
import { issueAccessToken } from '../auth/tokens.js';
import type { Role } from '../authz/permissions.js';
import { insertUser, type UserRow } from '../users/users.repository.js';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

export const DEFAULT_PASSWORD = 'correct horse battery';
let defaultHash: Promise<string> | undefined;

export interface TestUser {
  user: UserRow;
  password: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

/** A user with a live session, built straight in the database (no HTTP, no rate limits). */
export async function createUser(
  t: TestApp,
  options: { role?: Role; email?: string; name?: string; password?: string; emailVerified?: boolean } = {},
): Promise<TestUser> {
  const role = options.role ?? 'customer';
  const password = options.password ?? DEFAULT_PASSWORD;
  defaultHash ??= hashPassword(DEFAULT_PASSWORD);
  const passwordHash = options.password ? await hashPassword(password) : await defaultHash;
  const user = await insertUser(t.database.db, {
    email: options.email ?? `${role}-${randomBytes(4).toString('hex')}@example.test`,
    name: options.name ?? `Test ${role}`,
    role,
    passwordHash,
    // Verified unless a test asks otherwise: most suites are about what happens after sign-up.
    emailVerifiedAt: options.emailVerified === false ? null : t.clock.now(),
  });
  const session = await startSession(t.database.db, user.id, t.clock.now());
  const accessToken = await issueAccessToken(t.ctx.config.jwtSecret, { userId: user.id, sessionId: session.sessionId }, t.clock.now());
  return { user, password, accessToken, refreshToken: session.refreshToken, sessionId: session.sessionId };
}

/** Replaces a role's permissions through the API, as a manager would. */
export async function setRolePermissions(t: TestApp, manager: TestUser, role: Role, permissions: string[]): Promise<void> {
  const response = await t.request({ method: 'PUT', url: `/api/roles/${role}`, token: manager.accessToken, body: { permissions } });
  expect(response.statusCode, response.body).toBe(200);
}

export async function currentPermissions(t: TestApp, manager: TestUser, role: Role): Promise<string[]> {
  const response = await t.request({ method: 'GET', url: '/api/roles', token: manager.accessToken });
  return response.json<{ role: Role; permissions: string[] }[]>().find((entry) => entry.role === role)?.permissions ?? [];
}
