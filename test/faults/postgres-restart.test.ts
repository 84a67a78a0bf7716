import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../../src/security/sse-client.js';
import { summary, ticketLoad, type Outcome } from './support/load.js';
import { clusterUnavailable, startCluster, type Cluster } from './support/postgres.js';
import { call, callJson, loginManager, registerCustomer, sleep, startServer, type ServerProcess } from './support/server.js';

const unavailable = clusterUnavailable();

async function waitForReady(url: string, wanted: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const status = await call(url, 'GET', '/ready', { timeoutMs: 10_000 }).then((answer) => answer.status, () => 0);
    if (status === wanted) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`/ready did not answer ${wanted} within ${timeoutMs} ms (last: ${status})`);
    await sleep(100);
  }
}

describe.skipIf(unavailable !== undefined)(`PostgreSQL restarted under load${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: Cluster;
  let server: ServerProcess;

  beforeAll(async () => {
    cluster = await startCluster();
    server = await startServer({ DATABASE_URL: cluster.url, DATA_DIR: '/tmp/helpline-faults-unused' });
  }, 180_000);

  afterAll(async () => {
    server.child.kill('SIGKILL');
    await server.exit;
    await cluster.destroy();
  });

  it('answers /ready 503 while the database is down, reconnects by itself and keeps every 2xx write', { timeout: 180_000 }, async () => {
    const customer = await registerCustomer(server.url);
    const manager = await loginManager(server.url);
    const stream = await openSse(`${server.url}/api/stream?access_token=${manager.accessToken}`);
    expect(stream.status).toBe(200);

    const load = ticketLoad(server.url, customer.accessToken, { concurrency: 4 });
    await sleep(1500);
    await cluster.stop();
    const downAfter = await waitForReady(server.url, 503, 15_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; exit code ${String(server.child.exitCode)}; server output:\n${server.output().slice(-3000)}`);
    });
    // Writes keep coming while the database is away; they must fail, not pretend.
    await sleep(2000);
    await cluster.start();
    const upAfter = await waitForReady(server.url, 200, 30_000);
    await sleep(2000);
    const outcomes = await load.stop();
    const created = load.created();

    const context = `${summary(outcomes)}; /ready went 503 after ${downAfter} ms and back after ${upAfter} ms`;
    expect(created.length, context).toBeGreaterThan(10);
    const lastFailure = Math.max(0, ...outcomes.filter((outcome) => outcome.status === undefined || outcome.status >= 300).map((outcome) => outcome.at));
    expect(outcomes.some((outcome) => outcome.status === 201 && outcome.at > lastFailure), `writes succeed again after the restart: ${context}`).toBe(true);
    // A write the server answered but could not store is a 503 in the API's error shape, never a 500 or a 4xx.
    const unavailable = (outcome: Outcome) => outcome.status === 503 && (outcome.body ?? '').includes('"code":"service_unavailable"');
    expect(outcomes.every((outcome) => outcome.status === undefined || outcome.status < 300 || unavailable(outcome)), context).toBe(true);

    // Every ticket the server said it created is stored, read straight from PostgreSQL.
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const rows = await client.query<{ id: string }>('select id::text as id from tickets where id = any($1::uuid[])', [created]);
      expect(rows.rows.length, context).toBe(created.length);
      const events = await client.query<{ n: string }>(
        "select count(*) as n from tickets t where t.id = any($1::uuid[]) and not exists (select 1 from ticket_events e where e.ticket_id = t.id and e.type = 'ticket.created')",
        [created],
      );
      expect(events.rows[0]?.n, 'every stored ticket has its history').toBe('0');
    } finally {
      await client.end();
    }

    // The live stream survives too, and is woken by NOTIFY again (its only other wake-up is
    // the 15 s safety read): three changes in a row each arrive within 3 s.
    const delays: number[] = [];
    for (let round = 0; round < 3; round++) {
      const fresh = await callJson<{ id: string }>(server.url, 'POST', '/api/tickets', { token: customer.accessToken, body: { subject: 'After the restart', description: 'x' } });
      const started = Date.now();
      await stream.waitFor((event) => event.data.includes(fresh.id), 20_000);
      delays.push(Date.now() - started);
    }
    stream.close();
    expect(Math.max(...delays), `stream delivery delays after the restart: ${delays.join(', ')} ms`).toBeLessThan(3000);
  });
});
