import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config.js';
import { normalizeEmail } from '../users/users.repository.js';

function emailOf(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  return typeof body?.email === 'string' ? normalizeEmail(body.email) : '';
}

/**
 * Guessing passwords or flooding inboxes is slowed twice: per client address and per
 * target email, so neither many addresses against one account nor one address against
 * many accounts gets through. Limits are per process (see SECURITY.md).
 */
export function authRateLimits(app: FastifyInstance, config: Config, bucket: string): preHandlerAsyncHookHandler[] {
  const { max, windowMs } = config.authRateLimit;
  return [
    app.rateLimit({ max, timeWindow: windowMs, hook: 'preHandler', keyGenerator: (request) => `${bucket}:ip:${request.ip}` }),
    app.rateLimit({
      max,
      timeWindow: windowMs,
      hook: 'preHandler',
      keyGenerator: (request) => `${bucket}:email:${emailOf(request)}`,
    }),
  ];
}
