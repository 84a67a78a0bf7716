import EmailReplyParser from 'email-reply-parser';
import type { AddressObject, Attachment, HeaderValue, ParsedMail } from 'mailparser';

/** What the intake needs of one mail, read from its raw bytes. */
export interface ReadMail {
  messageId: string | undefined;
  from: { address: string; name: string } | undefined;
  subject: string;
  /** The new text of the mail: quoted history and signature cut, HTML turned into text. */
  text: string;
  /** In-Reply-To and References, oldest last. */
  parents: string[];
  /** To, Cc, Delivered-To and X-Original-To: where a reply address's token may be. */
  recipients: string[];
  /** Why no ticket may come of it (an auto-reply, a bounce, bulk mail); undefined for a person's mail. */
  automatic: AutomaticKind | undefined;
  attachments: Attachment[];
}

export type AutomaticKind = 'auto_reply' | 'bulk' | 'bounce';

/** The recipients looked at for a token: a mail to 10,000 addresses is read, not walked in full. */
const MAX_RECIPIENTS = 100;
/** Past this, HTML is not turned into text (its text part, if any, is still read). */
const MAX_HTML_BYTES = 5 * 1024 * 1024;

const replyParser = new EmailReplyParser();

/** A display name on one line: a `From` name with line breaks or controls cannot forge text in a mail or page. */
export const oneLineName = (name: string): string =>
  name
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);

const addressesOf = (value: AddressObject | AddressObject[] | undefined): { address?: string | undefined; name: string }[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((object) => object.value);

function headerText(value: HeaderValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((part) => (typeof part === 'string' ? part : '')).join(' ');
  if (value instanceof Date) return value.toISOString();
  if ('value' in value && typeof value.value === 'string') return value.value;
  if ('text' in value && typeof value.text === 'string') return value.text;
  return undefined;
}

function automaticKind(mail: ParsedMail, fromAddress: string | undefined): AutomaticKind | undefined {
  const header = (name: string) => headerText(mail.headers.get(name))?.trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted !== 'no') return 'auto_reply';
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || header('x-auto-response-suppress') === 'all') {
    return 'auto_reply';
  }
  const precedence = header('precedence');
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return 'bulk';
  const local = fromAddress?.split('@')[0] ?? '';
  if (local === 'mailer-daemon' || local === 'postmaster') return 'bounce';
  const contentType = header('content-type') ?? '';
  if (contentType.startsWith('multipart/report') && /report-type=.?delivery-status/.test(contentType)) return 'bounce';
  return undefined;
}

const visibleText = (text: string): string => replyParser.read(text.replace(/\r\n?/g, '\n')).getVisibleText().trim();

/** Parses raw RFC 822 bytes; malformed MIME is read as far as it goes (mailparser is lenient), never thrown on. */
export async function readMail(raw: Buffer): Promise<ReadMail> {
  // Loaded with the first mail read, not on every start: a desk without mailboxes never needs it.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(raw, {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: MAX_HTML_BYTES,
  });
  const sender = addressesOf(mail.from).find((entry) => entry.address);
  const fromAddress = sender?.address?.trim().toLowerCase();
  const references = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
  const envelope = ['delivered-to', 'x-original-to'].flatMap((name) => headerText(mail.headers.get(name)) ?? []);
  const recipients = [...addressesOf(mail.to), ...addressesOf(mail.cc)]
    .slice(0, MAX_RECIPIENTS)
    .flatMap((entry) => entry.address ?? [])
    .concat(envelope);
  return {
    messageId: mail.messageId,
    from: fromAddress ? { address: fromAddress, name: oneLineName(sender?.name ?? '') } : undefined,
    subject: oneLineName(mail.subject ?? ''),
    text: visibleText(mail.text ?? ''),
    parents: [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...references.slice().reverse()],
    recipients,
    automatic: automaticKind(mail, fromAddress),
    attachments: mail.attachments,
  };
}

/**
 * The Message-ID from the raw header block, read before anything is parsed so a mail can be
 * stored (and deduplicated) even when its MIME is beyond reading.
 */
export function rawMessageId(raw: Buffer): string | undefined {
  const head = raw.subarray(0, 256 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:[ \t]*(<[^>\s]{1,900}>)/im.exec(unfolded);
  return match?.[1];
}
