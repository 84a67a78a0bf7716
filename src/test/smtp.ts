import type { AddressObject, ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SmtpConfig } from '../config.js';

/** A mail as the test SMTP server received it. */
export interface ReceivedMail {
  /** RCPT TO addresses of the SMTP envelope. */
  envelopeTo: string[];
  from: string;
  /** Addresses of the To: header. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
  /** Lower-case header names, parsed by mailparser. */
  headers: ParsedMail['headers'];
}

export interface TestSmtpServerOptions {
  /** Require SMTP AUTH with these credentials (plain, no TLS: tests only). */
  auth?: { user: string; password: string };
  /** Start out rejecting every message with this SMTP error. */
  reject?: SmtpRejection;
}

export interface SmtpRejection {
  code: number;
  message: string;
}

export interface TestSmtpServer {
  readonly port: number;
  /** The `Config.smtp` section that points at this server. */
  readonly smtp: SmtpConfig;
  readonly messages: readonly ReceivedMail[];
  /** Resolves with all messages once at least `count` arrived; rejects after the timeout. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Answers every message with this SMTP error from now on; `undefined` accepts again. */
  rejectWith(rejection: SmtpRejection | undefined): void;
  /** Closes the port: senders get "connection refused", as when the mail server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((group) => group.value.map((entry) => entry.address ?? ''));

function received(parsed: ParsedMail, envelopeTo: string[]): ReceivedMail {
  const references = parsed.references;
  return {
    envelopeTo,
    from: addresses(parsed.from).join(', '),
    to: addresses(parsed.to),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || '',
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: Array.isArray(references) ? references : references ? [references] : [],
    headers: parsed.headers,
  };
}

const smtpError = (rejection: SmtpRejection): Error => Object.assign(new Error(rejection.message), { responseCode: rejection.code });

/**
 * A real SMTP server in this process on 127.0.0.1 (random free port) that keeps what it
 * receives. No STARTTLS is offered, so senders talk plain SMTP without certificates.
 */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let rejection = options.reject;
  let server: SMTPServer | undefined;
  let port = 0;

  const createServer = () =>
    new SMTPServer({
      disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      logger: false,
      closeTimeout: 100,
      onAuth: (auth, _session, callback) => {
        if (options.auth && auth.username === options.auth.user && auth.password === options.auth.password) {
          callback(null, { user: auth.username });
          return;
        }
        callback(smtpError({ code: 535, message: 'Authentication failed' }));
      },
      onData: (stream, session, callback) => {
        const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        simpleParser(stream)
          .then((parsed) => {
            if (rejection) return callback(smtpError(rejection));
            messages.push(received(parsed, envelopeTo));
            waiters.forEach((notify) => notify());
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });

  const listen = async (): Promise<void> => {
    const instance = createServer();
    instance.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const net = instance.server;
      net.once('error', reject);
      net.listen(port, '127.0.0.1', () => {
        net.off('error', reject);
        const address = net.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
    server = instance;
  };

  const stop = async (): Promise<void> => {
    const instance = server;
    server = undefined;
    if (!instance) return;
    await new Promise<void>((resolve) => {
      instance.close(resolve);
    });
  };

  await listen();
  const smtp: SmtpConfig = { host: '127.0.0.1', port, secure: false, user: options.auth?.user, password: options.auth?.password };

  return {
    port,
    smtp,
    messages,
    waitForMessages: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          cleanup();
          resolve([...messages]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Expected ${count} mail(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    rejectWith: (next) => {
      rejection = next;
    },
    stop,
    start: async () => {
      if (!server) await listen();
    },
  };
}
