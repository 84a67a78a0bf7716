import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { plainMail } from '../../src/inbound/mail-fixtures.js';
import { describeWithDovecot, startDovecot, type TestDovecot } from '../../src/test/dovecot.js';
import { TAKEN_KEYWORD } from '../../src/inbound/mailbox-poller.js';
import { sleep, startServer, tempDir, type ServerProcess } from './support/server.js';

/**
 * Issue 14's promise, with the real server and a real Dovecot: the process is killed (SIGKILL)
 * again and again while it takes mail in: before a mail is parsed, after, before its IMAP flag.
 * Afterwards every message appended is on exactly one ticket or in the failed list.
 */
describeWithDovecot('the server killed with SIGKILL while taking mail from IMAP (embedded database)', () => {
  let dovecot: TestDovecot;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await dovecot.stop();
  });

  it('takes every appended message exactly once across crashes', { timeout: 600_000 }, async () => {
    const dataDir = tempDir('mail-sigkill');
    const { user, password, port } = dovecot.mailbox;
    const env = {
      DATA_DIR: dataDir,
      IMAP_URL: `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
      INBOUND_POLL_INTERVAL_MS: '200',
      MAIL_REPLY_ADDRESS: 'support@helpline.test',
    };
    const mails = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, n) => plainMail(`Crash mail ${from + n}`, { from: `crash${from + n}@example.test`, messageId: `<crash-${from + n}@example.test>` }));
    // One broken mail that can only end in the failed list.
    await dovecot.append([...mails(0, 40), Buffer.from('Subject: nobody sent this\r\nMessage-ID: <crash-broken@example.test>\r\n\r\nx\r\n')]);
    let appended = 41;

    const kills = [700, 1500, 400, 2500, 1000];
    for (const [round, delay] of kills.entries()) {
      const server = await startServer(env);
      servers.push(server);
      await sleep(delay);
      server.child.kill('SIGKILL');
      await server.exit;
      await dovecot.append(mails(40 + round * 10, 50 + round * 10));
      appended += 10;
    }

    const last = await startServer(env);
    servers.push(last);
    const deadline = Date.now() + 240_000;
    while (!(await dovecot.messages()).every((message) => message.flags.has(TAKEN_KEYWORD))) {
      if (Date.now() > deadline) throw new Error(`not every message was taken:\n${last.output()}`);
      await sleep(200);
    }
    // The last flag follows the last commit; give a mail stored just before a kill its tick.
    await sleep(1500);
    last.child.kill('SIGTERM');
    expect(await last.exit).toBe(0);

    const db = new PGlite(path.join(dataDir, 'pgdata'));
    try {
      const byStatus = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from inbound_mails group by status order by status');
      const counts = Object.fromEntries(byStatus.rows.map((row) => [row.status, row.n]));
      console.log(`mail crash test: ${appended} appended, ${kills.length} SIGKILLs, intake records ${JSON.stringify(counts)}`);
      expect(counts).toEqual({ placed: appended - 1, failed: 1 });
      const tickets = await db.query<{ n: number; distinct: number }>(
        "select count(*)::int as n, count(distinct subject)::int as distinct from tickets where description like 'Crash mail %'",
      );
      expect(tickets.rows[0]).toEqual({ n: appended - 1, distinct: 1 });
      const perMail = await db.query<{ n: number }>(
        "select count(*)::int as n from (select description from tickets where description like 'Crash mail %' group by description having count(*) > 1) doubled",
      );
      expect(perMail.rows[0]?.n, 'mails on more than one ticket').toBe(0);
      const unplaced = await db.query<{ n: number }>("select count(*)::int as n from inbound_mails where status = 'placed' and ticket_id is null");
      expect(unplaced.rows[0]?.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
