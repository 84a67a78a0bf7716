import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_DIR_MODE } from '../data-dir.js';
import type { AppContext } from '../context.js';
import type { Periodic } from '../periodic.js';
import type { BackgroundLogger } from '../background-logger.js';
import { writeEmbeddedBackup } from './backup.js';

const PREFIX = 'helpline-';
const SUFFIX = '.tar.gz';
/** The first backup after a start waits this long, off the start-up path. */
const FIRST_DELAY_MS = 60_000;

export const backupsDir = (dataDir: string): string => path.join(dataDir, 'backups');

const stamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

async function ownBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => []);
  // ISO stamps sort by time.
  return names.filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX)).sort();
}

/** Writes one backup now and keeps only the newest `keep`. Returns its path. */
export async function backUpNow(ctx: AppContext): Promise<string> {
  const dir = backupsDir(ctx.config.dataDir);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = path.join(dir, `${PREFIX}${stamp(ctx.now())}${SUFFIX}`);
  await writeEmbeddedBackup(ctx.database, file);
  const all = await ownBackups(dir);
  for (const old of all.slice(0, Math.max(0, all.length - ctx.config.backups.keep))) await rm(path.join(dir, old), { force: true });
  return file;
}

async function msUntilDue(ctx: AppContext): Promise<number> {
  const dir = backupsDir(ctx.config.dataDir);
  const newest = (await ownBackups(dir)).at(-1);
  if (!newest) return FIRST_DELAY_MS;
  const age = ctx.now().getTime() - (await stat(path.join(dir, newest))).mtimeMs;
  return Math.max(FIRST_DELAY_MS, ctx.config.backups.intervalMs - age);
}

/**
 * A running embedded desk cannot be opened by a second process, so it backs itself up: every
 * `BACKUP_INTERVAL_HOURS` into DATA_DIR/backups, keeping the newest `BACKUP_KEEP`. A desk on a
 * PostgreSQL server is backed up with pg_dump (`npm run cli -- backup`) or by its provider.
 */
export function startBackupScheduler(ctx: AppContext, options: { logger: BackgroundLogger }): Periodic {
  const { logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  if (!ctx.database.dumpDataDir || ctx.config.backups.intervalMs === 0) return { stop: async () => undefined };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = backUpNow(ctx)
        .then((file) => logger.info({ file }, 'backup written'))
        // Disk full or unwritable: said in the log, tried again at the next interval.
        .catch((error: unknown) => logger.error({ err: error }, 'backup failed'))
        .finally(() => {
          running = undefined;
          schedule(ctx.config.backups.intervalMs);
        });
    }, delayMs);
    timer.unref();
  };
  void msUntilDue(ctx).then(schedule);

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
