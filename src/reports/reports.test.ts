import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, callJson, openTicketAt, patchAt, replyAt, setClock } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';

/**
 * Fixture with known timestamps (UTC, default SLA policies, no business calendar). For the
 * range 4–5 March 2024:
 *
 * | ticket | created      | first staff reply      | final resolution         | notes                                  |
 * | T6     | 1 Mar 09:00  | 1 Mar 09:30 (outside)  | 4 Mar 10:00, 4380 min, late (A) | created before the range       |
 * | T1     | 4 Mar 10:00  | 10:30 by A, 30 min, met | 4 Mar 12:00, 120 min, met (A) |                                  |
 * | T2     | 4 Mar 11:00  | 16:00 by B, 300 min, late | 5 Mar 13:00, 1560 min, late (B) | resolved, reopened, resolved |
 * | T3     | 5 Mar 09:00  | 09:10 by M, 10 min, met | 5 Mar 10:00, 60 min, met (A) | urgent, then closed                 |
 * | T4     | 5 Mar 10:00  | none                   | none                      | escalated: backlog                     |
 * | T5     | 5 Mar 12:00  | none                   | none (resolved, reopened) | backlog                                |
 */
interface Fixture {
  ada: TestUser;
  ben: TestUser;
  mia: TestUser;
}

/** The desk every report test works with: a customer, two agents and a manager. */
async function createDesk(t: TestApp): Promise<Fixture & { cora: TestUser }> {
  return {
    cora: await createUser(t, { role: 'customer', name: 'Cora Customer' }),
    ada: await createUser(t, { role: 'agent', name: 'Ada Agent' }),
    ben: await createUser(t, { role: 'agent', name: 'Ben Agent' }),
    mia: await createUser(t, { role: 'manager', name: 'Mia Manager' }),
  };
}

async function buildFixture(t: TestApp): Promise<Fixture> {
  const { cora, ada, ben, mia } = await createDesk(t);

  const t6 = await openTicketAt(t, cora, '2024-03-01T09:00:00Z');
  await patchAt(t, mia, '2024-03-01T09:00:00Z', t6.id, { assigneeId: ada.user.id });
  await replyAt(t, ada, '2024-03-01T09:30:00Z', t6.id);

  const t1 = await openTicketAt(t, cora, '2024-03-04T10:00:00Z');
  await patchAt(t, ada, '2024-03-04T10:00:00Z', t6.id, { status: 'resolved' });
  await patchAt(t, mia, '2024-03-04T10:05:00Z', t1.id, { assigneeId: ada.user.id });
  await replyAt(t, ada, '2024-03-04T10:30:00Z', t1.id);
  const t2 = await openTicketAt(t, cora, '2024-03-04T11:00:00Z');
  await patchAt(t, mia, '2024-03-04T11:00:00Z', t2.id, { assigneeId: ben.user.id });
  await replyAt(t, ben, '2024-03-04T11:10:00Z', t2.id, true); // an internal note is no response
  await replyAt(t, cora, '2024-03-04T11:20:00Z', t2.id); // nor is the customer's own message
  await patchAt(t, ada, '2024-03-04T12:00:00Z', t1.id, { status: 'resolved' });
  await replyAt(t, ben, '2024-03-04T16:00:00Z', t2.id);
  await patchAt(t, ben, '2024-03-04T20:00:00Z', t2.id, { status: 'resolved' });

  await patchAt(t, cora, '2024-03-05T09:00:00Z', t2.id, { status: 'open' });
  const t3 = await openTicketAt(t, mia, '2024-03-05T09:00:00Z', { priority: 'urgent', requesterId: cora.user.id });
  await patchAt(t, mia, '2024-03-05T09:00:00Z', t3.id, { assigneeId: ada.user.id });
  await replyAt(t, mia, '2024-03-05T09:10:00Z', t3.id);
  const t4 = await openTicketAt(t, cora, '2024-03-05T10:00:00Z');
  await patchAt(t, ada, '2024-03-05T10:00:00Z', t3.id, { status: 'resolved' });
  await patchAt(t, cora, '2024-03-05T11:00:00Z', t3.id, { status: 'closed' });
  const t5 = await openTicketAt(t, cora, '2024-03-05T12:00:00Z');
  await patchAt(t, mia, '2024-03-05T12:00:00Z', t5.id, { assigneeId: ada.user.id });
  await patchAt(t, ada, '2024-03-05T12:30:00Z', t5.id, { status: 'resolved' });
  await patchAt(t, cora, '2024-03-05T13:00:00Z', t5.id, { status: 'open' });
  await patchAt(t, ben, '2024-03-05T13:00:00Z', t2.id, { status: 'resolved' });
  await patchAt(t, mia, '2024-03-05T15:00:00Z', t4.id, { status: 'escalated' });

  setClock(t, '2024-03-06T12:00:00Z');
  return { ada, ben, mia };
}

