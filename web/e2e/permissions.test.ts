import { expect, inject, it } from 'vitest';
import { call, customerWithTicket, tokenOf } from './api.js';
import { describeInBrowser } from './browser.js';
import { expectClean, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

describeInBrowser(
  'permissions in the browser',
  () => {
    const fixture = browserFixture();

    it('stops offering an action once the manager takes its permission from agents, and the API refuses it', async () => {
      const manager = await fixture.server.createUser('manager', 'Mia Manager');
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const { ticketId } = await customerWithTicket(fixture.server.url, 'Cora Customer', 'Laptop will not boot');

      // The agent has the ticket open, with the status control offered.
      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.goto(`/tickets/${ticketId}`);
      const statusControl = staff.page.getByRole('button', { name: 'Set status' });
      await statusControl.waitFor();

      // The manager unticks tickets.status for agents in the matrix.
      const boss = await fixture.open();
      await signIn(boss.page, manager);
      await boss.page.getByRole('link', { name: 'Roles' }).click();
      const box = boss.page.getByRole('checkbox', { name: 'agent: tickets.status' });
      await expect(box.isChecked()).resolves.toBe(true);
      await box.uncheck();
      await boss.page.locator('.toast', { hasText: 'Removed tickets.status from agents' }).waitFor();
      await boss.page.reload();
      await expect(boss.page.getByRole('checkbox', { name: 'agent: tickets.status' }).isChecked()).resolves.toBe(false);
      // What the server would refuse is not offered: managers' own administration is shown held and locked…
      const locked = boss.page.getByRole('checkbox', { name: 'manager: users.manage' });
      await expect(locked.isChecked()).resolves.toBe(true);
      await expect(locked.isDisabled()).resolves.toBe(true);
      // …and the only manager has no Deactivate of their own, while the agent does.
      await boss.page.getByRole('link', { name: 'Users' }).click();
      const rowOf = (name: string) => boss.page.getByRole('row').filter({ hasText: name });
      await rowOf('Ada Agent').getByRole('button', { name: 'Deactivate' }).waitFor();
      await expect(rowOf('Mia Manager').getByRole('button', { name: 'Deactivate' }).count()).resolves.toBe(0);

      // The API refuses the agent at once, whatever token they hold.
      const agentToken = await tokenOf(fixture.server.url, agent.email, agent.password);
      const refused = await call(fixture.server.url, 'PATCH', `/api/tickets/${ticketId}`, { token: agentToken, body: { status: 'in_progress' } });
      expect(refused.status).toBe(403);

      // The page still shows the old control; using it shows the refusal and the control goes away.
      staff.allow(/^403 PATCH \/api\/tickets\//);
      await staff.page.getByLabel('Status').selectOption('in_progress');
      await statusControl.click();
      await staff.page.locator('.actions .form-error').waitFor();
      await statusControl.waitFor({ state: 'detached' });

      // A fresh load never offers it.
      await staff.page.reload();
      await staff.page.getByRole('heading', { level: 1, name: 'Laptop will not boot' }).waitFor();
      await staff.page.getByRole('button', { name: 'Send reply' }).waitFor();
      await expect(statusControl.count()).resolves.toBe(0);
      const ticket = await call(fixture.server.url, 'GET', `/api/tickets/${ticketId}`, { token: agentToken });
      expect(ticket.body.status).toBe('open');

      // The manager keeps it, and the audit log records the change.
      await boss.page.getByRole('link', { name: 'Audit log' }).click();
      // The users table (the page before) has the same cell: wait for the log's own table.
      const auditLog = boss.page.getByRole('table', { name: 'Audit log' });
      await auditLog.getByRole('cell', { name: 'Mia Manager' }).first().waitFor();
      await expect(auditLog.textContent()).resolves.toContain('tickets.status');

      expectClean(staff.problems);
      expectClean(boss.problems);
    });
  },
  inject('webBuildError'),
);
