import { afterEach, beforeEach, expect, it } from 'vitest';
import { call, callJson, openTicketAt, patchAt, setClock } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';

/**
 * Tickets on both sides of Berlin's local midnights, around the switch to summer time on
 * 29 March 2026 (02:00 CET → 03:00 CEST, so that day has 23 hours: 28 Mar 23:00Z to
 * 29 Mar 22:00Z). Local days by hand:
 *
 * | ticket | created (UTC) | Berlin            | UTC day |
 * | H      | 25 Mar 23:30  | 26 Mar 00:30 CET  | 25 Mar  |
 * | A      | 26 Mar 22:30  | 26 Mar 23:30 CET  | 26 Mar  | assigned to Ada 26 Mar 23:30Z (Berlin 27th); resolved 29 Mar 22:30Z (Berlin 30th 00:30 CEST)
 * | B      | 26 Mar 23:30  | 27 Mar 00:30 CET  | 26 Mar  |
 * | C      | 28 Mar 22:59  | 28 Mar 23:59 CET  | 28 Mar  |
 * | D      | 28 Mar 23:00  | 29 Mar 00:00 CET  | 28 Mar  |
 * | E      | 29 Mar 21:30  | 29 Mar 23:30 CEST | 29 Mar  |
 * | F      | 29 Mar 22:00  | 30 Mar 00:00 CEST | 29 Mar  |
 * | G      | 1 Apr 21:59   | 1 Apr 23:59 CEST  | 1 Apr   |
 * | I      | 1 Apr 22:30   | 2 Apr 00:30 CEST  | 1 Apr   |
 */
interface Desk {
  mia: TestUser;
  ada: TestUser;
}

async function buildFixture(t: TestApp): Promise<Desk> {
  const cora = await createUser(t, { role: 'customer', name: 'Cora Customer' });
  const ada = await createUser(t, { role: 'agent', name: 'Ada Agent' });
  const mia = await createUser(t, { role: 'manager', name: 'Mia Manager' });
  await openTicketAt(t, cora, '2026-03-25T23:30:00Z');
  const a = await openTicketAt(t, cora, '2026-03-26T22:30:00Z');
  await openTicketAt(t, cora, '2026-03-26T23:30:00Z');
  await patchAt(t, mia, '2026-03-26T23:30:00Z', a.id, { assigneeId: ada.user.id });
  await openTicketAt(t, cora, '2026-03-28T22:59:00Z');
  await openTicketAt(t, cora, '2026-03-28T23:00:00Z');
  await openTicketAt(t, cora, '2026-03-29T21:30:00Z');
  await openTicketAt(t, cora, '2026-03-29T22:00:00Z');
  await patchAt(t, mia, '2026-03-29T22:30:00Z', a.id, { status: 'resolved' });
  await openTicketAt(t, cora, '2026-04-01T21:59:00Z');
  await openTicketAt(t, cora, '2026-04-01T22:30:00Z');
  return { mia, ada };
}

const WEEK = 'from=2026-03-26&to=2026-04-01';

