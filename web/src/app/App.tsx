import { useEffect } from 'react';
import { AuthProvider, useAuth } from '../auth/AuthContext';
import { ForgotPasswordPage } from '../auth/ForgotPasswordPage';
import { LoginPage } from '../auth/LoginPage';
import { RegisterPage } from '../auth/RegisterPage';
import { ResetPasswordPage } from '../auth/ResetPasswordPage';
import { LiveProvider } from '../notifications/LiveProvider';
import { EmptyState, Loading } from '../ui/feedback';
import { ToastProvider } from '../ui/toast';
import { findPage, PUBLIC_PATHS } from './routes';
import { Link, navigate, useLocation } from './router';
import { Shell } from './Shell';

function PublicPage({ pathname }: { pathname: string }) {
  switch (pathname) {
    case '/register':
      return <RegisterPage />;
    case '/forgot-password':
      return <ForgotPasswordPage />;
    case '/reset-password':
      return <ResetPasswordPage />;
    default:
      return <LoginPage />;
  }
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function SignedInPages({ pathname }: { pathname: string }) {
  const { can } = useAuth();
  const found = findPage(pathname);

  useEffect(() => {
    document.title = found ? `${found.page.title} · Helpline` : 'Helpline';
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [found?.page.title, pathname]);

  if (pathname === '/') return <Redirect to={can('tickets.read.all') ? '/queue' : '/tickets'} />;
  if (!found) {
    return (
      <EmptyState title="There is no such page">
        <Link to="/">Go to the start page</Link>
      </EmptyState>
    );
  }
  if (found.page.needs && !can(found.page.needs)) {
    return (
      <EmptyState title="This page is not available to you">
        <Link to="/">Go to the start page</Link>
      </EmptyState>
    );
  }
  return <>{found.page.render(found.params)}</>;
}

function Routes() {
  const { status, me } = useAuth();
  const { pathname, search } = useLocation();
  const isPublic = PUBLIC_PATHS.includes(pathname);

  if (status === 'loading') return <Loading label="Signing you in…" />;
  if (status === 'signed-out' || !me) {
    if (isPublic) {
      return (
        <main id="main" className="public">
          <PublicPage pathname={pathname} />
        </main>
      );
    }
    const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + (search.toString() ? `?${search.toString()}` : ''))}`;
    return <Redirect to={`/login${next}`} />;
  }
  // Password reset works signed in too (the mail may be opened in a signed-in browser).
  if (pathname === '/reset-password') {
    return (
      <main id="main" className="public">
        <ResetPasswordPage />
      </main>
    );
  }
  if (isPublic) return <Redirect to="/" />;
  return (
    <LiveProvider userId={me.id}>
      <Shell>
        <SignedInPages pathname={pathname} />
      </Shell>
    </LiveProvider>
  );
}

export function App() {
  return (
    <ToastProvider>
      <AuthProvider>
        <Routes />
      </AuthProvider>
    </ToastProvider>
  );
}
