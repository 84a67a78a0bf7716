import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { silentLogger, type BackgroundLogger } from '../background-logger.js';
import type { ImapMailboxConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { hasUid } from './inbound.repository.js';
import { placeWaitingMails, recordTooLarge, takeInMail } from './intake.service.js';
import { runPeriodically, type Periodic } from '../periodic.js';
import { imapClient } from '../mailboxes/imap-connection.js';
import { enabledMailboxes, releaseLease, takeLease } from '../mailboxes/mailboxes.repository.js';
import { imapSettingsOf } from '../mailboxes/mailboxes.service.js';

/** Set on a message once it is taken; a server without custom keywords gets \Seen instead. */
export const TAKEN_KEYWORD = '$HelplineTaken';

/** One mailbox to poll: IMAP_URL's (`env`) or a stored one (its id). */
export interface PolledMailbox {
  key: string;
  mailboxId: string | null;
  settings: ImapMailboxConfig;
}

/**
 * Takes every message of the folder not taken yet, oldest first. Each is committed (stored
 * raw and placed) before it is flagged on the server: a crash before the flag leaves it to be
 * seen again, and its UID (or Message-ID) then answers that it was taken already.
 */
export async function takeNewMail(ctx: AppContext, client: ImapFlow, mailbox: PolledMailbox): Promise<number> {
  const lock = await client.getMailboxLock(mailbox.settings.folder);
  try {
    const opened = client.mailbox;
    if (!opened) throw new Error(`The folder ${mailbox.settings.folder} did not open`);
    const uidValidity = Number(opened.uidValidity);
    const keyword = opened.permanentFlags?.has('\\*') ? TAKEN_KEYWORD : '\\Seen';
    const found = await client.search(keyword === TAKEN_KEYWORD ? { unKeyword: TAKEN_KEYWORD } : { seen: false }, { uid: true });
    let taken = 0;
    for (const uid of (found || []).sort((a, b) => a - b)) {
      const source = { mailboxKey: mailbox.key, mailboxId: mailbox.mailboxId, uidValidity, uid };
      if (!(await hasUid(ctx.database.db, mailbox.key, uidValidity, uid))) {
        await takeOne(ctx, client, source);
        taken++;
      }
      await client.messageFlagsAdd(String(uid), [keyword], { uid: true });
    }
    return taken;
  } finally {
    lock.release();
  }
}

/** Downloads one message and takes it in; one over the size limit is recorded from its envelope, never downloaded. */
async function takeOne(ctx: AppContext, client: ImapFlow, source: { mailboxKey: string; mailboxId: string | null; uidValidity: number; uid: number }) {
  const uid = String(source.uid);
  const meta = await client.fetchOne(uid, { size: true, envelope: true }, { uid: true });
  if (!meta) return;
  const size = meta.size ?? 0;
  if (size > ctx.config.inbound.maxBytes) {
    const from = meta.envelope?.from?.[0]?.address;
    await recordTooLarge(ctx, source, {
      size,
      messageId: meta.envelope?.messageId,
      ...(from ? { fromAddress: from.toLowerCase() } : {}),
      ...(meta.envelope?.subject ? { subject: meta.envelope.subject.slice(0, 200) } : {}),
    });
    return;
  }
  const message = await client.fetchOne(uid, { source: true }, { uid: true });
  if (message && message.source) await takeInMail(ctx, source, message.source);
}

export interface MailboxPollingOptions {
  logger?: BackgroundLogger;
  /** Names this process in the mailbox leases; a fresh one per start. */
  holder?: string;
}

interface Session {
  signature: string;
  stop(): Promise<void>;
}

const signatureOf = (mailbox: PolledMailbox): string => JSON.stringify(mailbox.settings);

async function mailboxesToPoll(ctx: AppContext, logger: BackgroundLogger): Promise<PolledMailbox[]> {
  const fromEnv = ctx.config.inbound.imap ? [{ key: 'env', mailboxId: null, settings: ctx.config.inbound.imap }] : [];
  const stored: PolledMailbox[] = [];
  for (const row of await enabledMailboxes(ctx.database.db)) {
    try {
      stored.push({ key: row.id, mailboxId: row.id, settings: imapSettingsOf(ctx.config.jwtSecret, row) });
    } catch (error) {
      logger.error({ err: error, mailboxId: row.id }, 'mailbox password unreadable (JWT_SECRET changed?): enter it again');
    }
  }
  return [...fromEnv, ...stored];
}

/**
 * Polls every mailbox (IMAP_URL's and the enabled stored ones). Each is held by one process
 * at a time through a lease it renews while connected; the holder waits in IMAP IDLE where
 * the server offers it (imapflow idles by itself between commands) and looks again on every
 * new message or every INBOUND_POLL_INTERVAL_MS. Mails a crash left stored but unplaced are
 * placed on every tick.
 */
export function startMailboxPolling(ctx: AppContext, options: MailboxPollingOptions = {}): Periodic {
  const logger = options.logger ?? silentLogger;
  const holder = options.holder ?? randomUUID();
  const intervalMs = ctx.config.inbound.pollIntervalMs;
  const leaseMs = Math.max(5_000, 3 * intervalMs);
  const sessions = new Map<string, Session>();

  const periodic = runPeriodically(
    intervalMs,
    async () => {
      await placeWaitingMails(ctx);
      const wanted = await mailboxesToPoll(ctx, logger);
      for (const [key, session] of sessions) {
        const still = wanted.find((mailbox) => mailbox.key === key);
        if (!still || signatureOf(still) !== session.signature) {
          sessions.delete(key);
          await session.stop();
        }
      }
      for (const mailbox of wanted) {
        if (sessions.has(mailbox.key)) continue;
        const now = ctx.now();
        if (!(await takeLease(ctx.database.db, { mailboxKey: mailbox.key, holder, now, until: new Date(now.getTime() + leaseMs) }))) continue;
        sessions.set(mailbox.key, pollSession(ctx, mailbox, { holder, leaseMs, intervalMs, logger, ended: () => sessions.delete(mailbox.key) }));
      }
    },
    { logger, failure: 'mailbox polling failed' },
  );

  return {
    stop: async () => {
      await periodic.stop();
      await Promise.all([...sessions.values()].map((session) => session.stop()));
      sessions.clear();
    },
  };
}

interface SessionOptions {
  holder: string;
  leaseMs: number;
  intervalMs: number;
  logger: BackgroundLogger;
  ended: () => void;
}

/** One connection to one mailbox: take new mail, renew the lease, wait for news; ends on an error or a lost lease. */
function pollSession(ctx: AppContext, mailbox: PolledMailbox, options: SessionOptions): Session {
  let stopped = false;
  // News that came while mail was being taken: look again at once instead of waiting.
  let news = false;
  let wake: () => void = () => {
    news = true;
  };
  const db = ctx.database.db;

  const renew = async (): Promise<boolean> => {
    const now = ctx.now();
    return takeLease(db, { mailboxKey: mailbox.key, holder: options.holder, now, until: new Date(now.getTime() + options.leaseMs) });
  };

  const run = async () => {
    try {
      const client = await imapClient(mailbox.settings);
      client.on('error', (error: unknown) => options.logger.warn({ err: error, mailbox: mailbox.key }, 'mailbox connection error'));
      client.on('exists', () => wake());
      client.on('close', () => wake());
      try {
        await client.connect();
        while (!stopped && client.usable) {
          news = false;
          const taken = await takeNewMail(ctx, client, mailbox);
          if (taken > 0) options.logger.info({ mailbox: mailbox.key, taken }, 'mail taken in');
          if (!(await renew())) return;
          if (news || stopped) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(options.intervalMs, options.leaseMs / 3));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = () => {
            news = true;
          };
        }
      } finally {
        await client.logout().catch(() => client.close());
      }
    } catch (error) {
      options.logger.warn({ err: error, mailbox: mailbox.key }, 'mailbox polling stopped; trying again at the next tick');
    } finally {
      options.ended();
    }
  };
  const running = run();

  return {
    signature: signatureOf(mailbox),
    stop: async () => {
      stopped = true;
      wake();
      await running;
      await releaseLease(db, mailbox.key, options.holder).catch(() => undefined);
    },
  };
}
