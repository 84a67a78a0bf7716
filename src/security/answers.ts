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

export function expectNoLeak(answer: Answer, context: string): void {
  for (const leak of LEAKS) expect(answer.body, `${context} leaks ${String(leak)}`).not.toMatch(leak);
}

/** Every answer to anything: no 5xx, errors in the one shape, no internals. */
export function expectSaneAnswer(answer: Answer, context: string): void {
  expect(answer.status, `${context} → ${answer.status} ${answer.body.slice(0, 500)}`).toBeLessThan(500);
  if (answer.status >= 400) expectErrorShape(answer, `${context} → ${answer.status}`);
  expectNoLeak(answer, context);
}
