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
  /** At most one verification mail per account in this time (and a few a day), asked for by its owner. */
  emailVerificationMailIntervalMs: number;
  /** Open SSE connections one user may hold at once. */
  maxStreamsPerUser: number;
  /**
   * The most a reconnecting stream is replayed: past either bound the client gets one
   * `reset` event instead of the rest and reloads, since a busy week is megabytes a client
   * could ask for again and again.
   */
  streamReplay: { maxEvents: number; maxBytes: number };
  logLevel: string;
  /** The embedded desk backs itself up into DATA_DIR/backups this often (0: never), keeping the newest `keep`. */
  backups: { intervalMs: number; keep: number };
  /**
   * Which hops' X-Forwarded-For to believe for the client address (Fastify's `trustProxy`):
   * off by default, because a client could otherwise name any address and slip every
   * per-address limit.
   */
  trustProxy: boolean | string;
  attachments: AttachmentsConfig;
  inbound: InboundConfig;
}

/** An IMAP mailbox as `IMAP_URL` names it: `imap[s]://user:pass@host:port/FOLDER`. */
export interface ImapMailboxConfig {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  folder: string;
}

export interface InboundConfig {
  /** The mailbox `IMAP_URL` names, polled besides those managers add. */
  imap: ImapMailboxConfig | undefined;
  /**
   * The desk's support address, e.g. support@example.com: mails about a ticket answer to
   * `support+<signed token>@example.com`. Defaults to IMAP_URL's user when that is an address.
   */
  replyAddress: string | undefined;
  /** Whether the mailbox receives `local+anything@` (Gmail, Office 365, most servers do). */
  plusAddressing: boolean;
  /** A larger mail is recorded as failed (`too_large`) and never downloaded. */
  maxBytes: number;
  /** Mails from one sender that may open tickets in any hour; the rest are held for a manager. */
  ticketsPerSenderPerHour: number;
  /** How often a mailbox without IMAP IDLE is asked for new mail (and a check even with IDLE). */
  pollIntervalMs: number;
}

/** An S3-compatible object store for attachments' bytes (otherwise they live in the database). */
export interface S3Config {
  bucket: string;
  region: string;
  /** For stores other than AWS (MinIO, Ceph, …): their URL; path-style addressing is then used. */
  endpoint: string | undefined;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

export interface AttachmentsConfig {
  maxFileBytes: number;
  maxFilesPerMessage: number;
  /** Uploads one user may make in any hour. */
  uploadsPerHour: number;
  /** An upload no ticket or message took is removed after this long. */
  unusedTtlMs: number;
  cleanupIntervalMs: number;
  s3: S3Config | undefined;
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

function s3(env: Env): S3Config | undefined {
  const bucket = env.ATTACHMENTS_S3_BUCKET;
  if (!bucket) return undefined;
  const endpoint = url(env, 'ATTACHMENTS_S3_ENDPOINT', ['http:', 'https:']);
  return {
    bucket,
    region: env.ATTACHMENTS_S3_REGION || 'us-east-1',
    endpoint,
    accessKeyId: env.ATTACHMENTS_S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.ATTACHMENTS_S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: boolean(env, 'ATTACHMENTS_S3_FORCE_PATH_STYLE', endpoint !== undefined),
  };
}

const MIB = 1024 * 1024;

function imapMailbox(env: Env): ImapMailboxConfig | undefined {
  const raw = url(env, 'IMAP_URL', ['imap:', 'imaps:']);
  if (raw === undefined) return undefined;
  const parsed = new URL(raw);
  if (!parsed.hostname || !parsed.username) throw new ConfigError('IMAP_URL must name a user and a host: imaps://user:pass@host:993/INBOX');
  const tls = parsed.protocol === 'imaps:';
  const folder = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'INBOX';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : tls ? 993 : 143,
    tls,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    folder,
  };
}

function inbound(env: Env): InboundConfig {
  const imap = imapMailbox(env);
  const replyAddress = env.MAIL_REPLY_ADDRESS || (imap && isEmailAddress(imap.user) ? imap.user : undefined);
  if (replyAddress !== undefined && !isEmailAddress(replyAddress)) throw new ConfigError('MAIL_REPLY_ADDRESS must be an email address');
  return {
    imap,
    replyAddress,
    plusAddressing: boolean(env, 'MAIL_PLUS_ADDRESSING', true),
    maxBytes: integer(env, 'INBOUND_MAX_BYTES', 25 * MIB, 1024, 1024 * MIB),
    ticketsPerSenderPerHour: integer(env, 'INBOUND_TICKETS_PER_SENDER_PER_HOUR', 20, 1, 1_000_000),
    pollIntervalMs: integer(env, 'INBOUND_POLL_INTERVAL_MS', 60_000, 100, 86_400_000),
  };
}

function attachments(env: Env): AttachmentsConfig {
  return {
    maxFileBytes: integer(env, 'ATTACHMENTS_MAX_FILE_BYTES', 25 * MIB, 1, 1024 * MIB),
    // 50 is the most the request schemas take.
    maxFilesPerMessage: integer(env, 'ATTACHMENTS_MAX_FILES_PER_MESSAGE', 10, 1, 50),
    uploadsPerHour: integer(env, 'ATTACHMENTS_UPLOADS_PER_HOUR', 100, 1, 1_000_000),
    unusedTtlMs: integer(env, 'ATTACHMENTS_UNUSED_TTL_MS', 86_400_000, 60_000, 30 * 86_400_000),
    cleanupIntervalMs: integer(env, 'ATTACHMENTS_CLEANUP_INTERVAL_MS', 600_000, 100, 86_400_000),
    s3: s3(env),
  };
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
    emailVerificationMailIntervalMs: integer(env, 'EMAIL_VERIFICATION_MAIL_INTERVAL_MS', 300_000, 0, 86_400_000),
    maxStreamsPerUser: integer(env, 'MAX_STREAMS_PER_USER', 10, 1, 10_000),
    streamReplay: {
      maxEvents: integer(env, 'STREAM_REPLAY_MAX_EVENTS', 500, 1, 1_000_000),
      maxBytes: integer(env, 'STREAM_REPLAY_MAX_BYTES', 512 * 1024, 1024, 1024 ** 3),
    },
    logLevel: env.LOG_LEVEL || 'info',
    backups: {
      intervalMs: integer(env, 'BACKUP_INTERVAL_HOURS', 24, 0, 8760) * 3_600_000,
      keep: integer(env, 'BACKUP_KEEP', 7, 1, 1000),
    },
    trustProxy: trustProxy(env),
    attachments: attachments(env),
    inbound: inbound(env),
  };
}
