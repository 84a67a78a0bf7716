import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/database.js';
import { unauthenticated } from '../http/errors.js';
import { loadActor } from './actor.repository.js';
import { accessTokenVerifier, sessionEnded, type AccessClaims } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes reachable without an access token (register, login, refresh, …). */
    public?: boolean;
    /**
     * The route proves the session live and the account active itself, in the statement that
     * reads what it answers (one round trip instead of two): the hook only verifies the token
     * and leaves its claims, and `actorOf` refuses until the route has loaded the actor.
     */
    sessionInQuery?: boolean;
  }
  interface FastifyRequest {
    /** The verified access token's claims, on routes marked `sessionInQuery`. */
    claims: AccessClaims | null;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  // EventSource cannot send headers, so the stream takes the token in the query string.
  const query = request.query as Record<string, unknown> | undefined;
  if (request.routeOptions.url === '/api/stream' && typeof query?.access_token === 'string') return query.access_token;
  return undefined;
}

/** The claims of a `sessionInQuery` route's caller, whose session its statement checks. */
export function claimsOf(request: FastifyRequest): AccessClaims {
  if (!request.claims) throw unauthenticated();
  return request.claims;
}

interface Options {
  db: Db;
  jwtSecret: Uint8Array;
  now: () => Date;
}

export const authentication = fp<Options>(
  async (app: FastifyInstance, { db, jwtSecret, now }) => {
    const verifyAccessToken = accessTokenVerifier(jwtSecret);
    app.decorateRequest('actor', null);
    app.decorateRequest('claims', null);
    app.addHook('onRequest', async (request) => {
      const url = request.routeOptions.url;
      if (!url?.startsWith('/api/') || request.routeOptions.config.public) return;
      const token = bearerToken(request);
      if (!token) throw unauthenticated();
      const claims = await verifyAccessToken(token, now());
      if (request.routeOptions.config.sessionInQuery) {
        request.claims = claims;
        return;
      }
      const actor = await loadActor(db, claims.userId, claims.sessionId);
      if (!actor) throw sessionEnded();
      request.actor = actor;
    });
  },
  { name: 'authentication' },
);
