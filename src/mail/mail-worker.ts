import type { AppContext } from '../context.js';
import {
  claimDueMails,
  failAbandonedMails,
  MAIL_OUTBOX_CHANNEL,
  markMailSent,
  recordMailFailure,
  releaseClaim,
  type ClaimedMail,
} from './outbox.repository.js';
import { silentLogger, type BackgroundLogger } from '../background-logger.js';
import { createMailTransport, type MailTransport } from './transport.js';

export interface MailWorkerOptions {
  /** Checks for mails whose backoff has passed; new mails wake the worker at once via NOTIFY. */
  pollIntervalMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  /** Wait after the first failure, doubled after each further one up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long a claimed mail stays with this worker; longer than any send can take. */
  leaseMs?: number;
  logger?: BackgroundLogger;
  /** Defaults to SMTP from the config, or `.eml` files when no SMTP host is set. */
  transport?: MailTransport;
}

export interface MailWorker {
  /** Sends everything due now; resolves when done (tests, and `flush` before shutdown). */
  drain(): Promise<void>;
  /** Stops polling and listening, lets the batch in flight finish, closes the transport. */
  stop(): Promise<void>;
}

// 30 s, 1, 2, 4, 8, 16, 32 min: eight attempts span an hour of mail-server outage before
// a mail is failed and shown to managers for a manual retry.
export const MAIL_WORKER_DEFAULTS = {
  pollIntervalMs: 5_000,
  batchSize: 20,
  maxAttempts: 8,
  backoffBaseMs: 30_000,
  backoffMaxMs: 3_600_000,
  leaseMs: 10 * 60_000,
} as const;


const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

class OutboxWorker implements MailWorker {
  private readonly settings: Required<Omit<MailWorkerOptions, 'logger' | 'transport'>>;
  private readonly logger: BackgroundLogger;
  private readonly transport: MailTransport;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    options: MailWorkerOptions,
  ) {
    const { logger, transport, ...settings } = options;
    this.settings = { ...MAIL_WORKER_DEFAULTS, ...settings };
    this.logger = logger ?? silentLogger;
    this.transport = transport ?? createMailTransport(ctx.config, ctx.now);
  }

  async start(): Promise<void> {
    this.unlisten = await this.ctx.database.listen(MAIL_OUTBOX_CHANNEL, () => void this.wake());
    this.timer = setInterval(() => void this.wake(), this.settings.pollIntervalMs);
    this.timer.unref();
    void this.wake();
  }

  /** Runs send cycles one after another; a wake during a cycle asks for one more. */
  private wake(): Promise<void> {
    if (this.stopped) return this.running ?? Promise.resolve();
    this.wakeRequested = true;
    this.running ??= this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.wakeRequested && !this.stopped) {
        this.wakeRequested = false;
        // A full batch means more may be waiting: keep going without waiting for a wake.
        while ((await this.cycle()) === this.settings.batchSize && !this.stopped);
      }
    } finally {
      // Cleared in the same turn as the last check, so no wake can fall in between.
      this.running = undefined;
    }
  }

  /** One batch; returns how many mails it claimed. Never throws: the next wake tries again. */
  private async cycle(): Promise<number> {
    const db = this.ctx.database.db;
    const { batchSize, leaseMs, maxAttempts } = this.settings;
    try {
      await failAbandonedMails(db, { now: this.ctx.now(), maxAttempts });
      const claimedAt = performance.now();
      const batch = await claimDueMails(db, { now: this.ctx.now(), limit: batchSize, leaseMs, maxAttempts });
      for (const [index, mail] of batch.entries()) {
        // A slow mail server must not keep the tail of a batch past its lease, where another
        // worker could take it too: past half the lease, hand the rest back untouched.
        if (index > 0 && performance.now() - claimedAt > leaseMs / 2) {
          for (const rest of batch.slice(index)) await releaseClaim(db, rest, this.ctx.now());
          this.logger.warn({ released: batch.length - index }, 'mail outbox: batch took too long, released the rest');
          this.wakeRequested = true;
          return index;
        }
        await this.deliver(mail);
      }
      return batch.length;
    } catch (error) {
      this.logger.error({ err: error }, 'mail outbox: cycle failed');
      return 0;
    }
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const db = this.ctx.database.db;
    try {
      await this.transport.send({
        id: mail.id,
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.textBody,
        html: mail.htmlBody,
        headers: mail.headers,
      });
    } catch (error) {
      const outcome = await recordMailFailure(db, mail, errorText(error), this.ctx.now(), {
        maxAttempts: this.settings.maxAttempts,
        baseMs: this.settings.backoffBaseMs,
        maxMs: this.settings.backoffMaxMs,
      });
      const details = { mailId: mail.id, kind: mail.kind, attempt: mail.attempts, outcome, err: error };
      if (outcome === 'failed') this.logger.error(details, 'mail outbox: send failed for good');
      else this.logger.warn(details, 'mail outbox: send failed');
      return;
    }
    // Sent but not recorded (database gone): the lease runs out and the mail goes again.
    // At-least-once is the price of sending outside the transaction; a duplicate beats a loss.
    if (!(await markMailSent(db, mail, this.ctx.now()))) {
      this.logger.warn({ mailId: mail.id }, 'mail outbox: lease expired before the send was recorded');
    }
  }

  drain(): Promise<void> {
    return this.wake();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.unlisten?.();
    await this.running;
    this.transport.close();
  }
}

/** Starts sending the outbox: wakes on NOTIFY at each commit that queued mail, and polls for retries. */
export async function startMailWorker(ctx: AppContext, options: MailWorkerOptions = {}): Promise<MailWorker> {
  const worker = new OutboxWorker(ctx, options);
  await worker.start();
  return worker;
}
