/**
 * The bare baselines the real server is measured against, on the same database and driver:
 * a Fastify route doing one INSERT, one doing a SELECT by primary key, and a node:http hello
 * (which also takes uploads at POST /upload, hashing and dropping them).
 * No auth, no validation, no transaction: the floor any real route stands on.
 *
 * Environment: BASELINE_FASTIFY_PORT, BASELINE_HELLO_PORT, and BASELINE_DATABASE_URL
 * (PostgreSQL through a pg Pool of 10, as the server) or BASELINE_PGLITE_DIR (PGlite).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';

interface Driver {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

async function openDriver(): Promise<Driver> {
  const url = process.env.BASELINE_DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return {
      query: async <T>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[],
      close: () => pool.end(),
    };
  }
  const dir = process.env.BASELINE_PGLITE_DIR;
  if (!dir) throw new Error('BASELINE_DATABASE_URL or BASELINE_PGLITE_DIR is required');
  const client = new PGlite(dir);
  await client.waitReady;
  return {
    query: async <T>(text: string, params: unknown[]) => (await client.query<T>(text, params)).rows,
    close: () => client.close(),
  };
}

/** A scratch table shaped like a small ticket, prefilled so primary-key reads hit a real index. */
async function prepare(driver: Driver, rows: number): Promise<void> {
  await driver.query(
    `create table if not exists bench_baseline (
       id bigint generated always as identity primary key,
       subject text not null,
       body text not null,
       created_at timestamptz not null default now())`,
    [],
  );
  await driver.query(
    `insert into bench_baseline (subject, body) select 'Subject ' || g, 'Body of row ' || g from generate_series(1, $1::int) g`,
    [rows],
  );
}

interface Row {
  id: string;
  subject: string;
  body: string;
  created_at: Date;
}

const port = (name: string): number => {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} is required`);
  return value;
};

const driver = await openDriver();
await prepare(driver, Number(process.env.BASELINE_ROWS ?? 10_000));

const app = Fastify({ logger: false });
app.get('/health', () => ({ status: 'ok' }));
app.post<{ Body: { subject: string; body: string } }>('/rows', async (request, reply) => {
  const [row] = await driver.query<Row>(
    'insert into bench_baseline (subject, body) values ($1, $2) returning id, subject, body, created_at',
    [request.body.subject, request.body.body],
  );
  return reply.code(201).send(row);
});
app.get<{ Params: { id: string } }>('/rows/:id', async (request, reply) => {
  const [row] = await driver.query<Row>('select id, subject, body, created_at from bench_baseline where id = $1', [request.params.id]);
  if (!row) return reply.code(404).send({ error: 'not found' });
  return row;
});
await app.listen({ port: port('BASELINE_FASTIFY_PORT'), host: '127.0.0.1' });

const hello = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/upload') {
    // The floor of an upload: read every byte and hash it, keep nothing.
    const hash = createHash('sha256');
    request.on('data', (chunk: Buffer) => hash.update(chunk));
    request.on('end', () => {
      response.writeHead(201, { 'content-type': 'text/plain' });
      response.end(hash.digest('hex'));
    });
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('hello');
});
hello.listen(port('BASELINE_HELLO_PORT'), '127.0.0.1');

const shutdown = () => {
  hello.close();
  void app.close().then(() => driver.close()).then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
