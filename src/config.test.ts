import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'helpline-config-'));

describe('configuration', () => {
  it('has the defaults of API.md', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      databasePoolSize: 10,
      smtp: undefined,
      mailFrom: 'Helpline <no-reply@localhost>',
      publicUrl: 'http://127.0.0.1:3000',
      escalationIntervalMs: 60_000,
      trustProxy: false,
      streamReplay: { maxEvents: 500, maxBytes: 512 * 1024 },
    });
  });

  it.each([
    ['true', true],
    ['no', false],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8,127.0.0.1'],
  ])('reads TRUST_PROXY=%s', (raw, expected) => {
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it('keeps a generated JWT secret in DATA_DIR across starts, readable by its own user only', () => {
    const dir = path.join(dataDir(), 'data');
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toEqual(loadConfig({ DATA_DIR: dir }).jwtSecret);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(path.join(dir, 'jwt-secret')).mode & 0o777).toString(8)).toBe('600');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ SMTP_HOST: 'mail', SMTP_PORT: 'x' }, 'SMTP_PORT'],
    [{ SMTP_HOST: 'mail', SMTP_SECURE: 'maybe' }, 'SMTP_SECURE'],
    [{ ESCALATION_INTERVAL_MS: '-5' }, 'ESCALATION_INTERVAL_MS'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ BOOTSTRAP_MANAGER_EMAIL: 'boss@example.test' }, 'BOOTSTRAP_MANAGER_PASSWORD'],
    [{ TRUST_PROXY: 'proxy.example.test' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '1' }, 'TRUST_PROXY'],
    [{ STREAM_REPLAY_MAX_EVENTS: '0' }, 'STREAM_REPLAY_MAX_EVENTS'],
    [{ STREAM_REPLAY_MAX_BYTES: '100' }, 'STREAM_REPLAY_MAX_BYTES'],
    [{ TICKET_OPEN_RATE_LIMIT_PER_USER: '0' }, 'TICKET_OPEN_RATE_LIMIT_PER_USER'],
    [{ WRITE_RATE_LIMIT_WINDOW_MS: '10' }, 'WRITE_RATE_LIMIT_WINDOW_MS'],
    [{ SEARCH_RATE_LIMIT_PER_IP: 'many' }, 'SEARCH_RATE_LIMIT_PER_IP'],
    [{ LOGIN_RATE_LIMIT_PER_IP: '0' }, 'LOGIN_RATE_LIMIT_PER_IP'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(variable);
  });

  it('reads the request budgets and where they are counted', () => {
    const defaults = loadConfig({ DATA_DIR: dataDir() });
    expect(defaults.rateLimits.ticketOpen).toEqual({ perUser: 20, perIp: 200, windowMs: 600_000 });
    expect([defaults.redisUrl, defaults.redisKeyPrefix]).toEqual([undefined, 'helpline:']);
    const config = loadConfig({
      DATA_DIR: dataDir(),
      REPORT_RATE_LIMIT_PER_USER: '5',
      REPORT_RATE_LIMIT_PER_IP: '50',
      REPORT_RATE_LIMIT_WINDOW_MS: '30000',
      REDIS_URL: 'redis://cache:6379/2',
      REDIS_KEY_PREFIX: 'desk-a:',
    });
    expect(config.rateLimits.report).toEqual({ perUser: 5, perIp: 50, windowMs: 30_000 });
    expect([config.redisUrl, config.redisKeyPrefix]).toEqual(['redis://cache:6379/2', 'desk-a:']);
  });

  it('reads SMTP settings with credentials', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      SMTP_HOST: 'smtp.example.test',
      SMTP_SECURE: 'true',
      USER_ACCESS_KEY: 'key',
      USER_PASSWORD: 'secret',
    });
    expect(config.smtp).toEqual({ host: 'smtp.example.test', port: 465, secure: true, user: 'key', password: 'secret' });
  });

  it('reads IMAP_URL into a mailbox, its user becoming the reply address', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), IMAP_URL: 'imaps://support%40example.test:p%40ss%20word@imap.example.test/Support%20Desk' });
    expect(config.inbound).toMatchObject({
      imap: { host: 'imap.example.test', port: 993, tls: true, user: 'support@example.test', password: 'p@ss word', folder: 'Support Desk' },
      replyAddress: 'support@example.test',
      plusAddressing: true,
      maxBytes: 25 * 1024 * 1024,
      ticketsPerSenderPerHour: 20,
    });
    expect(loadConfig({ DATA_DIR: dataDir(), IMAP_URL: 'imap://u:p@host' }).inbound.imap).toMatchObject({ port: 143, tls: false, folder: 'INBOX' });
    expect(() => loadConfig({ DATA_DIR: dataDir(), IMAP_URL: 'https://u:p@host' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), IMAP_URL: 'imaps://host' })).toThrow(/IMAP_URL must name a user/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), MAIL_REPLY_ADDRESS: 'not an address' })).toThrow(/MAIL_REPLY_ADDRESS/);
  });
});
