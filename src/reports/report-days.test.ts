import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { call, callJson, openTicketAt, patchAt, replyAt, setClock } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { bucketWalk } from './percentiles.js';
import { splitMonths, splitRange } from './report-days.js';
import { agentReport, summaryReport, type ReadOptions } from './summary.repository.js';

const HOUR = 3_600_000;
const START = Date.parse('2024-03-01T06:00:00Z');
/** Reads every figure from the tickets, as the reports did before roll-ups. */
const DIRECT: ReadOptions = { sealedUntil: new Date(0) };

/** A small deterministic generator (mulberry32), so a failure replays. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Desk {
  cora: TestUser;
  mia: TestUser;
  agents: TestUser[];
  teams: string[];
}

describeEachDatabase('report roll-ups', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    // The desk's whole life is in March 2024: a clock going back would find later rate-limit windows.
    setClock(t, new Date(START - HOUR).toISOString());
    const mia = await createUser(t, { role: 'manager', name: 'Mia Manager' });
    const team = async (name: string) => (await callJson<{ id: string }>(t, mia, 'POST', '/api/teams', { name }, 201)).id;
    desk = {
      cora: await createUser(t, { role: 'customer', name: 'Cora Customer' }),
      mia,
      agents: [await createUser(t, { role: 'agent', name: 'Ada Agent' }), await createUser(t, { role: 'agent', name: 'Ben Agent' }), mia],
      teams: [await team('Billing'), await team('Technical')],
    };
  });
  afterEach(() => t.close());

  /** The roll-up rows, per day and per person's month, against the same days summed afresh from tickets and history. */
  async function rollupsDiffer(): Promise<unknown[]> {
    return queryRows(
      t.database.db,
      sql`with fresh_facts as (select * from report_facts_between('-infinity', (select sealed_until from report_rollup))),
        kept as (select fact, day, team_id, agent_id, bucket, n, seconds, met, measured from report_days where (n, seconds, met, measured) <> (0, 0, 0, 0)
          union all select fact, month, team_id, agent_id, bucket, n, null, null, null from report_person_months where n <> 0),
        fresh as (select fact, day, team_id, agent_id, bucket, n, seconds, met, measured from fresh_facts where agent_id is null or bucket is null
          union all select fact, date_trunc('month', day::timestamp)::date, team_id, agent_id, bucket, sum(n), null, null, null from fresh_facts
            where agent_id is not null and bucket is not null group by 1, 2, 3, 4, 5)
        (select 'kept' as side, * from kept except select 'kept', * from fresh)
        union all (select 'fresh', * from fresh except select 'fresh', * from kept)`,
    );
  }

  /** One random change through the API, at a clock moving forward by up to 7 hours. */
  async function randomChange(random: () => number, tickets: string[], clock: { at: number }): Promise<string> {
    clock.at += Math.floor(random() * 7 * HOUR);
    const iso = new Date(clock.at).toISOString();
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const ticket = pick(tickets);
    const roll = random();
    if (roll < 0.1 || tickets.length === 0) {
      tickets.push((await openTicketAt(t, desk.cora, iso)).id);
      return 'open';
    }
    setClock(t, iso);
    if (roll < 0.3) {
      await call(t, pick(desk.agents), 'POST', `/api/tickets/${ticket}/messages`, { body: 'On it.', internal: random() < 0.2 });
      return 'reply';
    }
    if (roll < 0.35) {
      await call(t, desk.cora, 'POST', `/api/tickets/${ticket}/messages`, { body: 'Any news?' });
      return 'customer reply';
    }
    const reassign = { assigneeId: random() < 0.15 ? null : pick(desk.agents).user.id };
    const patches: Record<string, unknown>[] = [
      { status: pick(['resolved', 'resolved', 'open', 'closed', 'in_progress', 'escalated']) },
      reassign,
      reassign,
      { status: 'open' },
      { priority: pick(['low', 'normal', 'high', 'urgent']) },
      { teamId: random() < 0.2 ? null : pick(desk.teams) },
      { status: 'resolved', assigneeId: pick(desk.agents).user.id },
    ];
    const patch = pick(patches);
    // Some changes are refused (a closed ticket stays closed): those change nothing either.
    await call(t, desk.mia, 'PATCH', `/api/tickets/${ticket}`, patch);
    return JSON.stringify(patch);
  }

  it('keeps the roll-ups equal to the tickets through every kind of change, and seals the days that end', async () => {
    const random = randomFrom(17);
    const tickets: string[] = [];
    const clock = { at: START };
    for (let step = 0; step < 70; step += 1) {
      const change = await randomChange(random, tickets, clock);
      expect(await rollupsDiffer(), `after step ${step}: ${change}`).toEqual([]);
    }
    // The desk went through every kind of change the roll-ups follow.
    const [seen] = await queryRows<{ facts: number; monthly: number; reassigned: number; teamed: number; reopened: number }>(
      t.database.db,
      sql`select (select count(distinct fact) from report_days where n > 0)::int as facts,
        (select count(distinct fact) from report_person_months where n > 0)::int as monthly,
        (select count(*) from report_reassignments)::int as reassigned,
        (select count(*) from tickets where team_id is not null)::int as teamed,
        (select count(*) from ticket_events where type = 'ticket.status_changed' and data->>'from' = 'resolved')::int as reopened`,
    );
    expect(seen?.facts).toBe(4);
    expect(seen?.monthly).toBe(2);
    expect(seen?.reassigned).toBeGreaterThan(0);
    expect(seen?.teamed).toBeGreaterThan(0);
    expect(seen?.reopened).toBeGreaterThan(0);
    // As if the days from 4 March had not ended yet: changes leave them alone, and a seal rolls them up.
    await t.database.db.execute(sql`delete from report_days where day >= '2024-03-04'`);
    await t.database.db.execute(sql`delete from report_person_months where month >= '2024-03-01'`);
    await t.database.db.execute(sql`select report_days_merge(array(select f from report_facts_between('2024-03-01', '2024-03-04') f where f.agent_id is not null and f.bucket is not null))`);
    await t.database.db.execute(sql`update report_rollup set sealed_until = '2024-03-04'`);
    for (let step = 0; step < 20; step += 1) {
      const change = await randomChange(random, tickets, clock);
      expect(await rollupsDiffer(), `unsealed, after step ${step}: ${change}`).toEqual([]);
    }
    const [sealed] = await queryRows<{ day: string }>(t.database.db, sql`select report_seal()::text as day`);
    expect(sealed?.day).toBe((await queryRows<{ day: string }>(t.database.db, sql`select current_date::text as day`))[0]?.day);
    expect(await rollupsDiffer()).toEqual([]);
  });

  it('answers every range and team scope as the tickets do, percentiles walked or sorted', async () => {
    const random = randomFrom(5);
    const tickets: string[] = [];
    const clock = { at: START };
    for (let step = 0; step < 90; step += 1) await randomChange(random, tickets, clock);

    const instant = () => new Date(START - 12 * HOUR + Math.floor(random() * (clock.at - START + 24 * HOUR)));
    const midnight = (date: Date) => new Date(Math.floor(date.getTime() / (24 * HOUR)) * 24 * HOUR);
    const scopes = [undefined, [desk.teams[0] ?? ''], desk.teams];
    for (let sample = 0; sample < 12; sample += 1) {
      const [a, b] = [instant(), instant()].sort((x, y) => x.getTime() - y.getTime()) as [Date, Date];
      // Whole days, a part-day at either end, or both.
      const from = sample % 3 === 0 ? midnight(a) : a;
      const to = sample % 2 === 0 ? midnight(b) : b;
      const range = { from, to, teamIds: scopes[sample % scopes.length] };
      const label = JSON.stringify(range);
      const rolled = await summaryReport(t.database.db, range);
      const direct = await summaryReport(t.database.db, range, DIRECT);
      expect(rolled, label).toEqual(direct);
      expect(await summaryReport(t.database.db, range, { walkFrom: 1 }), label).toEqual(direct);
      const agents = await agentReport(t.database.db, range, DIRECT);
      expect(await agentReport(t.database.db, range), label).toEqual(agents);
      expect(await agentReport(t.database.db, range, { walkFrom: 1 }), label).toEqual(agents);
    }
  });

  it('walks to ranks across a bucket edge, and down from the top of a bucket, as a sort finds them', async () => {
    // Ranks 0–4 lie in the bucket [30.9, 34.0) minutes and 5–9 in [98.2, 108.0): the median
    // interpolates between the two buckets, the 90th percentile in the upper half of the second.
    const minutes = [31, 31.5, 32, 32.5, 33, 100, 101, 102, 103, 104];
    for (const [index, after] of minutes.entries()) {
      const opened = START + index * 24 * HOUR;
      const ticket = await openTicketAt(t, desk.cora, new Date(opened).toISOString());
      await replyAt(t, desk.mia, new Date(opened + after * 60_000).toISOString(), ticket.id);
    }
    const range = { from: new Date(START - 24 * HOUR), to: new Date(START + 20 * 24 * HOUR) };
    const walked = await summaryReport(t.database.db, range, { walkFrom: 1 });
    expect(walked.firstResponseMinutes).toEqual({ avg: 67, median: 66.5, p90: 103.1 });
    expect(walked).toEqual(await summaryReport(t.database.db, range, DIRECT));
  });
  it("finds each agent's median from their monthly histograms, for whole months, part-months and unsealed days", async () => {
    const random = randomFrom(11);
    const [ada, ben] = desk.agents as [TestUser, TestUser];
    let opened = Date.parse('2024-04-03T09:00:00Z');
    // A ticket every 43 hours, answered within 25 and resolved within 15 more: the clock only moves forward.
    for (let index = 0; opened < Date.parse('2024-06-28T00:00:00Z'); index += 1, opened += 43 * HOUR) {
      const agent = index % 2 === 0 ? ada : ben;
      const answered = opened + Math.floor(1 + random() * 1500) * 60_000;
      const ticket = await openTicketAt(t, desk.cora, new Date(opened).toISOString());
      await replyAt(t, agent, new Date(answered).toISOString(), ticket.id);
      if (index % 3 === 0) continue;
      await patchAt(t, desk.mia, new Date(answered + 60_000).toISOString(), ticket.id, { assigneeId: agent.user.id });
      await patchAt(t, desk.mia, new Date(answered + 120_000 + random() * 15 * HOUR).toISOString(), ticket.id, { status: 'resolved' });
    }
    const at = (iso: string) => new Date(iso);
    const ranges = [
      { from: at('2024-05-01T00:00:00Z'), to: at('2024-06-01T00:00:00Z') },
      { from: at('2024-04-10T12:00:00Z'), to: at('2024-06-20T06:00:00Z') },
      { from: at('2024-03-01T00:00:00Z'), to: at('2024-08-01T00:00:00Z') },
      { from: at('2024-04-01T00:00:00Z'), to: at('2024-07-01T00:00:00Z'), teamIds: [desk.teams[0] ?? ''] },
    ];
    for (const range of ranges) {
      const label = JSON.stringify(range);
      const direct = await agentReport(t.database.db, range, DIRECT);
      expect(direct.find((row) => row.agentId === ada.user.id)?.resolutionMinutes.median, label).toEqual(range.teamIds ? null : expect.any(Number));
      expect(await agentReport(t.database.db, range, { walkFrom: 1 }), label).toEqual(direct);
      // Months sealed up to mid-May: April whole from the histograms, the rest read from the tickets.
      expect(await agentReport(t.database.db, range, { walkFrom: 1, sealedUntil: at('2024-05-17T00:00:00Z') }), label).toEqual(direct);
    }
  });
});

