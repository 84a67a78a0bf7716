/**
 * Seeds a PostgreSQL database and leaves it there, for EXPLAIN ANALYZE and profiling by hand:
 *   npx tsx bench/seed-db.ts postgres://postgres@127.0.0.1:5432/helpline_explain 1000000
 * The database is created (or emptied and recreated); drop it when done.
 */
import pg from 'pg';
import { openPostgres } from '../src/db/database.js';
import { planFor, seed } from './seed.js';

const [url, size] = process.argv.slice(2);
if (!url) throw new Error('usage: tsx bench/seed-db.ts <postgres url of the database to create> [tickets]');
const target = new URL(url);
const name = target.pathname.slice(1);
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unusual database name "${name}"`);
const adminUrl = new URL(url);
adminUrl.pathname = '/postgres';

const adminClient = new pg.Client({ connectionString: adminUrl.toString() });
await adminClient.connect();
await adminClient.query(`drop database if exists ${name} with (force)`);
await adminClient.query(`create database ${name}`);
await adminClient.end();

const database = await openPostgres(url, 1);
await database.migrate();
await database.close();
const client = new pg.Client({ connectionString: url });
await client.connect();
const data = await seed(
  { query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[], close: () => client.end() },
  planFor(Number(size ?? 10_000)),
);
await client.end();
console.log(`${name}: ${data.plan.tickets} tickets, ${data.messages} messages, ${data.events} events in ${data.seconds.toFixed(1)} s; needle ${data.orderReference}`);
