import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { errorResponses } from '../http/schemas.js';
import { StreamHub, type StreamHubOptions } from './stream-hub.js';

const EventId = Type.String({ pattern: '^[0-9]{1,15}$', description: 'The id of the last event received' });

const StreamQuery = Type.Object(
  {
    // EventSource cannot send headers: the token and the resume point may come in the URL.
    access_token: Type.Optional(Type.String({ maxLength: 4096 })),
    lastEventId: Type.Optional(EventId),
  },
  { additionalProperties: false },
);

const StreamHeaders = Type.Object({ 'last-event-id': Type.Optional(EventId) });

const DESCRIPTION = [
  'Server-Sent Events. Each event has an increasing `id`, an `event` name (`ticket.created`,',
  '`ticket.updated`, `ticket.message`, `notification`) and JSON `data` with at least `ticketId`.',
  'Reconnecting with `Last-Event-ID` (header, or `?lastEventId=`) first replays what the caller',
  'missed (up to 7 days), at most 500 events and 512 KiB by default (`STREAM_REPLAY_MAX_EVENTS`,',
  '`STREAM_REPLAY_MAX_BYTES`). A longer replay stops there with one `reset` event',
  '(`data: {"reason":"replay_limit"}`, no `ticketId`): the client reloads everything it shows,',
  'and the stream goes on live; the reset\'s `id` is where a later reconnect resumes.',
  'A comment line is sent every 15 s. The token may be given as',
  '`?access_token=`; the stream ends when its session is revoked or the user deactivated.',
].join(' ');

export interface StreamRoutesOptions {
  ctx: AppContext;
  hub?: Partial<StreamHubOptions>;
}

/** `GET /stream`, served by one hub per app; open streams end when the app closes. */
export const streamRoutes: FastifyPluginAsyncTypebox<StreamRoutesOptions> = async (app, { ctx, hub: options }) => {
  const hub = new StreamHub(ctx, app.log, options);
  // preClose: before the server waits for open connections, which streams would keep open forever.
  app.addHook('preClose', () => hub.stop());

  app.get(
    '/stream',
    {
      schema: {
        tags: ['stream'],
        operationId: 'streamEvents',
        summary: 'Live ticket events and notifications',
        description: DESCRIPTION,
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: {
          200: { description: 'An event stream', content: { 'text/event-stream': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'] ?? request.query.lastEventId;
      await hub.open(actorOf(request), reply, lastEventId === undefined ? undefined : Number(lastEventId));
    },
  );
};
