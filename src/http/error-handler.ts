import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RetryLaterError, type ErrorKind, type FieldProblem } from './errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  rate_limited: 429,
  too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
};

const FRAMEWORK_CODES: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_input', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The body is not valid JSON' },
  FST_CP_ERR_INVALID_CONTENT_ENCODING: { code: 'unsupported_content_encoding', message: 'Send the body uncompressed (without Content-Encoding)' },
};

/**
 * SQLSTATEs of text PostgreSQL cannot store (a NUL character, in text or in jsonb): valid
 * JSON, so no schema stops it, but still bad input rather than a server fault.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/** The error itself or, for a query drizzle wraps, its `cause`. */
const rootCause = (error: unknown): unknown => (error as { cause?: unknown }).cause ?? error;

/** The SQLSTATE of a database error. */
function sqlState(error: unknown): string | undefined {
  const code = (rootCause(error) as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The database cannot be reached or is out of connections: connection exceptions (class
 * 08), too many connections (53300), a server shutting down or starting up (57P01–57P03),
 * a statement cancelled by statement_timeout (57014), a socket that failed, a pooled client
 * whose connection broke, and the pool giving up waiting for a free connection. None is
 * the request's fault or a bug: the database is away or saturated, so the answer is 503
 * with Retry-After, which clients and load balancers know to retry, not a 500.
 */
const UNAVAILABLE_STATES = /^(08...|53300|57P0[123]|57014)$/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_CLIENT = /^(timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error)/;

function databaseUnavailable(error: unknown): boolean {
  const cause = rootCause(error);
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return UNAVAILABLE_STATES.test(code) || UNAVAILABLE_SOCKET.has(code);
  return cause instanceof Error && UNAVAILABLE_CLIENT.test(cause.message);
}

/** Seconds a client is asked to wait before retrying when the database is away. */
const RETRY_AFTER_SECONDS = 2;

function send(
  reply: { code(n: number): { send(body: unknown): unknown } },
  status: number,
  code: string,
  message: string,
  details?: readonly FieldProblem[],
) {
  return reply.code(status).send({ error: details ? { code, message, details } : { code, message } });
}

/** One place turns every failure into the API's error shape; 5xx never carries internals. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Schema validation fails with a DomainError too (src/http/validation.ts), its details included.
    if (error instanceof RetryLaterError) void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
    if (error instanceof DomainError) return send(reply, STATUS[error.kind], error.code, error.message, error.details);
    if (UNSTORABLE_TEXT.has(sqlState(error) ?? '')) return send(reply, 400, 'invalid_input', 'The request holds characters that cannot be stored (such as NUL)');
    if (databaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return send(reply, 503, 'service_unavailable', 'The service is briefly unavailable, try again shortly');
    }
    const status = error.statusCode ?? 500;
    if (status === 429) return send(reply, 429, 'rate_limited', 'Too many requests, try again later');
    if (status < 500) {
      const known = FRAMEWORK_CODES[error.code];
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, 415, 'unsupported_media_type', 'Send application/json');
      if (known) return send(reply, status, known.code, known.message ?? error.message);
      return send(reply, status, 'bad_request', status === 400 ? error.message : 'The request cannot be served');
    }
    request.log.error({ err: error }, 'request failed');
    return send(reply, 500, 'internal_error', 'Something went wrong on our side');
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`),
  );
}

/**
 * For Fastify's `frameworkErrors` option: a URL that is not valid percent-encoding, or a
 * path parameter longer than `maxParamLength`, is answered before any route or error
 * handler runs, in Fastify's own shape; this answers it in ours.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The URL is not valid';
  void send(reply, 400, 'invalid_url', message);
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request took too long to arrive' },
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'The request headers or URL are too large' },
};

/**
 * For Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses (oversized headers,
 * a request that never finished arriving, bytes that are not HTTP) never reach Fastify's
 * error handler; they are answered here, in the API's error shape, and the socket closed.
 */
export function clientErrors(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, reason: 'Bad Request', code: 'bad_request', message: 'The request is not valid HTTP' };
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
