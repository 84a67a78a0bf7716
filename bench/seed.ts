import { hashPassword } from '../src/users/passwords.js';
import type { SqlClient } from './databases.js';
import { progressBar } from './progress.js';

/**
 * Bulk seeding straight into the app's tables with INSERT … SELECT over generate_series,
 * so a million tickets take minutes, not the hours the API would. Every value comes from
 * a hash of the row number, so two runs of the same size hold the same data.
 */

export const BENCH_PASSWORD = 'bench-password-1';

export interface SeedPlan {
  tickets: number;
  customers: number;
  agents: number;
}

export interface SeededData {
  plan: SeedPlan;
  /** Tickets in the database now: the plan's, and on a database seeded earlier what runs since added. */
  tickets: number;
  messages: number;
  events: number;
  seconds: number;
  /** Tickets to read, spread over the whole table. */
  sampleTicketIds: string[];
  /** Tickets still taking replies (not closed), newest first. */
  replyTicketIds: string[];
  /** An order reference present in exactly one ticket's description: the needle search. */
  orderReference: string;
}

export const emailOf = (kind: 'customer' | 'agent' | 'manager', n: number): string => `${kind}-${n}@bench.example`;

export function planFor(tickets: number): SeedPlan {
  return {
    tickets,
    // About ten tickets per customer and one agent per 5,000 tickets, as a busy desk has.
    customers: Math.max(20, Math.min(100_000, Math.round(tickets / 10))),
    agents: Math.max(10, Math.min(200, Math.round(tickets / 5000))),
  };
}

const BATCH = 5000;
/** The seeded year: ticket n was opened (T - n) * YEAR / T seconds before now. */
const YEAR_SECONDS = 365 * 24 * 3600;

// A deterministic uniform number in [0, 1) for row n and a salt.
const CREATE_RANDOM = `create or replace function bench_r(n bigint, salt bigint) returns float8 language sql immutable parallel safe
     as $$ select (hashint8extended(n, salt) & 2147483647)::float8 / 2147483648 $$`;
const DROP_RANDOM = 'drop function if exists bench_r(bigint, bigint)';

const SETUP = [
  CREATE_RANDOM,
  `create table if not exists bench_people (kind text not null, n int not null, id uuid not null, primary key (kind, n))`,
];

const TEARDOWN = ['drop table if exists bench_people', DROP_RANDOM];

const usersSql = (kind: 'customer' | 'agent' | 'manager', role: string, name: string) => `
  with inserted as (
    insert into users (email, name, role, password_hash, created_at, updated_at)
    select '${kind}-' || g || '@bench.example', '${name} ' || g, '${role}', $1, $2::timestamptz - interval '400 days', $2::timestamptz - interval '400 days'
    from generate_series(1, $3::int) g
    returning id, email
  )
  insert into bench_people (kind, n, id)
  select '${kind}', split_part(split_part(email, '@', 1), '-', 2)::int, id from inserted`;

const pick = (words: string[], r: string) =>
  `(array[${words.map((w) => `'${w}'`).join(', ')}])[1 + floor(${r} * ${words.length})::int]`;

const SUBJECTS = [
  'Cannot log in to my account',
  'Password reset email never arrives',
  'Charged twice for one order',
  'Where is my refund',
  'Package marked delivered but not here',
  'App crashes when I open settings',
  'How do I change my shipping address',
  'Invoice shows the wrong company name',
  'Discount code is not accepted',
  'Order stuck in processing',
  'Cannot download my receipt',
  'Two-factor code does not work',
  'Please cancel my subscription',
  'Item arrived damaged',
  'Export to spreadsheet fails',
];

const OPENINGS = [
  'Hello, I placed an order last week and something went wrong.',
  'Hi team, this started happening after the latest update.',
  'Good morning, I have been a customer for years and never had this issue.',
  'Hi, I tried the steps in the help center already.',
  'Hello support, my colleague has the same problem on another laptop.',
  'Hi, sorry to bother you again about this.',
  'Dear support, I need this fixed before the end of the month.',
  'Hello, quick question about my account.',
];

const MIDDLES = [
  'I would like a refund to the original payment method.',
  'The invoice lists a duplicate line for the same item.',
  'The page shows an error and then logs me out.',
  'The tracking number does not show any movement since Monday.',
  'My card was charged but the order says payment pending.',
  'The mobile app freezes on the loading screen.',
  'The confirmation email went to an old address.',
  'I cannot find the option to update billing details.',
  'The courier says the parcel was returned to the warehouse.',
  'The discount was removed at checkout without explanation.',
  'Customs fees were charged although shipping was supposed to be included.',
  'The download link in the email has expired.',
];

