import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { mailOutbox } from './mail.schema.js';
import {
  backoffDelayMs,
  claimDueMails,
  enqueueMail,
  failAbandonedMails,
  findMail,
  markMailSent,
  recordMailFailure,
  type OutgoingMail,
} from './outbox.repository.js';

const message = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  kind: 'test',
  to: 'customer@example.test',
  subject: 'Hello',
  text: 'Hello there',
  html: '<p>Hello there</p>',
  ...overrides,
});

const LEASE = 60_000;
const backoff = { maxAttempts: 3, baseMs: 1000, maxMs: 3_600_000 };

describeEachDatabase('mail outbox repository', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  const claim = (maxAttempts = 8) => claimDueMails(t.database.db, { now: t.clock.now(), limit: 10, leaseMs: LEASE, maxAttempts });

  it('gives each queued mail a Message-ID in the public URL domain and keeps given headers', async () => {
    const generated = await enqueueMail(t.database.db, message(), t.ctx);
    expect(generated.headers['Message-ID']).toMatch(/^<[0-9a-f-]{36}@helpline\.test>$/);
    expect(generated.status).toBe('pending');

    const threaded = await enqueueMail(
      t.database.db,
      message({ headers: { 'message-id': '<given@helpline.test>', 'In-Reply-To': '<ticket-1@helpline.test>' } }),
      t.ctx,
    );
    expect(threaded.headers).toEqual({ 'message-id': '<given@helpline.test>', 'In-Reply-To': '<ticket-1@helpline.test>' });
  });

  it('writes nothing when the transaction that queued the mail rolls back', async () => {
    await expect(
      t.database.db.transaction(async (tx) => {
        await enqueueMail(tx, message(), t.ctx);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.database.db.select().from(mailOutbox)).toEqual([]);
    expect(await claim()).toEqual([]);
  });

  it('does not hand a claimed mail to a second claimer until the lease runs out', async () => {
    const queued = await enqueueMail(t.database.db, message(), t.ctx);
    const [first] = await claim();
    expect(first).toMatchObject({ id: queued.id, attempts: 1 });
    expect(await claim()).toEqual([]);

    t.clock.advance(LEASE - 1);
    expect(await claim()).toEqual([]);
    t.clock.advance(1);
    const [second] = await claim();
    expect(second).toMatchObject({ id: queued.id, attempts: 2 });
    expect(second?.claimToken).not.toBe(first?.claimToken);
  });

  it('ignores the outcome reported under a lost claim', async () => {
    await enqueueMail(t.database.db, message(), t.ctx);
    const [stale] = await claim();
    t.clock.advance(LEASE);
    const [current] = await claim();
    if (!stale || !current) throw new Error('expected two claims');

    expect(await markMailSent(t.database.db, stale, t.clock.now())).toBe(false);
    expect(await recordMailFailure(t.database.db, stale, 'late', t.clock.now(), backoff)).toBe('claim_lost');
    expect(await findMail(t.database.db, current.id)).toMatchObject({ status: 'pending', lastError: null });

    expect(await markMailSent(t.database.db, current, t.clock.now())).toBe(true);
    expect(await findMail(t.database.db, current.id)).toMatchObject({ status: 'sent', sentAt: t.clock.now() });
  });

  it('backs off after each failure and fails the mail after the last attempt', async () => {
    const queued = await enqueueMail(t.database.db, message(), t.ctx);
    for (let attempt = 1; attempt < backoff.maxAttempts; attempt++) {
      const [mail] = await claim(backoff.maxAttempts);
      if (!mail) throw new Error(`attempt ${attempt} found nothing due`);
      expect(await recordMailFailure(t.database.db, mail, `refused ${attempt}`, t.clock.now(), backoff)).toBe('retrying');
      const row = await findMail(t.database.db, queued.id);
      expect(row).toMatchObject({ status: 'pending', attempts: attempt, lastError: `refused ${attempt}` });
      expect(row?.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + backoffDelayMs(attempt, backoff));
      t.clock.advance(backoffDelayMs(attempt, backoff) - 1);
      expect(await claim(backoff.maxAttempts)).toEqual([]);
      t.clock.advance(1);
    }
    const [last] = await claim(backoff.maxAttempts);
    if (!last) throw new Error('the last attempt found nothing due');
    expect(await recordMailFailure(t.database.db, last, 'refused for good', t.clock.now(), backoff)).toBe('failed');
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'refused for good' });
    t.clock.advance(3_600_000);
    expect(await claim(backoff.maxAttempts)).toEqual([]);
  });

  it('fails a mail whose last attempt was interrupted once its lease is over', async () => {
    const queued = await enqueueMail(t.database.db, message(), t.ctx);
    await claim(1);
    expect(await failAbandonedMails(t.database.db, { now: t.clock.now(), maxAttempts: 1 })).toBe(0);
    t.clock.advance(LEASE);
    expect(await failAbandonedMails(t.database.db, { now: t.clock.now(), maxAttempts: 1 })).toBe(1);
    expect(await findMail(t.database.db, queued.id)).toMatchObject({ status: 'failed', lastError: 'The last attempt was interrupted' });
  });

  it('claims the longest-waiting mails first, at most the batch size', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await enqueueMail(t.database.db, message({ subject: `mail ${i}` }), t.ctx)).id);
      t.clock.advance(1000);
    }
    const firstId = ids[0] ?? 0;
    await t.database.db.update(mailOutbox).set({ nextAttemptAt: new Date(0) }).where(eq(mailOutbox.id, ids[3] ?? 0));
    const batch = await claimDueMails(t.database.db, { now: t.clock.now(), limit: 2, leaseMs: LEASE, maxAttempts: 8 });
    expect(batch.map((mail) => mail.id).sort()).toEqual([firstId, ids[3]].sort());
  });
});

it('doubles the backoff from the base and caps it', () => {
  const options = { baseMs: 30_000, maxMs: 3_600_000 };
  expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, options))).toEqual([30_000, 60_000, 120_000, 240_000]);
  expect(backoffDelayMs(8, options)).toBe(3_600_000);
  expect(backoffDelayMs(500, options)).toBe(3_600_000);
});
