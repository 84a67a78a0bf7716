import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../http/error-handler.js';
import { createTestApp } from '../test/app.js';
import { webApp } from './static.js';

const INDEX = '<!doctype html><title>Helpline</title><script type="module" src="/assets/app-abc123.js"></script>';

/** The same error handling as the real app, an API route, and the web app over `root`. */
async function serverWith(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandlers(app);
  app.get('/api/ping', () => ({ pong: true }));
  await app.register(webApp, { root });
  await app.ready();
  return app;
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('web app serving', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'helpline-web-'));
  });
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('when built', () => {
    beforeEach(async () => {
      await mkdir(path.join(dir, 'assets'));
      await writeFile(path.join(dir, 'index.html'), INDEX);
      await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log("hi")');
      app = await serverWith(dir);
    });

    it('serves the page at / without caching it', async () => {
      const response = await app.inject({ url: '/', headers: html });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    });

    it('serves hashed assets as immutable', async () => {
      const response = await app.inject({ url: '/assets/app-abc123.js' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('javascript');
      expect(response.headers['cache-control']).toContain('immutable');
    });

    it('answers deep links of the app with the page', async () => {
      for (const url of ['/tickets/5b3c', '/reset-password?token=abc', '/admin/roles']) {
        const response = await app.inject({ url, headers: html });
        expect(response.statusCode, url).toBe(200);
        expect(response.body, url).toBe(INDEX);
      }
    });

    it('keeps the JSON 404 for the API, for non-page requests and for other methods', async () => {
      const cases = [
        { method: 'GET' as const, url: '/api/nothing', headers: html },
        { method: 'GET' as const, url: '/api', headers: html },
        { method: 'GET' as const, url: '/docs/nothing', headers: html },
        { method: 'GET' as const, url: '/tickets/1', headers: { accept: 'application/json' } },
        { method: 'GET' as const, url: '/assets/missing.js', headers: { accept: '*/*' } },
        { method: 'POST' as const, url: '/tickets/1', headers: html },
      ];
      for (const { method, url, headers } of cases) {
        const response = await app.inject({ method, url, headers });
        expect(response.statusCode, url).toBe(404);
        expect(response.json(), url).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      }
      expect((await app.inject({ url: '/api/ping', headers: html })).json()).toEqual({ pong: true });
    });

    it('does not serve files outside the build', async () => {
      const response = await app.inject({ url: '/assets/../../etc/passwd', headers: { accept: '*/*' } });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('root:');
    });
  });

  describe('when not built', () => {
    it('says how to build it at /', async () => {
      app = await serverWith(path.join(dir, 'missing'));
      const response = await app.inject({ url: '/', headers: html });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toContain('npm run build');
      expect((await app.inject({ url: '/api/nothing' })).statusCode).toBe(404);
    });
  });
});

describe('content security policy of the served app', () => {
  const cspOf = async (publicUrl: string): Promise<string> => {
    const t = await createTestApp('pglite', { publicUrl });
    try {
      return String((await t.request({ method: 'GET', url: '/', headers: html })).headers['content-security-policy']);
    } finally {
      await t.close();
    }
  };

  it('keeps scripts to the own origin, and upgrades requests only when the desk is served over https', async () => {
    const plain = await cspOf('http://192.0.2.10:3000');
    expect(plain).toContain("script-src 'self'");
    expect(plain).not.toContain('upgrade-insecure-requests');
    expect(await cspOf('https://help.example.com')).toContain('upgrade-insecure-requests');
  });
});

describe('the web app as its build ships it', () => {
  let dir: string;
  let app: FastifyInstance;
  let mainScript: string;
  let mainStyle: string;

  beforeAll(async () => {
    // Built by the real Vite config into a private folder: web/dist is left alone.
    dir = await mkdtemp(path.join(tmpdir(), 'helpline-web-build-'));
    const { build } = await import('vite');
    const configFile = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));
    // Vitest's NODE_ENV=test would otherwise bundle React's development build.
    const production = { 'process.env.NODE_ENV': JSON.stringify('production') };
    await build({ configFile, mode: 'production', logLevel: 'warn', define: production, build: { outDir: dir, emptyOutDir: true } });
    app = await serverWith(dir);
    const page = (await app.inject({ url: '/', headers: html })).body;
    mainScript = /<script type="module"[^>]* src="([^"]+\.js)"/.exec(page)?.[1] ?? '';
    mainStyle = /<link rel="stylesheet"[^>]* href="([^"]+\.css)"/.exec(page)?.[1] ?? '';
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves no source maps, and its scripts point at none', async () => {
    expect(mainScript).toMatch(/^\/assets\/.+\.js$/);
    const files = await readdir(dir, { recursive: true });
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    for (const script of files.filter((file) => file.endsWith('.js'))) {
      expect(await readFile(path.join(dir, script), 'utf8'), script).not.toContain('sourceMappingURL');
    }
    const map = await app.inject({ url: `${mainScript}.map`, headers: { accept: '*/*' } });
    expect(map.statusCode).toBe(404);
    expect((await app.inject({ url: mainScript })).body).not.toContain('sourceMappingURL');
  });

  it('sends the main script brotli- or gzip-compressed as the client accepts, the same bytes in a third of the size', async () => {
    const plain = await app.inject({ url: mainScript });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('accept-encoding');
    for (const [acceptEncoding, encoding, decompress] of [
      ['br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
      // What browsers send: the smallest the server has wins.
      ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
    ] as const) {
      const compressed = await app.inject({ url: mainScript, headers: { 'accept-encoding': acceptEncoding } });
      expect(compressed.statusCode, acceptEncoding).toBe(200);
      expect(compressed.headers['content-encoding'], acceptEncoding).toBe(encoding);
      expect(compressed.headers['content-type'], acceptEncoding).toContain('javascript');
      expect(compressed.headers['cache-control'], acceptEncoding).toContain('immutable');
      expect(compressed.headers.vary, acceptEncoding).toContain('accept-encoding');
      expect(decompress(compressed.rawPayload).equals(plain.rawPayload), acceptEncoding).toBe(true);
      expect(compressed.rawPayload.length, acceptEncoding).toBeLessThan(plain.rawPayload.length / 3);
    }
  });

  it('sends the styles and the page compressed too, deep links included', async () => {
    const cases = [
      { url: mainStyle, type: 'text/css' },
      { url: '/', type: 'text/html' },
      { url: '/tickets/5b3c', type: 'text/html' },
    ];
    for (const { url, type } of cases) {
      const response = await app.inject({ url, headers: { ...html, 'accept-encoding': 'br' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-encoding'], url).toBe('br');
      expect(response.headers['content-type'], url).toContain(type);
      expect(brotliDecompressSync(response.rawPayload).length, url).toBeGreaterThan(response.rawPayload.length);
    }
  });

  it('does not serve the compressed twins as files of their own', async () => {
    const response = await app.inject({ url: `${mainScript}.br`, headers: { accept: '*/*' } });
    expect(response.statusCode).toBe(404);
  });
});
