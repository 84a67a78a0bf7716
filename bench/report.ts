import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import path from 'node:path';
import type { RoundResult } from './load.js';
import type { DatabaseKind } from './options.js';
import type { BaselineKey } from './scenarios.js';
import type { SeededData } from './seed.js';
import type { StreamResult } from './stream.js';
import type { UploadResult } from './uploads.js';

export interface ScenarioOutcome {
  key: string;
  title: string;
  baseline: BaselineKey | undefined;
  result: RoundResult | undefined;
  /** Why it did not run. */
  skipped: string | undefined;
}

export interface StreamOutcome {
  result: StreamResult | undefined;
  skipped: string | undefined;
}

export interface DatabaseRun {
  kind: DatabaseKind;
  database: string;
  data: SeededData;
  /** Fresh embedded data dir to /health, each attempt (embedded only). */
  freshStartupMs: number[];
  seededStartupMs: number;
  connections: number;
  warmupSeconds: number;
  rounds: number;
  roundSeconds: number;
  scenarios: ScenarioOutcome[];
  stream: StreamOutcome;
  uploads: { result: UploadResult | undefined; skipped: string | undefined };
  notes: string[];
  loadBefore: number[];
  loadAfter: number[];
  date: Date;
}

const thousands = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : value.toFixed(0)) : '–');
const kib = (bytes: number | undefined) => {
  if (bytes === undefined) return 'n/a';
  // With few clients, garbage collection between the two readings outweighs the connections.
  return bytes < 0 ? 'below noise' : `${(bytes / 1024).toFixed(1)} KiB`;
};

const BASELINE_NAMES: Record<BaselineKey, string> = { hello: 'node:http hello', insert: 'bare INSERT', select: 'bare SELECT' };

export function ratioOf(run: DatabaseRun, outcome: ScenarioOutcome): number | undefined {
  if (!outcome.result || !outcome.baseline) return undefined;
  const base = run.scenarios.find((candidate) => candidate.key === outcome.baseline)?.result;
  if (!base || base.requestsPerSecond === 0) return undefined;
  return outcome.result.requestsPerSecond / base.requestsPerSecond;
}

export function machine(): string {
  const cores = cpus();
  return `${cores[0]?.model.trim() ?? 'unknown CPU'} × ${cores.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Linux ${release()}, Node ${process.version}`;
}

export const currentLoad = (): number[] => loadavg().map((value) => Number(value.toFixed(2)));

const dbTitle = (kind: DatabaseKind) => (kind === 'embedded' ? 'Embedded (PGlite)' : 'PostgreSQL');

function scenarioRow(run: DatabaseRun, outcome: ScenarioOutcome): string {
  if (!outcome.result) return `| ${outcome.title} | – | – | – | – | – | skipped: ${outcome.skipped ?? 'not run'} | – |`;
  const ratio = ratioOf(run, outcome);
  const ratioText = ratio === undefined || !outcome.baseline ? 'baseline' : `${ratio.toFixed(2)} × ${BASELINE_NAMES[outcome.baseline]}`;
  const { requestsPerSecond, p50, p99, errors, cpuMsPerRequest, databaseCpuMsPerRequest } = outcome.result;
  const cpu = [cpuMsPerRequest, databaseCpuMsPerRequest].map((value) => (value === undefined ? '–' : value.toFixed(2))).join(' | ');
  const errorText = outcome.result.answered === 0 ? 'none answered' : String(errors);
  return `| ${outcome.title} | ${thousands(Math.round(requestsPerSecond))} | ${ms(p50)} | ${ms(p99)} | ${errorText} | ${ratioText} | ${cpu} |`;
}

function uploadRows(uploads: DatabaseRun['uploads']): string[] {
  const r = uploads.result;
  if (!r) return [`| uploads | – | – | – | – | skipped: ${uploads.skipped ?? 'not run'} | – | – |`];
  const perUpload = r.rssGrowthPerUploadBytes < 0 ? 'below noise' : `${(r.rssGrowthPerUploadBytes / 1024 / 1024).toFixed(1)} MiB`;
  return [
    `| upload 1 MiB files (${r.smallUploads}, 4 connections): ${r.mibPerSecond.toFixed(1)} MiB/s | – | – | – | ${r.errors} | ${(r.mibPerSecond / r.baselineMibPerSecond).toFixed(2)} × bare hashing route (${r.baselineMibPerSecond.toFixed(0)} MiB/s) | – | – |`,
    `| upload ${r.concurrentClients} files of ${r.concurrentFileMib} MiB at once (${r.concurrentSeconds.toFixed(1)} s) | – | – | – | – | ${perUpload} server RSS growth per upload in flight | – | – |`,
  ];
}

