import { parseArgs } from 'node:util';

export type DatabaseKind = 'embedded' | 'postgres';

export interface BenchOptions {
  smoke: boolean;
  tickets: number;
  sseClients: number;
  databases: DatabaseKind[];
  /** Admin URL of the PostgreSQL server the bench creates its own database on. */
  postgresUrl: string | undefined;
  warmupSeconds: number;
  rounds: number;
  roundSeconds: number;
  connections: number;
  /** Where the markdown goes; undefined prints only. */
  out: string | undefined;
  /** Directory for `node --cpu-prof` profiles of the server, when profiling. */
  cpuProfDir: string | undefined;
  /** Scenario keys to run (the baselines always run); undefined runs all. */
  only: string[] | undefined;
  /** Skip the live-stream scenario. */
  noStream: boolean;
  /** A PostgreSQL database seeded earlier by bench/seed-db.ts, measured instead of seeding one. */
  existing: string | undefined;
  /** Lines added to the report as they are, e.g. why scenarios were left out of a run. */
  notes: string[];
}

const USAGE = `npm run bench -- [options]
  --smoke               a short run on small data (about two minutes); exits 1 on any error
  --tickets <n>         tickets to seed (default 10000; smoke 200)
  --sse <n>             connected stream clients (default 2000; smoke 50)
  --db <which>          embedded | postgres | both (default: both when a PostgreSQL URL is set)
  --rounds <n>          measured rounds per scenario, median quoted (default 3; smoke 1)
  --seconds <n>         seconds per round (default 10; smoke 2)
  --warmup <n>          warm-up seconds per scenario (default 3; smoke 1)
  --connections <n>     concurrent connections per HTTP scenario (default 50; smoke 10)
  --out <file>          markdown output (default docs/benchmarks.md; smoke: none)
  --cpu-prof <dir>      run the server under node --cpu-prof, profiles written to <dir>
  --only <keys>         only these scenarios, comma-separated: get,queue,search,summary,agents,open,reply,stream,uploads
                        (baselines always run); with --cpu-prof, a profile of just those
  --no-stream           skip the live-stream scenario
  --note <text>         a line for the report (repeatable), e.g. why a scenario was left out
  --existing <name>     PostgreSQL only: measure database <name>, seeded earlier with
                        \`npx tsx bench/seed-db.ts <url> <tickets>\`, instead of seeding one (it is kept)
PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a database is created per run and dropped).`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"\n${USAGE}`);
  return value;
}

function databases(raw: string | undefined, postgresUrl: string | undefined): DatabaseKind[] {
  const which = raw ?? (postgresUrl ? 'both' : 'embedded');
  if (which === 'embedded') return ['embedded'];
  if (which !== 'postgres' && which !== 'both') throw new Error(`--db must be embedded, postgres or both\n${USAGE}`);
  if (!postgresUrl) throw new Error('--db postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
  return which === 'both' ? ['embedded', 'postgres'] : ['postgres'];
}

export function parseOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      tickets: { type: 'string' },
      sse: { type: 'string' },
      db: { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      only: { type: 'string' },
      'no-stream': { type: 'boolean', default: false },
      note: { type: 'string', multiple: true },
      existing: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = values.smoke;
  const postgresUrl = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || undefined;
  return {
    smoke,
    tickets: Math.round(positive('tickets', values.tickets, smoke ? 200 : 10_000)),
    sseClients: Math.round(positive('sse', values.sse, smoke ? 50 : 2000)),
    databases: databases(values.db, postgresUrl),
    postgresUrl,
    warmupSeconds: positive('warmup', values.warmup, smoke ? 1 : 3),
    rounds: Math.round(positive('rounds', values.rounds, smoke ? 1 : 3)),
    roundSeconds: positive('seconds', values.seconds, smoke ? 2 : 10),
    connections: Math.round(positive('connections', values.connections, smoke ? 10 : 50)),
    out: values.out ?? (smoke ? undefined : 'docs/benchmarks.md'),
    cpuProfDir: values['cpu-prof'],
    only: values.only?.split(',').map((key) => key.trim()),
    noStream: values['no-stream'],
    existing: values.existing,
    notes: values.note ?? [],
  };
}
