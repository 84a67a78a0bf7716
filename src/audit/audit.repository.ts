import { desc, lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { auditLog } from './audit.schema.js';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/** Written inside the transaction of the change it records. */
export async function recordAudit(db: Db, entry: AuditEntry, now: Date): Promise<void> {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {}, createdAt: now });
}

export async function listAudit(db: Db, options: { limit: number; beforeId: number | undefined }) {
  return db
    .select()
    .from(auditLog)
    .where(options.beforeId === undefined ? undefined : lt(auditLog.id, options.beforeId))
    .orderBy(desc(auditLog.id))
    .limit(options.limit + 1);
}
