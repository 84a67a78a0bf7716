import { expect } from 'vitest';
import type { Answer } from './send.js';

/** Traces of internals that must never reach a client. */
const LEAKS = [/\$argon2/, /password_hash|passwordHash/, /token_hash/, /\bat \S+ \(/, /node_modules/, /\/src\/\w+/, /\.ts:\d+/, /syntax error at/i, /violates .* constraint/i];

const ERROR_CODE = /^[a-z][a-z0-9_]*$/;

/** API.md's error shape, exactly: `{ error: { code, message } }`, plus `details: [{ path, message }]` for invalid input, and nothing else. */
export function expectErrorShape(answer: Answer, context: string): void {
  expect(answer.contentType, context).toMatch(/^application\/json/);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new Error(`${context}: error body is not JSON: ${answer.body.slice(0, 300)}`);
  }
  const body = parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  expect(Object.keys(body as object), `${context}: ${answer.body.slice(0, 300)}`).toEqual(['error']);
  const { details, ...rest } = body.error ?? {};
  expect(Object.keys(rest).sort(), `${context}: ${answer.body.slice(0, 300)}`).toEqual(['code', 'message']);
  if (details !== undefined) {
    expect(answer.status, context).toBe(400);
    expect(Array.isArray(details) && details.length > 0, `${context}: details ${JSON.stringify(details)}`).toBe(true);
    for (const detail of details as Record<string, unknown>[]) {
      expect(Object.keys(detail).sort(), context).toEqual(['message', 'path']);
      expect([typeof detail.path, typeof detail.message], context).toEqual(['string', 'string']);
    }
  }
  expect(body.error?.code, context).toMatch(ERROR_CODE);
  expect(typeof body.error?.message, context).toBe('string');
}

/** The body less the unknown fields its validation details name back: those are the request's own. */
function withoutEchoedFields(body: string): string {
  let details: unknown;
  try {
    details = (JSON.parse(body) as { error?: { details?: unknown } }).error?.details;
  } catch {
    return body;
  }
  if (!Array.isArray(details)) return body;
  const paths = details
    .filter((detail: { path?: unknown; message?: unknown }) => typeof detail.path === 'string' && detail.message === `Unknown field ${detail.path}`)
    .map((detail: { path: string }) => detail.path);
  return paths.reduce((text, path) => text.split(JSON.stringify(path).slice(1, -1)).join(''), body);
}

/** No internals in the answer; an unknown field the request itself sent (`passwordHash`) may be named back. */
export function expectNoLeak(answer: Answer, context: string): void {
  const body = withoutEchoedFields(answer.body);
  // One assertion per answer, not one per pattern: the sweeps check tens of thousands of answers.
  expect(LEAKS.filter((leak) => leak.test(body)).map(String), `${context} leaks: ${body.slice(0, 300)}`).toEqual([]);
}

/** Every answer to anything: no 5xx, errors in the one shape, no internals. */
export function expectSaneAnswer(answer: Answer, context: string): void {
  expect(answer.status, `${context} → ${answer.status} ${answer.body.slice(0, 500)}`).toBeLessThan(500);
  if (answer.status >= 400) expectErrorShape(answer, `${context} → ${answer.status}`);
  expectNoLeak(answer, context);
}