it('finds the bucket of each rank, and walks the shorter way inside it', () => {
  const histogram = [
    [3, 5],
    [7, 5],
  ] as const;
  // Position 4.5: the fifth value of bucket 3, then the first of bucket 7.
  expect(bucketWalk(histogram, 0.5)).toEqual({ bucket: 3, upwards: true, skip: 4, count: 2, proportion: 0.5 });
  // Position 8.1: the fourth and fifth values of bucket 7, reached from its top.
  expect(bucketWalk(histogram, 0.9)).toMatchObject({ bucket: 7, upwards: false, skip: 0, count: 2 });
  expect(bucketWalk([[0, 1]], 0.9)).toEqual({ bucket: 0, upwards: true, skip: 0, count: 1, proportion: 0 });
  expect(() => bucketWalk([], 0.5)).toThrow(/beyond/);
});

it('reads the whole sealed UTC days of a range from the roll-ups and the rest from the tickets', () => {
  const at = (iso: string) => new Date(iso);
  const sealed = at('2024-03-10T00:00:00Z');
  expect(splitRange({ from: at('2024-03-01T05:00:00Z'), to: at('2024-03-20T00:00:00Z') }, sealed)).toEqual({
    days: { from: at('2024-03-02T00:00:00Z'), to: sealed },
    direct: [
      { from: at('2024-03-01T05:00:00Z'), to: at('2024-03-02T00:00:00Z') },
      { from: sealed, to: at('2024-03-20T00:00:00Z') },
    ],
  });
  const days = { from: at('2024-03-01T00:00:00Z'), to: at('2024-03-03T00:00:00Z') };
  expect(splitRange(days, sealed)).toEqual({ days, direct: [] });
  const partDay = { from: at('2024-03-01T05:00:00Z'), to: at('2024-03-01T23:00:00Z') };
  expect(splitRange(partDay, sealed)).toEqual({ days: undefined, direct: [partDay] });
  const unsealed = { from: at('2024-03-11T00:00:00Z'), to: at('2024-03-13T00:00:00Z') };
  expect(splitRange(unsealed, sealed)).toEqual({ days: undefined, direct: [unsealed] });
});

