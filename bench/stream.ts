import { request, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from './load.js';
import { rssBytes } from './processes.js';

/**
 * The live-stream scenario: N clients hold `GET /api/stream` open, one change is made,
 * and each client notes when the event about it arrives.
 */

export interface StreamResult {
  clients: number;
  connected: number;
  /** Median over rounds of the per-round latency percentiles, in ms from the change request. */
  p50: number;
  p99: number;
  max: number;
  /** Clients that never got an event, summed over rounds. */
  missed: number;
  /** Clients the server refused or that could not connect. */
  refused: number;
  connectSeconds: number;
  rssPerConnectionBytes: number | undefined;
}

export interface StreamOptions {
  baseUrl: string;
  /** Staff sessions the clients are spread over (staff receive every ticket event). */
  tokens: string[];
  clients: number;
  serverPid: number;
  /** One ticket per round, known before the change so an event that beats the change's own response still counts. */
  ticketIds: string[];
  /** Makes one change to the ticket. */
  change(ticketId: string): Promise<void>;
}

interface Waiter {
  ticketId: string;
  arrivals: number[];
}

/** One SSE connection that parses event blocks and reports the ones naming the awaited ticket. */
class StreamClient {
  private buffer = '';
  private req: ClientRequest | undefined;

  constructor(private readonly waiting: () => Waiter | undefined) {}

  connect(url: URL, token: string): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request(
        url,
        { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
        (response) => {
          if (response.statusCode !== 200) {
            response.resume();
            resolve(false);
            return;
          }
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => this.receive(chunk));
          response.on('error', () => undefined);
          resolve(true);
        },
      );
      req.on('error', () => resolve(false));
      req.end();
      this.req = req;
    });
  }

  private receive(chunk: string): void {
    const at = performance.now();
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const waiter = this.waiting();
      // Any event whose data names the changed ticket is the one we wait for.
      if (waiter && block.split('\n').some((line) => line.startsWith('data:') && line.includes(waiter.ticketId))) {
        waiter.arrivals.push(at);
      }
      end = this.buffer.indexOf('\n\n');
    }
  }

  close(): void {
    this.req?.destroy();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function connectAll(options: StreamOptions, waiting: () => Waiter | undefined): Promise<StreamClient[]> {
  const url = new URL('/api/stream', options.baseUrl);
  const clients: StreamClient[] = [];
  // In waves of 200: each connection is authenticated against the database, and a desk's clients do not all connect in the same millisecond.
  const wave = 200;
  for (let first = 0; first < options.clients; first += wave) {
    const batch = Array.from({ length: Math.min(wave, options.clients - first) }, (_, i) => {
      const client = new StreamClient(waiting);
      const token = options.tokens[(first + i) % options.tokens.length] ?? '';
      return client.connect(url, token).then((ok) => (ok ? client : undefined));
    });
    for (const client of await Promise.all(batch)) if (client) clients.push(client);
  }
  return clients;
}

async function oneChange(options: StreamOptions, ticketId: string, connected: number, setWaiter: (waiter: Waiter | undefined) => void) {
  const waiter: Waiter = { ticketId, arrivals: [] };
  setWaiter(waiter);
  const started = performance.now();
  try {
    await options.change(ticketId);
  } catch (error) {
    setWaiter(undefined);
    process.stderr.write(`  the change failed: ${String(error)}\n`);
    return { latencies: [], missed: connected };
  }
  const deadline = performance.now() + 30_000;
  while (waiter.arrivals.length < connected && performance.now() < deadline) await sleep(10);
  await sleep(200);
  setWaiter(undefined);
  const latencies = waiter.arrivals.map((at) => at - started).sort((a, b) => a - b);
  return { latencies, missed: connected - Math.min(connected, latencies.length) };
}

export async function measureStream(options: StreamOptions): Promise<StreamResult> {
  let waiter: Waiter | undefined;
  const waiting = () => waiter;
  await sleep(500);
  const before = rssBytes(options.serverPid);
  const connectStarted = performance.now();
  const clients = await connectAll(options, waiting);
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  await sleep(2000);
  const after = rssBytes(options.serverPid);
  const p50s: number[] = [];
  const p99s: number[] = [];
  let max = 0;
  let missed = 0;
  try {
    for (const ticketId of options.ticketIds) {
      const { latencies, missed: lost } = await oneChange(options, ticketId, clients.length, (next) => (waiter = next));
      p50s.push(percentile(latencies, 50));
      p99s.push(percentile(latencies, 99));
      max = Math.max(max, latencies.at(-1) ?? 0);
      missed += lost;
    }
  } finally {
    for (const client of clients) client.close();
  }
  return {
    clients: options.clients,
    connected: clients.length,
    p50: median(p50s),
    p99: median(p99s),
    max,
    missed,
    refused: options.clients - clients.length,
    connectSeconds,
    rssPerConnectionBytes: before !== undefined && after !== undefined && clients.length > 0 ? (after - before) / clients.length : undefined,
  };
}
