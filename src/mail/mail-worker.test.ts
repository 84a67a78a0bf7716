import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AppContext } from '../context.js';
import { openPostgres, type Database } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser } from '../test/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../test/smtp.js';
import { mailOutbox } from './mail.schema.js';
import { startMailWorker, type MailWorker, type MailWorkerOptions } from './mail-worker.js';
import { claimDueMails, enqueueMail, findMail, type OutgoingMail } from './outbox.repository.js';
import { createMailTransport, type MailTransport } from './transport.js';

const message = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  kind: 'test',
  to: 'customer@example.test',
  subject: 'Your ticket #12',
  text: 'We are on it.',
  html: '<p>We are on it.</p>',
  ...overrides,
});

// Long poll: tests drive the worker with drain() and the clock, not with real time.
const QUIET: MailWorkerOptions = { pollIntervalMs: 3_600_000 };
const HOUR = 3_600_000;

const statuses = async (database: Database) =>
  (await database.db.select({ status: mailOutbox.status }).from(mailOutbox)).map((row) => row.status);

describeEachDatabase('mail worker over SMTP', (kind) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  const workers: MailWorker[] = [];
  const start = async (options: MailWorkerOptions = QUIET, ctx: AppContext = t.ctx) => {
    const worker = await startMailWorker(ctx, options);
    workers.push(worker);
    return worker;
  };

  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(kind, { smtp: smtp.smtp, mailFrom: 'Helpline <desk@helpline.test>' });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await t.close();
    await smtp.stop();
  });

  it('delivers a queued mail with its headers and both bodies, and marks it sent', async () => {
    const queued = await enqueueMail(
      t.database.db,
      message({ headers: { 'In-Reply-To': '<ticket-12@helpline.test>', References: '<ticket-12@helpline.test>' } }),
      t.ctx,
    );
    const worker = await start();
    await worker.drain();

    const [received] = await smtp.waitForMessages(1);
    expect(received).toMatchObject({
      envelopeTo: ['customer@example.test'],
      from: 'desk@helpline.test',
      to: ['customer@example.test'],
      subject: 'Your ticket #12',
      text: 'We are on it.',
      html: '<p>We are on it.</p>',
      messageId: queued.headers['Message-ID'],
      inReplyTo: '<ticket-12@helpline.test>',
      references: ['<ticket-12@helpline.test>'],
    });
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'sent', attempts: 1, sentAt: t.clock.now() });
  });

  it('wakes on the commit that queued a mail, without waiting for the poll', async () => {
    await start();
    await t.database.db.transaction(async (tx) => {
      await enqueueMail(tx, message(), t.ctx);
    });
    const [received] = await smtp.waitForMessages(1, 5000);
    expect(received?.subject).toBe('Your ticket #12');
  });

  it('never sends a mail queued in a transaction that rolled back', async () => {
    const worker = await start();
    await expect(
      t.database.db.transaction(async (tx) => {
        await enqueueMail(tx, message({ subject: 'rolled back' }), t.ctx);
        throw new Error('the ticket could not be saved');
      }),
    ).rejects.toThrow('the ticket could not be saved');
    await enqueueMail(t.database.db, message({ subject: 'committed' }), t.ctx);
    await worker.drain();
    await smtp.waitForMessages(1);
    await worker.drain();
    expect(smtp.messages.map((mail) => mail.subject)).toEqual(['committed']);
  });

  it('keeps mails queued while the mail server is down and delivers each exactly once when it is back', async () => {
    await smtp.stop();
    const worker = await start();
    for (const n of [1, 2, 3]) await enqueueMail(t.database.db, message({ subject: `mail ${n}` }), t.ctx);

    for (let outage = 0; outage < 4; outage++) {
      await worker.drain();
      expect(await statuses(t.database)).toEqual(['pending', 'pending', 'pending']);
      t.clock.advance(HOUR);
    }
    const [row] = await t.database.db.select().from(mailOutbox);
    expect(row?.attempts).toBe(4);
    expect(row?.lastError).toMatch(/ECONNREFUSED/);

    await smtp.start();
    await worker.drain();
    await smtp.waitForMessages(3);
    for (let later = 0; later < 3; later++) {
      t.clock.advance(HOUR);
      await worker.drain();
    }
    expect(smtp.messages.map((mail) => mail.subject).sort()).toEqual(['mail 1', 'mail 2', 'mail 3']);
    expect(await statuses(t.database)).toEqual(['sent', 'sent', 'sent']);
  });

  it('fails a mail the server keeps rejecting after the last attempt, and sends it once retried', async () => {
    smtp.rejectWith({ code: 550, message: 'Mailbox unavailable' });
    const worker = await start({ ...QUIET, maxAttempts: 3, backoffBaseMs: 1000 });
    const queued = await enqueueMail(t.database.db, message(), t.ctx);

    await worker.drain();
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(999);
    await worker.drain();
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(1);
    await worker.drain();
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'pending', attempts: 2 });
    t.clock.advance(2000);
    await worker.drain();
    const failed = await findMail(t.database.db, queued.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed?.lastError).toMatch(/550 Mailbox unavailable/);
    t.clock.advance(HOUR);
    await worker.drain();
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'failed', attempts: 3 });

    smtp.rejectWith(undefined);
    const manager = await createUser(t, { role: 'manager' });
    const retry = await t.request({ method: 'POST', url: `/api/mail/${queued.id}/retry`, token: manager.accessToken });
    expect(retry.statusCode).toBe(204);
    await worker.drain();
    const [received] = await smtp.waitForMessages(1);
    expect(received?.messageId).toBe(queued.headers['Message-ID']);
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends a mail whose worker died while sending once the lease is over', async () => {
    const queued = await enqueueMail(t.database.db, message(), t.ctx);
    // A worker that claimed the mail and then crashed before sending or recording anything.
    await claimDueMails(t.database.db, { now: t.clock.now(), limit: 10, leaseMs: 60_000, maxAttempts: 8 });
    const worker = await start({ ...QUIET, leaseMs: 60_000 });
    await worker.drain();
    expect(smtp.messages).toEqual([]);

    t.clock.advance(60_000);
    await worker.drain();
    await smtp.waitForMessages(1);
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('hands the tail of a slow batch back before its lease runs out, without counting an attempt', async () => {
    for (let n = 0; n < 3; n++) await enqueueMail(t.database.db, message({ subject: `mail ${n}` }), t.ctx);
    const warnings: object[] = [];
    const logger = { info: () => undefined, error: () => undefined, warn: (details: object) => warnings.push(details) };
    // Any real send outlasts half of a 1 ms lease.
    const worker = await start({ ...QUIET, leaseMs: 1, logger });
    await worker.drain();
    await smtp.waitForMessages(3);
    expect(warnings).toContainEqual({ released: 2 });
    expect(smtp.messages.map((mail) => mail.subject).sort()).toEqual(['mail 0', 'mail 1', 'mail 2']);
    const rows = await t.database.db.select().from(mailOutbox);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('finishes the batch in flight when stopped, and sends nothing afterwards', async () => {
    for (let n = 0; n < 5; n++) await enqueueMail(t.database.db, message({ subject: `mail ${n}` }), t.ctx);
    // Starting runs a batch at once; stopping right away must let it finish.
    const worker = await start();
    await worker.stop();
    expect(smtp.messages).toHaveLength(5);
    expect(await statuses(t.database)).toEqual(Array(5).fill('sent'));

    await enqueueMail(t.database.db, message({ subject: 'after stop' }), t.ctx);
    await worker.drain();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages).toHaveLength(5);
  });

  it('delivers every mail exactly once when two workers share the database', async () => {
    // Two server processes: on PostgreSQL each with its own connection pool.
    const second: Database = t.database.url ? await openPostgres(t.database.url) : t.database;
    try {
      const sentBy = { a: 0, b: 0 };
      const counting = (name: keyof typeof sentBy): MailTransport => {
        const transport = createMailTransport(t.ctx.config);
        return {
          send: async (mail) => {
            await transport.send(mail);
            sentBy[name]++;
          },
          close: () => transport.close(),
        };
      };
      const workerA = await start({ ...QUIET, batchSize: 3, transport: counting('a') });
      const workerB = await start({ ...QUIET, batchSize: 3, transport: counting('b') }, { ...t.ctx, database: second });
      const count = 30;
      for (let n = 0; n < count; n++) await enqueueMail(t.database.db, message({ subject: `mail ${n}` }), t.ctx);
      await Promise.all([workerA.drain(), workerB.drain(), workerA.drain(), workerB.drain()]);
      await smtp.waitForMessages(count, 15_000);
      await Promise.all([workerA.drain(), workerB.drain()]);

      const subjects = smtp.messages.map((mail) => mail.subject);
      expect(subjects).toHaveLength(count);
      expect(new Set(subjects).size).toBe(count);
      // Both took part, so the claims really did race.
      expect(sentBy.a).toBeGreaterThan(0);
      expect(sentBy.b).toBeGreaterThan(0);
      expect(sentBy.a + sentBy.b).toBe(count);
      const rows = await t.database.db.select().from(mailOutbox);
      expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
      if (second !== t.database) await second.close();
    }
  });

  it('authenticates with the configured SMTP user and password', async () => {
    const guarded = await startTestSmtpServer({ auth: { user: 'desk', password: 'mail-secret' } });
    try {
      const worker = await start(QUIET, { ...t.ctx, config: { ...t.ctx.config, smtp: guarded.smtp } });
      await enqueueMail(t.database.db, message(), t.ctx);
      await worker.drain();
      await guarded.waitForMessages(1);
      await worker.stop();

      const wrong = await start(QUIET, { ...t.ctx, config: { ...t.ctx.config, smtp: { ...guarded.smtp, password: 'wrong' } } });
      const denied = await enqueueMail(t.database.db, message(), t.ctx);
      await wrong.drain();
      expect((await findMail(t.database.db, denied.id))?.lastError).toMatch(/535|auth/i);
    } finally {
      await guarded.stop();
    }
  });
});

