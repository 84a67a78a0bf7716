import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { createTestDatabase, describeOnPostgres } from '../test/databases.js';
import { createUser } from '../test/factories.js';

describeOnPostgres('a database out of connections', () => {
  let t: TestApp;
  let locker: pg.Client;
  afterEach(async () => {
    await locker.end().catch(() => undefined);
    await t.close();
  });

  it('answers 503 with Retry-After in the error shape while no connection frees up, and serves again once one does', async () => {
    t = await createTestApp('postgres', {}, { database: await createTestDatabase('postgres', 1) });
    const agent = await createUser(t, { role: 'agent' });
    locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
    // Another session holds the users table, so the request that loads the caller keeps the only pooled connection.
    await locker.query('begin');
    await locker.query('lock table users in access exclusive mode');
    const stuck = t.request({ method: 'GET', url: '/api/tickets', token: agent.accessToken });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const refused = await t.request({ method: 'GET', url: '/api/tickets', token: agent.accessToken });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });

    await locker.query('commit');
    expect((await stuck).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/tickets', token: agent.accessToken })).statusCode).toBe(200);
  });
});