const CLOSINGS = [
  'Thanks in advance.',
  'Please let me know what you need from me.',
  'Screenshots attached.',
  'I am available by phone all afternoon.',
  'This is urgent for our team.',
  'Kind regards.',
];

const STAFF_REPLIES = [
  'Thanks for reaching out, I am looking into this now.',
  'I have issued a refund, it should show within five business days.',
  'Could you send the order number and a screenshot of the error?',
  'Our engineers found the cause and a fix ships tomorrow; as a workaround, clear the app cache.',
  'I have updated the shipping address on the order for you.',
  'The duplicate invoice line was removed and a corrected invoice is attached.',
  'I have reset your two-factor settings, please try again.',
  'The courier confirmed a new delivery attempt for Thursday.',
];

const CUSTOMER_REPLIES = [
  'Thanks, that worked.',
  'It still does not work, same error as before.',
  'Here is the order number you asked for.',
  'Any update on this?',
  'The workaround helped for now, thank you.',
  'I tried again this morning and it failed again.',
];

const INTERNAL_NOTES = [
  'Checked the payment provider logs: two captures for the same intent.',
  'Known issue, linked to the release incident. Do not promise a date.',
  'Customer is on the enterprise plan, handle with priority.',
  'Escalating to billing, they own refunds above the limit.',
];

/** One batch of tickets numbered from $1 to $2 of $3, opened over the year before $6. */
const TICKETS_SQL = `
  with src as (
    select g,
      ($3::int - g)::float8 / $3::int as age,
      $6::timestamptz - (($3::int - g) * ($7::float8 / $3::int) + bench_r(g, 13) * ($7::float8 / $3::int) * 0.9) * interval '1 second' as created_at,
      bench_r(g, 1) as r_status, bench_r(g, 2) as r_priority, bench_r(g, 3) as r_customer, bench_r(g, 4) as r_agent,
      bench_r(g, 5) as r_assign, bench_r(g, 6) as r_first, bench_r(g, 7) as r_resolve, bench_r(g, 8) as r_close,
      bench_r(g, 9) as r_subject, bench_r(g, 10) as r_open, bench_r(g, 11) as r_middle, bench_r(g, 12) as r_closing
    from generate_series($1::int, $2::int) g
  ), shaped as (
    select src.*,
      -- The last week is still being worked on; older tickets are mostly resolved or closed.
      case when age < 0.02 then
        case when r_status < 0.35 then 'open' when r_status < 0.55 then 'in_progress'
             when r_status < 0.70 then 'waiting_on_customer' when r_status < 0.75 then 'escalated'
             when r_status < 0.90 then 'resolved' else 'closed' end
      else
        case when r_status < 0.008 then 'open' when r_status < 0.014 then 'in_progress'
             when r_status < 0.018 then 'waiting_on_customer' when r_status < 0.020 then 'escalated'
             when r_status < 0.200 then 'resolved' else 'closed' end
      end as status,
      case when r_priority < 0.20 then 'low' when r_priority < 0.75 then 'normal'
           when r_priority < 0.93 then 'high' else 'urgent' end as priority
    from src
  ), targeted as (
    -- The default SLA policies (migration 0007), in calendar minutes.
    select shaped.*,
      case priority when 'urgent' then 30 when 'high' then 60 when 'normal' then 240 else 480 end as first_response_minutes,
      case priority when 'urgent' then 240 when 'high' then 480 when 'normal' then 1440 else 4320 end as resolution_minutes
    from shaped
  ), decided as (
    select targeted.*,
      (status <> 'open' or r_assign < 0.5) as assigned,
      (status <> 'open' or (r_assign < 0.5 and r_first < 0.5)) as responded
    from targeted
  ), timed as (
    select decided.*,
      -- A desk that mostly keeps its targets: about one first response in ten and one resolution in five are late.
      case when responded then least($6::timestamptz, created_at + (5 + r_first * r_first * 1.2 * first_response_minutes) * interval '1 minute') end as first_response_at
    from decided
  ), finished as (
    select timed.*,
      case when status in ('resolved', 'closed')
        then least($6::timestamptz, first_response_at + (30 + r_resolve * r_resolve * 1.5 * resolution_minutes) * interval '1 minute') end as resolved_at
    from timed
  ), closed as (
    select finished.*,
      case when status = 'closed' then least($6::timestamptz, resolved_at + r_close * 3 * 86400 * interval '1 second') end as closed_at
    from finished
  )
  insert into tickets (subject, description, status, priority, requester_id, assignee_id, created_at, updated_at,
    first_response_at, first_responder_id, resolved_at, closed_at, first_response_due_at, resolution_due_at)
  select
    ${pick(SUBJECTS, 'r_subject')},
    ${pick(OPENINGS, 'r_open')} || ' ' || ${pick(MIDDLES, 'r_middle')} || ' Order ORD-' || lpad(((g::bigint * 7919) % 1000003)::text, 7, '0') || '. ' || ${pick(CLOSINGS, 'r_closing')},
    status, priority, customer.id, case when assigned then agent.id end,
    created_at, greatest(created_at, first_response_at, resolved_at, closed_at),
    -- A ticket answered is an assigned one, and its assignee wrote the first staff message.
    first_response_at, case when responded then agent.id end, resolved_at, closed_at,
    created_at + first_response_minutes * interval '1 minute',
    created_at + resolution_minutes * interval '1 minute'
  from closed
  -- A few customers write a lot and a few agents carry more of the load.
  join bench_people customer on customer.kind = 'customer' and customer.n = 1 + floor(r_customer * r_customer * $4::int)::int
  join bench_people agent on agent.kind = 'agent' and agent.n = 1 + floor(sqrt(r_agent) * $5::int)::int
  order by g
  returning number`;

