import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { auditLog } from '../audit/audit.schema.js';
import { TOO_COMMON_PASSWORD } from './password-strength.js';
import { users } from './users.schema.js';

describeEachDatabase('users, roles and the audit log', (kind) => {
  let t: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  let customer: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    manager = await createUser(t, { role: 'manager', name: 'Mia Manager' });
    agent = await createUser(t, { role: 'agent', name: 'Avi Agent' });
    customer = await createUser(t, { role: 'customer', name: 'Cas Customer' });
  });
  afterEach(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, token: string | undefined, body?: unknown) =>
    t.request({ method, url, token, body });

  it('answers 401 on every route without a token', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/users'],
      ['POST', '/api/users'],
      ['GET', '/api/users/assignable'],
      ['GET', `/api/users/${agent.user.id}`],
      ['PATCH', `/api/users/${agent.user.id}`],
      ['GET', '/api/roles'],
      ['PUT', '/api/roles/agent'],
      ['GET', '/api/audit-log'],
    ];
    for (const [method, url] of routes) {
      const response = await call(method as 'GET', url, undefined, method === 'GET' ? undefined : {});
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('keeps manager routes from agents and customers', async () => {
    for (const who of [agent, customer]) {
      expect((await call('GET', '/api/users', who.accessToken)).statusCode).toBe(403);
      expect((await call('POST', '/api/users', who.accessToken, { email: 'n@example.test', name: 'N', role: 'manager', password: 'long enough' })).statusCode).toBe(403);
      expect((await call('PATCH', `/api/users/${who.user.id}`, who.accessToken, { role: 'manager' })).statusCode).toBe(403);
      expect((await call('GET', '/api/roles', who.accessToken)).statusCode).toBe(403);
      expect((await call('PUT', '/api/roles/customer', who.accessToken, { permissions: ['tickets.read.all'] })).statusCode).toBe(403);
      expect((await call('GET', '/api/audit-log', who.accessToken)).statusCode).toBe(403);
    }
    expect((await call('GET', `/api/users/${customer.user.id}`, customer.accessToken)).statusCode).toBe(200);
    expect((await call('GET', `/api/users/${agent.user.id}`, customer.accessToken)).statusCode).toBe(404);
    const me = (await call('GET', '/api/auth/me', customer.accessToken)).json();
    expect(me.role).toBe('customer');
  });

  it('creates staff, lists and filters users with stable pages', async () => {
    const created = await call('POST', '/api/users', manager.accessToken, { email: 'New.Agent@example.test', name: 'New Agent', role: 'agent', password: 'long enough' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'new.agent@example.test', role: 'agent', active: true });
    const [welcome] = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, 'new.agent@example.test'));
    expect(welcome).toMatchObject({ kind: 'account_created', status: 'pending' });
    expect(`${welcome?.textBody ?? ''}${welcome?.htmlBody ?? ''}`).not.toContain('long enough');
    expect((await call('POST', '/api/users', manager.accessToken, { email: 'new.agent@example.test', name: 'Dup', role: 'agent', password: 'long enough' })).statusCode).toBe(409);

    const agents = (await call('GET', '/api/users?role=agent', manager.accessToken)).json();
    expect(agents.items.map((u: { name: string }) => u.name).sort()).toEqual(['Avi Agent', 'New Agent']);
    const search = (await call('GET', '/api/users?q=cas', manager.accessToken)).json();
    expect(search.items).toHaveLength(1);
    expect((await call('GET', '/api/users?q=%25', manager.accessToken)).json().items).toHaveLength(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await call('GET', `/api/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, manager.accessToken);
      const page = response.json<{ items: { id: string }[]; nextCursor: string | null }>();
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect((await call('GET', '/api/users?cursor=garbage', manager.accessToken)).statusCode).toBe(400);
    expect((await call('GET', '/api/users?limit=0', manager.accessToken)).statusCode).toBe(400);
    expect((await call('GET', '/api/users?role=admin', manager.accessToken)).statusCode).toBe(400);
  });

  it('refuses a common password and a multi-line name for a new user, and writes nothing', async () => {
    const create = (body: Record<string, string>) =>
      call('POST', '/api/users', manager.accessToken, { email: 'new.agent@example.test', name: 'New Agent', role: 'agent', password: 'long enough', ...body });
    const weak = await create({ password: '12345678' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'password', message: TOO_COMMON_PASSWORD }] });
    for (const name of ['New\nAgent', 'New Agent\r\nManager approved', 'New\tAgent', 'New\u001bAgent']) {
      const refused = await create({ name });
      expect(refused.statusCode, JSON.stringify(name)).toBe(400);
      expect(refused.json().error.details).toEqual([{ path: 'name', message: 'Name must be on one line, without control characters' }]);
    }
    expect(await t.database.db.select().from(users).where(eq(users.email, 'new.agent@example.test'))).toEqual([]);
    expect(await t.database.db.select().from(mailOutbox)).toEqual([]);
    expect(await t.database.db.select().from(auditLog)).toEqual([]);
  });

  it('refuses renaming a user to a multi-line name and keeps the name', async () => {
    const renamed = await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, { name: 'Avi\n\nPlease send your password to' });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().error.details).toEqual([{ path: 'name', message: 'Name must be on one line, without control characters' }]);
    const [stored] = await t.database.db.select().from(users).where(eq(users.id, agent.user.id));
    expect(stored?.name).toBe('Avi Agent');
    expect((await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, { name: 'Avi Agent-Ortiz' })).json().name).toBe('Avi Agent-Ortiz');
  });

  it('lists assignable staff for holders of tickets.assign only', async () => {
    await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, { active: false });
    const list = await call('GET', '/api/users/assignable', manager.accessToken);
    expect(list.json().items).toEqual([{ id: manager.user.id, name: 'Mia Manager', role: 'manager' }]);
    expect((await call('GET', '/api/users/assignable', customer.accessToken)).statusCode).toBe(403);
  });

  it('protects the last active manager', async () => {
    const demote = await call('PATCH', `/api/users/${manager.user.id}`, manager.accessToken, { role: 'agent' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_manager');
    expect((await call('PATCH', `/api/users/${manager.user.id}`, manager.accessToken, { active: false })).statusCode).toBe(409);

    const second = await createUser(t, { role: 'manager' });
    // Two managers demoting each other at once: exactly one may succeed.
    const results = await Promise.all([
      call('PATCH', `/api/users/${manager.user.id}`, second.accessToken, { role: 'agent' }),
      call('PATCH', `/api/users/${second.user.id}`, manager.accessToken, { role: 'agent' }),
    ]);
    // The loser is refused either as the last manager (409) or, demoted already, as no manager (403).
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const stillManager = results[0]?.statusCode === 200 ? second : manager;
    const list = (await call('GET', '/api/users?role=manager', stillManager.accessToken)).json();
    expect(list.items).toHaveLength(1);
  });

  it("offers no control that would always fail: the last active manager's demotion and deactivation", async () => {
    type Listed = { id: string; abilities: { edit: boolean; changeRole: boolean; deactivate: boolean } };
    const abilitiesOf = async (caller: TestUser, id: string) => {
      const list = (await call('GET', '/api/users', caller.accessToken)).json<{ items: Listed[] }>();
      const single = (await call('GET', `/api/users/${id}`, caller.accessToken)).json<Listed>();
      expect(list.items.find((user) => user.id === id)?.abilities).toEqual(single.abilities);
      return single.abilities;
    };
    expect(await abilitiesOf(manager, manager.user.id)).toEqual({ edit: true, changeRole: false, deactivate: false });
    expect(await abilitiesOf(manager, agent.user.id)).toEqual({ edit: true, changeRole: true, deactivate: true });

    // Promoting the agent makes a second manager: now either may be demoted, and the answer says so at once.
    const promoted = await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, { role: 'manager' });
    expect(promoted.json<Listed>().abilities).toEqual({ edit: true, changeRole: true, deactivate: true });
    expect(await abilitiesOf(manager, manager.user.id)).toEqual({ edit: true, changeRole: true, deactivate: true });
    const demoted = await call('PATCH', `/api/users/${manager.user.id}`, agent.accessToken, { role: 'agent' });
    expect(demoted.statusCode).toBe(200);
    expect(await abilitiesOf(agent, agent.user.id)).toEqual({ edit: true, changeRole: false, deactivate: false });
    expect((await call('PATCH', `/api/users/${agent.user.id}`, agent.accessToken, { active: false })).statusCode).toBe(409);

    // Reading oneself without users.manage offers nothing.
    const self = (await call('GET', `/api/users/${customer.user.id}`, customer.accessToken)).json<Listed>();
    expect(self.abilities).toEqual({ edit: false, changeRole: false, deactivate: false });
  });

  it('lists the permissions a role cannot lose, and refuses taking them', async () => {
    const roles = (await call('GET', '/api/roles', manager.accessToken)).json<{ role: string; permissions: string[]; locked: string[] }[]>();
    expect(roles.map(({ role, locked }) => ({ role, locked }))).toEqual([
      { role: 'customer', locked: [] },
      { role: 'agent', locked: [] },
      { role: 'manager', locked: ['users.manage', 'roles.manage'] },
    ]);
    const managerRole = roles.find((entry) => entry.role === 'manager');
    for (const locked of managerRole?.locked ?? []) {
      const without = (managerRole?.permissions ?? []).filter((permission) => permission !== locked);
      const put = await call('PUT', '/api/roles/manager', manager.accessToken, { permissions: without });
      expect(put.statusCode, locked).toBe(409);
      expect(put.json().error).toEqual({ code: 'manager_permission_locked', message: 'Managers always keep users.manage and roles.manage' });
    }
  });

  it('deactivation ends the user session on the next request', async () => {
    expect((await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, { active: false })).json().active).toBe(false);
    expect((await call('GET', '/api/auth/me', agent.accessToken)).statusCode).toBe(401);
    expect((await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, {})).statusCode).toBe(400);
    expect((await call('PATCH', `/api/users/not-a-uuid`, manager.accessToken, { name: 'x' })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/users/00000000-0000-4000-8000-000000000000`, manager.accessToken, { name: 'x' })).statusCode).toBe(404);
  });

  it('edits role permissions with validation and the manager lock', async () => {
    const roles = (await call('GET', '/api/roles', manager.accessToken)).json<{ role: string; permissions: string[] }[]>();
    expect(roles.find((r) => r.role === 'agent')?.permissions).toEqual([
      'tickets.assign', 'tickets.create', 'tickets.note', 'tickets.read.all', 'tickets.reply', 'tickets.status', 'tickets.tag', 'tickets.team',
    ]);
    const unknown = await call('PUT', '/api/roles/agent', manager.accessToken, { permissions: ['tickets.create', 'tickets.fly'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_permission');
    const locked = await call('PUT', '/api/roles/manager', manager.accessToken, { permissions: ['tickets.create', 'roles.manage'] });
    expect(locked.statusCode).toBe(409);

    const put = await call('PUT', '/api/roles/agent', manager.accessToken, { permissions: ['tickets.reply', 'tickets.create', 'tickets.reply'] });
    expect(put.json()).toEqual({ role: 'agent', permissions: ['tickets.create', 'tickets.reply'] });
    const agentMe = (await call('GET', '/api/auth/me', agent.accessToken)).json();
    expect(agentMe.permissions).toEqual(['tickets.create', 'tickets.reply']);
  });

  it('writes every admin action to the audit log', async () => {
    await call('POST', '/api/users', manager.accessToken, { email: 'aud@example.test', name: 'Aud', role: 'agent', password: 'long enough' });
    await call('PATCH', `/api/users/${agent.user.id}`, manager.accessToken, { role: 'manager' });
    await call('PATCH', `/api/users/${customer.user.id}`, manager.accessToken, { active: false });
    await call('PUT', '/api/roles/customer', manager.accessToken, { permissions: ['tickets.create'] });
    const log = (await call('GET', '/api/audit-log', manager.accessToken)).json<{ items: { action: string; actorId: string; details: unknown }[] }>();
    expect(log.items.map((e) => e.action)).toEqual(['role.permissions_changed', 'user.updated', 'user.updated', 'user.created']);
    expect(log.items.every((e) => e.actorId === manager.user.id)).toBe(true);
    expect(log.items[1]?.details).toEqual({ active: { from: true, to: false } });
    expect(log.items[2]?.details).toEqual({ role: { from: 'agent', to: 'manager' } });
  });
});
