import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorKind } from './errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  rate_limited: 429,
};

const FRAMEWORK_CODES: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_input', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The body is not valid JSON' },
};

function send(reply: { code(n: number): { send(body: unknown): unknown } }, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/** One place turns every failure into the API's error shape; 5xx never carries internals. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return send(reply, STATUS[error.kind], error.code, error.message);
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      return send(reply, 400, 'invalid_input', `${where}${error.message.replace(/^\w+/, '')}`);
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
