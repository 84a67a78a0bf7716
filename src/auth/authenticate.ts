import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/database.js';
import { unauthenticated } from '../http/errors.js';
import { loadActor } from './actor.repository.js';
import { accessTokenVerifier } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes reachable without an access token (register, login, refresh, …). */
    public?: boolean;
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

interface Options {
  db: Db;
  jwtSecret: Uint8Array;
  now: () => Date;
}

export const authentication = fp<Options>(
  async (app: FastifyInstance, { db, jwtSecret, now }) => {
    const verifyAccessToken = accessTokenVerifier(jwtSecret);
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      const url = request.routeOptions.url;
      if (!url?.startsWith('/api/') || request.routeOptions.config.public) return;
      const token = bearerToken(request);
      if (!token) throw unauthenticated();
      const claims = await verifyAccessToken(token, now());
      const actor = await loadActor(db, claims.userId, claims.sessionId);
      if (!actor) throw unauthenticated('The session has ended or the account is inactive');
      request.actor = actor;
    });
  },
  { name: 'authentication' },
);
