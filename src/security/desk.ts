import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows } from '../db/database.js';
import type { TestApp } from '../test/app.js';
import { createUser, type TestUser } from '../test/factories.js';
import type { IdPools } from './arbitraries.js';

/** The callers of the sweeps: `anonymous` sends no token. */
export const CALLERS = ['anonymous', 'customer', 'agent', 'manager'] as const;
export type Caller = (typeof CALLERS)[number];

export interface SecurityDesk {
  customer: TestUser;
  otherCustomer: TestUser;
  agent: TestUser;
  otherAgent: TestUser;
  manager: TestUser;
  /** The acting customer's own ticket, with a staff reply and an internal note. */
  ownTicket: { id: string; number: number };
  /** Another customer's ticket, assigned to the other agent, with a reply and an internal note. */
  othersTicket: { id: string; number: number };
  /** An unassigned ticket of the other customer. */
  unassignedTicket: { id: string; number: number };
}

export const tokenOf = (desk: SecurityDesk, caller: Caller): string | undefined =>
  caller === 'anonymous' ? undefined : desk[caller].accessToken;

async function send(t: TestApp, user: TestUser, method: 'POST' | 'PATCH', url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await t.request({ method, url, token: user.accessToken, body });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

async function ticket(t: TestApp, requester: TestUser, subject: string): Promise<{ id: string; number: number }> {
  const created = await send(t, requester, 'POST', '/api/tickets', { subject, description: `${subject}, described` });
  return { id: String(created.id), number: Number(created.number) };
}

/**
 * Fresh users of every role and tickets with conversation, notes, notifications and
 * queued mail, all made through the API like real use (users straight in the database).
 */
export async function seedDesk(t: TestApp): Promise<SecurityDesk> {
  const customer = await createUser(t, { role: 'customer', name: 'Cora Customer' });
  const otherCustomer = await createUser(t, { role: 'customer', name: 'Otto Other' });
  const agent = await createUser(t, { role: 'agent', name: 'Ada Agent' });
  const otherAgent = await createUser(t, { role: 'agent', name: 'Abe Agent' });
  const manager = await createUser(t, { role: 'manager', name: 'Mia Manager' });

  const ownTicket = await ticket(t, customer, 'Own walrus ticket');
  const othersTicket = await ticket(t, otherCustomer, 'Private narwhal ticket');
  const unassignedTicket = await ticket(t, otherCustomer, 'Unassigned zebra ticket');
  for (const id of [ownTicket.id, othersTicket.id]) {
    await send(t, agent, 'POST', `/api/tickets/${id}/messages`, { body: 'A public staff reply' });
    await send(t, agent, 'POST', `/api/tickets/${id}/messages`, { body: 'Secret internal note', internal: true });
  }
  await send(t, otherCustomer, 'POST', `/api/tickets/${othersTicket.id}/messages`, { body: 'Customer follow-up' });
  await send(t, manager, 'PATCH', `/api/tickets/${othersTicket.id}`, { assigneeId: otherAgent.user.id, status: 'in_progress' });
  return { customer, otherCustomer, agent, otherAgent, manager, ownTicket, othersTicket, unassignedTicket };
}

/** Every id in the database: uuid primary keys and numeric ones (events, notifications, mail). */
export async function idPools(t: TestApp): Promise<IdPools> {
  const { db } = t.database;
  const columns = await queryRows<{ table: string; type: string }>(
    db,
    sql`select table_name as "table", data_type as type from information_schema.columns
        where table_schema = 'public' and column_name = 'id' order by table_name`,
  );
  const uuids: string[] = [];
  const numbers: string[] = [];
  for (const column of columns) {
    const rows = await queryRows<{ id: string }>(db, sql.raw(`select id::text as id from "${column.table}" order by id desc limit 30`));
    (column.type === 'uuid' ? uuids : numbers).push(...rows.map((row) => row.id));
  }
  return { uuids, numbers };
}

/** Puts the permission table back to what it was, after a sweep that may have edited it. */
export async function restorePermissions(t: TestApp, rows: readonly { role: string; permission: string }[]): Promise<void> {
  const { db } = t.database;
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from role_permissions`);
    for (const row of rows) await tx.execute(sql`insert into role_permissions (role, permission) values (${row.role}, ${row.permission})`);
  });
}

export const readPermissions = (t: TestApp): Promise<{ role: string; permission: string }[]> =>
  queryRows(t.database.db, sql`select role, permission from role_permissions order by role, permission`);
