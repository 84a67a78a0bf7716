import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { clientErrors } from './error-handler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads a large body itself (an upload): Node's request timeout alone bounds it. */
    slowBody?: boolean;
  }
}

/** How long any other request may take to arrive, headers to last byte. */
export const REQUEST_BODY_MS = 30_000;

/** An upload must arrive at least this fast: a weak phone uplink (256 kbit/s) still gets a whole file in. */
const SLOWEST_UPLOAD_BYTES_PER_SECOND = 32 * 1024;

/**
 * Node times a request from its first byte to its last with one figure for the whole server
 * (`requestTimeout`), which must then be long enough for the largest upload over a slow link.
 * This plugin holds every other request to REQUEST_BODY_MS, answered and cut as Node would,
 * so a client dribbling a JSON body still loses its connection within seconds.
 */
export function uploadRequestTimeoutMs(maxFileBytes: number): number {
  return Math.max(REQUEST_BODY_MS, Math.ceil(maxFileBytes / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000);
}

export const bodyDeadline = fp<{ ms: number }>(
  async (app: FastifyInstance, { ms }) => {
    const timers = new WeakMap<object, NodeJS.Timeout>();
    const stop = (request: { raw: object }) => {
      clearTimeout(timers.get(request.raw));
      timers.delete(request.raw);
    };
    app.addHook('onRequest', async (request) => {
      const { headers } = request;
      const hasBody = (headers['content-length'] !== undefined && headers['content-length'] !== '0') || headers['transfer-encoding'] !== undefined;
      if (!hasBody || request.routeOptions.config.slowBody) return;
      timers.set(
        request.raw,
        setTimeout(() => {
          if (request.raw.complete) return;
          clientErrors(Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), request.raw.socket);
        }, ms).unref(),
      );
    });
    // By then the body has been read whole; a slow answer is not the client's doing.
    app.addHook('preValidation', async (request) => stop(request));
    app.addHook('onResponse', async (request) => stop(request));
    app.addHook('onRequestAbort', async (request) => stop(request));
  },
  { name: 'body-deadline' },
);