function streamRow(stream: StreamOutcome): string {
  if (!stream.result) return `| live stream | – | – | – | – | skipped: ${stream.skipped ?? 'not run'} | – | – |`;
  const r = stream.result;
  return `| live stream: ${thousands(r.clients)} clients (connected in ${r.connectSeconds.toFixed(1)} s), one change each round (p50/p99 until a client has it; max ${ms(r.max)} ms) | – | ${ms(r.p50)} | ${ms(r.p99)} | ${r.missed} missed${r.refused > 0 ? `, ${r.refused} not connected` : ''} | ${kib(r.rssPerConnectionBytes)} server RSS per connection | – | – |`;
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
  /** The target is set at a size or database other than this run's. */
  caveat: string | undefined;
}

function check(target: string, measured: string, met: boolean | undefined, caveat?: string): TargetCheck {
  return { target, measured, met, caveat };
}

/** The targets of issue 7 that this run measures, at whatever size it ran. */
export function targetChecks(run: DatabaseRun): TargetCheck[] {
  const outcome = (key: string) => run.scenarios.find((candidate) => candidate.key === key);
  const ratio = (key: string) => {
    const found = outcome(key);
    return found ? ratioOf(run, found) : undefined;
  };
  const result = (key: string) => outcome(key)?.result;
  const atMillion = run.data.plan.tickets >= 1_000_000 ? undefined : `target is at 1M tickets; this run has ${thousands(run.data.plan.tickets)}`;
  const checks: TargetCheck[] = [];
  const open = result('open');
  const openRatio = ratio('open');
  const label = run.kind === 'embedded' ? 'embedded' : 'PostgreSQL';
  checks.push(
    check(
      `open a ticket, ${label}: ≥ 0.40 × bare INSERT, 0 errors`,
      open && openRatio !== undefined ? `${openRatio.toFixed(2)} ×, ${open.errors} errors` : 'not measured',
      open && openRatio !== undefined ? openRatio >= 0.4 && open.errors === 0 : undefined,
    ),
  );
  if (run.kind === 'postgres') {
    const getRatio = ratio('get');
    checks.push(check('get a ticket, PostgreSQL: ≥ 0.60 × bare SELECT', getRatio === undefined ? 'not measured' : `${getRatio.toFixed(2)} ×`, getRatio === undefined ? undefined : getRatio >= 0.6));
    const queue = result('queue');
    checks.push(check(`agent queue first page: p99 ≤ 50 ms at 50 connections`, queue ? `p99 ${ms(queue.p99)} ms at ${run.connections}` : 'not measured', queue ? queue.p99 <= 50 && run.connections >= 50 : undefined, atMillion));
    const search = result('search');
    checks.push(check('search: p99 ≤ 150 ms', search ? `p99 ${ms(search.p99)} ms` : 'not measured', search ? search.p99 <= 150 : undefined, atMillion));
    const summary = result('summary');
    checks.push(check('reports summary: ≤ 1 s', summary ? `p99 ${ms(summary.p99)} ms` : 'not measured', summary ? summary.p99 <= 1000 : undefined, atMillion));
  }
  const stream = run.stream.result;
  const streamCaveat = stream && stream.clients < 10_000 ? `target is at 10,000 clients; this run has ${thousands(stream.clients)}` : undefined;
  checks.push(
    check(
      'live stream: every client has the event, p99 ≤ 500 ms; ≤ 50 KiB RSS per connection',
      stream
        ? `${stream.missed} missed, ${stream.refused} not connected, p99 ${ms(stream.p99)} ms, ${kib(stream.rssPerConnectionBytes)}`
        : `not measured (${run.stream.skipped ?? 'skipped'})`,
      stream ? stream.missed === 0 && stream.refused === 0 && stream.p99 <= 500 && (stream.rssPerConnectionBytes ?? Infinity) <= 50 * 1024 : undefined,
      streamCaveat,
    ),
  );
  if (run.kind === 'embedded') {
    const fresh = [...run.freshStartupMs].sort((a, b) => a - b);
    const worst = fresh.at(-1);
    checks.push(check('start-up on a fresh embedded data dir: /health within 5 s', worst === undefined ? 'not measured' : fresh.map((v) => `${(v / 1000).toFixed(2)} s`).join(', '), worst === undefined ? undefined : worst <= 5000));
  }
  return checks;
}

