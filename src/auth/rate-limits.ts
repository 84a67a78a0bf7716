import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config.js';
import { DomainError } from '../http/errors.js';
import { normalizeEmail } from '../users/users.repository.js';

function emailOf(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  return typeof body?.email === 'string' ? normalizeEmail(body.email) : '';
}

/**
 * Guessing passwords or flooding inboxes is slowed twice: per client address and per
 * target email, so neither many addresses against one account nor one address against
 * many accounts gets through. Both limits are checked in one hook because the plugin's
 * route hooks mark a request as counted after the first, so a second one never ran.
 * Limits are per process (see SECURITY.md).
 */
export function authRateLimits(app: FastifyInstance, config: Config, bucket: string): preHandlerAsyncHookHandler {
  const { max, windowMs } = config.authRateLimit;
  const limits = [
    app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: (request) => `${bucket}:ip:${request.ip}` }),
    app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: (request) => `${bucket}:email:${emailOf(request)}` }),
  ];
  return async (request, reply) => {
    for (const limit of limits) {
      const result = await limit(request);
      // `isAllowed` means "on the allow list"; a counted request carries `isExceeded`.
      if (result.isAllowed || !result.isExceeded) continue;
      void reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
      throw new DomainError('rate_limited', 'rate_limited', 'Too many attempts, try again later');
    }
  };
}
