import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import Fastify from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config, RequestBudgetName } from '../config.js';
import { openPostgres } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { testConfig } from '../test/config.js';
import { createTestDatabase, describeEachDatabase, withQueryLog, type DatabaseKind, type TestDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { tickets } from '../tickets/tickets.schema.js';
import { clientAddress } from './budgets.js';
import { rateLimitCounters } from './rate-limits.schema.js';
import { requestLimits } from './request-limits.js';

const WINDOW_MS = 60_000;

/** The test configuration with one budget tightened. */
function tight(name: RequestBudgetName, perUser: number, perIp: number): Partial<Config> {
  return { rateLimits: { ...testConfig().rateLimits, [name]: { perUser, perIp, windowMs: WINDOW_MS } } };
}

const send = (t: TestApp, user: TestUser, method: 'GET' | 'POST', url: string, remoteAddress = '127.0.0.1', body?: unknown) =>
  t.app.inject({ method, url, remoteAddress, headers: { authorization: `Bearer ${user.accessToken}` }, ...(body === undefined ? {} : { payload: body as object }) });

const openTicket = (t: TestApp, user: TestUser, remoteAddress?: string) =>
  send(t, user, 'POST', '/api/tickets', remoteAddress, { subject: 'Printer on fire', description: 'Again.' });

function expectLimited(response: LightMyRequestResponse, what: string): void {
  expect(response.statusCode, `${what}: ${response.body}`).toBe(429);
  expect(Number(response.headers['retry-after']), what).toBeGreaterThan(0);
  expect(response.json<{ error: { code: string; message: string } }>().error, what).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('try again in') });
}

/** One request of each budget, as the role that may send it, answered with its success status. */
interface Kind {
  name: RequestBudgetName | 'notificationRead';
  budget: RequestBudgetName;
  role: 'customer' | 'manager';
  ok: number;
  send(t: TestApp, user: TestUser, remoteAddress?: string): Promise<LightMyRequestResponse>;
}

const KINDS: Kind[] = [
  {
    name: 'ticketOpen',
    budget: 'ticketOpen',
    role: 'customer',
    ok: 201,
    send: openTicket,
  },
  {
    name: 'write',
    budget: 'write',
    role: 'manager',
    ok: 201,
    send: (t, user, ip) => send(t, user, 'POST', '/api/users', ip, { email: `new-${randomBytes(4).toString('hex')}@example.test`, name: 'New', role: 'agent', password: 'a long and unusual passphrase' }),
  },
  { name: 'notificationRead', budget: 'write', role: 'customer', ok: 204, send: (t, user, ip) => send(t, user, 'POST', '/api/notifications/read-all', ip) },
  { name: 'search', budget: 'search', role: 'customer', ok: 200, send: (t, user, ip) => send(t, user, 'GET', '/api/tickets?q=printer', ip) },
  { name: 'report', budget: 'report', role: 'manager', ok: 200, send: (t, user, ip) => send(t, user, 'GET', '/api/reports/summary?format=csv', ip) },
];

const ticketCount = async (t: TestApp) => (await t.database.db.select({ n: count() }).from(tickets))[0]?.n ?? 0;