const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : '**missed**');

export const sectionKey = (run: DatabaseRun) => `${run.kind}:${run.data.plan.tickets}`;

export function renderSection(run: DatabaseRun, machineLine: string): string {
  const { data } = run;
  const lines = [
    `## ${dbTitle(run.kind)}, ${thousands(data.plan.tickets)} tickets`,
    '',
    `- Date: ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Machine: ${machineLine}; load average ${run.loadBefore.join(' / ')} before, ${run.loadAfter.join(' / ')} after (other work shares the machine: read the ratios)`,
    `- Database: ${run.database}`,
    `- Data: ${thousands(data.tickets)} tickets, ${thousands(data.messages)} messages, ${thousands(data.events)} history events, ${thousands(data.plan.customers)} customers, ${thousands(data.plan.agents)} agents; ${data.seconds > 0 ? `seeded in ${data.seconds.toFixed(1)} s` : `${thousands(data.plan.tickets)} tickets seeded earlier by bench/seed-db.ts (--existing), the rest written by earlier runs`}`,
    `- Server start-up on the seeded database: ${(run.seededStartupMs / 1000).toFixed(2)} s to /health`,
    `- Load: autocannon, ${run.connections} connections unless noted, ${run.warmupSeconds} s warm-up, ${run.rounds} round${run.rounds === 1 ? '' : 's'} of ${run.roundSeconds} s, median quoted; after each round the bench waits (up to 30 s) for the machine to go quiet, so work a scenario left behind is not counted in the next; latencies in ms. Server CPU ms/req: CPU time (user + system) of the answering process over the round divided by the requests it answered, which other load on the machine barely moves (the database's own CPU is not in it). Database CPU ms/req: the same for the PostgreSQL backends connected to the run's database, when that server runs on this machine (embedded: inside the server's figure)`,
    '',
    '| scenario | req/s | p50 | p99 | errors | ratio to baseline | server CPU ms/req | database CPU ms/req |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...run.scenarios.map((outcome) => scenarioRow(run, outcome)),
    streamRow(run.stream),
    ...uploadRows(run.uploads),
    '',
    '| target (issue 7) | measured | verdict |',
    '| --- | --- | --- |',
    ...targetChecks(run).map((c) => `| ${c.target} | ${c.measured} | ${verdict(c.met)}${c.caveat ? ` (${c.caveat})` : ''} |`),
  ];
  if (run.notes.length > 0) lines.push('', ...run.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}

const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); do not edit by hand. Each section is replaced
when the benchmark runs again on the same database and data size.

The real server runs as its own process, as \`npm start\` runs it (\`node dist/main.js\`, built at
the start of the run), and is driven over HTTP by autocannon. Beside it, in the same run and on the same database and driver, a bare
Fastify route doing one INSERT, one doing a SELECT by primary key, and a bare \`node:http\`
hello (bench/baseline-server.ts). Each result is also given as a ratio to its baseline, so
figures compare across machines and across a busy or quiet machine. Every request of the
real server is authenticated and permission-checked as in production.

Run it: \`npm run bench\` (embedded, and PostgreSQL when \`BENCH_DATABASE_URL\` or
\`TEST_DATABASE_URL\` is set), \`npm run bench -- --db postgres --tickets 1000000 --sse 10000\`
for the large run, \`npm run bench:smoke\` for the short check CI runs (exits 1 on any error).
`;

/** Replaces this run's section in the document, keeping the sections of other databases and sizes. */
export function writeDocument(file: string, runs: DatabaseRun[], machineLine: string): void {
  const sections = new Map<string, string>();
  if (existsSync(file)) {
    const existing = readFileSync(file, 'utf8');
    for (const match of existing.matchAll(/<!-- bench:(\S+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g)) {
      if (match[1] && match[2]) sections.set(match[1], match[2]);
    }
  }
  for (const run of runs) sections.set(sectionKey(run), renderSection(run, machineLine));
  const order = (key: string) => {
    const [kind, size] = key.split(':');
    return [kind === 'embedded' ? 0 : 1, Number(size)] as const;
  };
  const keys = [...sections.keys()].sort((a, b) => {
    const [ka, sa] = order(a);
    const [kb, sb] = order(b);
    return ka - kb || sa - sb;
  });
  const body = keys.map((key) => `<!-- bench:${key} -->\n${sections.get(key) ?? ''}\n<!-- /bench:${key} -->`).join('\n\n');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${HEADER}\n${body}\n`);
}
