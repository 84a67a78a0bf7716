import { useEffect, type ReactNode } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useParams } from 'react-router';
import type { Permission } from '../api/models';
import { AuditPage } from '../admin/AuditPage';
import { EscalationPage } from '../admin/EscalationPage';
import { FailedMailPage } from '../admin/FailedMailPage';
import { FailedIntakePage } from '../mailboxes/FailedIntakePage';
import { MailboxesPage } from '../mailboxes/MailboxesPage';
import { RolesPage } from '../admin/RolesPage';
import { SlaPage } from '../admin/SlaPage';
import { UsersPage } from '../admin/UsersPage';
import { ForgotPasswordPage } from '../auth/ForgotPasswordPage';
import { LoginPage } from '../auth/LoginPage';
import { ProfilePage } from '../auth/ProfilePage';
import { RegisterPage } from '../auth/RegisterPage';
import { ResetPasswordPage } from '../auth/ResetPasswordPage';
import { VerifyEmailPage } from '../auth/VerifyEmailPage';
import { useAuth } from '../auth/AuthContext';
import { MacrosPage } from '../macros/MacrosPage';
import { PreferencesPage } from '../notifications/PreferencesPage';
import { QueuePage } from '../queue/QueuePage';
import { ReportsPage } from '../reports/ReportsPage';
import { SatisfactionLinkPage } from '../satisfaction/SatisfactionLinkPage';
import { TagsPage } from '../tags/TagsPage';
import { TeamsPage } from '../teams/TeamsPage';
import { MyTicketsPage } from '../tickets/MyTicketsPage';
import { NewTicketPage } from '../tickets/NewTicketPage';
import { TicketPage } from '../tickets/TicketPage';
import { EmptyState } from '../ui/feedback';
import { PublicLayout, SignedInLayout } from './layouts';

/** Names the page in the tab title, moves focus to it (screen readers hear the change) and scrolls to its top. */
function Page({ title, needs, children }: { title: string; needs?: Permission; children: ReactNode }) {
  const { can } = useAuth();
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = `${title} · Helpline`;
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [title, pathname]);
  if (needs && !can(needs)) {
    return (
      <EmptyState title="This page is not available to you">
        <Link to="/">Go to the start page</Link>
      </EmptyState>
    );
  }
  return <>{children}</>;
}

function TicketRoute() {
  const { id = '' } = useParams();
  return <TicketPage key={id} id={id} />;
}

function StartPage() {
  const { can } = useAuth();
  return <Navigate to={can('tickets.read.all') ? '/queue' : '/tickets'} replace />;
}

function NoSuchPage() {
  useEffect(() => {
    document.title = 'Helpline';
  }, []);
  return (
    <EmptyState title="There is no such page">
      <Link to="/">Go to the start page</Link>
    </EmptyState>
  );
}

/** Every URL of the app; mails link to some of them (/tickets/:id, /reset-password?token=, /verify-email?token=), so they stay as they are. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      </Route>
      {/* Password reset works signed in too (the mail may be opened in a signed-in browser). */}
      <Route path="/reset-password" element={<PublicLayout signedInToo />}>
        <Route index element={<ResetPasswordPage />} />
      </Route>
      {/* The satisfaction link works without signing in, in whichever browser the mail is opened. */}
      <Route path="/satisfaction" element={<PublicLayout signedInToo />}>
        <Route index element={<SatisfactionLinkPage />} />
      </Route>
      {/* So is the address check: the link works in whichever browser the mail is opened. */}
      <Route path="/verify-email" element={<PublicLayout signedInToo />}>
        <Route index element={<VerifyEmailPage />} />
      </Route>
      <Route element={<SignedInLayout />}>
        <Route index element={<StartPage />} />
        <Route path="/tickets/new" element={<Page title="New ticket" needs="tickets.create"><NewTicketPage /></Page>} />
        <Route path="/tickets/:id" element={<Page title="Ticket"><TicketRoute /></Page>} />
        <Route path="/tickets" element={<Page title="My tickets"><MyTicketsPage /></Page>} />
        <Route path="/queue" element={<Page title="Queue" needs="tickets.read.all"><QueuePage /></Page>} />
        <Route path="/macros" element={<Page title="Macros" needs="tickets.read.all"><MacrosPage /></Page>} />
        <Route path="/reports" element={<Page title="Reports" needs="reports.read"><ReportsPage /></Page>} />
        <Route path="/admin/tags" element={<Page title="Tags" needs="macros.manage"><TagsPage /></Page>} />
        <Route path="/admin/users" element={<Page title="Users" needs="users.manage"><UsersPage /></Page>} />
        <Route path="/admin/roles" element={<Page title="Roles" needs="roles.manage"><RolesPage /></Page>} />
        <Route path="/admin/sla" element={<Page title="SLA" needs="escalation.manage"><SlaPage /></Page>} />
        <Route path="/admin/teams" element={<Page title="Teams" needs="teams.manage"><TeamsPage /></Page>} />
        <Route path="/admin/escalation" element={<Page title="Escalation rules" needs="escalation.manage"><EscalationPage /></Page>} />
        <Route path="/admin/audit" element={<Page title="Audit log" needs="audit.read"><AuditPage /></Page>} />
        <Route path="/admin/mail" element={<Page title="Failed mail" needs="mail.manage"><FailedMailPage /></Page>} />
        <Route path="/admin/mailboxes" element={<Page title="Mailboxes" needs="mail.manage"><MailboxesPage /></Page>} />
        <Route path="/admin/intake" element={<Page title="Failed intake" needs="mail.manage"><FailedIntakePage /></Page>} />
        <Route path="/profile" element={<Page title="Profile"><ProfilePage /></Page>} />
        <Route path="/settings/notifications" element={<Page title="Notification preferences"><PreferencesPage /></Page>} />
        <Route path="*" element={<NoSuchPage />} />
      </Route>
    </Routes>
  );
}
