import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { listAudit } from './audit.repository.js';

const isIdCursor = (value: unknown): value is { id: number } =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as { id?: unknown }).id);

export async function readAuditLog(ctx: AppContext, actor: Actor, query: { limit?: number; cursor?: string }) {
  authorize(actor, 'audit.read');
  const limit = query.limit ?? 25;
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isIdCursor).id;
  const rows = await listAudit(ctx.database.db, { limit, beforeId });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: String(row.id),
      actorId: row.actorId,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      details: row.details,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
  };
}
