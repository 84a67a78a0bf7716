import { buildApp } from './app.js';
import { startAttachmentCleanup } from './attachments/attachments-scheduler.js';
import type { Config } from './config.js';
import { createAppContext } from './compose.js';
import { keepDataDirPrivate } from './data-dir.js';
import { openDatabase } from './db/database.js';
import { startBackupScheduler } from './backup/backup-scheduler.js';
import { startDatabaseUpkeep } from './db/upkeep.js';
import { startEscalationScheduler } from './escalation/escalation-scheduler.js';
import { startMailWorker } from './mail/mail-worker.js';
import { startMailboxPolling } from './inbound/mailbox-poller.js';
import { ensureFirstManager } from './users/bootstrap.js';

/** Opens the database, starts the HTTP server and the background work, and stops them all on SIGTERM or SIGINT. */
export async function serve(config: Config): Promise<void> {
  // loadConfig wrote only the generated secret, privately; what follows (PGlite's files, mail) comes under the umask set here.
  const dataDirWarning = keepDataDirPrivate(config.dataDir);
  if (dataDirWarning) console.warn(dataDirWarning);
  const database = await openDatabase(config);
  await database.migrate();
  const ctx = createAppContext({ config, database, now: () => new Date() });

  const manager = await ensureFirstManager(ctx);
  if (manager?.generatedPassword) {
    console.log(`First manager created: ${manager.email} / ${manager.generatedPassword} (shown once; change it after logging in)`);
  } else if (manager) {
    console.log(`First manager created: ${manager.email}`);
  }

  const app = await buildApp(ctx, { logger: { level: config.logLevel } });
  const address = await app.listen({ port: config.port, host: config.host });
  const mailWorker = await startMailWorker(ctx, { logger: app.log });
  const escalation = startEscalationScheduler(ctx, { logger: app.log });
  const backups = startBackupScheduler(ctx, { logger: app.log });
  const attachmentCleanup = startAttachmentCleanup(ctx, { logger: app.log });
  const mailboxes = startMailboxPolling(ctx, { logger: app.log });
  const upkeep = await startDatabaseUpkeep(database, { logger: app.log });
  console.log(`Helpline listening on ${address} (${database.driver === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL server'})`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // Stop accepting, let in-flight requests finish, flush mail, then close the database cleanly.
    await app.close();
    await escalation.stop();
    await backups.stop();
    await attachmentCleanup.stop();
    await mailboxes.stop();
    await upkeep?.stop();
    await mailWorker.stop();
    await ctx.attachmentStore.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

