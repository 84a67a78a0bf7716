import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { attachmentRoutes } from './attachments/attachments.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { authentication } from './auth/authenticate.js';
import { authRoutes } from './auth/auth.routes.js';
import { customerInvitationRoutes } from './auth/customer-invitation.routes.js';
import type { AppContext } from './context.js';
import { escalationRoutes } from './escalation/escalation.routes.js';
import { bodyDeadline, REQUEST_BODY_MS, uploadRequestTimeoutMs } from './http/body-deadline.js';
import { teamRoutes } from './teams/teams.routes.js';
import { assignmentRoutes } from './assignment/assignment.routes.js';
import { satisfactionRoutes } from './satisfaction/satisfaction.routes.js';
import { clientErrors, frameworkErrors, installErrorHandlers } from './http/error-handler.js';
import { cachedSerializers } from './http/serialization.js';
import { installValidation } from './http/validation.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { inboundRoutes } from './inbound/inbound.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { macroRoutes } from './macros/macros.routes.js';
import { mailboxRoutes } from './mailboxes/mailboxes.routes.js';
import { mailRoutes } from './mail/mail.routes.js';
import { notificationRoutes } from './notifications/notifications.routes.js';
import { presenceRoutes } from './presence/presence.routes.js';
import { streamRoutes } from './realtime/stream.routes.js';
import type { StreamHubOptions } from './realtime/stream-hub.js';
import { ErrorResponse } from './http/schemas.js';
import { OPENAPI_TAGS } from './http/openapi-tags.js';
import { requestLimits } from './rate-limits/request-limits.js';
import { reportRoutes } from './reports/reports.routes.js';
import { slaRoutes } from './sla/sla.routes.js';
import { tagRoutes } from './tags/tags.routes.js';
import { tagChangeRoutes } from './tickets/tag-changes.routes.js';
import { bulkRoutes } from './bulk/bulk.routes.js';
import { ticketRoutes } from './tickets/tickets.routes.js';
import { usersRoutes } from './users/users.routes.js';
import { viewRoutes } from './views/views.routes.js';
import { webApp } from './web/static.js';

export interface BuildOptions {
  logger?: boolean | { level: string };
  /** How long a request other than an upload may take to arrive (tests shorten it). */
  requestBodyMs?: number;
  /** Tuning of the live stream (tests shorten the heartbeat). */
  stream?: Partial<StreamHubOptions>;
}

// The stream takes its token in the query string (EventSource cannot send headers): keep it out of logs.
const loggedRequest = (request: FastifyRequest) => ({
  method: request.method,
  url: request.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]'),
  remoteAddress: request.ip,
});

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { ...(options.logger === true ? {} : options.logger), serializers: { req: loggedRequest } } : false,
    bodyLimit: 1024 * 1024,
    requestTimeout: uploadRequestTimeoutMs(ctx.config.attachments.maxFileBytes),
    // Idle sockets: a silent client is cut after 30 s whatever it was sending.
    connectionTimeout: 30_000,
    trustProxy: ctx.config.trustProxy,
    frameworkErrors,
    clientErrorHandler: clientErrors,
    // In-flight requests are served to the end during shutdown, not answered 503.
    return503OnClosing: false,
    schemaController: { compilersFactory: { buildSerializer: cachedSerializers } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(bodyDeadline, { ms: options.requestBodyMs ?? REQUEST_BODY_MS });
  installValidation(app);
  installErrorHandlers(app);
  app.addSchema(ErrorResponse);
  installSecurityHeaders(app, ctx.config.publicUrl.startsWith('https:'));
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    // API answers only: the web app's files are compressed once at build time, and the live
    // stream must reach the client event by event, never held back to fill a compressor.
    customTypes: /^(application\/json|text\/csv)\b/,
    // A compressed request body could inflate far past what was sent: bodies come plain (415 otherwise).
    requestEncodings: ['identity'],
  });
  await app.register(requestLimits, { ctx });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Helpline API',
        version: '1.0.0',
        description: 'Customer-support tickets, live.',
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      },
      // Relative: the document describes whichever host serves it.
      servers: [{ url: '/', description: 'The server that serves this document' }],
      tags: OPENAPI_TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas become named components (`#/components/schemas/ErrorResponse`), not `def-N`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(authentication, { db: ctx.database.db, jwtSecret: ctx.config.jwtSecret, now: ctx.now });

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());
  await app.register(healthRoutes, { ctx });
  await app.register(mailRoutes, { prefix: '/api', ctx });
  await app.register(inboundRoutes, { prefix: '/api', ctx });
  await app.register(mailboxRoutes, { prefix: '/api', ctx });
  await app.register(authRoutes, { prefix: '/api', ctx });
  await app.register(usersRoutes, { prefix: '/api', ctx });
  await app.register(customerInvitationRoutes, { prefix: '/api', ctx });
  await app.register(auditRoutes, { prefix: '/api', ctx });

  await app.register(ticketRoutes, { prefix: '/api', ctx });
  await app.register(bulkRoutes, { prefix: '/api', ctx });
  await app.register(tagRoutes, { prefix: '/api', ctx });
  await app.register(tagChangeRoutes, { prefix: '/api', ctx });
  await app.register(macroRoutes, { prefix: '/api', ctx });
  await app.register(viewRoutes, { prefix: '/api', ctx });
  await app.register(presenceRoutes, { prefix: '/api', ctx });
  await app.register(attachmentRoutes, { prefix: '/api', ctx });
  await app.register(slaRoutes, { prefix: '/api', ctx });
  await app.register(escalationRoutes, { prefix: '/api', ctx });
  await app.register(teamRoutes, { prefix: '/api', ctx });
  await app.register(assignmentRoutes, { prefix: '/api', ctx });
  await app.register(satisfactionRoutes, { prefix: '/api', ctx });
  await app.register(reportRoutes, { prefix: '/api', ctx });
  await app.register(notificationRoutes, { prefix: '/api', ctx });
  await app.register(streamRoutes, { prefix: '/api', ctx, hub: options.stream });

  // Last: the web app's fallback route answers only what no API route claimed.
  await app.register(webApp);

  return app;
}
