import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Helmet's headers on every answer. The middleware is built once here: @fastify/helmet
 * built it again for every request, parsing the content security policy each time.
 */
export function installSecurityHeaders(app: FastifyInstance, servedOverHttps: boolean): void {
  const applyHeaders = helmet({
    // Over plain http a browser ignores it at best; at worst it pins a name that has no TLS yet.
    strictTransportSecurity: servedOverHttps,
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        // blob: the web app shows image attachments it fetched with the session's token.
        'img-src': ["'self'", 'data:', 'blob:'],
        // Served over plain http (a LAN address, no TLS in front), upgrading would send the web
        // app's own scripts to an https port that does not exist and leave a blank page.
        ...(servedOverHttps ? {} : { 'upgrade-insecure-requests': null }),
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    // Helmet throws its errors since 8.1; what reaches this callback is at most an Error.
    applyHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
}
