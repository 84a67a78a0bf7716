import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';

describeEachDatabase('health and HTTP hygiene', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  it('answers /health and /ready', async () => {
    expect((await t.request({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.request({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
  });

  it('answers /ready with 503 once the database is gone', async () => {
    await t.database.close();
    const ready = await t.request({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    t.database.close = () => Promise.resolve();
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await t.request({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('sends security headers', async () => {
    const response = await t.request({ method: 'GET', url: '/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('serves the OpenAPI document without a token', async () => {
    const response = await t.request({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ openapi: '3.0.3', info: { title: 'Helpline API' } });
  });

  it('answers oversize bodies with 413, bad JSON with 400 and other media types with 415, in the error shape', async () => {
    const big = await t.request({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const broken = await t.request({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_json');
    const text = await t.request({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toBeDefined();
  });

  it('serves a human-readable API reference at /docs', async () => {
    const response = await t.request({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
