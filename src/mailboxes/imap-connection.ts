import type { ImapFlow } from 'imapflow';
import type { ImapMailboxConfig } from '../config.js';

// A server that accepts the connection and then hangs must not hold a poller (or a manager's test) forever.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 5 * 60_000 };

export async function imapClient(settings: ImapMailboxConfig): Promise<ImapFlow> {
  // Loaded with the first mailbox polled or tested, not on every start: most desks have none.
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.tls,
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    ...TIMEOUTS,
  });
}

export type ConnectionTest = { ok: true; messages: number } | { ok: false; error: string };

/** Logs in and opens the folder, as the poller would; says what went wrong in words a manager can act on. */
export async function testImapConnection(settings: ImapMailboxConfig): Promise<ConnectionTest> {
  const client = await imapClient(settings);
  client.on('error', () => undefined);
  try {
    await client.connect();
    const status = await client.status(settings.folder, { messages: true });
    return status ? { ok: true, messages: status.messages ?? 0 } : { ok: false, error: `No folder "${settings.folder}"` };
  } catch (error) {
    const { responseText, message } = error as { responseText?: string; message?: string };
    return { ok: false, error: (responseText || message || 'The connection failed').slice(0, 500) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
