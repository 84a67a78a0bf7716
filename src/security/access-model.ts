import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { multipartBody, PNG_1PX } from '../attachments/attachments.test-support.js';
import type { Permission, Role } from '../authz/permissions.js';
import { takeInMail } from '../inbound/intake.service.js';
import type { TestApp } from '../test/app.js';
import type { TestUser } from '../test/factories.js';
import type { SecurityDesk } from './desk.js';

/**
 * API.md's access rules as data: for each route, the answer a caller gets from the
 * permissions their role holds right now. The sweep in access-control.test.ts asks every
 * route as every role, under the default permission table and under generated ones, and
 * compares with this model.
 */

export interface Scene {
  t: TestApp;
  desk: SecurityDesk;
  /** The role's current permissions, as `GET /api/roles` reports them. */
  permissions: Record<Role, ReadonlySet<Permission>>;
}

export interface AccessRequest {
  url: string;
  body?: unknown;
  /** Text that must not appear in the answer (ids of what the caller may never see). */
  hidden?: string[];
  /** A multipart/form-data body, sent instead of `body`. */
  form?: { payload: string; contentType: string };
}

/** What a 200 list or read showed, checked against what the caller may see. */
export type Shows = (body: unknown, scene: Scene, caller: TestUser, may: (permission: Permission) => boolean) => void;

export interface AccessCase {
  /** The OpenAPI operation, e.g. `GET /api/tickets/{id}`. */
  operation: string;
  /** Whose resource and what is asked. */
  what: string;
  /** Builds the request, creating its target first (as the manager) where one is needed. */
  request: (scene: Scene, caller: TestUser, role: Role) => Promise<AccessRequest>;
  /** The status API.md defines; `undefined` when the case does not apply to this role. */
  expected: (may: (permission: Permission) => boolean, role: Role) => number | undefined;
  shows?: Shows;
  /** Checked once the case was asked by every role. */
  afterwards?: (scene: Scene) => Promise<void>;
}

type Verb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const methodOf = (accessCase: AccessCase): Verb => accessCase.operation.split(' ')[0] as Verb;

