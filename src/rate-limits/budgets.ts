import type { FastifyRequest } from 'fastify';
import type { Config, RequestBudgetName } from '../config.js';
import { normalizeEmail } from '../users/users.repository.js';

/**
 * The budgets a route may spend (route config `limit`). A state-changing /api route that
 * names none spends `write`.
 */
export type LimitName = RequestBudgetName | 'notificationRead' | 'login' | 'register' | 'passwordForgot' | 'passwordChange';

/** One counter a request adds to: its key (none: not counted this way) and the allowance per window. */
export interface Check {
  max: number;
  windowMs: number;
  key: (request: FastifyRequest) => string | undefined;
}

export interface Limit {
  checks: Check[];
  /** Counted only for the requests this accepts (search: a listing with a query). */
  applies?: (request: FastifyRequest) => boolean;
}

/**
 * The address a client is counted by. An IPv6 subscriber is usually handed a whole /64, so
 * counting single addresses would give one client billions of allowances: its /64 is counted.
 */
export function clientAddress(ip: string): string {
  const address = ip.split('%')[0] ?? ip;
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}

const perUser = (name: string) => (request: FastifyRequest) => (request.actor ? `${name}:user:${request.actor.id}` : undefined);
const perAddress = (name: string) => (request: FastifyRequest) => `${name}:ip:${clientAddress(request.ip)}`;
/** Login failures are counted per account and address together: from elsewhere the owner still gets in. */
const perEmailAndAddress = (name: string) => (request: FastifyRequest) => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `${name}:email+ip:${normalizeEmail(email)}|${clientAddress(request.ip)}` : undefined;
};

function userAndAddress(name: string, budget: Config['rateLimits'][RequestBudgetName]): Limit {
  return {
    checks: [
      { max: budget.perUser, windowMs: budget.windowMs, key: perUser(name) },
      { max: budget.perIp, windowMs: budget.windowMs, key: perAddress(name) },
    ],
  };
}

const hasSearchText = (request: FastifyRequest) => {
  const q = (request.query as { q?: unknown } | undefined)?.q;
  return typeof q === 'string' && q.trim() !== '';
};

export function limitsFrom(config: Config): Record<LimitName, Limit> {
  const { rateLimits, authRateLimit } = config;
  const auth = { max: authRateLimit.max, windowMs: authRateLimit.windowMs };
  return {
    ticketOpen: userAndAddress('ticketOpen', rateLimits.ticketOpen),
    write: userAndAddress('write', rateLimits.write),
    // Read marks follow the write budget's numbers in counters of their own, so reading
    // through a pile of notifications never holds up an agent's real work.
    notificationRead: userAndAddress('notificationRead', rateLimits.write),
    search: { ...userAndAddress('search', rateLimits.search), applies: hasSearchText },
    report: userAndAddress('report', rateLimits.report),
    login: {
      checks: [
        { ...auth, key: perEmailAndAddress('login') },
        { max: authRateLimit.loginPerIp, windowMs: authRateLimit.windowMs, key: perAddress('login') },
      ],
    },
    register: { checks: [{ ...auth, key: perAddress('register') }] },
    passwordForgot: { checks: [{ ...auth, key: perAddress('passwordForgot') }] },
    // Proving the current password is a login in disguise: a stolen access token must not
    // buy a write budget's worth of guesses at it.
    passwordChange: {
      checks: [
        { ...auth, key: perUser('passwordChange') },
        { max: authRateLimit.loginPerIp, windowMs: authRateLimit.windowMs, key: perAddress('passwordChange') },
      ],
    },
  };
}
