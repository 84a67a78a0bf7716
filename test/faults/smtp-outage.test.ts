import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSmtpServer, type TestSmtpServer } from '../../src/test/smtp.js';
import { call, callJson, registerCustomer, sleep, startServer, tempDir, type ServerProcess } from './support/server.js';

const TICKETS = 5;

describe('the mail server down for the whole burst, then back', () => {
  const dataDir = tempDir('smtp');
  let smtp: TestSmtpServer | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await smtp?.stop();
  });

  it('delivers every queued mail exactly once after the outage', { timeout: 240_000 }, async () => {
    const mail = await startTestSmtpServer();
    smtp = mail;
    const running = await startServer({ DATA_DIR: dataDir, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port) });
    server = running;

    // Only a confirmed address gets ticket mail: the customer follows the link first, then the mail server goes down.
    const customer = await registerCustomer(running.url, 'Mailed Customer');
    const me = await callJson<{ email: string }>(running.url, 'GET', '/api/auth/me', { token: customer.accessToken });
    const [verification] = await mail.waitForMessages(1, 30_000);
    const token = decodeURIComponent(/verify-email\?token=([\w%-]+)/.exec(verification?.text ?? '')?.[1] ?? '');
    expect((await call(running.url, 'POST', '/api/auth/email/verify', { body: { token } })).status).toBe(204);
    await mail.stop();
    const before = mail.messages.length;
    const numbers: number[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const ticket = await callJson<{ number: number }>(running.url, 'POST', '/api/tickets', {
        token: customer.accessToken,
        body: { subject: `Outage ticket ${i}`, description: 'Mailed while the mail server is down' },
      });
      numbers.push(ticket.number);
    }
    // Every first attempt fails against the closed port; then the mail server comes back.
    await sleep(3000);
    expect(mail.messages).toHaveLength(before);
    await mail.start();

    // The retry is due 30 s after the failed attempt (the worker's backoff).
    const received = await mail.waitForMessages(before + TICKETS, 90_000);
    // Another poll round (5 s) and then some: a duplicate would show up now.
    await sleep(7000);
    const toCustomer = mail.messages.filter((message) => message.envelopeTo.includes(me.email));
    for (const number of numbers) {
      expect(toCustomer.filter((message) => message.subject.includes(`#${number}`) || message.text.includes(`#${number}`)), `mails about ticket #${number}`).toHaveLength(1);
    }
    const ids = mail.messages.map((message) => message.messageId);
    expect(new Set(ids).size, 'no Message-ID twice').toBe(ids.length);
    expect(received.length).toBeGreaterThanOrEqual(before + TICKETS);

    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    const db = new PGlite(path.join(dataDir, 'pgdata'));
    try {
      const outbox = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from mail_outbox group by status order by status');
      expect(outbox.rows, 'every queued mail was sent, none left pending or failed').toEqual([{ status: 'sent', n: mail.messages.length }]);
    } finally {
      await db.close();
    }
  });
});
