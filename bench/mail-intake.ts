/**
 * Mails per second the intake takes from one IMAP mailbox: N messages appended to a real
 * Dovecot (the test support's), then one poller takes them all (download, store raw, place
 * as a ticket, flag). `npx tsx bench/mail-intake.ts [N]`, embedded database in memory.
 */
import { PGlite } from '@electric-sql/pglite';
import { createAppContext } from '../src/compose.js';
import { openPglite } from '../src/db/database.js';
import { plainMail } from '../src/inbound/mail-fixtures.js';
import { imapClient } from '../src/mailboxes/imap-connection.js';
import { takeNewMail } from '../src/inbound/mailbox-poller.js';
import { testConfig } from '../src/test/config.js';
import { startDovecot } from '../src/test/dovecot.js';

const count = Number(process.argv[2] ?? 10_000);
const dovecot = await startDovecot();
try {
  const appendStart = performance.now();
  const raws = Array.from({ length: count }, (_, n) => plainMail(`Bench mail ${n}`, { from: `bench${n % 20}@example.test`, messageId: `<bench-${n}@example.test>` }));
  await dovecot.append(raws);
  console.log(`appended ${count} mails in ${((performance.now() - appendStart) / 1000).toFixed(1)} s`);

  const database = await openPglite(new PGlite());
  await database.migrate();
  const config = testConfig({ inbound: { ...testConfig().inbound, ticketsPerSenderPerHour: 1_000_000 } });
  const ctx = createAppContext({ config, database, now: () => new Date() });
  const client = await imapClient(dovecot.mailbox);
  await client.connect();
  const start = performance.now();
  const taken = await takeNewMail(ctx, client, { key: 'bench', mailboxId: null, settings: dovecot.mailbox });
  const seconds = (performance.now() - start) / 1000;
  console.log(`took ${taken} mails in ${seconds.toFixed(1)} s: ${(taken / seconds).toFixed(1)} mails/s (each stored raw, placed as a ticket with its receipt queued, flagged)`);
  await client.logout();
  await database.close();
} finally {
  await dovecot.stop();
}
