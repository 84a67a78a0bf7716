import { describe, expect, it } from 'vitest';
import { createTestApp } from './test/app.js';

const PATHS = ['/health', '/api/openapi.json', '/api/tickets'];

/** The Strict-Transport-Security header of each of PATHS, for a desk at `publicUrl`. */
async function hstsOf(publicUrl: string): Promise<Record<string, unknown>> {
  const t = await createTestApp('pglite', { publicUrl });
  try {
    const headers = await Promise.all(PATHS.map(async (url) => (await t.request({ method: 'GET', url })).headers['strict-transport-security']));
    return Object.fromEntries(PATHS.map((url, index) => [url, headers[index]]));
  } finally {
    await t.close();
  }
}

describe('Strict-Transport-Security', () => {
  it('pins https for a year on every answer when the desk is served over https', async () => {
    const pinned = 'max-age=31536000; includeSubDomains';
    expect(await hstsOf('https://help.example.com')).toEqual({ '/health': pinned, '/api/openapi.json': pinned, '/api/tickets': pinned });
  });

  it('is not sent when the desk is served over plain http', async () => {
    expect(await hstsOf('http://192.0.2.10:3000')).toEqual({ '/health': undefined, '/api/openapi.json': undefined, '/api/tickets': undefined });
  });
});
