import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/audit.repository.js';
import { hashPassword } from './passwords.js';
import { MANAGER_ROLE } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import { insertVerifiedUser } from './users.repository.js';
import { users } from './users.schema.js';

export interface BootstrappedManager {
  email: string;
  /** Present only when Helpline made the password up and must show it once. */
  generatedPassword: string | undefined;
}

/** A desk without a manager cannot be administered: make one on first start. */
export async function ensureFirstManager(ctx: AppContext): Promise<BootstrappedManager | undefined> {
  const { db } = ctx.database;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.role, MANAGER_ROLE)).limit(1);
  if (existing) return undefined;
  const configured = ctx.config.bootstrapManager;
  const email = configured?.email ?? 'manager@localhost';
  const generatedPassword = configured ? undefined : randomBytes(12).toString('base64url');
  const password = configured?.password ?? generatedPassword ?? '';
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const user = await insertVerifiedUser(tx, { email, name: 'Manager', role: MANAGER_ROLE, passwordHash }, ctx.now());
    await recordAudit(tx, { actorId: null, action: 'user.created', targetType: 'user', targetId: user.id, details: { email, role: MANAGER_ROLE, bootstrap: true } }, ctx.now());
  });
  return { email, generatedPassword };
}