/**
 * Messages of the tickets numbered $1..$2 and their whole history, in one statement so
 * every ticket's events are written in time order (event ids are what the stream resumes from).
 */
const HISTORY_SQL = `
  with counted as (
    select t.*,
      case when t.first_response_at is null then (bench_r(t.number, 21) < 0.3)::int
           when t.status = 'open' then 1 + (bench_r(t.number, 22) < 0.5)::int
           else 2 + floor(bench_r(t.number, 23) * 5)::int end as message_count,
      coalesce(t.resolved_at, $3::timestamptz) as until
    from tickets t where t.number between $1 and $2
  ), planned as (
    select c.id as ticket_id, c.number, k,
      -- With a first response, message 1 is staff's and the sides alternate after it; without, only the customer wrote.
      (c.first_response_at is not null and k % 2 = 1) as staff,
      (c.first_response_at is not null and k % 2 = 1 and k > 1 and bench_r(c.number * 10 + k, 24) < 0.25) as internal,
      c.requester_id, coalesce(c.assignee_id, agent.id) as staff_id,
      case when c.first_response_at is null
        then least($3::timestamptz, c.created_at + k * interval '10 minutes')
        else least($3::timestamptz, c.first_response_at + (k - 1) * (c.until - c.first_response_at) / c.message_count) end as created_at,
      bench_r(c.number * 10 + k, 25) as r_body
    from counted c
    cross join lateral generate_series(1, c.message_count) k
    join bench_people agent on agent.kind = 'agent' and agent.n = 1 + (c.number % $4::int)
  ), messages as (
    insert into ticket_messages (ticket_id, author_id, body, internal, created_at)
    select ticket_id, case when staff then staff_id else requester_id end,
      case when internal then ${pick(INTERNAL_NOTES, 'r_body')}
           when staff then ${pick(STAFF_REPLIES, 'r_body')}
           else ${pick(CUSTOMER_REPLIES, 'r_body')} end,
      internal, created_at
    from planned order by number, k
    returning id, ticket_id, author_id, internal, created_at
  ), history as (
    select t.id as ticket_id, t.number, t.created_at as at, 0 as rank, t.requester_id as actor_id, 'ticket.created' as type, false as internal,
      jsonb_build_object('status', 'open', 'priority', t.priority, 'requesterId', t.requester_id, 'openedBy', t.requester_id) as data
    from tickets t where t.number between $1 and $2
    union all
    select t.id, t.number, coalesce(t.first_response_at, t.created_at + interval '1 minute'), 1, t.assignee_id, 'ticket.assignee_changed', false,
      jsonb_build_object('from', null, 'to', t.assignee_id)
    from tickets t where t.number between $1 and $2 and t.assignee_id is not null
    union all
    select t.id, t.number, coalesce(t.resolved_at, t.updated_at), 3, t.assignee_id, 'ticket.status_changed', false,
      jsonb_build_object('from', 'open', 'to', case when t.status = 'closed' then 'resolved' else t.status end)
    from tickets t where t.number between $1 and $2 and t.status <> 'open'
    union all
    select t.id, t.number, t.closed_at, 4, t.assignee_id, 'ticket.status_changed', false,
      jsonb_build_object('from', 'resolved', 'to', 'closed')
    from tickets t where t.number between $1 and $2 and t.status = 'closed'
    union all
    select m.ticket_id, t.number, m.created_at, 2, m.author_id, 'ticket.message', m.internal,
      jsonb_build_object('messageId', m.id, 'internal', m.internal, 'authorId', m.author_id, 'authorRole', u.role)
    from messages m join tickets t on t.id = m.ticket_id join users u on u.id = m.author_id
  )
  insert into ticket_events (ticket_id, actor_id, type, internal, data, created_at)
  select ticket_id, actor_id, type, internal, data, at from history order by number, at, rank`;

