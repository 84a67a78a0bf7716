import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { encodeCursor } from '../http/cursor.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { expectSaneAnswer } from './answers.js';
import { changedTables, fingerprint } from './db-fingerprint.js';
import { seedDesk, type SecurityDesk } from './desk.js';
import { loadOperations, operationName, type Operation } from './openapi.js';
import { inject } from './send.js';

/**
 * Injection: metacharacters in every string parameter are data, never syntax. They
 * match literally, widen no search, change nothing, and come back byte for byte; markup
 * sent by customers reaches HTML mail only escaped.
 */

const METACHARACTERS = ["' OR 1=1 --", '%', '_', '\\', "%_'\\", '%%', "'; drop table tickets; --", '*', '$1', ':name', '?'];

/** Cursors as a tamperer would write them: valid base64url JSON of the right shape, wrong values. */
const TAMPERED_CURSORS = [
  { n: 2 ** 40 },
  { n: 2 ** 31 },
  { n: Number.MAX_SAFE_INTEGER },
  { before: Number.MAX_SAFE_INTEGER },
  { before: -1 },
  { id: Number.MAX_SAFE_INTEGER },
  { id: -1 },
  { createdAt: '1', id: randomUUID() },
  { createdAt: '0000-01-01T00:00:00Z', id: randomUUID() },
  { createdAt: '+275760-09-13T00:00:00.000Z', id: randomUUID() },
  { createdAt: '2024-01-01T00:00:00Z', id: '-'.repeat(36) },
  { createdAt: '2024-01-01T00:00:00Z', id: Number.MAX_SAFE_INTEGER },
  { createdAt: "2024-01-01' OR 1=1 --", id: randomUUID() },
  { c: '1', id: randomUUID() },
  { c: '0000-01-01T00:00:00Z', id: randomUUID() },
  { c: '2024-01-01T00:00:00Z', id: '-'.repeat(36) },
  { createdAt: '1', id: 1 },
  { createdAt: '0000-01-01T00:00:00Z', id: 1 },
  { createdAt: '+275760-09-13T00:00:00.000Z', id: 1 },
  { n: "1 OR 1=1" },
  [],
  null,
  'x',
];

/** A few of each kind: metacharacters, NUL and lone surrogates, dates and numbers out of range. */
const PARAMETER_VALUES = [
  ...METACHARACTERS,
  '\u0000',
  'a\u0000b',
  '\ud800',
  '🙂',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2024-01-01T23:59:60Z',
  '99999999999999999999',
  '',
];

