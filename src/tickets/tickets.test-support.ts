import { count } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestApp } from '../test/app.js';
import { createUser, type TestUser } from '../test/factories.js';
import { ticketEvents, ticketMessages, tickets } from './tickets.schema.js';

/** Helpers shared by the ticket suites: every call goes through HTTP like a real client. */

export interface Desk {
  customer: TestUser;
  otherCustomer: TestUser;
  agent: TestUser;
  otherAgent: TestUser;
  manager: TestUser;
}

export async function createDesk(t: TestApp): Promise<Desk> {
  return {
    customer: await createUser(t, { role: 'customer', name: 'Cora Customer' }),
    otherCustomer: await createUser(t, { role: 'customer', name: 'Otto Other' }),
    agent: await createUser(t, { role: 'agent', name: 'Ada Agent' }),
    otherAgent: await createUser(t, { role: 'agent', name: 'Abe Agent' }),
    manager: await createUser(t, { role: 'manager', name: 'Mia Manager' }),
  };
}

export interface TicketJson {
  id: string;
  number: number;
  subject: string;
  description: string;
  status: string;
  priority: string;
  requesterId: string;
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  requester: { id: string; name: string };
  assignee: { id: string; name: string } | null;
}

export async function openTicket(
  t: TestApp,
  user: TestUser,
  body: Record<string, unknown> = {},
): Promise<TicketJson> {
  const response = await t.request({
    method: 'POST',
    url: '/api/tickets',
    token: user.accessToken,
    body: { subject: 'Printer on fire', description: 'It smells of toner.', ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<TicketJson>();
}

export const patchTicket = (t: TestApp, user: TestUser, id: string, body: unknown, headers: Record<string, string> = {}) =>
  t.request({ method: 'PATCH', url: `/api/tickets/${id}`, token: user.accessToken, body, headers });

export const postMessage = (t: TestApp, user: TestUser, id: string, body: unknown) =>
  t.request({ method: 'POST', url: `/api/tickets/${id}/messages`, token: user.accessToken, body });

export const getJson = async <T>(t: TestApp, user: TestUser, url: string): Promise<T> => {
  const response = await t.request({ method: 'GET', url, token: user.accessToken });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
};

/** Changes a role's permissions the way a manager does: through PUT /api/roles/:role. */
/** Row counts of the ticket tables, to prove a refused request wrote nothing. */
export async function ticketTableCounts(t: TestApp): Promise<{ tickets: number; messages: number; events: number }> {
  const { db } = t.database;
  const [ticketCount] = await db.select({ n: count() }).from(tickets);
  const [messageCount] = await db.select({ n: count() }).from(ticketMessages);
  const [eventCount] = await db.select({ n: count() }).from(ticketEvents);
  return { tickets: ticketCount?.n ?? 0, messages: messageCount?.n ?? 0, events: eventCount?.n ?? 0 };
}