/**
 * The SLA breaches a live desk would have recorded by now (the app's rule, sla.repository.ts),
 * each with its history event, so the server's scheduled SLA check starts with nothing to
 * catch up on instead of working through a year of misses during the measurements.
 */
const BREACHES_SQL = `
  with missed as (
    select t.id as ticket_id, 'first_response' as target, t.first_response_due_at as due_at
    from tickets t
    where t.first_response_due_at < $1::timestamptz
      and coalesce(least(t.first_response_at, t.resolved_at, t.closed_at), $1::timestamptz) > t.first_response_due_at
    union all
    select t.id, 'resolution', t.resolution_due_at
    from tickets t
    where t.resolution_due_at < $1::timestamptz
      and coalesce(least(t.resolved_at, t.closed_at), $1::timestamptz) > t.resolution_due_at
      -- A ticket waiting on the customer holds its clock; the seeded wait began at updated_at.
      and (t.status <> 'waiting_on_customer' or t.resolution_due_at < t.updated_at)
  ), recorded as (
    insert into sla_breaches (ticket_id, target, due_at, breached_at)
    select ticket_id, target, due_at, due_at from missed
    on conflict do nothing
    returning ticket_id, target, due_at
  )
  insert into ticket_events (ticket_id, actor_id, type, internal, data, created_at)
  select ticket_id, null, 'ticket.sla_breached', false,
    jsonb_build_object('target', target, 'dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), due_at
  from recorded order by due_at`;

async function seedBreaches(client: SqlClient, now: Date): Promise<void> {
  // Only where the SLA tables exist (they came with the SLA feature).
  const [row] = await client.query<{ present: boolean }>(`select to_regclass('sla_breaches') is not null as present`);
  if (!row?.present) return;
  await client.query(BREACHES_SQL, [now]);
  // The check skips tickets whose breach is marked recorded (migration 0009).
  await client.query(`
    update tickets t set
      first_response_breached = exists (select 1 from sla_breaches b where b.ticket_id = t.id and b.target = 'first_response'),
      resolution_breached = exists (select 1 from sla_breaches b where b.ticket_id = t.id and b.target = 'resolution')
    where t.id in (select ticket_id from sla_breaches)`);
}

async function count(client: SqlClient, table: string): Promise<number> {
  const [row] = await client.query<{ n: string }>(`select count(*)::text as n from ${table}`);
  return Number(row?.n ?? 0);
}

async function seedUsers(client: SqlClient, plan: SeedPlan, now: Date): Promise<void> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  await client.query(usersSql('manager', 'manager', 'Manager'), [passwordHash, now, 1]);
  await client.query(usersSql('agent', 'agent', 'Agent'), [passwordHash, now, plan.agents]);
  await client.query(usersSql('customer', 'customer', 'Customer'), [passwordHash, now, plan.customers]);
}

async function seedTickets(client: SqlClient, plan: SeedPlan, now: Date): Promise<void> {
  const bar = progressBar('seeding tickets', plan.tickets);
  for (let first = 1; first <= plan.tickets; first += BATCH) {
    const last = Math.min(plan.tickets, first + BATCH - 1);
    await client.query('begin');
    const numbers = await client.query<{ number: number }>(TICKETS_SQL, [
      first, last, plan.tickets, plan.customers, plan.agents, now, YEAR_SECONDS,
    ]);
    const range = numbers.map((row) => row.number);
    await client.query(HISTORY_SQL, [Math.min(...range), Math.max(...range), now, plan.agents]);
    await client.query('commit');
    bar.update(last);
  }
  bar.finish();
}