describeEachDatabase('injection and literal matching', (kind) => {
  let t: TestApp;
  let desk: SecurityDesk;
  let operations: Operation[];

  beforeAll(async () => {
    t = await createTestApp(kind);
    desk = await seedDesk(t);
    operations = await loadOperations(t);
  });
  afterAll(() => t.close());

  const get = async <T>(user: TestUser, url: string): Promise<T> => {
    const response = await t.request({ method: 'GET', url, token: user.accessToken });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    return response.json<T>();
  };
  const ticketIds = async (user: TestUser, query: string) =>
    (await get<{ items: { id: string }[] }>(user, `/api/tickets?limit=100&q=${encodeURIComponent(query)}`)).items.map((ticket) => ticket.id).sort();

  it('stores metacharacters and markup byte for byte and gives them back unchanged', async () => {
    for (const text of [...METACHARACTERS, '<script>alert(1)</script>', '🙂 ﷺ \u202e', 'a\tb\r\nc']) {
      const created = await t.request({
        method: 'POST',
        url: '/api/tickets',
        token: desk.customer.accessToken,
        body: { subject: `Subject ${text}`, description: `Description ${text}` },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { id } = created.json<{ id: string }>();
      const message = await t.request({ method: 'POST', url: `/api/tickets/${id}/messages`, token: desk.customer.accessToken, body: { body: `Body ${text}` } });
      expect(message.statusCode).toBe(201);
      const ticket = await get<{ subject: string; description: string }>(desk.customer, `/api/tickets/${id}`);
      expect(ticket.subject).toBe(`Subject ${text}`);
      expect(ticket.description).toBe(`Description ${text}`);
      const messages = await get<{ items: { body: string }[] }>(desk.customer, `/api/tickets/${id}/messages`);
      expect(messages.items.map((item) => item.body)).toEqual([`Body ${text}`]);
    }
  });

  it('searches tickets literally: the subject finds its ticket, metacharacters alone find nothing', async () => {
    const subject = "Refund for O'Brien: 100%_off \\ backslash walrus";
    const created = await t.request({ method: 'POST', url: '/api/tickets', token: desk.customer.accessToken, body: { subject, description: 'Plain words' } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect(await ticketIds(desk.customer, subject)).toEqual([id]);
    expect(await ticketIds(desk.manager, subject)).toEqual([id]);
    expect(await ticketIds(desk.manager, "O'Brien")).toEqual([id]);
    // Full-text search: punctuation is no word, so on its own it matches nothing (not everything).
    for (const query of ['%', '_', '\\', "%_'\\", '%%', '*', "'", "' OR ''='"]) {
      expect(await ticketIds(desk.manager, query), `q=${query}`).toEqual([]);
    }
  });

  it('searches users literally: LIKE wildcards and quotes match only themselves', async () => {
    const named = async (name: string) => (await createUser(t, { role: 'customer', name })).user.id;
    const percent = await named('Ali%ce Literal');
    const underscore = await named('Bob_by Literal');
    const quote = await named("O'Neil Literal");
    const backslash = await named('Back\\slash Literal');
    const search = async (q: string) =>
      (await get<{ items: { id: string }[] }>(desk.manager, `/api/users?limit=100&q=${encodeURIComponent(q)}`)).items.map((user) => user.id).sort();
    expect(await search('%')).toEqual([percent]);
    expect(await search('_')).toEqual([underscore]);
    expect(await search("'")).toEqual([quote]);
    expect(await search('\\')).toEqual([backslash]);
    expect(await search('Ali%ce')).toEqual([percent]);
    expect(await search('%_')).toEqual([]);
    expect(await search("' OR 1=1 --")).toEqual([]);
    expect(await search("' OR ''='")).toEqual([]);
    expect((await search('literal')).length).toBe(4);
  });

  it('takes metacharacters in every string parameter as data: no 5xx, nothing written', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    const before = await fingerprint(t.database.db);
    for (const operation of operations.filter((candidate) => candidate.method === 'GET' && !candidate.stream)) {
      for (const parameter of operation.query.filter((candidate) => candidate.schema.type === 'string' || candidate.schema.anyOf !== undefined)) {
        for (const text of PARAMETER_VALUES) {
          const name = `${operationName(operation)} ${parameter.name}=${JSON.stringify(text)}`;
          const url = `${operation.path.replace(/\{\w+\}/g, desk.ownTicket.id)}?${new URLSearchParams({ [parameter.name]: text }).toString()}`;
          for (const user of [desk.customer, desk.manager]) {
            const answer = await inject(t, { method: 'GET', url, headers: {}, payload: undefined }, user.accessToken);
            try {
              expectSaneAnswer(answer, name);
            } catch (error) {
              failures.push((error as Error).message.split('\n')[0] ?? '');
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(changedTables(before, await fingerprint(t.database.db))).toEqual([]);
  });

  it('answers tampered list cursors with 400 or a page, never a 5xx', { timeout: 120_000 }, async () => {
    const answers = await tamperedCursorAnswers();
    expect(answers.filter((answer) => answer.status >= 500).map((answer) => answer.name)).toEqual([]);
  });

  async function tamperedCursorAnswers(): Promise<{ name: string; status: number }[]> {
    const answers: { name: string; status: number }[] = [];
    for (const operation of operations.filter((candidate) => candidate.query.some((parameter) => parameter.name === 'cursor'))) {
      for (const value of TAMPERED_CURSORS) {
        const name = `${operationName(operation)} cursor=${JSON.stringify(value)}`;
        const answer = await inject(t, { method: 'GET', url: `${operation.path}?cursor=${encodeCursor(value)}`, headers: {}, payload: undefined }, desk.manager.accessToken);
        if (answer.status < 500) expectSaneAnswer(answer, name);
        answers.push({ name, status: answer.status });
      }
    }
    return answers;
  }

  it('escapes what customers write in every HTML mail', async () => {
    const script = '<script>alert("x")</script>';
    const image = '<img src=x onerror=alert(1)>';
    const link = '<a href="javascript:alert(1)">click</a>';
    const email = `markup-${randomUUID()}@example.test`;
    const register = await t.request({ method: 'POST', url: '/api/auth/register', body: { email, name: `Eve ${image}`, password: 'long enough' } });
    expect(register.statusCode).toBe(201);
    const eve = register.json<{ accessToken: string; user: { id: string } }>();
    // Eve confirms her address, so the mails to her (receipt, the desk's reply) are written too.
    const [verification] = await queryRows<{ text_body: string }>(
      t.database.db,
      sql`select text_body from mail_outbox where to_address = ${email} and kind = 'email_verification'`,
    );
    const token = decodeURIComponent(/verify-email\?token=([\w%-]+)/.exec(verification?.text_body ?? '')?.[1] ?? '');
    expect((await t.request({ method: 'POST', url: '/api/auth/email/verify', body: { token } })).statusCode).toBe(204);
    const ticket = await t.request({ method: 'POST', url: '/api/tickets', token: eve.accessToken, body: { subject: `Help ${script}`, description: `Body ${link}` } });
    expect(ticket.statusCode).toBe(201);
    const { id } = ticket.json<{ id: string }>();
    const assign = await t.request({ method: 'PATCH', url: `/api/tickets/${id}`, token: desk.manager.accessToken, body: { assigneeId: desk.agent.user.id } });
    expect(assign.statusCode).toBe(200);
    // A customer reply mails the assignee, quoting the customer (name and text) in HTML.
    const reply = await t.request({ method: 'POST', url: `/api/tickets/${id}/messages`, token: eve.accessToken, body: { body: `Reply ${script} ${link}` } });
    expect(reply.statusCode).toBe(201);
    const staffReply = await t.request({ method: 'POST', url: `/api/tickets/${id}/messages`, token: desk.agent.accessToken, body: { body: `We answer ${image}` } });
    expect(staffReply.statusCode).toBe(201);

    const mails = await queryRows<{ kind: string; html_body: string; subject: string }>(
      t.database.db,
      sql`select kind, html_body, subject from mail_outbox where html_body like ${'%alert%'} order by id`,
    );
    expect(mails.length, 'mails quoting the markup were queued').toBeGreaterThanOrEqual(2);
    for (const mail of mails) {
      for (const raw of [script, image, link, '<script', '<img', 'href="javascript:']) {
        expect(mail.html_body, `${mail.kind} mail carries raw ${raw}`).not.toContain(raw);
      }
      expect(mail.html_body).toContain('&lt;');
    }
  });
});