it("splits a range at the sealed calendar months the people's histograms hold whole", () => {
  const at = (iso: string) => new Date(iso);
  const sealed = at('2024-05-17T00:00:00Z');
  expect(splitMonths({ from: at('2024-02-10T12:00:00Z'), to: at('2024-06-20T00:00:00Z') }, sealed)).toEqual({
    months: { from: at('2024-03-01T00:00:00Z'), to: at('2024-05-01T00:00:00Z') },
    direct: [
      { from: at('2024-02-10T12:00:00Z'), to: at('2024-03-01T00:00:00Z') },
      { from: at('2024-05-01T00:00:00Z'), to: at('2024-06-20T00:00:00Z') },
    ],
  });
  const april = { from: at('2024-04-01T00:00:00Z'), to: at('2024-05-01T00:00:00Z') };
  expect(splitMonths(april, sealed)).toEqual({ months: april, direct: [] });
  const partMonth = { from: at('2024-04-02T00:00:00Z'), to: at('2024-05-01T00:00:00Z') };
  expect(splitMonths(partMonth, sealed)).toEqual({ months: undefined, direct: [partMonth] });
  const unsealed = { from: at('2024-05-01T00:00:00Z'), to: at('2024-07-01T00:00:00Z') };
  expect(splitMonths(unsealed, sealed)).toEqual({ months: undefined, direct: [unsealed] });
});
