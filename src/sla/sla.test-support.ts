import { expect } from 'vitest';
import { issueAccessToken } from '../auth/tokens.js';
import type { TestApp } from '../test/app.js';
import type { TestUser } from '../test/factories.js';

/**
 * Helpers for suites that move the clock by hours and days (SLA, escalation, reports):
 * every call signs a fresh access token at the test clock's time, so tokens never expire
 * under a test's feet.
 */

export interface TicketWithSla {
  id: string;
  number: number;
  status: string;
  priority: string;
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  sla: { firstResponse: string | null; resolution: string | null };
}

export interface EventJson {
  id: string;
  type: string;
  actorId: string | null;
  internal: boolean;
  data: Record<string, unknown>;
  createdAt: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function call(t: TestApp, user: TestUser, method: Method, url: string, body?: unknown) {
  const token = await issueAccessToken(t.ctx.config.jwtSecret, { userId: user.user.id, sessionId: user.sessionId }, t.clock.now());
  // JSON null is a body of its own (it clears the business hours), not the absence of one.
  if (body === null) return t.request({ method, url, token, body: 'null', headers: { 'content-type': 'application/json' } });
  return t.request({ method, url, token, body });
}

/** Calls and expects `status`; returns the parsed body. */
export async function callJson<T>(t: TestApp, user: TestUser, method: Method, url: string, body?: unknown, status = 200): Promise<T> {
  const response = await call(t, user, method, url, body);
  expect(response.statusCode, response.body).toBe(status);
  return response.json<T>();
}

/** Moves the clock to `iso`. */
export const setClock = (t: TestApp, iso: string): void => t.clock.set(new Date(iso));

export function openTicketAt(t: TestApp, user: TestUser, iso: string, body: Record<string, unknown> = {}): Promise<TicketWithSla> {
  setClock(t, iso);
  return callJson<TicketWithSla>(t, user, 'POST', '/api/tickets', { subject: 'Printer on fire', description: 'It smells of toner.', ...body }, 201);
}

export function patchAt(t: TestApp, user: TestUser, iso: string, id: string, body: Record<string, unknown>): Promise<TicketWithSla> {
  setClock(t, iso);
  return callJson<TicketWithSla>(t, user, 'PATCH', `/api/tickets/${id}`, body);
}

export async function replyAt(t: TestApp, user: TestUser, iso: string, id: string, internal = false): Promise<void> {
  setClock(t, iso);
  await callJson(t, user, 'POST', `/api/tickets/${id}/messages`, { body: 'On it.', internal }, 201);
}

export const ticketOf = (t: TestApp, user: TestUser, id: string) => callJson<TicketWithSla>(t, user, 'GET', `/api/tickets/${id}`);

export const eventsOf = async (t: TestApp, user: TestUser, id: string): Promise<EventJson[]> =>
  (await callJson<{ items: EventJson[] }>(t, user, 'GET', `/api/tickets/${id}/events`)).items;

/** Runs the SLA check and the escalation rules now, as the scheduler does. */
export const runRules = (t: TestApp, user: TestUser) => callJson<{ applied: number }>(t, user, 'POST', '/api/escalation-rules/run');
