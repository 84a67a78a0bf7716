import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { logout, session } from '../api/client';
import type { AuthResponse, Me, Permission } from '../api/models';
import { fetchMe } from './auth.api';

export type AuthStatus = 'loading' | 'signed-out' | 'signed-in';

interface AuthValue {
  status: AuthStatus;
  me: Me | null;
  /** Signed out with the Sign out button (rather than by an expired session): no way back to the last page. */
  signedOutByUser: boolean;
  /** Whether the server currently grants the caller this permission; decides what the UI offers. */
  can: (permission: Permission) => boolean;
  signIn: (auth: AuthResponse) => Promise<void>;
  signOut: () => Promise<void>;
  /** Re-reads the caller's role and permissions (they change when a manager edits them). */
  reloadMe: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>(session.hasStoredSession ? 'loading' : 'signed-out');
  const [me, setMe] = useState<Me | null>(null);
  const [signedOutByUser, setSignedOutByUser] = useState(false);
  const loadingMe = useRef<Promise<void> | null>(null);

  const reloadMe = useCallback(() => {
    loadingMe.current ??= fetchMe()
      .then((fresh) => {
        setMe(fresh);
        setStatus('signed-in');
      })
      .catch(() => {
        // A 401 already ended the session (see below); other failures keep what we have.
        if (!session.hasStoredSession) setStatus('signed-out');
      })
      .finally(() => {
        loadingMe.current = null;
      });
    return loadingMe.current;
  }, []);

  useEffect(() => {
    const stop = session.onEnd(() => {
      setMe(null);
      setStatus('signed-out');
      // Nothing one person's session read may show in the next one's.
      client.clear();
    });
    if (session.hasStoredSession) void reloadMe();
    return stop;
  }, [reloadMe, client]);

  const signIn = useCallback(
    async (auth: AuthResponse) => {
      client.clear();
      session.start(auth);
      setSignedOutByUser(false);
      await reloadMe();
    },
    [reloadMe, client],
  );

  const signOut = useCallback(async () => {
    setSignedOutByUser(true);
    try {
      await logout();
    } finally {
      setMe(null);
      setStatus('signed-out');
      client.clear();
    }
  }, [client]);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      me,
      signedOutByUser,
      can: (permission) => me?.permissions.includes(permission) ?? false,
      signIn,
      signOut,
      reloadMe,
    }),
    [status, me, signedOutByUser, signIn, signOut, reloadMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only for pages rendered behind the sign-in gate. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
