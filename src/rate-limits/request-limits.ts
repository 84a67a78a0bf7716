import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, preHandlerAsyncHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context.js';
import { DomainError } from '../http/errors.js';
import { limitsFrom, type Limit, type LimitName } from './budgets.js';
import { BatchingStore, type Counters } from './counters.js';
import { PostgresCounters } from './postgres-counters.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The request budget the route spends (src/rate-limits/budgets.ts); state-changing /api routes default to `write`. */
    limit?: LimitName;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The budget a route spends, if any. */
function limitOf(route: RouteOptions): LimitName | undefined {
  const named = route.config?.limit;
  if (named) return named;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return route.url.startsWith('/api/') && methods.some((method) => STATE_CHANGING.has(method)) ? 'write' : undefined;
}

const documents429 = (route: RouteOptions) => {
  const responses = (route.schema as { response?: Record<string, unknown> } | undefined)?.response;
  return responses?.['429'] !== undefined;
};

function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** Spends one request of each of the limit's counters (one round trip for all), or answers 429 with Retry-After. */
function limitHook(app: FastifyInstance, limit: Limit): preHandlerAsyncHookHandler {
  const checks = limit.checks.map((check) => ({
    key: check.key,
    limiter: app.createRateLimit({ max: check.max, timeWindow: check.windowMs, keyGenerator: (request) => check.key(request) ?? '' }),
  }));
  return async (request, reply) => {
    if (limit.applies && !limit.applies(request)) return;
    // Started together, so the store counts them in one statement.
    const counted = checks.filter((check) => check.key(request) !== undefined).map((check) => check.limiter(request));
    const results = await Promise.all(counted);
    const waits = results.flatMap((result) => (!result.isAllowed && result.isExceeded ? [Math.max(1, result.ttlInSeconds)] : []));
    if (waits.length === 0) return;
    const seconds = Math.max(...waits);
    void reply.header('retry-after', String(seconds));
    throw new DomainError('rate_limited', 'rate_limited', `Too many requests: try again in ${waitText(seconds)}`);
  };
}

async function countersFor(app: FastifyInstance, ctx: AppContext): Promise<Counters> {
  const { redisUrl, redisKeyPrefix } = ctx.config;
  if (!redisUrl) return new PostgresCounters(ctx.database.db, ctx.now);
  // The Redis client loads only where it is used: a desk counting in its database never needs it.
  const { RedisCounters } = await import('./redis-counters.js');
  return new RedisCounters(redisUrl, `${redisKeyPrefix}rate-limit:`, (error) => app.log.warn({ err: error }, 'rate-limit store (Redis) unavailable'));
}

/**
 * Request budgets, counted where every server process sees them (the database, or Redis
 * with REDIS_URL), so running more processes does not multiply an attacker's allowance.
 * Each route's budget is attached when the route is added; one that is limited but does
 * not document its 429 is refused at start.
 */
export const requestLimits = fp<{ ctx: AppContext }>(
  async (app, { ctx }) => {
    const counters = await countersFor(app, ctx);
    const Store: FastifyRateLimitStoreCtor = class extends BatchingStore {
      constructor() {
        super(counters);
      }
    };
    await app.register(rateLimit, { global: false, store: Store });
    app.addHook('onClose', () => counters.close());

    const limits = limitsFrom(ctx.config);
    const hooks = new Map<LimitName, preHandlerAsyncHookHandler>();
    const hookFor = (name: LimitName) => {
      let hook = hooks.get(name);
      if (!hook) hooks.set(name, (hook = limitHook(app, limits[name])));
      return hook;
    };
    app.addHook('onRoute', (route) => {
      const name = limitOf(route);
      if (!name) return;
      if (!documents429(route)) {
        throw new Error(`${String(route.method)} ${route.url} spends the "${name}" budget: add rateLimitedResponses to its schema`);
      }
      const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
      // First: a refused request costs nothing else.
      route.preHandler = [hookFor(name), ...existing];
    });
  },
  { name: 'request-limits' },
);