async function asManager(scene: Scene, method: Verb, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await scene.t.request({ method, url, body, token: scene.desk.manager.accessToken });
  expect(response.statusCode, `setup ${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

const unique = (): string => randomBytes(5).toString('hex');

/** A fresh ticket of the other customer, so no case depends on what an earlier one changed. */
async function othersTicket(scene: Scene, changes: Record<string, unknown> = {}): Promise<{ id: string; number: number; word: string }> {
  const word = `kumquat${unique()}`;
  const ticket = await asManager(scene, 'POST', '/api/tickets', {
    subject: `Private ${word}`,
    description: 'Only for the requester and the desk',
    requesterId: scene.desk.otherCustomer.user.id,
  });
  const id = String(ticket.id);
  await asManager(scene, 'POST', `/api/tickets/${id}/messages`, { body: `Internal ${word} note`, internal: true });
  if (Object.keys(changes).length > 0) await asManager(scene, 'PATCH', `/api/tickets/${id}`, changes);
  return { id, number: Number(ticket.number), word };
}

async function ownTicket(scene: Scene, caller: TestUser, changes: Record<string, unknown> = {}): Promise<string> {
  const ticket = await asManager(scene, 'POST', '/api/tickets', { subject: 'Mine', description: 'My own', requesterId: caller.user.id });
  const id = String(ticket.id);
  if (Object.keys(changes).length > 0) await asManager(scene, 'PATCH', `/api/tickets/${id}`, changes);
  return id;
}

/** A ticket the caller opened for themselves, with their own token. */
async function ticketOpenedBy(scene: Scene, caller: TestUser): Promise<string> {
  const response = await scene.t.request({ method: 'POST', url: '/api/tickets', token: caller.accessToken, body: { subject: 'Mine', description: 'My own' } });
  expect(response.statusCode, `setup: ${response.body}`).toBe(201);
  return response.json<{ id: string }>().id;
}

const ticketsUrl = async (scene: Scene, suffix = '', changes: Record<string, unknown> = {}) =>
  `/api/tickets/${(await othersTicket(scene, changes)).id}${suffix}`;

const onlyIf = (allowed: boolean, yes: number, no = 403): number => (allowed ? yes : no);

/** Another customer's ticket: invisible (404) without `tickets.read.all`, else the permission decides. */
const onOthersTicket = (may: (p: Permission) => boolean, permission: Permission | undefined, yes: number): number =>
  !may('tickets.read.all') ? 404 : permission === undefined || may(permission) ? yes : 403;

const listed = (body: unknown): Record<string, unknown>[] => (body as { items: Record<string, unknown>[] }).items;

/** A list of tickets shows the other customer's tickets only to holders of `tickets.read.all`. */
const ticketListShows =
  (marker: (scene: Scene) => string): Shows =>
  (body, scene, _caller, may) => {
    const others = listed(body).filter((ticket) => ticket.requesterId === scene.desk.otherCustomer.user.id);
    if (!may('tickets.read.all')) expect(others, `another customer's tickets listed (${marker(scene)})`).toEqual([]);
  };

/** Internal notes and their events appear only for holders of `tickets.note`. */
const notesShown: Shows = (body, _scene, _caller, may) => {
  const internal = listed(body).filter((item) => item.internal === true);
  if (may('tickets.note')) expect(internal.length).toBeGreaterThan(0);
  else expect(internal).toEqual([]);
};

/**
 * The abilities API.md's rules give a caller on an open, unassigned ticket: a requester may
 * always close their own; everything else follows the permissions.
 */
const abilitiesOnOpenTicket = (may: (permission: Permission) => boolean, own: boolean) => ({
  reply: may('tickets.reply'),
  note: may('tickets.note'),
  close: may('tickets.status') || own,
  reopen: false,
  assign: may('tickets.assign'),
  reassign: false,
  priority: may('tickets.priority'),
  tag: may('tickets.tag') && may('tickets.note'),
  team: may('tickets.team'),
  statuses: may('tickets.status') ? ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'] : own ? ['closed'] : [],
});

const abilitiesShown =
  (own: boolean): Shows =>
  (body, _scene, _caller, may) =>
    expect((body as { abilities?: unknown }).abilities, 'the abilities of the ticket').toEqual(abilitiesOnOpenTicket(may, own));

const MANAGE_USERS: Permission = 'users.manage';
const ESCALATION: Permission = 'escalation.manage';
const REPORTS: Permission = 'reports.read';
const TEAMS: Permission = 'teams.manage';

/** A new agent of nobody's tickets, made as the manager would. */
const freshAgent = async (scene: Scene): Promise<string> =>
  String((await asManager(scene, 'POST', '/api/users', { email: `agent-${unique()}@example.test`, name: 'Fresh', role: 'agent', password: 'long enough pw' })).id);

/** A fresh team of the manager's (not restricted, nobody in it). */
const managerTeam = async (scene: Scene): Promise<string> => String((await asManager(scene, 'POST', '/api/teams', { name: `Team ${unique()}` })).id);

const RULE = { name: 'Never fires', conditions: { minutesSinceCreated: 5_000_000 }, actions: { setPriority: 'high' } };
const CALENDAR = { timezone: 'UTC', days: [{ day: 1, start: '09:00', end: '17:00' }], holidays: [] };

async function failedMailId(scene: Scene): Promise<string> {
  const result: unknown = await scene.t.database.db.execute(
    sql`insert into mail_outbox (kind, to_address, subject, text_body, html_body, status, attempts, last_error)
        values ('test', 'someone@example.test', 'Hello', 'Hello', '<p>Hello</p>', 'failed', 8, 'connection refused') returning id::text as id`,
  );
  return (result as { rows: { id: string }[] }).rows[0]?.id ?? '';
}

/** A mail the intake could not place (it names no sender): retrying it leaves it failed. */
async function failedInboundId(scene: Scene): Promise<string> {
  const result = await takeInMail(scene.t.ctx, { mailboxKey: 'access-model', mailboxId: null }, Buffer.from(`Subject: ${unique()}\r\n\r\nno sender\r\n`));
  return result.duplicate ? '' : result.id;
}

const MAILBOX_BODY = { address: 'support@example.test', host: '127.0.0.1', port: 1, tls: false, username: 'support', password: 'imap password' };

const mailboxId = async (scene: Scene): Promise<string> => String((await asManager(scene, 'POST', '/api/mailboxes', MAILBOX_BODY)).id);

/** A file the manager uploaded and, unless `on` is undefined, attached to a new message of that ticket. */
async function managerFile(scene: Scene, on?: { ticketId: string; internal: boolean }, image = false): Promise<string> {
  const file = image ? { name: 'evidence.png', type: 'image/png', content: PNG_1PX } : { name: 'evidence.txt', type: 'text/plain', content: `evidence ${unique()}` };
  const { payload, contentType } = multipartBody(file);
  const response = await scene.t.app.inject({
    method: 'POST',
    url: '/api/attachments',
    headers: { 'content-type': contentType, authorization: `Bearer ${scene.desk.manager.accessToken}` },
    payload,
  });
  expect(response.statusCode, `setup upload: ${response.body}`).toBe(201);
  const id = response.json<{ id: string }>().id;
  if (on) await asManager(scene, 'POST', `/api/tickets/${on.ticketId}/messages`, { body: 'See the file', internal: on.internal, attachmentIds: [id] });
  return id;
}

/** A shared macro with text only, made by the manager. */
async function sharedMacroId(scene: Scene): Promise<string> {
  const macro = await asManager(scene, 'POST', '/api/macros', { name: `Shared ${unique()}`, body: 'Hello {{requester.firstName}}', actions: {}, shared: true });
  return String(macro.id);
}

/** A shared view of a fresh customer's tickets (one of them), made by the manager. */
async function sharedViewId(scene: Scene): Promise<string> {
  const requester = await asManager(scene, 'POST', '/api/users', { email: `c-${unique()}@example.test`, name: 'Counted', role: 'customer', password: 'long enough pw' });
  await asManager(scene, 'POST', '/api/tickets', { subject: 'Counted', description: 'One of one', requesterId: requester.id });
  const view = await asManager(scene, 'POST', '/api/views', { name: `Theirs ${unique()}`, filters: { requesterId: requester.id }, shared: true });
  return String(view.id);
}

/** Who may upload: whoever may write something a file goes with. */
const mayUpload = (may: (permission: Permission) => boolean): boolean => may('tickets.create') || may('tickets.reply') || may('tickets.note');

/** A notification addressed to the other customer (a staff reply on their ticket makes one). */
async function othersNotificationId(scene: Scene): Promise<string> {
  const { id } = await othersTicket(scene);
  await asManager(scene, 'POST', `/api/tickets/${id}/messages`, { body: 'We are on it' });
  const result: unknown = await scene.t.database.db.execute(
    sql`select id::text as id from notifications where user_id = ${scene.desk.otherCustomer.user.id} order by id desc limit 1`,
  );
  const found = (result as { rows: { id: string }[] }).rows[0]?.id;
  expect(found, 'a staff reply notifies the requester').toBeDefined();
  return found ?? '';
}

export const ACCESS_CASES: readonly AccessCase[] = [
  // Users, roles, audit, mail: managers' routes (each by its own permission).
  {
    operation: 'GET /api/users',
    what: 'list users',
    request: async () => ({ url: '/api/users' }),
    expected: (may) => onlyIf(may(MANAGE_USERS), 200),
    // Whoever may list users may edit each; role and deactivation depend on the managers left.
    shows: (body) => expect(listed(body).map((user) => (user.abilities as { edit?: unknown } | undefined)?.edit)).not.toContain(false),
  },
  {
    operation: 'POST /api/users',
    what: 'create a staff user',
    request: async () => ({ url: '/api/users', body: { email: `new-${unique()}@example.test`, name: 'New', role: 'agent', password: 'long enough pw' } }),
    expected: (may) => onlyIf(may(MANAGE_USERS), 201),
  },
  {
    operation: 'GET /api/users/assignable',
    what: 'list assignable staff',
    request: async () => ({ url: '/api/users/assignable' }),
    expected: (may) => onlyIf(may('tickets.assign') || may('tickets.reassign'), 200),
  },
  {
    operation: 'GET /api/users/requesters',
    what: 'find customers to open a ticket for',
    request: async () => ({ url: '/api/users/requesters?q=other' }),
    expected: (may, role) => onlyIf(may('tickets.create') && role !== 'customer', 200),
  },
  {
    operation: 'POST /api/users/requesters',
    what: 'create a customer to open a ticket for',
    request: async () => ({ url: '/api/users/requesters', body: { email: `new-${randomBytes(6).toString('hex')}@example.test`, name: 'New Customer' } }),
    expected: (may, role) => onlyIf(may('tickets.create') && role !== 'customer', 201),
  },
  {
    operation: 'GET /api/users/{id}',
    what: "read another user's account",
    request: async (scene) => ({ url: `/api/users/${scene.desk.otherCustomer.user.id}` }),
    expected: (may) => onlyIf(may(MANAGE_USERS), 200, 404),
  },
  {
    operation: 'GET /api/users/{id}',
    what: 'read own account',
    request: async (_scene, caller) => ({ url: `/api/users/${caller.user.id}` }),
    expected: () => 200,
    shows: (body, _scene, _caller, may) => expect((body as { abilities: { edit: boolean } }).abilities.edit).toBe(may(MANAGE_USERS)),
  },
  {
    operation: 'PATCH /api/users/{id}',
    what: "rename another user's account",
    request: async (scene) => ({ url: `/api/users/${scene.desk.otherCustomer.user.id}`, body: { name: 'Otto Other' } }),
    expected: (may) => onlyIf(may(MANAGE_USERS), 200),
  },
  {
    operation: 'PATCH /api/users/{id}',
    what: "set another staff member's role (unchanged)",
    request: async (scene) => ({ url: `/api/users/${scene.desk.otherAgent.user.id}`, body: { role: 'agent' } }),
    expected: (may) => onlyIf(may(MANAGE_USERS), 200),
  },
  {
    operation: 'GET /api/roles',
    what: 'read the permission table',
    request: async () => ({ url: '/api/roles' }),
    expected: (may) => onlyIf(may('roles.manage'), 200),
    shows: (body) =>
      expect((body as { role: Role; locked: string[] }[]).map(({ role, locked }) => [role, locked])).toEqual([
        ['customer', []],
        ['agent', []],
        ['manager', ['users.manage', 'roles.manage']],
      ]),
  },
  {
    operation: 'PUT /api/roles/{role}',
    what: "set the customer role's permissions (unchanged)",
    request: async (scene) => ({ url: '/api/roles/customer', body: { permissions: [...scene.permissions.customer] } }),
    expected: (may) => onlyIf(may('roles.manage'), 200),
  },
  { operation: 'GET /api/audit-log', what: 'read the audit log', request: async () => ({ url: '/api/audit-log' }), expected: (may) => onlyIf(may('audit.read'), 200) },
  { operation: 'GET /api/mail/failed', what: 'list failed mail', request: async () => ({ url: '/api/mail/failed' }), expected: (may) => onlyIf(may('mail.manage'), 200) },
  {
    operation: 'POST /api/mail/{id}/retry',
    what: 'retry a failed mail',
    request: async (scene) => ({ url: `/api/mail/${await failedMailId(scene)}/retry` }),
    expected: (may) => onlyIf(may('mail.manage'), 204),
  },

  // The mail channel: mailboxes and mail the intake could not place (mail.manage).
  { operation: 'GET /api/inbound/failed', what: 'list failed intake', request: async () => ({ url: '/api/inbound/failed' }), expected: (may) => onlyIf(may('mail.manage'), 200) },
  {
    operation: 'POST /api/inbound/failed/{id}/retry',
    what: 'place a failed mail again',
    request: async (scene) => ({ url: `/api/inbound/failed/${await failedInboundId(scene)}/retry` }),
    expected: (may) => onlyIf(may('mail.manage'), 200),
  },
  {
    operation: 'POST /api/inbound/failed/{id}/discard',
    what: 'discard a failed mail',
    request: async (scene) => ({ url: `/api/inbound/failed/${await failedInboundId(scene)}/discard` }),
    expected: (may) => onlyIf(may('mail.manage'), 204),
  },
  { operation: 'GET /api/mailboxes', what: 'list mailboxes', request: async () => ({ url: '/api/mailboxes' }), expected: (may) => onlyIf(may('mail.manage'), 200) },
  {
    operation: 'POST /api/mailboxes',
    what: 'add a mailbox',
    request: async () => ({ url: '/api/mailboxes', body: MAILBOX_BODY, hidden: [MAILBOX_BODY.password] }),
    expected: (may) => onlyIf(may('mail.manage'), 201),
  },
  {
    operation: 'GET /api/mailboxes/{id}',
    what: 'read a mailbox',
    request: async (scene) => ({ url: `/api/mailboxes/${await mailboxId(scene)}`, hidden: [MAILBOX_BODY.password] }),
    expected: (may) => onlyIf(may('mail.manage'), 200),
  },
  {
    operation: 'PATCH /api/mailboxes/{id}',
    what: 'change a mailbox',
    request: async (scene) => ({ url: `/api/mailboxes/${await mailboxId(scene)}`, body: { folder: 'Support' } }),
    expected: (may) => onlyIf(may('mail.manage'), 200),
  },
  {
    operation: 'DELETE /api/mailboxes/{id}',
    what: 'delete a mailbox',
    request: async (scene) => ({ url: `/api/mailboxes/${await mailboxId(scene)}` }),
    expected: (may) => onlyIf(may('mail.manage'), 204),
  },
  {
    operation: 'POST /api/mailboxes/{id}/test',
    what: 'test a mailbox connection',
    request: async (scene) => ({ url: `/api/mailboxes/${await mailboxId(scene)}/test` }),
    expected: (may) => onlyIf(may('mail.manage'), 200),
  },

  // Tickets of another customer.
  {
    operation: 'POST /api/tickets',
    what: 'open a ticket',
    request: async () => ({ url: '/api/tickets', body: { subject: 'Help', description: 'Please' } }),
    expected: (may) => onlyIf(may('tickets.create'), 201),
  },
  {
    operation: 'POST /api/tickets',
    what: 'open a ticket with a priority',
    request: async () => ({ url: '/api/tickets', body: { subject: 'Help', description: 'Please', priority: 'urgent' } }),
    expected: (may) => onlyIf(may('tickets.create') && may('tickets.priority'), 201),
  },
  {
    operation: 'POST /api/tickets',
    what: 'open a ticket in the name of another customer',
    request: async (scene) => ({ url: '/api/tickets', body: { subject: 'Help', description: 'Please', requesterId: scene.desk.otherCustomer.user.id } }),
    // Opening for someone else is a staff matter (a role, not a permission), on top of tickets.create.
    expected: (may, role) => onlyIf(may('tickets.create') && role !== 'customer', 201),
  },
  {
    operation: 'GET /api/tickets',
    what: 'list the queue',
    request: async (scene) => {
      await othersTicket(scene);
      return { url: '/api/tickets?limit=100' };
    },
    expected: () => 200,
    shows: ticketListShows(() => 'queue'),
  },
  {
    operation: 'GET /api/tickets',
    what: "search another customer's ticket by a word of its subject",
    request: async (scene) => ({ url: `/api/tickets?q=${(await othersTicket(scene)).word}` }),
    expected: () => 200,
    shows: (body, scene, caller, may) => {
      ticketListShows(() => 'search')(body, scene, caller, may);
      if (may('tickets.read.all')) expect(listed(body)).toHaveLength(1);
    },
  },
  {
    operation: 'GET /api/tickets',
    what: "search another customer's ticket by its number",
    request: async (scene) => ({ url: `/api/tickets?q=${(await othersTicket(scene)).number}` }),
    expected: () => 200,
    shows: ticketListShows(() => 'number search'),
  },
  {
    operation: 'GET /api/tickets',
    what: "filter by another customer's id",
    request: async (scene) => {
      await othersTicket(scene);
      return { url: `/api/tickets?requesterId=${scene.desk.otherCustomer.user.id}` };
    },
    expected: () => 200,
    shows: (body, scene, caller, may) => {
      ticketListShows(() => 'requester filter')(body, scene, caller, may);
      if (may('tickets.read.all')) expect(listed(body).length).toBeGreaterThan(0);
    },
  },
  {
    operation: 'GET /api/tickets',
    what: "search another customer's internal note",
    request: async (scene) => ({ url: `/api/tickets?q=${(await othersTicket(scene)).word}%20note` }),
    expected: () => 200,
    // A note is found exactly by those who may read it: staff of every ticket with tickets.note.
    shows: (body, _scene, _caller, may) => expect(listed(body)).toHaveLength(may('tickets.read.all') && may('tickets.note') ? 1 : 0),
  },
  {
    operation: 'GET /api/tickets/{id}',
    what: "read another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene) }),
    expected: (may) => onOthersTicket(may, undefined, 200),
    shows: abilitiesShown(false),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: "set another customer's ticket's priority",
    request: async (scene) => ({ url: await ticketsUrl(scene), body: { priority: 'high' } }),
    expected: (may) => onOthersTicket(may, 'tickets.priority', 200),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: "change another customer's ticket's status",
    request: async (scene) => ({ url: await ticketsUrl(scene), body: { status: 'in_progress' } }),
    expected: (may) => onOthersTicket(may, 'tickets.status', 200),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: "close another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene), body: { status: 'closed' } }),
    expected: (may) => onOthersTicket(may, 'tickets.status', 200),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: 'assign an unassigned ticket',
    request: async (scene) => ({ url: await ticketsUrl(scene), body: { assigneeId: scene.desk.agent.user.id } }),
    expected: (may) => onOthersTicket(may, 'tickets.assign', 200),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: 'reassign a ticket assigned to another agent',
    request: async (scene) => ({ url: await ticketsUrl(scene, '', { assigneeId: scene.desk.otherAgent.user.id }), body: { assigneeId: scene.desk.agent.user.id } }),
    // An assigner without tickets.reassign finds it taken: a conflict, not a missing right.
    expected: (may) => (!may('tickets.read.all') ? 404 : may('tickets.reassign') ? 200 : may('tickets.assign') ? 409 : 403),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: 'clear the assignee of a ticket',
    request: async (scene) => ({ url: await ticketsUrl(scene, '', { assigneeId: scene.desk.otherAgent.user.id }), body: { assigneeId: null } }),
    expected: (may) => onOthersTicket(may, 'tickets.reassign', 200),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: "tag another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene), body: { addTags: ['vip'] } }),
    // Tags are internal: changing them needs tickets.tag and seeing them tickets.note.
    expected: (may) => onOthersTicket(may, 'tickets.tag', may('tickets.note') ? 200 : 403),
  },
  {
    operation: 'GET /api/tickets',
    what: 'filter the queue by tag',
    request: async (scene) => {
      await othersTicket(scene, { addTags: ['secret-label'] });
      return { url: '/api/tickets?tag=secret-label' };
    },
    expected: (may) => onlyIf(may('tickets.note'), 200),
    shows: (body, scene, caller, may) => {
      ticketListShows(() => 'tag filter')(body, scene, caller, may);
      if (may('tickets.read.all')) expect(listed(body).length).toBeGreaterThan(0);
    },
  },
  {
    operation: 'GET /api/tags',
    what: 'count tags in use',
    request: async (scene) => {
      await othersTicket(scene, { addTags: ['counted-label'] });
      return { url: '/api/tags?q=counted' };
    },
    expected: (may) => onlyIf(may('tickets.note'), 200),
    // Counted over the tickets the caller sees: another customer's tag is no one else's business.
    shows: (body, _scene, _caller, may) => expect(listed(body).length > 0).toBe(may('tickets.read.all')),
  },
  {
    operation: 'PATCH /api/tags/{name}',
    what: "rename a tag on another customer's ticket",
    request: async (scene) => {
      const tag = `renamed-${unique()}`;
      await othersTicket(scene, { addTags: [tag] });
      return { url: `/api/tags/${tag}`, body: { name: `new-${tag}` } };
    },
    // Seeing tags first, then keeping the shared wording; a tag on no ticket one sees is not found.
    expected: (may) => (!may('tickets.note') || !may('macros.manage') ? 403 : onlyIf(may('tickets.read.all'), 200, 404)),
  },
  {
    operation: 'DELETE /api/tags/{name}',
    what: "delete a tag on another customer's ticket",
    request: async (scene) => {
      const tag = `deleted-${unique()}`;
      await othersTicket(scene, { addTags: [tag] });
      return { url: `/api/tags/${tag}` };
    },
    expected: (may) => (!may('tickets.note') || !may('macros.manage') ? 403 : onlyIf(may('tickets.read.all'), 200, 404)),
  },
  {
    operation: 'POST /api/tickets/bulk',
    what: "set another customer's ticket's priority in bulk",
    request: async (scene) => ({ url: '/api/tickets/bulk', body: { ids: [(await othersTicket(scene)).id], changes: { priority: 'high' } } }),
    expected: () => 200,
    // Each ticket answers as its own PATCH would: unseen, refused or done.
    shows: (body, _scene, _caller, may) => {
      const [result] = (body as { results: { ok: boolean; error?: { code: string } }[] }).results;
      const expected = !may('tickets.read.all') ? 'ticket_not_found' : may('tickets.priority') ? 'ok' : 'forbidden';
      expect(result?.ok ? 'ok' : result?.error?.code).toBe(expected);
    },
  },
  {
    operation: 'POST /api/tickets/{id}/presence',
    what: "announce viewing another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/presence'), body: { state: 'viewing' } }),
    // Presence is the desk's: a ticket one may not see is not found, and customers may not announce.
    expected: (may, role) => (!may('tickets.read.all') ? 404 : role === 'customer' ? 403 : 204),
  },
  // Macros: staff's tools; shared ones kept by macros.manage.
  {
    operation: 'GET /api/macros',
    what: 'list macros',
    request: async () => ({ url: '/api/macros' }),
    expected: (_may, role) => (role === 'customer' ? 403 : 200),
  },
  {
    operation: 'POST /api/macros',
    what: 'create a personal macro',
    request: async () => ({ url: '/api/macros', body: { name: 'Mine', body: 'Hi {{requester.name}}', actions: {} } }),
    expected: (_may, role) => (role === 'customer' ? 403 : 201),
  },
  {
    operation: 'POST /api/macros',
    what: 'create a shared macro',
    request: async () => ({ url: '/api/macros', body: { name: 'Ours', body: 'Hi', actions: {}, shared: true } }),
    expected: (may, role) => onlyIf(role !== 'customer' && may('macros.manage'), 201),
  },
  {
    operation: 'PATCH /api/macros/{id}',
    what: 'change a shared macro',
    request: async (scene) => ({ url: `/api/macros/${await sharedMacroId(scene)}`, body: { name: 'Renamed' } }),
    expected: (may, role) => (role === 'customer' ? 404 : onlyIf(may('macros.manage'), 200)),
  },
  {
    operation: 'DELETE /api/macros/{id}',
    what: 'delete a shared macro',
    request: async (scene) => ({ url: `/api/macros/${await sharedMacroId(scene)}` }),
    expected: (may, role) => (role === 'customer' ? 404 : onlyIf(may('macros.manage'), 204)),
  },
  {
    operation: 'POST /api/tickets/{id}/macros/{macroId}/apply',
    what: "apply a text-only shared macro to another customer's ticket",
    request: async (scene) => ({ url: `${await ticketsUrl(scene)}/macros/${await sharedMacroId(scene)}/apply` }),
    expected: (may, role) => (role === 'customer' ? 404 : onOthersTicket(may, undefined, 200)),
  },
  // Saved views: staff's; shared ones kept by views.manage.
  {
    operation: 'GET /api/views',
    what: 'list views with their counts',
    request: async (scene) => {
      await sharedViewId(scene);
      return { url: '/api/views' };
    },
    expected: (_may, role) => (role === 'customer' ? 403 : 200),
    // The count is of the tickets the caller sees: never another customer's for someone without tickets.read.all.
    shows: (body, _scene, _caller, may) => {
      const counts = listed(body)
        .filter((view) => String(view.name).startsWith('Theirs '))
        .map((view) => view.count);
      expect(counts.length).toBeGreaterThan(0);
      for (const count of counts) expect(count, "a view of another customer's tickets").toBe(may('tickets.read.all') ? 1 : 0);
    },
  },
  {
    operation: 'POST /api/views',
    what: 'save a personal view',
    request: async () => ({ url: '/api/views', body: { name: 'Mine', filters: { priority: 'urgent' } } }),
    expected: (_may, role) => (role === 'customer' ? 403 : 201),
  },
  {
    operation: 'POST /api/views',
    what: 'save a shared view',
    request: async () => ({ url: '/api/views', body: { name: 'Ours', filters: {}, shared: true } }),
    expected: (may, role) => onlyIf(role !== 'customer' && may('views.manage'), 201),
  },
  {
    operation: 'PATCH /api/views/{id}',
    what: 'change a shared view',
    request: async (scene) => ({ url: `/api/views/${await sharedViewId(scene)}`, body: { name: 'Renamed' } }),
    expected: (may, role) => (role === 'customer' ? 404 : onlyIf(may('views.manage'), 200)),
  },
  {
    operation: 'DELETE /api/views/{id}',
    what: 'delete a shared view',
    request: async (scene) => ({ url: `/api/views/${await sharedViewId(scene)}` }),
    expected: (may, role) => (role === 'customer' ? 404 : onlyIf(may('views.manage'), 204)),
  },
  {
    operation: 'POST /api/tickets/{id}/messages',
    what: "reply on another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/messages'), body: { body: 'Hello' } }),
    expected: (may) => onOthersTicket(may, 'tickets.reply', 201),
  },
  {
    operation: 'POST /api/tickets/{id}/messages',
    what: "add an internal note on another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/messages'), body: { body: 'Hush', internal: true } }),
    expected: (may) => onOthersTicket(may, 'tickets.note', 201),
  },
  {
    operation: 'GET /api/tickets/{id}/messages',
    what: "read another customer's conversation",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/messages') }),
    expected: (may) => onOthersTicket(may, undefined, 200),
    shows: notesShown,
  },
  {
    operation: 'GET /api/tickets/{id}/events',
    what: "read another customer's ticket history",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/events') }),
    expected: (may) => onOthersTicket(may, undefined, 200),
    shows: notesShown,
  },

  // The caller's own ticket (only customers can be requesters).
  {
    operation: 'GET /api/tickets/{id}',
    what: 'read own ticket',
    request: async (scene, caller) => ({ url: `/api/tickets/${await ownTicket(scene, caller)}` }),
    expected: (_may, role) => (role === 'customer' ? 200 : undefined),
    shows: abilitiesShown(true),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: 'close own ticket',
    request: async (scene, caller) => ({ url: `/api/tickets/${await ownTicket(scene, caller)}`, body: { status: 'closed' } }),
    // API.md: a customer may always close their own ticket, whatever the table says.
    expected: (_may, role) => (role === 'customer' ? 200 : undefined),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: 'reopen own resolved ticket',
    request: async (scene, caller) => ({ url: `/api/tickets/${await ownTicket(scene, caller, { status: 'resolved' })}`, body: { status: 'open' } }),
    expected: (_may, role) => (role === 'customer' ? 200 : undefined),
  },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: 'move own ticket to in progress',
    request: async (scene, caller) => ({ url: `/api/tickets/${await ownTicket(scene, caller)}`, body: { status: 'in_progress' } }),
    expected: (may, role) => (role === 'customer' ? onlyIf(may('tickets.status'), 200) : undefined),
  },
  {
    operation: 'POST /api/tickets/{id}/messages',
    what: 'reply on own ticket',
    request: async (scene, caller) => ({ url: `/api/tickets/${await ownTicket(scene, caller)}/messages`, body: { body: 'Any news?' } }),
    expected: (may, role) => (role === 'customer' ? onlyIf(may('tickets.reply'), 201) : undefined),
  },

  // SLA, business hours and escalation rules.
  { operation: 'GET /api/sla-policies', what: 'read SLA policies', request: async () => ({ url: '/api/sla-policies' }), expected: (may) => onlyIf(may(ESCALATION), 200) },
  {
    operation: 'PUT /api/sla-policies/{priority}',
    what: 'set an SLA policy',
    request: async () => ({ url: '/api/sla-policies/urgent', body: { firstResponseMinutes: 60, resolutionMinutes: 480 } }),
    expected: (may) => onlyIf(may(ESCALATION), 200),
  },
  { operation: 'GET /api/business-hours', what: 'read business hours', request: async () => ({ url: '/api/business-hours' }), expected: (may) => onlyIf(may(ESCALATION), 200) },
  {
    operation: 'PUT /api/business-hours',
    what: 'set business hours',
    request: async () => ({ url: '/api/business-hours', body: CALENDAR }),
    expected: (may) => onlyIf(may(ESCALATION), 200),
  },
  { operation: 'GET /api/escalation-rules', what: 'list escalation rules', request: async () => ({ url: '/api/escalation-rules' }), expected: (may) => onlyIf(may(ESCALATION), 200) },
  {
    operation: 'POST /api/escalation-rules',
    what: 'create an escalation rule',
    request: async () => ({ url: '/api/escalation-rules', body: RULE }),
    expected: (may) => onlyIf(may(ESCALATION), 201),
  },
  { operation: 'POST /api/escalation-rules/run', what: 'run escalation rules', request: async () => ({ url: '/api/escalation-rules/run' }), expected: (may) => onlyIf(may(ESCALATION), 200) },
  {
    operation: 'PATCH /api/escalation-rules/{id}',
    what: 'edit an escalation rule',
    request: async (scene) => ({ url: `/api/escalation-rules/${String((await asManager(scene, 'POST', '/api/escalation-rules', RULE)).id)}`, body: { enabled: false } }),
    expected: (may) => onlyIf(may(ESCALATION), 200),
  },
  {
    operation: 'DELETE /api/escalation-rules/{id}',
    what: 'delete an escalation rule',
    request: async (scene) => ({ url: `/api/escalation-rules/${String((await asManager(scene, 'POST', '/api/escalation-rules', RULE)).id)}` }),
    expected: (may) => onlyIf(may(ESCALATION), 204),
  },

  // Teams and routing: managed with teams.manage; read by whoever reads the queue; topics by whoever opens tickets.
  { operation: 'GET /api/teams', what: 'list teams', request: async () => ({ url: '/api/teams' }), expected: (may) => onlyIf(may(TEAMS) || may('tickets.read.all'), 200) },
  { operation: 'POST /api/teams', what: 'create a team', request: async () => ({ url: '/api/teams', body: { name: `Team ${unique()}` } }), expected: (may) => onlyIf(may(TEAMS), 201) },
  {
    operation: 'GET /api/teams/{id}',
    what: 'read a team',
    request: async (scene) => ({ url: `/api/teams/${await managerTeam(scene)}` }),
    expected: (may) => onlyIf(may(TEAMS) || may('tickets.read.all'), 200),
  },
  {
    operation: 'PATCH /api/teams/{id}',
    what: 'change a team',
    request: async (scene) => ({ url: `/api/teams/${await managerTeam(scene)}`, body: { assignment: 'least_open' } }),
    expected: (may) => onlyIf(may(TEAMS), 200),
  },
  {
    operation: 'DELETE /api/teams/{id}',
    what: 'delete a team',
    request: async (scene) => ({ url: `/api/teams/${await managerTeam(scene)}` }),
    expected: (may) => onlyIf(may(TEAMS), 204),
  },
  {
    operation: 'PUT /api/teams/{id}/members/{userId}',
    what: 'put an agent in a team',
    request: async (scene) => ({ url: `/api/teams/${await managerTeam(scene)}/members/${scene.desk.otherAgent.user.id}` }),
    expected: (may) => onlyIf(may(TEAMS), 200),
  },
  {
    operation: 'DELETE /api/teams/{id}/members/{userId}',
    what: 'take an agent out of a team',
    request: async (scene) => {
      const team = await managerTeam(scene);
      await asManager(scene, 'PUT', `/api/teams/${team}/members/${scene.desk.otherAgent.user.id}`);
      return { url: `/api/teams/${team}/members/${scene.desk.otherAgent.user.id}` };
    },
    expected: (may) => onlyIf(may(TEAMS), 204),
  },
  { operation: 'GET /api/routing-rules', what: 'list routing rules', request: async () => ({ url: '/api/routing-rules' }), expected: (may) => onlyIf(may(TEAMS), 200) },
  {
    operation: 'POST /api/routing-rules',
    what: 'add a routing rule',
    request: async (scene) => ({ url: '/api/routing-rules', body: { name: 'Rule', conditions: { topics: [`Topic ${unique()}`] }, teamId: await managerTeam(scene) } }),
    expected: (may) => onlyIf(may(TEAMS), 201),
  },
  {
    operation: 'DELETE /api/routing-rules/{id}',
    what: 'delete a routing rule',
    request: async (scene) => {
      const rule = await asManager(scene, 'POST', '/api/routing-rules', { name: 'Rule', conditions: {}, teamId: await managerTeam(scene) });
      return { url: `/api/routing-rules/${String(rule.id)}` };
    },
    expected: (may) => onlyIf(may(TEAMS), 204),
  },
  { operation: 'GET /api/ticket-topics', what: 'list the topics of the ticket form', request: async () => ({ url: '/api/ticket-topics' }), expected: (may) => onlyIf(may('tickets.create'), 200) },
  {
    operation: 'PATCH /api/tickets/{id}',
    what: "move another customer's ticket to a team",
    request: async (scene) => ({ url: await ticketsUrl(scene), body: { teamId: await managerTeam(scene) } }),
    expected: (may) => onOthersTicket(may, 'tickets.team', 200),
  },

  // Availability: one's own for staff (a role), everyone's with teams.manage.
  { operation: 'GET /api/presence/me', what: 'read own availability', request: async () => ({ url: '/api/presence/me' }), expected: (_may, role) => onlyIf(role !== 'customer', 200) },
  {
    operation: 'PUT /api/presence/me',
    what: 'switch own availability',
    request: async () => ({ url: '/api/presence/me', body: { availability: 'available' } }),
    expected: (_may, role) => onlyIf(role !== 'customer', 200),
  },
  { operation: 'GET /api/presence', what: "list everyone's availability", request: async () => ({ url: '/api/presence' }), expected: (may) => onlyIf(may(TEAMS), 200) },
  {
    operation: 'PATCH /api/presence/{userId}',
    what: "set an agent's capacity",
    request: async (scene) => ({ url: `/api/presence/${scene.desk.otherAgent.user.id}`, body: { maxOpen: 50 } }),
    expected: (may) => onlyIf(may(TEAMS), 200),
  },
  {
    operation: 'POST /api/presence/{userId}/release',
    what: "hand an agent's open tickets back to their teams",
    request: async (scene) => ({ url: `/api/presence/${await freshAgent(scene)}/release` }),
    expected: (may) => onlyIf(may(TEAMS), 200),
  },

  // Satisfaction: part of the ticket for whoever sees it; answered by its requester only.
  {
    operation: 'GET /api/tickets/{id}/satisfaction',
    what: "read another customer's rating",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/satisfaction', { status: 'resolved' }) }),
    expected: (may) => onOthersTicket(may, undefined, 200),
  },
  {
    operation: 'PUT /api/tickets/{id}/satisfaction',
    what: "rate another customer's ticket",
    request: async (scene) => ({ url: await ticketsUrl(scene, '/satisfaction', { status: 'resolved' }), body: { rating: 'bad' } }),
    expected: (may) => (may('tickets.read.all') ? 403 : 404),
  },
  {
    operation: 'PUT /api/tickets/{id}/satisfaction',
    what: 'rate own resolved ticket',
    request: async (scene, caller, role) => {
      // Staff ask for themselves (a ticket opened for someone must be a customer's).
      const id = role === 'customer' ? await ownTicket(scene, caller) : await ticketOpenedBy(scene, caller);
      await asManager(scene, 'PATCH', `/api/tickets/${id}`, { status: 'resolved' });
      return { url: `/api/tickets/${id}/satisfaction`, body: { rating: 'good' } };
    },
    // Rating is the requester's, whatever the permissions; staff have own tickets only if they may open them.
    expected: (may, role) => (role === 'customer' || may('tickets.create') ? 200 : undefined),
  },

  // Reports.
  ...['/api/reports/summary', '/api/reports/agents', '/api/reports/teams', '/api/reports/satisfaction', '/api/reports/daily', '/api/reports/resolution-distribution'].map(
    (url): AccessCase => ({ operation: `GET ${url}`, what: 'read a report', request: async () => ({ url }), expected: (may) => onlyIf(may(REPORTS), 200) }),
  ),
  ...['/api/reports/summary', '/api/reports/agents', '/api/reports/teams', '/api/reports/satisfaction'].map(
    (url): AccessCase => ({ operation: `GET ${url}`, what: 'download a report as CSV', request: async () => ({ url: `${url}?format=csv` }), expected: (may) => onlyIf(may(REPORTS), 200) }),
  ),
  // Tags are internal: their report needs the sight of them too.
  ...['/api/reports/tags', '/api/reports/tags?format=csv'].map(
    (url): AccessCase => ({ operation: 'GET /api/reports/tags', what: `read the tag report (${url})`, request: async () => ({ url }), expected: (may) => onlyIf(may(REPORTS) && may('tickets.note'), 200) }),
  ),

  // Notifications are the recipient's alone.
  {
    operation: 'GET /api/notifications',
    what: 'list notifications',
    request: async (scene) => ({ url: '/api/notifications?limit=100', hidden: [`"id":"${await othersNotificationId(scene)}"`] }),
    expected: () => 200,
  },
  { operation: 'GET /api/notifications/unread-count', what: 'count unread notifications', request: async () => ({ url: '/api/notifications/unread-count' }), expected: () => 200 },
  { operation: 'POST /api/notifications/read-all', what: 'mark all notifications read', request: async () => ({ url: '/api/notifications/read-all' }), expected: () => 204 },
  {
    operation: 'POST /api/notifications/{id}/read',
    what: "mark another user's notification read",
    request: async (scene) => ({ url: `/api/notifications/${await othersNotificationId(scene)}/read` }),
    expected: () => 404,
  },
  {
    operation: 'GET /api/notifications/{id}/tickets',
    what: "list the tickets behind another user's notification",
    request: async (scene) => ({ url: `/api/notifications/${await othersNotificationId(scene)}/tickets` }),
    expected: () => 404,
  },
  { operation: 'GET /api/notification-preferences', what: 'read own preferences', request: async () => ({ url: '/api/notification-preferences' }), expected: () => 200 },
  {
    operation: 'PUT /api/notification-preferences',
    what: 'set own preferences',
    request: async () => ({ url: '/api/notification-preferences', body: { items: [{ kind: 'ticket_closed', email: false, inApp: true }] } }),
    expected: () => 200,
  },

  // The caller's own session.
  { operation: 'GET /api/auth/me', what: 'read oneself', request: async () => ({ url: '/api/auth/me' }), expected: () => 200 },
  {
    operation: 'POST /api/auth/logout',
    what: "log out another user's session",
    request: async (scene) => ({ url: '/api/auth/logout', body: { refreshToken: scene.desk.otherCustomer.refreshToken } }),
    // Answered like any logout of an unknown token: the other user's session lives on.
    expected: () => 204,
    afterwards: async (scene) => {
      const me = await scene.t.request({ method: 'GET', url: '/api/auth/me', token: scene.desk.otherCustomer.accessToken });
      expect(me.statusCode, "another user's logout ended this session").toBe(200);
    },
  },
  {
    operation: 'POST /api/auth/password/change',
    what: 'change own password without knowing the current one',
    request: async () => ({ url: '/api/auth/password/change', body: { currentPassword: 'not the password', newPassword: 'a quite different password' } }),
    expected: () => 400,
  },
  {
    operation: 'POST /api/auth/password/change',
    // To the same password, so the scene's callers keep the one the desk gave them.
    what: 'change own password, proving the current one',
    request: async (_scene, caller) => ({ url: '/api/auth/password/change', body: { currentPassword: caller.password, newPassword: caller.password } }),
    expected: () => 204,
  },
  // The desk's accounts are verified: nothing to resend, whoever asks.
  { operation: 'POST /api/auth/email/resend', what: 'ask for another verification link', request: async () => ({ url: '/api/auth/email/resend' }), expected: () => 409 },
  // Attachments: visible exactly where their message is; unattached, the uploader's alone.
  {
    operation: 'POST /api/attachments',
    what: 'upload a file',
    request: async () => {
      const { payload, contentType } = multipartBody({ name: 'notes.txt', type: 'text/plain', content: `notes ${unique()}` });
      return { url: '/api/attachments', form: { payload: payload.toString('latin1'), contentType } };
    },
    expected: (may) => onlyIf(mayUpload(may), 201),
  },
  {
    operation: 'GET /api/attachments/{id}',
    what: "download a file of a public reply on another customer's ticket",
    request: async (scene) => ({ url: `/api/attachments/${await managerFile(scene, { ticketId: (await othersTicket(scene)).id, internal: false })}` }),
    expected: (may) => onOthersTicket(may, undefined, 200),
  },
  {
    operation: 'GET /api/attachments/{id}',
    what: "download a file of an internal note on another customer's ticket",
    request: async (scene) => ({ url: `/api/attachments/${await managerFile(scene, { ticketId: (await othersTicket(scene)).id, internal: true })}` }),
    expected: (may) => (may('tickets.read.all') && may('tickets.note') ? 200 : 404),
  },
  {
    operation: 'GET /api/attachments/{id}',
    what: 'download a file of an internal note on own ticket',
    request: async (scene, caller) => ({ url: `/api/attachments/${await managerFile(scene, { ticketId: await ownTicket(scene, caller), internal: true })}` }),
    expected: (may, role) => (role === 'customer' ? onlyIf(may('tickets.note'), 200, 404) : undefined),
  },
  {
    operation: 'GET /api/attachments/{id}',
    what: "download another user's upload not yet attached",
    request: async (scene) => ({ url: `/api/attachments/${await managerFile(scene)}` }),
    expected: (_may, role) => (role === 'manager' ? undefined : 404),
  },
  {
    operation: 'GET /api/attachments/{id}/thumbnail',
    what: "see the thumbnail of an image in a public reply on another customer's ticket",
    request: async (scene) => ({
      url: `/api/attachments/${await managerFile(scene, { ticketId: (await othersTicket(scene)).id, internal: false }, true)}/thumbnail`,
    }),
    expected: (may) => onOthersTicket(may, undefined, 200),
  },
  {
    operation: 'GET /api/attachments/{id}/thumbnail',
    what: "see the thumbnail of an image in an internal note on another customer's ticket",
    request: async (scene) => ({
      url: `/api/attachments/${await managerFile(scene, { ticketId: (await othersTicket(scene)).id, internal: true }, true)}/thumbnail`,
    }),
    expected: (may) => (may('tickets.read.all') && may('tickets.note') ? 200 : 404),
  },
  { operation: 'GET /api/stream', what: 'open the live stream', request: async () => ({ url: '/api/stream' }), expected: () => 200 },
];