async function samples(client: SqlClient, plan: SeedPlan): Promise<Pick<SeededData, 'sampleTicketIds' | 'replyTicketIds' | 'orderReference'>> {
  const spread = await client.query<{ id: string }>(
    `select id from tickets where number in (select 1 + floor(bench_r(g, 99) * $1::int)::int from generate_series(1, 1000) g)`,
    [plan.tickets],
  );
  const open = await client.query<{ id: string }>(`select id from tickets where status <> 'closed' order by number desc limit 1000`);
  const needle = Math.ceil(plan.tickets / 2);
  return {
    sampleTicketIds: spread.map((row) => row.id),
    replyTicketIds: open.map((row) => row.id),
    orderReference: `ORD-${String((needle * 7919) % 1_000_003).padStart(7, '0')}`,
  };
}

/**
 * The size a database was seeded with stays on its tickets table: earlier runs add tickets,
 * and the plan (so its customers and agents, and its report section) is the seeded one.
 */
const SEEDED_NOTE = 'bench seed: tickets ';

async function seededSize(client: SqlClient): Promise<number> {
  const [row] = await client.query<{ note: string | null }>("select obj_description('tickets'::regclass, 'pg_class') as note");
  const noted = row?.note?.startsWith(SEEDED_NOTE) ? Number(row.note.slice(SEEDED_NOTE.length)) : NaN;
  return Number.isInteger(noted) && noted > 0 ? noted : count(client, 'tickets');
}

/**
 * What the scenarios need from a database `bench/seed-db.ts` seeded earlier (same plan for
 * the same ticket count), so a million tickets need not be seeded again for every run.
 */
export async function seededEarlier(client: SqlClient): Promise<SeededData> {
  const plan = planFor(await seededSize(client));
  await client.query(CREATE_RANDOM);
  const picked = await samples(client, plan);
  await client.query(DROP_RANDOM);
  return { plan, tickets: await count(client, 'tickets'), messages: await count(client, 'ticket_messages'), events: await count(client, 'ticket_events'), seconds: 0, ...picked };
}

/**
 * The report roll-ups' row triggers (migration 0023) cost the seeding four times its own
 * work: within one statement of thousands of events each assignment's lookup of the earlier
 * ones gets slower as the table grows. A bulk load is what that migration met on existing
 * rows, so they are off while seeding and the roll-ups are built afterwards the way it built
 * them (exact: report-days.test.ts holds roll-ups to a recount from the tickets).
 */
const ROLLUP_TRIGGERS = [
  ['tickets', 'report_days_ticket_written'],
  ['tickets', 'report_days_ticket_changed'],
  ['ticket_events', 'report_days_assignment_added'],
] as const;

const switchRollupTriggers = async (client: SqlClient, on: boolean) => {
  for (const [table, trigger] of ROLLUP_TRIGGERS) await client.query(`alter table ${table} ${on ? 'enable' : 'disable'} trigger ${trigger}`);
};

const BUILD_ROLLUPS = [
  'delete from report_days',
  'delete from report_reassignments',
  `update report_rollup set sealed_until = '-infinity'`,
  'select report_seal()',
  `insert into report_reassignments (event_id, ticket_id, agent_id, at, previous_at)
   select id, ticket_id, agent_id, created_at, previous_at from (
     select e.id, e.ticket_id, (e.data->>'to')::uuid as agent_id, e.created_at,
       lag(e.created_at) over (partition by e.ticket_id, e.data->>'to' order by e.created_at, e.id) as previous_at
     from ticket_events e where e.type = 'ticket.assignee_changed' and e.data->>'to' is not null) chained
   where previous_at is not null`,
];

export async function seed(client: SqlClient, plan: SeedPlan): Promise<SeededData> {
  const started = performance.now();
  const now = new Date();
  for (const statement of SETUP) await client.query(statement);
  await switchRollupTriggers(client, false);
  await seedUsers(client, plan, now);
  await seedTickets(client, plan, now);
  await seedBreaches(client, now);
  for (const statement of BUILD_ROLLUPS) await client.query(statement);
  await switchRollupTriggers(client, true);
  const picked = await samples(client, plan);
  for (const statement of TEARDOWN) await client.query(statement);
  await client.query(`comment on table tickets is '${SEEDED_NOTE}${plan.tickets}'`);
  // Fresh statistics, as autovacuum would have gathered on a desk that grew to this size.
  await client.query('vacuum analyze');
  return {
    plan,
    tickets: plan.tickets,
    messages: await count(client, 'ticket_messages'),
    events: await count(client, 'ticket_events'),
    seconds: (performance.now() - started) / 1000,
    ...picked,
  };
}
