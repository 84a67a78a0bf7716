import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { LiveProvider } from '../notifications/LiveProvider';
import { Shell } from './Shell';

/** Where to go after signing in: the page that sent us here, if it is one of ours. */
export function nextPath(search: URLSearchParams): string {
  const next = search.get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Sign-in, registration and password pages: a signed-in visitor goes on to where they were headed. */
export function PublicLayout({ signedInToo = false }: { signedInToo?: boolean }) {
  const { status } = useAuth();
  const [search] = useSearchParams();
  if (status === 'signed-in' && !signedInToo) return <Navigate to={nextPath(search)} replace />;
  return (
    <main id="main" className="public">
      <Outlet />
    </main>
  );
}

/** Every other page: signed out, the visitor signs in first and comes back here (unless they just signed out). */
export function SignedInLayout() {
  const { status, me, signedOutByUser } = useAuth();
  const { pathname, search } = useLocation();
  if (status !== 'signed-in' || !me) {
    const next = pathname === '/' || signedOutByUser ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return (
    <LiveProvider userId={me.id}>
      <Shell>
        <Outlet />
      </Shell>
    </LiveProvider>
  );
}
