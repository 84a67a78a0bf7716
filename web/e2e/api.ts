import { expect } from 'vitest';

/** Direct calls to the server's public API, for setting the scene and checking what it refuses. */

export async function call(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function tokenOf(baseUrl: string, email: string, password: string): Promise<string> {
  const { status, body } = await call(baseUrl, 'POST', '/api/auth/login', { body: { email, password } });
  expect(status).toBe(200);
  return body.accessToken as string;
}

export async function customerWithTicket(baseUrl: string, name: string, subject: string): Promise<{ token: string; ticketId: string }> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@example.test`;
  const registered = await call(baseUrl, 'POST', '/api/auth/register', { body: { email, name, password: 'customer-password' } });
  expect(registered.status).toBe(201);
  const token = registered.body.accessToken as string;
  const ticket = await call(baseUrl, 'POST', '/api/tickets', { token, body: { subject, description: `${subject}: details.` } });
  expect(ticket.status).toBe(201);
  return { token, ticketId: ticket.body.id as string };
}
