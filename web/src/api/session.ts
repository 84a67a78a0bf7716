import type { AuthResponse } from './models';

const REFRESH_KEY = 'helpline.refreshToken';
/** Refresh a little before the access token expires, so no request (or stream reconnect) uses a dead one. */
const EXPIRY_MARGIN_MS = 30_000;

/** What trading a refresh token brought: new tokens, a spent or revoked token, or no answer to judge by. */
export type Exchange = AuthResponse | 'spent' | 'failed';

/** Runs `task` while holding a lock shared by every tab, when the browser has Web Locks. */
function withTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    return navigator.locks.request(name, task);
  }
  return task();
}

/**
 * The signed-in session's tokens. The access token lives in memory only; the refresh token
 * is kept in localStorage so a reload stays signed in. One refresh runs at a time (across
 * tabs too); a refresh token the server calls spent ends the session.
 */
export class Session {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private refreshing: Promise<boolean> | null = null;
  private readonly endListeners = new Set<() => void>();

  constructor(
    private readonly exchange: (refreshToken: string) => Promise<Exchange>,
    private readonly storage: Storage = window.localStorage,
  ) {
    // Another tab logging out ends this tab's session too.
    window.addEventListener('storage', (event) => {
      if (event.key === REFRESH_KEY && event.newValue === null && this.accessToken) this.end();
    });
  }

  get hasStoredSession(): boolean {
    return this.storage.getItem(REFRESH_KEY) !== null;
  }

  get refreshToken(): string | null {
    return this.storage.getItem(REFRESH_KEY);
  }

  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Stores the tokens of a login, registration or refresh. */
  start(auth: AuthResponse): void {
    this.accessToken = auth.accessToken;
    this.expiresAt = Date.now() + auth.expiresIn * 1000;
    this.storage.setItem(REFRESH_KEY, auth.refreshToken);
  }

  end(): void {
    const hadSession = this.accessToken !== null || this.hasStoredSession;
    this.accessToken = null;
    this.expiresAt = 0;
    this.storage.removeItem(REFRESH_KEY);
    if (hadSession) for (const listener of this.endListeners) listener();
  }

  /** Trades the stored refresh token for a new pair; concurrent callers share one attempt. */
  refresh(): Promise<boolean> {
    this.refreshing ??= withTabLock('helpline-refresh', () => this.refreshOnce()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    // Read inside the lock: another tab may just have rotated the token.
    const refreshToken = this.refreshToken;
    if (!refreshToken) return false;
    const answer = await this.exchange(refreshToken);
    // A spent or revoked token is the end; anything else (429, network) keeps it for later.
    if (answer === 'spent') this.end();
    if (typeof answer === 'string') return false;
    this.start(answer);
    return true;
  }

  /** A valid access token, refreshing first when it is about to expire; null when signed out. */
  async freshAccessToken(): Promise<string | null> {
    if (this.accessToken && Date.now() < this.expiresAt - EXPIRY_MARGIN_MS) return this.accessToken;
    if (!(await this.refresh())) return null;
    return this.accessToken;
  }
}
