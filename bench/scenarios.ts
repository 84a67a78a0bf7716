import type { RawRequest, RequestSpec } from 'autocannon';
import { cycle, type LoadSpec } from './load.js';
import type { SeededData } from './seed.js';

export type BaselineKey = 'hello' | 'insert' | 'select';

export interface Tokens {
  customers: string[];
  agents: string[];
  manager: string;
}

export interface Targets {
  /** The real server, e.g. http://127.0.0.1:4123 */
  server: string;
  /** The bare Fastify baseline. */
  fastify: string;
  /** The bare node:http baseline. */
  hello: string;
}

export interface HttpScenario {
  key: string;
  title: string;
  /** The bare route this one is divided by. */
  baseline: BaselineKey | undefined;
  /** Route that must exist on the server for the scenario to run. */
  requires: string | undefined;
  /** Which process answers: the real server or the baseline one (for its CPU per request). */
  process: 'server' | 'baseline';
  connections: number;
  build(tokens: Tokens): LoadSpec;
}

const json = { 'content-type': 'application/json' };

/** Each request goes out with the next of several users' tokens, as a desk with many people logged in. */
function rotating(tokens: string[], extra: Record<string, string> = {}): () => Record<string, string> {
  const next = cycle(tokens);
  return () => ({ ...extra, authorization: `Bearer ${next()}` });
}

function request(base: RawRequest, setup: (request: RawRequest) => void): RequestSpec {
  return {
    ...base,
    setupRequest: (raw) => {
      setup(raw);
      return raw;
    },
  };
}

const TICKET_BODY = JSON.stringify({
  subject: 'Export to spreadsheet fails since this morning',
  description: 'Hello, the export button spins forever and then shows an error. I tried two browsers. Kind regards.',
});
const REPLY_BODY = JSON.stringify({ body: 'Thanks for the details, I am looking into it now and will update you shortly.' });
const ROW_BODY = JSON.stringify({ subject: 'Export to spreadsheet fails since this morning', body: 'Hello, the export button spins forever.' });

/**
 * Search terms of every kind a desk types: common words, a phrase, a word found only in
 * replies, an order reference that matches one ticket, and a word that matches nothing.
 */
export const searchTerms = (data: SeededData): string[] => ['refund', 'invoice duplicate', 'workaround', data.orderReference, 'parcel warehouse', 'teapot'];

export function httpScenarios(targets: Targets, data: SeededData, connections: number, seededAt: Date): HttpScenario[] {
  const priorities = ['urgent', 'high', 'normal', 'low'];
  // The whole seeded year and the run itself: the widest report a manager can ask for.
  const range = `from=${encodeURIComponent(new Date(seededAt.getTime() - 400 * 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(seededAt.getTime() + 86_400_000).toISOString())}`;
  const reportConnections = Math.min(4, connections);
  return [
    {
      key: 'hello',
      title: 'bare node:http hello',
      baseline: undefined,
      requires: undefined,
      process: 'baseline',
      connections,
      build: () => ({ url: targets.hello, connections, requests: [{ method: 'GET', path: '/' }] }),
    },
    {
      key: 'select',
      title: 'bare Fastify SELECT by primary key',
      baseline: 'hello',
      requires: undefined,
      process: 'baseline',
      connections,
      build: () => {
        let id = 0;
        return {
          url: targets.fastify,
          connections,
          requests: [request({ method: 'GET' }, (raw) => (raw.path = `/rows/${(id++ % 10_000) + 1}`))],
        };
      },
    },
    {
      key: 'insert',
      title: 'bare Fastify INSERT',
      baseline: 'hello',
      requires: undefined,
      process: 'baseline',
      connections,
      build: () => ({ url: targets.fastify, connections, requests: [{ method: 'POST', path: '/rows', headers: json, body: ROW_BODY }] }),
    },
    {
      key: 'get',
      title: 'get a ticket (agent)',
      baseline: 'select',
      requires: undefined,
      process: 'server',
      connections,
      build: (tokens) => {
        const ids = cycle(data.sampleTicketIds);
        const headers = rotating(tokens.agents);
        return {
          url: targets.server,
          connections,
          requests: [request({ method: 'GET' }, (raw) => Object.assign(raw, { path: `/api/tickets/${ids()}`, headers: headers() }))],
        };
      },
    },
    {
      key: 'queue',
      title: 'agent queue, first page (open, unassigned, by priority)',
      baseline: 'select',
      requires: undefined,
      process: 'server',
      connections,
      build: (tokens) => {
        const priority = cycle(priorities);
        const headers = rotating(tokens.agents);
        return {
          url: targets.server,
          connections,
          requests: [
            request({ method: 'GET' }, (raw) =>
              Object.assign(raw, { path: `/api/tickets?status=open&assigneeId=none&priority=${priority()}&limit=25`, headers: headers() }),
            ),
          ],
        };
      },
    },
    {
      key: 'search',
      title: 'search (full text, six kinds of query)',
      baseline: 'select',
      requires: undefined,
      process: 'server',
      connections,
      build: (tokens) => {
        const term = cycle(searchTerms(data));
        const headers = rotating(tokens.agents);
        return {
          url: targets.server,
          connections,
          requests: [
            request({ method: 'GET' }, (raw) =>
              Object.assign(raw, { path: `/api/tickets?q=${encodeURIComponent(term())}&limit=25`, headers: headers() }),
            ),
          ],
        };
      },
    },
    {
      key: 'summary',
      title: `reports summary, whole year (${reportConnections} connections)`,
      baseline: 'select',
      requires: '/api/reports/summary',
      process: 'server',
      connections: reportConnections,
      build: (tokens) => ({
        url: targets.server,
        connections: reportConnections,
        requests: [{ method: 'GET', path: `/api/reports/summary?${range}`, headers: { authorization: `Bearer ${tokens.manager}` } }],
      }),
    },
    {
      key: 'agents',
      title: `reports agent table, whole year (${reportConnections} connections)`,
      baseline: 'select',
      requires: '/api/reports/agents',
      process: 'server',
      connections: reportConnections,
      build: (tokens) => ({
        url: targets.server,
        connections: reportConnections,
        requests: [{ method: 'GET', path: `/api/reports/agents?${range}`, headers: { authorization: `Bearer ${tokens.manager}` } }],
      }),
    },
    {
      key: 'open',
      title: 'open a ticket (customer)',
      baseline: 'insert',
      requires: undefined,
      process: 'server',
      connections,
      build: (tokens) => {
        const headers = rotating(tokens.customers, json);
        return {
          url: targets.server,
          connections,
          requests: [request({ method: 'POST', path: '/api/tickets', body: TICKET_BODY }, (raw) => (raw.headers = headers()))],
        };
      },
    },
    {
      key: 'reply',
      title: 'post a reply (agent)',
      baseline: 'insert',
      requires: undefined,
      process: 'server',
      connections,
      build: (tokens) => {
        const ids = cycle(data.replyTicketIds);
        const headers = rotating(tokens.agents, json);
        return {
          url: targets.server,
          connections,
          requests: [
            request({ method: 'POST', body: REPLY_BODY }, (raw) =>
              Object.assign(raw, { path: `/api/tickets/${ids()}/messages`, headers: headers() }),
            ),
          ],
        };
      },
    },
  ];
}
