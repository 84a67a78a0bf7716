import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir.js';
import { isEmailAddress } from './email-address.js';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** Connections each process keeps to a PostgreSQL server (not used by the embedded database). */
  databasePoolSize: number;
  dataDir: string;
  jwtSecret: Uint8Array;
  bootstrapManager: { email: string; password: string } | undefined;
  smtp: SmtpConfig | undefined;
  mailFrom: string;
  publicUrl: string;
  escalationIntervalMs: number;
  production: boolean;
  /**
   * Attempts per window: register and password-forgot per client address; login per email and
   * address together (so nobody can lock an owner out from elsewhere) and `loginPerIp` per address.
   */
  authRateLimit: { max: number; windowMs: number; loginPerIp: number };
  /** Request budgets of the API's writes, search and reports, per user and per client address (src/rate-limits). */
  rateLimits: Record<RequestBudgetName, RequestBudget>;
  /** Where the limits count: Redis when set, otherwise the database; either way shared by every process. */
  redisUrl: string | undefined;
  /** Put before every Redis key, so several desks (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  /** At most one password-reset mail per account in this time, while its link is unused. */
  passwordResetMailIntervalMs: number;
  /** Open SSE connections one user may hold at once. */
  maxStreamsPerUser: number;
  logLevel: string;
  /**
   * Which hops' X-Forwarded-For to believe for the client address (Fastify's `trustProxy`):
   * off by default, because a client could otherwise name any address and slip every
   * per-address limit.
   */
  trustProxy: boolean | string;
}

/** Requests one user, and one client address, may send in a window. */
export interface RequestBudget {
  perUser: number;
  perIp: number;
  windowMs: number;
}

export type RequestBudgetName = 'ticketOpen' | 'write' | 'search' | 'report';

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** Secrets generated on first start are kept in DATA_DIR so tokens survive restarts. */
function jwtSecret(env: Env, dataDir: string, production: boolean): Uint8Array {
  const raw = env.JWT_SECRET;
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
    return new TextEncoder().encode(raw);
  }
  if (production) throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  const file = path.join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: PRIVATE_FILE_MODE });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** `<PREFIX>_RATE_LIMIT_PER_USER`, `_PER_IP` and `_WINDOW_MS`. */
function budget(env: Env, prefix: string, fallback: RequestBudget): RequestBudget {
  return {
    perUser: integer(env, `${prefix}_RATE_LIMIT_PER_USER`, fallback.perUser, 1, 100_000_000),
    perIp: integer(env, `${prefix}_RATE_LIMIT_PER_IP`, fallback.perIp, 1, 100_000_000),
    windowMs: integer(env, `${prefix}_RATE_LIMIT_WINDOW_MS`, fallback.windowMs, 1000, 86_400_000),
  };
}

/**
 * Defaults a real desk never reaches and a script does at once (SECURITY.md explains them):
 * the few tickets a person opens in ten minutes, about two clicks a second held for a minute.
 */
function rateLimits(env: Env): Config['rateLimits'] {
  return {
    ticketOpen: budget(env, 'TICKET_OPEN', { perUser: 20, perIp: 200, windowMs: 600_000 }),
    write: budget(env, 'WRITE', { perUser: 120, perIp: 600, windowMs: 60_000 }),
    search: budget(env, 'SEARCH', { perUser: 120, perIp: 600, windowMs: 60_000 }),
    report: budget(env, 'REPORT', { perUser: 60, perIp: 300, windowMs: 60_000 }),
  };
}

function bootstrapManager(env: Env): Config['bootstrapManager'] {
  const email = env.BOOTSTRAP_MANAGER_EMAIL;
  const password = env.BOOTSTRAP_MANAGER_PASSWORD;
  if (!email && !password) return undefined;
  if (!email || !isEmailAddress(email)) throw new ConfigError('BOOTSTRAP_MANAGER_EMAIL must be an email address');
  if (!password || password.length < 8) throw new ConfigError('BOOTSTRAP_MANAGER_PASSWORD must be at least 8 characters');
  return { email, password };
}

function smtp(env: Env): SmtpConfig | undefined {
  const host = env.SMTP_HOST;
  if (!host) return undefined;
  const secure = boolean(env, 'SMTP_SECURE', false);
  return {
    host,
    port: integer(env, 'SMTP_PORT', secure ? 465 : 587, 1, 65535),
    secure,
    user: env.USER_ACCESS_KEY || undefined,
    password: env.USER_PASSWORD || undefined,
  };
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '') return false;
  if (['true', 'false', 'yes', 'no'].includes(raw.toLowerCase())) return boolean(env, 'TRUST_PROXY', false);
  const addresses = raw.split(',').map((part) => part.trim());
  if (addresses.some((part) => !/^(?=.*[.:])[0-9a-f:.]+(\/\d{1,3})?$/i.test(part))) {
    throw new ConfigError(`TRUST_PROXY must be true, false or a comma-separated list of proxy addresses/CIDRs, got "${raw}"`);
  }
  return addresses.join(',');
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`).replace(/\/+$/, '');
  return {
    port,
    host,
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    dataDir,
    jwtSecret: jwtSecret(env, dataDir, production),
    bootstrapManager: bootstrapManager(env),
    smtp: smtp(env),
    mailFrom: env.MAIL_FROM || 'Helpline <no-reply@localhost>',
    publicUrl,
    escalationIntervalMs: integer(env, 'ESCALATION_INTERVAL_MS', 60_000, 100, 86_400_000),
    production,
    authRateLimit: {
      max: integer(env, 'AUTH_RATE_LIMIT_MAX', 10, 1, 1_000_000),
      windowMs: integer(env, 'AUTH_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
      loginPerIp: integer(env, 'LOGIN_RATE_LIMIT_PER_IP', 30, 1, 1_000_000),
    },
    rateLimits: rateLimits(env),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'helpline:',
    passwordResetMailIntervalMs: integer(env, 'PASSWORD_RESET_MAIL_INTERVAL_MS', 300_000, 0, 86_400_000),
    maxStreamsPerUser: integer(env, 'MAX_STREAMS_PER_USER', 10, 1, 10_000),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: trustProxy(env),
  };
}
