import { afterEach, beforeEach, expect, it } from 'vitest';
import { call, callJson, openTicketAt, patchAt, setClock } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';

interface TagRow {
  tag: string;
  created: number;
  resolved: number;
}

describeEachDatabase('report by tag', (kind) => {
  let t: TestApp;
  let cora: TestUser;
  let ada: TestUser;
  let mia: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    setClock(t, '2024-03-01T09:00:00Z');
    cora = await createUser(t, { role: 'customer', name: 'Cora Customer' });
    ada = await createUser(t, { role: 'agent', name: 'Ada Agent' });
    mia = await createUser(t, { role: 'manager', name: 'Mia Manager' });
  });
  afterEach(() => t.close());

  const range = '?from=2024-03-04&to=2024-03-05';

  it('counts tickets created and resolved in the range per tag they carry, as JSON and CSV', async () => {
    const before = await openTicketAt(t, cora, '2024-03-01T09:00:00Z');
    const one = await openTicketAt(t, cora, '2024-03-04T10:00:00Z');
    const two = await openTicketAt(t, cora, '2024-03-05T10:00:00Z');
    const after = await openTicketAt(t, cora, '2024-03-06T10:00:00Z');
    await patchAt(t, ada, '2024-03-04T10:00:00Z', before.id, { addTags: ['billing', 'vip'], status: 'resolved' });
    await patchAt(t, ada, '2024-03-04T11:00:00Z', one.id, { addTags: ['billing'] });
    await patchAt(t, ada, '2024-03-05T11:00:00Z', two.id, { addTags: ['billing', 'cmd'] });
    await patchAt(t, ada, '2024-03-06T11:00:00Z', after.id, { addTags: ['billing', 'late'], status: 'resolved' });

    const report = await callJson<{ items: TagRow[] }>(t, mia, 'GET', `/api/reports/tags${range}`);
    expect(report.items).toEqual([
      { tag: 'billing', created: 2, resolved: 1 },
      { tag: 'cmd', created: 1, resolved: 0 },
      { tag: 'vip', created: 0, resolved: 1 },
    ]);
    const csv = await call(t, mia, 'GET', `/api/reports/tags${range}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split(/\r?\n/)).toEqual(['tag,created,resolved', 'billing,2,1', 'cmd,1,0', 'vip,0,1']);
  });

  it('needs reports.read and the sight of tags (tickets.note); refuses a bad range; 401 without a token', async () => {
    expect((await call(t, cora, 'GET', '/api/reports/tags')).statusCode).toBe(403);
    expect((await call(t, ada, 'GET', '/api/reports/tags')).statusCode).toBe(403);
    const managerPermissions = await currentPermissions(t, mia, 'manager');
    await setRolePermissions(t, mia, 'manager', managerPermissions.filter((permission) => permission !== 'tickets.note'));
    const blind = await call(t, mia, 'GET', '/api/reports/tags');
    expect(blind.statusCode).toBe(403);
    expect(blind.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.note' } });
    await setRolePermissions(t, mia, 'manager', managerPermissions);
    expect((await call(t, mia, 'GET', '/api/reports/tags?from=yesterday')).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/api/reports/tags' })).statusCode).toBe(401);
  });
});
