import createClient, { type Middleware } from 'openapi-fetch';
import { apiErrorOf } from './errors';
import type { paths } from './schema';
import { Session } from './session';

/** The routes anyone may call: sent without a token, and a 401 from them is an answer, not an expired session. */
const PUBLIC_PATHS = new Set([
  '/api/auth/register',
  '/api/auth/login',
  '/api/auth/refresh',
  '/api/auth/password/forgot',
  '/api/auth/password/reset',
  '/api/auth/email/verify',
]);

/** The one typed client of the API: paths, parameters, bodies and answers come from schema.d.ts. */
export const api = createClient<paths>();

export const session = new Session(async (refreshToken) => {
  try {
    const { data, response } = await api.POST('/api/auth/refresh', { body: { refreshToken } });
    if (data) return data;
    return response.status === 401 ? 'spent' : 'failed';
  } catch {
    return 'failed';
  }
});

/** A copy of each request as first sent, so a 401 can be retried once after a refresh (a body is read only once). */
const spares = new WeakMap<Request, Request>();

const withToken = (request: Request, token: string | null): Request => {
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  return request;
};

/** Bearer token on every private call; a 401 refreshes once and retries; a 401 after that ends the session. */
const auth: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (PUBLIC_PATHS.has(schemaPath)) return undefined;
    const sent = withToken(request, await session.freshAccessToken());
    spares.set(sent, sent.clone());
    return sent;
  },
  async onResponse({ request, response, schemaPath }) {
    if (response.status !== 401 || PUBLIC_PATHS.has(schemaPath)) return undefined;
    const spare = spares.get(request);
    let answer = response;
    if (spare && (await session.refresh())) answer = await fetch(withToken(spare, await session.freshAccessToken()));
    if (answer.status === 401) session.end();
    return answer;
  },
};
api.use(auth);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a 2xx answer; anything else is thrown as an ApiError. */
export async function json<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw apiErrorOf(response.status, error);
  if (data === undefined) throw apiErrorOf(response.status, { error: { code: 'empty_answer', message: 'The server sent no answer' } });
  return data;
}

/** For calls answered with 204 (or whose body the caller does not need). */
export async function done(pending: Promise<Answer<unknown>>): Promise<void> {
  const { error, response } = await pending;
  if (!response.ok) throw apiErrorOf(response.status, error);
}

/** Revokes the refresh token on the server; signs out locally even when that fails. */
export async function logout(): Promise<void> {
  const refreshToken = session.refreshToken;
  try {
    if (refreshToken) await api.POST('/api/auth/logout', { body: { refreshToken } });
  } catch {
    // Already revoked or unreachable: either way this browser forgets the session below.
  } finally {
    session.end();
  }
}
