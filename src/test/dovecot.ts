import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { describe } from 'vitest';
import type { ImapMailboxConfig } from '../config.js';
import { freePort } from './free-port.js';

const DOVECOT = '/usr/sbin/dovecot';

export const dovecotAvailable = (): boolean => existsSync(DOVECOT);

/** A suite that needs a real IMAP server, listed as skipped with the reason when Dovecot is not installed. */
export function describeWithDovecot(name: string, suite: () => void): void {
  if (dovecotAvailable()) describe(name, suite);
  else describe.skip(`${name} (skipped: ${DOVECOT} not found; apt-get install dovecot-imapd)`, suite);
}

export interface TestDovecot {
  readonly port: number;
  /** The mailbox `support@helpline.test` on this server, as IMAP_URL or a stored mailbox names it. */
  readonly mailbox: ImapMailboxConfig;
  /** Delivers mails as a mail server would: IMAP APPEND into the folder. */
  append(raws: readonly Buffer[], folder?: string): Promise<void>;
  /** UIDs and flags of every message in the folder. */
  messages(folder?: string): Promise<{ uid: number; flags: Set<string> }[]>;
  stop(): Promise<void>;
}

const USER = 'support@helpline.test';
const PASSWORD = 'dovecot test password';

/**
 * A Dovecot of its own for one suite: config, mail and sockets in a temp folder, plaintext
 * login on a free port on 127.0.0.1, nothing system-wide changed. As root, mail is owned by
 * `nobody` (Dovecot refuses to run mail processes as root).
 */
export async function startDovecot(): Promise<TestDovecot> {
  const dir = mkdtempSync(path.join(tmpdir(), 'helpline-dovecot-'));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const uid = root ? 65534 : (process.getuid?.() ?? 0);
  const gid = root ? 65534 : (process.getgid?.() ?? 0);
  const user = root ? 'nobody' : userInfo().username;
  for (const sub of ['run', 'state', 'mail']) mkdirSync(path.join(dir, sub));
  if (root) {
    // Dovecot's auth and mail processes run as nobody: they must reach the passwd file and the mail.
    chmodSync(dir, 0o755);
    chownSync(path.join(dir, 'mail'), uid, gid);
  }
  writeFileSync(path.join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}\n`);
  const config = path.join(dir, 'dovecot.conf');
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_internal_user = ${user}
default_login_user = ${user}
${root ? 'default_internal_group = nogroup' : ''}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
`,
  );
  // The daemon keeps whatever stdio it is given: piped, spawnSync would wait for it to exit.
  const started = spawnSync(DOVECOT, ['-c', config], { stdio: 'ignore' });
  if (started.status !== 0) throw new Error(`dovecot did not start: ${readFileSync(path.join(dir, 'dovecot.log'), 'utf8')}`);
  const mailbox: ImapMailboxConfig = { host: '127.0.0.1', port, tls: false, user: USER, password: PASSWORD, folder: 'INBOX' };

  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: USER, pass: PASSWORD }, logger: false });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout();
    }
  };
  await waitForLogin(withClient);

  return {
    port,
    mailbox,
    append: (raws, folder = 'INBOX') =>
      withClient(async (client) => {
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        for (const raw of raws) await client.append(folder, raw);
      }),
    messages: (folder = 'INBOX') =>
      withClient(async (client) => {
        const lock = await client.getMailboxLock(folder);
        try {
          const found: { uid: number; flags: Set<string> }[] = [];
          for await (const message of client.fetch('1:*', { uid: true, flags: true })) found.push({ uid: message.uid, flags: message.flags ?? new Set() });
          return found;
        } catch {
          return [];
        } finally {
          lock.release();
        }
      }),
    stop: async () => {
      const pid = Number(readFileSync(path.join(dir, 'run', 'master.pid'), 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      for (let waited = 0; waited < 5000 && isRunning(pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForLogin(withClient: (work: (client: ImapFlow) => Promise<void>) => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await withClient(async () => undefined);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
