import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { AuthResponse, Me, Permission } from '../api/types';
import { fetchMe } from './auth.api';

export type AuthStatus = 'loading' | 'signed-out' | 'signed-in';

interface AuthValue {
  status: AuthStatus;
  me: Me | null;
  /** Whether the server currently grants the caller this permission; decides what the UI offers. */
  can: (permission: Permission) => boolean;
  signIn: (auth: AuthResponse) => Promise<void>;
  signOut: () => Promise<void>;
  /** Re-reads the caller's role and permissions (they change when a manager edits them). */
  reloadMe: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>(api.hasStoredSession ? 'loading' : 'signed-out');
  const [me, setMe] = useState<Me | null>(null);
  const loadingMe = useRef<Promise<void> | null>(null);

  const reloadMe = useCallback(() => {
    loadingMe.current ??= fetchMe()
      .then((fresh) => {
        setMe(fresh);
        setStatus('signed-in');
      })
      .catch(() => {
        // A 401 already ended the session (see below); other failures keep what we have.
        if (!api.hasStoredSession) setStatus('signed-out');
      })
      .finally(() => {
        loadingMe.current = null;
      });
    return loadingMe.current;
  }, []);

  useEffect(() => {
    const stop = api.onSessionEnd(() => {
      setMe(null);
      setStatus('signed-out');
    });
    if (api.hasStoredSession) void reloadMe();
    return stop;
  }, [reloadMe]);

  const signIn = useCallback(
    async (auth: AuthResponse) => {
      api.startSession(auth);
      await reloadMe();
    },
    [reloadMe],
  );

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setMe(null);
      setStatus('signed-out');
    }
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      me,
      can: (permission) => me?.permissions.includes(permission) ?? false,
      signIn,
      signOut,
      reloadMe,
    }),
    [status, me, signIn, signOut, reloadMe],
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
