import type { AuthResponse } from './types';

/** An answer of the API that was not 2xx, carrying the API's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The body field a validation message names ("body/password must …" → "password"). */
  get field(): string | undefined {
    return /^body\/(\w+)/.exec(this.message)?.[1];
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Public routes (login, register, …) are sent without a token and never trigger a refresh. */
  anonymous?: boolean;
}

const REFRESH_KEY = 'helpline.refreshToken';
/** Refresh a little before the access token expires, so a stream reconnect never uses a dead one. */
const EXPIRY_MARGIN_MS = 30_000;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorOf(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `The server answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not the API's error shape (a proxy page, an empty body): keep the generic message.
  }
  return new ApiError(response.status, code, message);
}

/** Runs `task` while holding a lock shared by every tab, when the browser has Web Locks. */
function withTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    return navigator.locks.request(name, task);
  }
  return task();
}

/**
 * The one way the app talks to the server. The access token lives in memory only; the
 * refresh token is kept in localStorage so a reload stays signed in. A 401 triggers one
 * refresh and one retry; when that fails the session is over.
 */
export class ApiClient {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private refreshing: Promise<boolean> | null = null;
  private readonly sessionEndListeners = new Set<() => void>();

  constructor(private readonly storage: Storage = window.localStorage) {
    // Another tab logging out ends this tab's session too.
    window.addEventListener('storage', (event) => {
      if (event.key === REFRESH_KEY && event.newValue === null && this.accessToken) this.endSession();
    });
  }

  get hasStoredSession(): boolean {
    return this.storage.getItem(REFRESH_KEY) !== null;
  }

  onSessionEnd(listener: () => void): () => void {
    this.sessionEndListeners.add(listener);
    return () => this.sessionEndListeners.delete(listener);
  }

  /** Stores the tokens of a login, registration or refresh. */
  startSession(auth: AuthResponse): void {
    this.accessToken = auth.accessToken;
    this.expiresAt = Date.now() + auth.expiresIn * 1000;
    this.storage.setItem(REFRESH_KEY, auth.refreshToken);
  }

  /** Revokes the refresh token on the server; signs out locally even when that fails. */
  async logout(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_KEY);
    try {
      if (refreshToken) await this.request('POST', '/api/auth/logout', { body: { refreshToken } });
    } catch {
      // Already revoked or unreachable: either way this browser forgets the session below.
    } finally {
      this.endSession();
    }
  }

  private endSession(): void {
    const hadSession = this.accessToken !== null || this.hasStoredSession;
    this.accessToken = null;
    this.expiresAt = 0;
    this.storage.removeItem(REFRESH_KEY);
    if (hadSession) for (const listener of this.sessionEndListeners) listener();
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
    const refreshToken = this.storage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!response.ok) {
      // A 401 means the token is spent or revoked; anything else (429, network) keeps it for later.
      if (response.status === 401) this.endSession();
      return false;
    }
    this.startSession((await response.json()) as AuthResponse);
    return true;
  }

  /** A valid access token, refreshing first when it is about to expire; null when signed out. */
  async freshAccessToken(): Promise<string | null> {
    if (this.accessToken && Date.now() < this.expiresAt - EXPIRY_MARGIN_MS) return this.accessToken;
    if (!(await this.refresh())) return null;
    return this.accessToken;
  }

  private async send(method: string, path: string, options: RequestOptions, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (!options.anonymous && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    return fetch(withQuery(path, options.query), {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  }

  private async sendWithRefresh(method: string, path: string, options: RequestOptions, accept: string): Promise<Response> {
    if (!options.anonymous && !this.accessToken) await this.refresh();
    let response = await this.send(method, path, options, accept);
    if (response.status === 401 && !options.anonymous && (await this.refresh())) {
      response = await this.send(method, path, options, accept);
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (error.status === 401 && !options.anonymous) this.endSession();
      throw error;
    }
    return response;
  }

  /** Sends a JSON request and returns the parsed body (undefined for 204). */
  async request<T = undefined>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.sendWithRefresh(method, path, options, 'application/json');
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Fetches a non-JSON representation (CSV) as a Blob. */
  async download(path: string, query: Query = {}): Promise<Blob> {
    const response = await this.sendWithRefresh('GET', path, { query }, 'text/csv');
    return response.blob();
  }

  get = <T>(path: string, query?: Query): Promise<T> => this.request<T>('GET', path, query ? { query } : {});
  post = <T = undefined>(path: string, body?: unknown): Promise<T> => this.request<T>('POST', path, { body });
  patch = <T>(path: string, body: unknown): Promise<T> => this.request<T>('PATCH', path, { body });
  put = <T>(path: string, body: unknown): Promise<T> => this.request<T>('PUT', path, { body });
  delete = (path: string): Promise<undefined> => this.request('DELETE', path);
}

export const api = new ApiClient();
