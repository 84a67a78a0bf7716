import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { unauthenticated } from '../http/errors.js';
import { refreshTokens, sessions } from './auth.schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

const REFRESH_TOKEN_DAYS = 30;

export interface IssuedSession {
  userId: string;
  sessionId: string;
  refreshToken: string;
}

async function issueRefreshToken(db: Db, sessionId: string, now: Date): Promise<string> {
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_DAYS * 86_400_000);
  await db.insert(refreshTokens).values({ sessionId, tokenHash: hash, createdAt: now, expiresAt });
  return token;
}

export async function startSession(db: Db, userId: string, now: Date): Promise<IssuedSession> {
  return db.transaction(async (tx) => {
    const [session] = await tx.insert(sessions).values({ userId, createdAt: now }).returning({ id: sessions.id });
    if (!session) throw new Error('session insert returned nothing');
    return { userId, sessionId: session.id, refreshToken: await issueRefreshToken(tx, session.id, now) };
  });
}

type RotationOutcome = { ok: true; session: IssuedSession } | { ok: false; reused: boolean };

/**
 * Spends a refresh token and issues its successor. Presenting a spent token again
 * means it was stolen or replayed: the whole family (the session) is revoked.
 */
export async function rotateRefreshToken(db: Db, token: string, now: Date): Promise<IssuedSession> {
  const outcome = await db.transaction(async (tx): Promise<RotationOutcome> => {
    const [row] = await tx
      .select({
        id: refreshTokens.id,
        sessionId: refreshTokens.sessionId,
        usedAt: refreshTokens.usedAt,
        expiresAt: refreshTokens.expiresAt,
        userId: sessions.userId,
        revokedAt: sessions.revokedAt,
      })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .where(eq(refreshTokens.tokenHash, hashSecretToken(token)))
      .for('update', { of: refreshTokens });
    if (!row || row.revokedAt || row.expiresAt <= now) return { ok: false, reused: false };
    if (row.usedAt) {
      await tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, row.sessionId));
      return { ok: false, reused: true };
    }
    await tx.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.id, row.id));
    const refreshToken = await issueRefreshToken(tx, row.sessionId, now);
    return { ok: true, session: { userId: row.userId, sessionId: row.sessionId, refreshToken } };
  });
  if (!outcome.ok) {
    throw unauthenticated(outcome.reused ? 'This refresh token was already used; the session is revoked' : 'The refresh token is invalid');
  }
  return outcome.session;
}

/** Ends the user's session a refresh token belongs to; unknown or foreign tokens are ignored. */
export async function revokeSessionOfRefreshToken(db: Db, userId: string, token: string, now: Date): Promise<void> {
  const [row] = await db
    .select({ sessionId: refreshTokens.sessionId })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(and(eq(refreshTokens.tokenHash, hashSecretToken(token)), eq(sessions.userId, userId)));
  if (row) await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, row.sessionId), isNull(sessions.revokedAt)));
}

export async function revokeAllSessions(db: Db, userId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Ends every login of the user but one (the caller's own, which stays signed in). */
export async function revokeOtherSessions(db: Db, userId: string, keepSessionId: string, now: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)));
}