describe('the address a client is counted by', () => {
  it('is an IPv4 address as it is, and an IPv6 address by its /64', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddress('::1')).toBe('0:0:0:0::/64');
    expect(clientAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describeEachDatabase('request budgets', (kind) => {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });
  const start = async (config: Partial<Config>, database?: TestDatabase): Promise<TestApp> => {
    const t = await createTestApp(kind, config, database ? { database } : {});
    open.push(database ? () => t.app.close() : () => t.close());
    return t;
  };

  for (const k of KINDS) {
    it(`${k.name}: refuses the request after the user's budget with 429 and Retry-After, spares other users, and allows again after the window`, async () => {
      const t = await start(tight(k.budget, 2, 1000));
      const user = await createUser(t, { role: k.role });
      const other = await createUser(t, { role: k.role });
      expect([(await k.send(t, user)).statusCode, (await k.send(t, user)).statusCode]).toEqual([k.ok, k.ok]);
      const before = await ticketCount(t);
      expectLimited(await k.send(t, user), `${k.name}, third`);
      expect(await ticketCount(t), 'a refused request creates nothing').toBe(before);
      expect((await k.send(t, other)).statusCode, 'another user').toBe(k.ok);
      t.clock.advance(WINDOW_MS);
      expect((await k.send(t, user)).statusCode, 'after the window').toBe(k.ok);
    });
  }

  it('counts one client address across users', async () => {
    const t = await start(tight('ticketOpen', 1000, 2));
    const [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
    expect((await openTicket(t, a, '203.0.113.7')).statusCode).toBe(201);
    expect((await openTicket(t, b, '203.0.113.7')).statusCode).toBe(201);
    expectLimited(await openTicket(t, c, '203.0.113.7'), 'a third user from the same address');
    expect((await openTicket(t, c, '198.51.100.8')).statusCode, 'the same user from elsewhere').toBe(201);
    expect((await openTicket(t, a, '2001:db8:1:2::1')).statusCode).toBe(201);
    expect((await openTicket(t, b, '2001:db8:1:2:ffff:1:2:3')).statusCode).toBe(201);
    expectLimited(await openTicket(t, c, '2001:0db8:0001:0002::abcd'), 'another address of the same IPv6 /64');
  });

  it('keeps budgets apart: opening tickets does not spend the write budget, a listing without a query no search budget', async () => {
    const t = await start({ rateLimits: { ...testConfig().rateLimits, ticketOpen: { perUser: 1, perIp: 1000, windowMs: WINDOW_MS }, search: { perUser: 1, perIp: 1000, windowMs: WINDOW_MS } } });
    const customer = await createUser(t);
    const created = await send(t, customer, 'POST', '/api/tickets', undefined, { subject: 'One', description: 'Only one.' });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    for (let i = 0; i < 3; i++) {
      expect((await send(t, customer, 'POST', `/api/tickets/${id}/messages`, undefined, { body: `Reply ${i}` })).statusCode).toBe(201);
      expect((await send(t, customer, 'GET', '/api/tickets')).statusCode).toBe(200);
    }
    expect((await send(t, customer, 'GET', '/api/tickets?q=one')).statusCode).toBe(200);
    expectLimited(await send(t, customer, 'GET', '/api/tickets?q=one'), 'second search');
  });

  it('checks the user and the address in one statement per request', async () => {
    const log: string[] = [];
    const t = await start({}, withQueryLog(kind, await createTestDatabase(kind), log));
    open.push(() => t.database.close());
    const customer = await createUser(t);
    log.length = 0;
    expect((await send(t, customer, 'POST', '/api/tickets', undefined, { subject: 'Counted', description: 'Once.' })).statusCode).toBe(201);
    const counting = log.filter((query) => query.includes('rate_limit_counters'));
    expect(counting).toHaveLength(1);
    const rows = await t.database.db.select().from(rateLimitCounters);
    expect(rows.map((row) => row.key).sort()).toEqual([`ticketOpen:ip:127.0.0.1`, `ticketOpen:user:${customer.user.id}`]);
  });

  it('shares the counts between two app instances on the same database', async () => {
    const config = tight('ticketOpen', 3, 1000);
    const first = await start(config);
    const url = first.database.url;
    // On PostgreSQL the second instance has its own pool, as a second process would.
    const database = kind === 'postgres' && url ? { ...(await openPostgres(url, 2)), url } : first.database;
    if (database !== first.database) open.push(() => database.close());
    const second = await start(config, database);
    const customer = await createUser(first);
    expect((await openTicket(first, customer)).statusCode).toBe(201);
    expect((await openTicket(second, customer)).statusCode).toBe(201);
    expect((await openTicket(first, customer)).statusCode).toBe(201);
    expectLimited(await openTicket(second, customer), 'the fourth, on the other instance');
    expectLimited(await openTicket(first, customer), 'the fifth, on the first');
  });

  it('sweeps expired counts as it counts new ones', async () => {
    const t = await start(tight('ticketOpen', 100, 1000));
    const [gone, current] = [await createUser(t), await createUser(t)];
    expect((await openTicket(t, gone, '203.0.113.1')).statusCode).toBe(201);
    t.clock.advance(2 * WINDOW_MS);
    expect((await openTicket(t, current, '198.51.100.2')).statusCode).toBe(201);
    const keys = (await t.database.db.select().from(rateLimitCounters)).map((row) => row.key);
    expect(keys.sort()).toEqual(['ticketOpen:ip:198.51.100.2', `ticketOpen:user:${current.user.id}`]);
  });

  it('keeps counting through a clock set back: the hits stay, the window is never longer than its length', async () => {
    const t = await start(tight('ticketOpen', 2, 1000));
    const customer = await createUser(t);
    expect((await openTicket(t, customer)).statusCode).toBe(201);
    t.clock.advance(-60 * 24 * 60 * 60 * 1000);
    expect((await openTicket(t, customer)).statusCode).toBe(201);
    const refused = await openTicket(t, customer);
    expectLimited(refused, 'the third, after the clock went back 60 days');
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_MS / 1000);
    t.clock.advance(WINDOW_MS);
    expect((await openTicket(t, customer)).statusCode, 'after one window').toBe(201);
  });

  it('refuses at start a limited route that does not document its 429', async () => {
    const t = await start({});
    const app = Fastify();
    await app.register(requestLimits, { ctx: t.ctx });
    await expect(
      (async () => {
        app.post('/api/undocumented', { schema: { response: { 204: { type: 'null' } } } }, () => null);
        await app.ready();
      })(),
    ).rejects.toThrow(/rateLimitedResponses/);
    await app.close();
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
const describeWithRedis = (name: string, suite: (url: string) => void) =>
  redisUrl ? describe(name, () => suite(redisUrl)) : describe.skip(`${name} (skipped: TEST_REDIS_URL not set)`, () => suite(''));

describeWithRedis('request budgets in Redis', (url) => {
  const kind: DatabaseKind = 'pglite';
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });

  it('shares the counts between two app instances through Redis, and keeps none in the database', async () => {
    // A prefix of its own, so runs and tests sharing the Redis never count each other's requests.
    const config = { ...tight('ticketOpen', 2, 1000), redisUrl: url, redisKeyPrefix: `helpline-test:${randomBytes(6).toString('hex')}:` };
    const first = await createTestApp(kind, config);
    open.push(() => first.close());
    const second = await createTestApp(kind, config, { database: first.database });
    open.push(() => second.app.close());
    const customer = await createUser(first);
    expect((await openTicket(first, customer)).statusCode).toBe(201);
    expect((await openTicket(second, customer)).statusCode).toBe(201);
    expectLimited(await openTicket(first, customer), 'the third, counted across instances');
    expect(Number((await openTicket(second, customer)).headers['retry-after'])).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(await first.database.db.select().from(rateLimitCounters)).toEqual([]);
  });

  it('limits login per email and address through Redis, and lets the owner in from elsewhere', async () => {
    const config = { authRateLimit: { max: 2, windowMs: WINDOW_MS, loginPerIp: 100 }, redisUrl: url, redisKeyPrefix: `helpline-test:${randomBytes(6).toString('hex')}:` };
    const t = await createTestApp(kind, config);
    open.push(() => t.close());
    const { user, password } = await createUser(t);
    const login = (pass: string, remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: user.email, password: pass } });
    expect([(await login('wrong one', '203.0.113.1')).statusCode, (await login('wrong two', '203.0.113.1')).statusCode]).toEqual([401, 401]);
    expectLimited(await login(password, '203.0.113.1'), 'the attacking address');
    expect((await login(password, '198.51.100.1')).statusCode, 'the owner elsewhere').toBe(200);
  });
});
