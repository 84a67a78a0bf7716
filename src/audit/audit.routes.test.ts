import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';

describeEachDatabase('audit log access', (kind) => {
  let t: TestApp;
  let manager: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    manager = await createUser(t, { role: 'manager' });
  });
  afterEach(() => t.close());

  const readLog = (token: string | undefined) => t.request({ method: 'GET', url: '/api/audit-log', token });

  const setPermissions = async (role: 'agent' | 'manager', change: (permissions: string[]) => string[]) =>
    setRolePermissions(t, manager, role, change(await currentPermissions(t, manager, role)));

  it('is read by managers through audit.read, granted by default', async () => {
    const roles = (await t.request({ method: 'GET', url: '/api/roles', token: manager.accessToken })).json<{ role: string; permissions: string[] }[]>();
    expect(roles.filter((entry) => entry.permissions.includes('audit.read')).map((entry) => entry.role)).toEqual(['manager']);
    expect((await readLog(manager.accessToken)).statusCode).toBe(200);
    expect((await readLog(undefined)).statusCode).toBe(401);
  });

  it('refuses agents and customers with the missing permission', async () => {
    for (const role of ['agent', 'customer'] as const) {
      const response = await readLog((await createUser(t, { role })).accessToken);
      expect(response.statusCode, role).toBe(403);
      expect(response.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission audit.read' } });
    }
  });

  it('follows audit.read, not users.manage: editable like every other permission', async () => {
    await setPermissions('manager', (permissions) => permissions.filter((permission) => permission !== 'audit.read'));
    const refused = await readLog(manager.accessToken);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe('Missing permission audit.read');
    // Still a manager of users, just not a reader of the log.
    expect((await t.request({ method: 'GET', url: '/api/users', token: manager.accessToken })).statusCode).toBe(200);

    const agent = await createUser(t, { role: 'agent' });
    await setPermissions('agent', (permissions) => [...permissions, 'audit.read']);
    const log = await readLog(agent.accessToken);
    expect(log.statusCode).toBe(200);
    // The grants themselves are in the log it reads.
    expect(log.json<{ items: { action: string }[] }>().items.map((entry) => entry.action)).toEqual([
      'role.permissions_changed',
      'role.permissions_changed',
    ]);
  });
});
