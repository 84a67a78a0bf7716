import type { InjectOptions } from 'fastify';
import type { TestApp } from '../test/app.js';
import type { GeneratedRequest } from './arbitraries.js';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const payloadOf = (request: GeneratedRequest): string | undefined => {
  if (!request.payload) return undefined;
  return 'json' in request.payload ? JSON.stringify(request.payload.json) : request.payload.raw;
};

const headersOf = (request: GeneratedRequest, token: string | undefined): Record<string, string> => ({
  ...request.headers,
  ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
});

/** Through the whole HTTP stack in memory. */
export async function inject(t: TestApp, request: GeneratedRequest, token: string | undefined): Promise<Answer> {
  const payload = payloadOf(request);
  const response = await t.app.inject({
    method: request.method,
    url: request.url,
    headers: headersOf(request, token),
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), body: response.body };
}

/**
 * Over a real socket, for routes that stream: a 200 is closed as soon as its headers
 * arrive (the stream would never end), anything else is read whole.
 */
export async function overSocket(baseUrl: string, request: GeneratedRequest, token: string | undefined): Promise<Answer> {
  const controller = new AbortController();
  const payload = request.method === 'GET' ? undefined : payloadOf(request);
  const response = await fetch(`${baseUrl}${request.url}`, {
    method: request.method,
    headers: headersOf(request, token),
    signal: controller.signal,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status === 200 && contentType.startsWith('text/event-stream')) {
    controller.abort();
    return { status: 200, contentType, body: '' };
  }
  return { status: response.status, contentType, body: await response.text() };
}