const RANGE = 'from=2024-03-04&to=2024-03-05';

/** The fixture's cells hold no commas or quotes, so splitting is exact here. */
const csvRows = (text: string): string[][] => {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => line.split(','));
};

describeEachDatabase('reports', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  describe('on the fixture', () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await buildFixture(t);
    });

    it('summarises the range with exact numbers, in JSON and CSV', async () => {
      expect(await callJson(t, f.mia, 'GET', `/api/reports/summary?${RANGE}`)).toEqual({
        created: 5,
        resolved: 4,
        backlog: 2,
        escalated: 1,
        // 10, 30, 300 minutes.
        firstResponseMinutes: { avg: 113.33, median: 30, p90: 246 },
        // 60, 120, 1560, 4380 minutes.
        resolutionMinutes: { avg: 1530, median: 840, p90: 3534 },
        slaFirstResponseMet: 2 / 3,
        slaResolutionMet: 0.5,
      });

      const response = await call(t, f.mia, 'GET', `/api/reports/summary?${RANGE}&format=csv`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csvRows(response.body)).toEqual([
        [
          'created',
          'resolved',
          'backlog',
          'escalated',
          'firstResponseMinutesAvg',
          'firstResponseMinutesMedian',
          'firstResponseMinutesP90',
          'resolutionMinutesAvg',
          'resolutionMinutesMedian',
          'resolutionMinutesP90',
          'slaFirstResponseMet',
          'slaResolutionMet',
        ],
        ['5', '4', '2', '1', '113.33', '30', '246', '1530', '840', '3534', String(2 / 3), '0.5'],
      ]);
    });

    it('breaks the same tickets down per agent, in JSON and CSV, agreeing with the summary', async () => {
      const agents = await callJson<{ items: { resolved: number }[] }>(t, f.mia, 'GET', `/api/reports/agents?${RANGE}`);
      expect(agents).toEqual({
        items: [
          {
            agentId: f.ada.user.id,
            name: 'Ada Agent',
            assigned: 3,
            resolved: 3,
            firstResponseMinutes: { median: 30 },
            resolutionMinutes: { median: 120 },
          },
          {
            agentId: f.ben.user.id,
            name: 'Ben Agent',
            assigned: 1,
            resolved: 1,
            firstResponseMinutes: { median: 300 },
            resolutionMinutes: { median: 1560 },
          },
          {
            agentId: f.mia.user.id,
            name: 'Mia Manager',
            assigned: 0,
            resolved: 0,
            firstResponseMinutes: { median: 10 },
            resolutionMinutes: { median: null },
          },
        ],
      });
      const summary = await callJson<{ resolved: number }>(t, f.mia, 'GET', `/api/reports/summary?${RANGE}`);
      expect(agents.items.reduce((sum, agent) => sum + agent.resolved, 0)).toBe(summary.resolved);

      const response = await call(t, f.mia, 'GET', `/api/reports/agents?${RANGE}&format=csv`);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csvRows(response.body)).toEqual([
        ['agentId', 'name', 'assigned', 'resolved', 'firstResponseMinutesMedian', 'resolutionMinutesMedian'],
        [f.ada.user.id, 'Ada Agent', '3', '3', '30', '120'],
        [f.ben.user.id, 'Ben Agent', '1', '1', '300', '1560'],
        [f.mia.user.id, 'Mia Manager', '0', '0', '10', ''],
      ]);
    });

    it('gives the daily series and the distribution of the same resolutions', async () => {
      expect(await callJson(t, f.mia, 'GET', `/api/reports/daily?${RANGE}`)).toEqual({
        items: [
          { date: '2024-03-04', created: 2, resolved: 2 },
          { date: '2024-03-05', created: 3, resolved: 2 },
        ],
      });
      expect(await callJson(t, f.mia, 'GET', `/api/reports/resolution-distribution?${RANGE}`)).toEqual({
        buckets: [
          { label: '<1h', count: 0 },
          { label: '1-4h', count: 2 },
          { label: '4-24h', count: 0 },
          { label: '1-3d', count: 1 },
          { label: '>3d', count: 1 },
        ],
      });
    });

    it('takes timestamps as bounds, the end exclusive, and defaults to the last 30 days', async () => {
      const window = await callJson<{ created: number; resolved: number }>(
        t,
        f.mia,
        'GET',
        '/api/reports/summary?from=2024-03-04T10:00:00Z&to=2024-03-04T12:00:00%2B00:00',
      );
      // T1 and T2 were created; T6's final resolution (10:00) is inside, T1's (12:00) is not.
      expect([window.created, window.resolved]).toEqual([2, 1]);
      const recent = await callJson<{ created: number; resolved: number }>(t, f.mia, 'GET', '/api/reports/summary');
      expect([recent.created, recent.resolved]).toEqual([6, 4]);
      const daily = await callJson<{ items: { date: string }[] }>(t, f.mia, 'GET', '/api/reports/daily');
      expect(daily.items).toHaveLength(30);
      // The clock stands at 6 March: 30 whole days, today included.
      expect([daily.items[0]?.date, daily.items.at(-1)?.date]).toEqual(['2024-02-06', '2024-03-06']);
    });
    it('counts the backlog at a past end from the status each ticket had then', async () => {
      // At 12:15 on 5 March T2 (resolved now), T4 (escalated now) and T5 (open now) were open.
      const before = await callJson<{ backlog: number }>(t, f.mia, 'GET', '/api/reports/summary?from=2024-03-05T00:00:00Z&to=2024-03-05T12:15:00Z');
      expect(before.backlog).toBe(3);
      // At 12:45 T5 stood resolved; it was reopened at 13:00.
      const during = await callJson<{ backlog: number }>(t, f.mia, 'GET', '/api/reports/summary?from=2024-03-05T00:00:00Z&to=2024-03-05T12:45:00Z');
      expect(during.backlog).toBe(2);
      // At 11:30 on 4 March: T1 and T2, both resolved since; T6 was resolved at 10:00.
      const early = await callJson<{ backlog: number }>(t, f.mia, 'GET', '/api/reports/summary?from=2024-03-01&to=2024-03-04T11:30:00Z');
      expect(early.backlog).toBe(2);
    });
  });

  it('credits a resolution to the assignee when it was resolved, and drops one a reopen undid', async () => {
    const { cora, ada, ben, mia } = await createDesk(t);

    // Resolved by Ada's assignment, handed to Ben afterwards.
    const handedOn = await openTicketAt(t, cora, '2024-03-04T09:00:00Z');
    await patchAt(t, mia, '2024-03-04T09:00:00Z', handedOn.id, { assigneeId: ada.user.id });
    await patchAt(t, ada, '2024-03-04T10:00:00Z', handedOn.id, { status: 'resolved' });
    await patchAt(t, mia, '2024-03-04T11:00:00Z', handedOn.id, { assigneeId: ben.user.id });
    // Resolved and reassigned in one PATCH: the history has the resolution first.
    const atOnce = await openTicketAt(t, cora, '2024-03-04T09:00:00Z');
    await patchAt(t, mia, '2024-03-04T09:00:00Z', atOnce.id, { assigneeId: ada.user.id });
    await patchAt(t, mia, '2024-03-04T12:00:00Z', atOnce.id, { status: 'resolved', assigneeId: ben.user.id });
    // Resolved by Ben, reopened after the range, then resolved again by Ada.
    const reopened = await openTicketAt(t, cora, '2024-03-04T09:00:00Z');
    await patchAt(t, mia, '2024-03-04T09:00:00Z', reopened.id, { assigneeId: ben.user.id });
    await patchAt(t, ben, '2024-03-04T13:00:00Z', reopened.id, { status: 'resolved' });
    await patchAt(t, cora, '2024-03-06T09:00:00Z', reopened.id, { status: 'open' });
    await patchAt(t, mia, '2024-03-06T10:00:00Z', reopened.id, { assigneeId: ada.user.id });
    await patchAt(t, ada, '2024-03-07T10:00:00Z', reopened.id, { status: 'resolved' });

    const resolvedBy = async (range: string) => {
      const agents = await callJson<{ items: { name: string; resolved: number }[] }>(t, mia, 'GET', `/api/reports/agents?${range}`);
      return Object.fromEntries(agents.items.map((agent) => [agent.name, agent.resolved]));
    };
    const summary = await callJson<{ resolved: number; backlog: number }>(t, mia, 'GET', '/api/reports/summary?from=2024-03-04&to=2024-03-04');
    expect(summary).toMatchObject({ resolved: 2, backlog: 0 });
    expect(await resolvedBy('from=2024-03-04&to=2024-03-04')).toEqual({ 'Ada Agent': 2, 'Ben Agent': 0, 'Mia Manager': 0 });
    expect(await resolvedBy('from=2024-03-07&to=2024-03-07')).toEqual({ 'Ada Agent': 1, 'Ben Agent': 0, 'Mia Manager': 0 });
  });

  it('answers an empty range with zeros and nulls', async () => {
    const mia = await createUser(t, { role: 'manager', name: 'Mia Manager' });
    await openTicketAt(t, mia, '2024-03-04T10:00:00Z');
    const empty = 'from=2023-01-01&to=2023-01-31';
    expect(await callJson(t, mia, 'GET', `/api/reports/summary?${empty}`)).toEqual({
      created: 0,
      resolved: 0,
      backlog: 0,
      escalated: 0,
      firstResponseMinutes: { avg: null, median: null, p90: null },
      resolutionMinutes: { avg: null, median: null, p90: null },
      slaFirstResponseMet: null,
      slaResolutionMet: null,
    });
    expect(await callJson(t, mia, 'GET', `/api/reports/agents?${empty}`)).toEqual({
      items: [
        { agentId: mia.user.id, name: 'Mia Manager', assigned: 0, resolved: 0, firstResponseMinutes: { median: null }, resolutionMinutes: { median: null } },
      ],
    });
    const daily = await callJson<{ items: { created: number; resolved: number }[] }>(t, mia, 'GET', `/api/reports/daily?${empty}`);
    expect(daily.items).toHaveLength(31);
    expect(daily.items.every((day) => day.created === 0 && day.resolved === 0)).toBe(true);
    const distribution = await callJson<{ buckets: { count: number }[] }>(t, mia, 'GET', `/api/reports/resolution-distribution?${empty}`);
    expect(distribution.buckets.map((bucket) => bucket.count)).toEqual([0, 0, 0, 0, 0]);
    const csv = await call(t, mia, 'GET', `/api/reports/summary?${empty}&format=csv`);
    expect(csvRows(csv.body)[1]).toEqual(['0', '0', '0', '0', '', '', '', '', '', '', '', '']);
    // A zero-length range is empty, not an error.
    const instant = await callJson<{ created: number }>(t, mia, 'GET', '/api/reports/summary?from=2024-03-04T10:00:00Z&to=2024-03-04T10:00:00Z');
    expect(instant.created).toBe(0);
  });

  it.each([
    ['from=yesterday', 'summary'],
    ['from=2024-02-30', 'summary'],
    ['to=2024-03-04T10:00', 'agents'],
    ['from=2024-03-05&to=2024-03-04', 'summary'],
    ['from=2024-03-04T12:00:00Z&to=2024-03-04T11:00:00Z', 'daily'],
    ['from=2000-01-01&to=2024-01-01', 'summary'],
    ['from=2020-01-01&to=2024-01-01', 'daily'],
    ['format=xml', 'summary'],
    ['format=csv', 'daily'],
    ['team=blue', 'resolution-distribution'],
  ])('refuses ?%s on %s with 400', async (query, report) => {
    const mia = await createUser(t, { role: 'manager' });
    const response = await call(t, mia, 'GET', `/api/reports/${report}?${query}`);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toMatch(/^(invalid_input|invalid_range|range_too_long)$/);
  });

  it('is for reports.read holders only', async () => {
    const agent = await createUser(t, { role: 'agent' });
    const customer = await createUser(t, { role: 'customer' });
    for (const report of ['summary', 'agents', 'daily', 'resolution-distribution']) {
      expect((await t.request({ method: 'GET', url: `/api/reports/${report}` })).statusCode).toBe(401);
      for (const user of [agent, customer]) {
        const response = await call(t, user, 'GET', `/api/reports/${report}`);
        expect(response.statusCode, `${report} as ${user.user.role}`).toBe(403);
      }
    }
    expect((await call(t, agent, 'GET', '/api/reports/summary?format=csv')).statusCode).toBe(403);
  });
});
