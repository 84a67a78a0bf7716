import type { ReactNode } from 'react';
import type { Permission } from '../api/types';
import { AuditPage } from '../admin/AuditPage';
import { EscalationPage } from '../admin/EscalationPage';
import { FailedMailPage } from '../admin/FailedMailPage';
import { RolesPage } from '../admin/RolesPage';
import { SlaPage } from '../admin/SlaPage';
import { UsersPage } from '../admin/UsersPage';
import { ProfilePage } from '../auth/ProfilePage';
import { PreferencesPage } from '../notifications/PreferencesPage';
import { QueuePage } from '../queue/QueuePage';
import { ReportsPage } from '../reports/ReportsPage';
import { MyTicketsPage } from '../tickets/MyTicketsPage';
import { NewTicketPage } from '../tickets/NewTicketPage';
import { TicketPage } from '../tickets/TicketPage';
import { matchPath } from './router';

export interface PageRoute {
  path: string;
  title: string;
  /** The page is offered only to callers holding this permission. */
  needs?: Permission;
  render: (params: Record<string, string>) => ReactNode;
}

/** The signed-in pages, most specific first. */
export const PAGES: PageRoute[] = [
  { path: '/tickets/new', title: 'New ticket', needs: 'tickets.create', render: () => <NewTicketPage /> },
  { path: '/tickets/:id', title: 'Ticket', render: ({ id = '' }) => <TicketPage key={id} id={id} /> },
  { path: '/tickets', title: 'My tickets', render: () => <MyTicketsPage /> },
  { path: '/queue', title: 'Queue', needs: 'tickets.read.all', render: () => <QueuePage /> },
  { path: '/reports', title: 'Reports', needs: 'reports.read', render: () => <ReportsPage /> },
  { path: '/admin/users', title: 'Users', needs: 'users.manage', render: () => <UsersPage /> },
  { path: '/admin/roles', title: 'Roles', needs: 'roles.manage', render: () => <RolesPage /> },
  { path: '/admin/sla', title: 'SLA', needs: 'escalation.manage', render: () => <SlaPage /> },
  { path: '/admin/escalation', title: 'Escalation rules', needs: 'escalation.manage', render: () => <EscalationPage /> },
  { path: '/admin/audit', title: 'Audit log', needs: 'users.manage', render: () => <AuditPage /> },
  { path: '/admin/mail', title: 'Failed mail', needs: 'users.manage', render: () => <FailedMailPage /> },
  { path: '/profile', title: 'Profile', render: () => <ProfilePage /> },
  { path: '/settings/notifications', title: 'Notification preferences', render: () => <PreferencesPage /> },
];

export function findPage(pathname: string): { page: PageRoute; params: Record<string, string> } | null {
  for (const page of PAGES) {
    const params = matchPath(page.path, pathname);
    if (params) return { page, params };
  }
  return null;
}

export const PUBLIC_PATHS = ['/login', '/register', '/forgot-password', '/reset-password'];
