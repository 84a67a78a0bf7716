import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Config } from '../config.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../data-dir.js';

/** One queued mail as the transport sends it. */
export interface MailToSend {
  id: number;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  /** Resolves once the mail server accepted the mail (or the file is written); throws otherwise. */
  send(mail: MailToSend): Promise<void>;
  close(): void;
}

export type TransportConfig = Pick<Config, 'smtp' | 'mailFrom' | 'dataDir'>;

// A mail server that accepts the connection and then hangs must not hold a worker forever.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

const THREAD_HEADERS = ['message-id', 'in-reply-to', 'references'];

/** Threading headers go through nodemailer's own options so it does not generate its own. */
function mailOptions(from: string, mail: MailToSend): Mail.Options {
  const header = (name: string): string | undefined =>
    Object.entries(mail.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const otherHeaders = Object.fromEntries(
    Object.entries(mail.headers).filter(([key]) => !THREAD_HEADERS.includes(key.toLowerCase())),
  );
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: header('message-id'),
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    headers: otherHeaders,
  };
}

function smtpTransport(config: TransportConfig, smtp: NonNullable<Config['smtp']>): MailTransport {
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user === undefined ? undefined : { user: smtp.user, pass: smtp.password ?? '' },
    ...SMTP_TIMEOUTS,
  });
  return {
    send: async (mail) => {
      await transporter.sendMail(mailOptions(config.mailFrom, mail));
    },
    close: () => transporter.close(),
  };
}

/** `2026-05-01T10-20-30-123Z-000000000042.eml`: names sort by the time they were written. */
export function emlFileName(mail: Pick<MailToSend, 'id'>, at: Date): string {
  return `${at.toISOString().replace(/[:.]/g, '-')}-${String(mail.id).padStart(12, '0')}.eml`;
}

/** Without an SMTP server (development), each mail becomes one `.eml` file to open in a mail client. */
function fileTransport(config: TransportConfig, now: () => Date): MailTransport {
  const directory = path.join(config.dataDir, 'mail');
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(mailOptions(config.mailFrom, mail));
      if (!Buffer.isBuffer(info.message)) throw new Error('The mail composer returned no buffer');
      // Reset and verification links are in these files: for the server's user only.
      await mkdir(directory, { recursive: true, mode: PRIVATE_DIR_MODE });
      const file = path.join(directory, emlFileName(mail, now()));
      // Written aside and renamed, so a reader never sees half a mail.
      await writeFile(`${file}.partial`, info.message, { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.partial`, file);
    },
    close: () => transporter.close(),
  };
}

export function createMailTransport(config: TransportConfig, now: () => Date = () => new Date()): MailTransport {
  return config.smtp ? smtpTransport(config, config.smtp) : fileTransport(config, now);
}
