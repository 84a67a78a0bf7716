import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

/** web/dist from both src/web (tsx, tests) and dist/web (the built server). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface WebAppOptions {
  /** The built web app; defaults to web/dist. */
  root?: string;
}

const NOT_BUILT = 'Helpline is running, but its web app is not built yet: run `npm run build`, then restart the server. The API is at /api, its reference at /docs.\n';

/** Paths the single-page app never owns: the API, its docs and the probes answer for themselves. */
const SERVER_PATHS = /^\/(api|docs|health|ready)(\/|$)/;

/**
 * A browser asking for a page (Accept: text/html) at a path the app routes itself, such as
 * a deep link to /tickets/<id> from a mail. Anything else keeps the API's JSON 404.
 */
function wantsAppPage(request: FastifyRequest): boolean {
  const pathname = request.url.split('?')[0] ?? '/';
  return !SERVER_PATHS.test(pathname) && (request.headers.accept ?? '').includes('text/html');
}

/** Serves the built web app at / with the single-page-app fallback for deep links. */
export const webApp: FastifyPluginAsync<WebAppOptions> = async (app, options) => {
  const root = options.root ?? WEB_DIST;
  if (!existsSync(path.join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT));
    return;
  }

  await app.register(fastifyStatic, {
    root,
    // One route per built file (found at start), so the fallback below owns every other path.
    wildcard: false,
    // The build writes `.br` and `.gz` twins of its text files: sent by Accept-Encoding (with
    // `Vary: Accept-Encoding`), no CPU spent compressing per request. They get no routes of their own.
    preCompressed: true,
    globIgnore: ['**/*.br', '**/*.gz'],
    schemaHide: true,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      // Hashed asset names change with their content: cache them for good; the page never.
      const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    if (!wantsAppPage(request)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
};