describeEachDatabase('reports in the manager’s time zone', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await buildFixture(t);
  });
  afterEach(() => t.close());

  const daily = (query: string) => callJson<{ items: unknown[] }>(t, desk.mia, 'GET', `/api/reports/daily?${query}`);

  it('buckets and labels the days of a week by local midnight, the 23-hour DST day included', async () => {
    expect((await daily(`${WEEK}&timeZone=Europe/Berlin`)).items).toEqual([
      { date: '2026-03-26', created: 2, resolved: 0 },
      { date: '2026-03-27', created: 1, resolved: 0 },
      { date: '2026-03-28', created: 1, resolved: 0 },
      { date: '2026-03-29', created: 2, resolved: 0 },
      { date: '2026-03-30', created: 1, resolved: 1 },
      { date: '2026-03-31', created: 0, resolved: 0 },
      { date: '2026-04-01', created: 1, resolved: 0 },
    ]);
    // The same week in UTC: seven days too, the same tickets on other days.
    expect((await daily(WEEK)).items).toEqual([
      { date: '2026-03-26', created: 2, resolved: 0 },
      { date: '2026-03-27', created: 0, resolved: 0 },
      { date: '2026-03-28', created: 2, resolved: 0 },
      { date: '2026-03-29', created: 2, resolved: 1 },
      { date: '2026-03-30', created: 0, resolved: 0 },
      { date: '2026-03-31', created: 0, resolved: 0 },
      { date: '2026-04-01', created: 2, resolved: 0 },
    ]);
    expect(await daily(`${WEEK}&timeZone=europe/berlin`)).toEqual(await daily(`${WEEK}&timeZone=Europe/Berlin`));
    expect(await daily(`${WEEK}&timeZone=UTC`)).toEqual(await daily(WEEK));
  });

  it('reads date bounds of every report, CSV included, as local days', async () => {
    const summary = (query: string) => callJson<{ created: number; resolved: number }>(t, desk.mia, 'GET', `/api/reports/summary?${query}`);
    // Berlin's 26–27 March is 25 Mar 23:00Z to 27 Mar 23:00Z: H, A and B; UTC's is A and B.
    expect((await summary('from=2026-03-26&to=2026-03-27&timeZone=Europe/Berlin')).created).toBe(3);
    expect((await summary('from=2026-03-26&to=2026-03-27')).created).toBe(2);
    // A was resolved at 00:30 on Berlin's 30th, still on UTC's 29th.
    const resolvedOn29 = async (zone: string) => {
      const csv = await call(t, desk.mia, 'GET', `/api/reports/summary?from=2026-03-29&to=2026-03-29&format=csv${zone}`);
      return csv.body.split('\n')[1]?.split(',')[1];
    };
    expect([await resolvedOn29('&timeZone=Europe/Berlin'), await resolvedOn29('')]).toEqual(['0', '1']);
    // Ada was given A at 00:30 on Berlin's 27th, on UTC's 26th.
    const assignedOn26 = async (zone: string) => {
      const agents = await callJson<{ items: { name: string; assigned: number }[] }>(t, desk.mia, 'GET', `/api/reports/agents?from=2026-03-26&to=2026-03-26${zone}`);
      return agents.items.find((agent) => agent.name === 'Ada Agent')?.assigned;
    };
    expect([await assignedOn26('&timeZone=Europe/Berlin'), await assignedOn26('')]).toEqual([0, 1]);
    const distribution = async (zone: string) => {
      const body = await callJson<{ buckets: { count: number }[] }>(t, desk.mia, 'GET', `/api/reports/resolution-distribution?from=2026-03-29&to=2026-03-29${zone}`);
      return body.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
    };
    expect([await distribution('&timeZone=Europe/Berlin'), await distribution('')]).toEqual([0, 1]);
  });

  it('defaults to the last 30 local days, today being the local today', async () => {
    // 00:30 on 30 March in Berlin, still the 29th in UTC.
    setClock(t, '2026-03-29T22:30:00Z');
    const berlin = (await daily('timeZone=Europe/Berlin')).items as { date: string }[];
    const utc = (await daily('')).items as { date: string }[];
    expect([berlin.length, berlin[0]?.date, berlin.at(-1)?.date]).toEqual([30, '2026-03-01', '2026-03-30']);
    expect([utc.length, utc[0]?.date, utc.at(-1)?.date]).toEqual([30, '2026-02-28', '2026-03-29']);
  });

  it.each([
    ['Mars/Olympus_Mons', 'daily', 'Time zone Mars/Olympus_Mons is unknown: use an IANA name such as Europe/Berlin'],
    ['%2B01:00', 'summary', 'Time zone must be an IANA time zone name such as Europe/Berlin'],
    ['', 'agents', 'Time zone is required'],
  ])('refuses timeZone=%s on %s with a detail naming the field', async (zone, report, message) => {
    const response = await call(t, desk.mia, 'GET', `/api/reports/${report}?${WEEK}&timeZone=${zone}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'invalid_input', message, details: [{ path: 'timeZone', message }] } });
  });
});