describeEachDatabase('mail worker without SMTP', (kind) => {
  let t: TestApp;
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'helpline-mail-'));
    t = await createTestApp(kind, { smtp: undefined, dataDir });
  });
  afterEach(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes each mail as one .eml file under DATA_DIR/mail, named in time order, for its own user only', async () => {
    const worker = await startMailWorker(t.ctx, QUIET);
    const first = await enqueueMail(t.database.db, message({ subject: 'first' }), t.ctx);
    try {
      await worker.drain();
      t.clock.advance(1000);
      await enqueueMail(t.database.db, message({ subject: 'second' }), t.ctx);
      await worker.drain();
    } finally {
      await worker.stop();
    }
    const directory = path.join(dataDir, 'mail');
    const files = await readdir(directory);
    expect(files).toHaveLength(2);
    expect(files.every((file) => /^\d{4}-\d\d-\d\dT[\d-]+Z-\d{12}\.eml$/.test(file))).toBe(true);
    // They carry password-reset links.
    const modeOf = async (file: string) => ((await stat(file)).mode & 0o777).toString(8);
    expect(await modeOf(directory)).toBe('700');
    expect(await Promise.all(files.map((file) => modeOf(path.join(directory, file))))).toEqual(['600', '600']);
    const parsed = await Promise.all(files.sort().map(async (file) => simpleParser(await readFile(path.join(directory, file)))));
    expect(parsed.map((mail) => mail.subject)).toEqual(['first', 'second']);
    expect(parsed[0]?.messageId).toBe(first.headers['Message-ID']);
    expect(parsed[0]?.text?.trim()).toBe('We are on it.');
    expect(parsed[0]?.html).toBe('<p>We are on it.</p>');
    expect(await statuses(t.database)).toEqual(['sent', 'sent']);
  });
});
