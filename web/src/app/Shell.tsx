import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import type { Permission } from '../api/models';
import { useAuth, useMe } from '../auth/AuthContext';
import { VerifyEmailBanner } from '../auth/VerifyEmailBanner';
import { NotificationBell } from '../notifications/NotificationBell';
import { AvailabilitySwitch } from '../teams/AvailabilitySwitch';

interface NavItem {
  to: string;
  label: string;
  needs?: Permission;
  /** Hidden from callers holding this one (customers' "My tickets" vs staff's queue). */
  unless?: Permission;
}

const NAV: NavItem[] = [
  { to: '/queue', label: 'Queue', needs: 'tickets.read.all' },
  { to: '/tickets', label: 'My tickets', unless: 'tickets.read.all' },
  { to: '/macros', label: 'Macros', needs: 'tickets.read.all' },
  { to: '/admin/tags', label: 'Tags', needs: 'macros.manage' },
  { to: '/reports', label: 'Reports', needs: 'reports.read' },
  { to: '/admin/users', label: 'Users', needs: 'users.manage' },
  { to: '/admin/roles', label: 'Roles', needs: 'roles.manage' },
  { to: '/admin/teams', label: 'Teams', needs: 'teams.manage' },
  { to: '/admin/escalation', label: 'Escalation', needs: 'escalation.manage' },
  { to: '/admin/sla', label: 'SLA', needs: 'escalation.manage' },
  { to: '/admin/audit', label: 'Audit log', needs: 'audit.read' },
  { to: '/admin/mail', label: 'Failed mail', needs: 'mail.manage' },
  { to: '/admin/mailboxes', label: 'Mailboxes', needs: 'mail.manage' },
  { to: '/admin/intake', label: 'Failed intake', needs: 'mail.manage' },
];

const ME_REFRESH_MS = 15_000;

export function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const { can, signOut, reloadMe } = useAuth();
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const lastMeLoad = useRef(Date.now());

  // Role and permission changes apply at once on the server; pick them up as the user moves on.
  useEffect(() => {
    setMenuOpen(false);
    if (Date.now() - lastMeLoad.current < ME_REFRESH_MS) return;
    lastMeLoad.current = Date.now();
    void reloadMe();
  }, [pathname, reloadMe]);

  useEffect(() => {
    const onFocus = () => void reloadMe();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [reloadMe]);

  const items = NAV.filter((item) => (!item.needs || can(item.needs)) && !(item.unless && can(item.unless)));
  const current = (to: string) => pathname === to || pathname.startsWith(`${to}/`);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Helpline
        </Link>
        <button type="button" className="icon-button menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((open) => !open)}>
          <span className="visually-hidden">Menu</span>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" fill="currentColor" />
          </svg>
        </button>
        <nav id="main-nav" className={menuOpen ? 'nav open' : 'nav'} aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={current(item.to) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          {me.role === 'customer' ? null : <AvailabilitySwitch />}
          <NotificationBell />
          <Link to="/profile" className="user-link" aria-current={current('/profile') ? 'page' : undefined}>
            <span className="visually-hidden">Profile of </span>
            {me.name}
          </Link>
          <button
            type="button"
            className="button secondary small"
            onClick={() => void signOut()}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <VerifyEmailBanner />
        {children}
      </main>
    </div>
  );
}
