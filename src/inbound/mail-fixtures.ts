import { randomBytes } from 'node:crypto';

/** A 1×1 GIF, as phones attach screenshots inline (small, and a real image to the sniffer). */
const GIF_1PX = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Mails shaped the way real clients write them (headers, MIME structure, quoting), written for
 * the tests: Gmail's multipart/alternative with "On … wrote:", Outlook's HTML with a
 * "From:/Sent:" block, Apple Mail's inline images and Latin-1 text.
 */

export interface FixtureOptions {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  extraHeaders?: string[];
}

const crlf = (lines: readonly string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');
const boundary = () => `b_${randomBytes(6).toString('hex')}`;
const newMessageIdOf = (domain: string) => `<${randomBytes(8).toString('hex')}@${domain}>`;

function head(options: FixtureOptions, defaults: { from: string; domain: string; subject: string }): string[] {
  return [
    `From: ${options.from ?? defaults.from}`,
    `To: ${options.to ?? 'Helpline <support@helpline.test>'}`,
    `Subject: ${options.subject ?? defaults.subject}`,
    'Date: Tue, 1 Dec 2026 10:00:00 +0000',
    `Message-ID: ${options.messageId ?? newMessageIdOf(defaults.domain)}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.references ? [`References: ${options.references}`] : []),
    ...(options.extraHeaders ?? []),
    'MIME-Version: 1.0',
  ];
}

/** Gmail: multipart/alternative, the reply on top, the history quoted under "On … wrote:". */
export function gmailMail(text: string, options: FixtureOptions = {}, quoted?: string): Buffer {
  const b = boundary();
  const quote = quoted ? `\r\n\r\nOn Tue, 1 Dec 2026 at 09:00, Helpline <support@helpline.test> wrote:\r\n${quoted.split('\n').map((line) => `> ${line}`).join('\r\n')}\r\n` : '';
  return crlf([
    ...head(options, { from: 'Gabriel Gmail <gabriel@gmail.example>', domain: 'mail.gmail.example', subject: 'Cannot log in' }),
    `Content-Type: multipart/alternative; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    `${text}${quote}`,
    `--${b}`,
    'Content-Type: text/html; charset="UTF-8"',
    '',
    `<div dir="ltr">${text}</div>${quoted ? `<div class="gmail_quote"><blockquote>${quoted}</blockquote></div>` : ''}`,
    `--${b}--`,
    '',
  ]);
}

/** Outlook: HTML only, the history under a "From: … Sent: …" block, quoted-printable. */
export function outlookHtmlOnly(html: string, options: FixtureOptions = {}): Buffer {
  return crlf([
    ...head(options, { from: '"Olivia Outlook" <olivia@outlook.example>', domain: 'EUR01.prod.outlook.example', subject: 'RE: Invoice' }),
    'Content-Type: text/html; charset="us-ascii"',
    'Content-Transfer-Encoding: quoted-printable',
    'X-MS-Has-Attach:',
    '',
    `<html><head><style>p{margin:0}</style></head><body><p>${html}</p><p>&nbsp;</p><div id=3D"divRplyFwdMsg"><hr><b>From:</b> Helpline &lt;support@helpline.test&gt;<br><b>Sent:</b> Tuesday, December 1, 2026 9:00 AM<br><b>Subject:</b> Invoice</div><div>Earlier text we wrote</div></body></html>`,
    '',
  ]);
}

/** Apple Mail: Latin-1 quoted-printable text with an inline image (multipart/related). */
export function appleMailWithImage(options: FixtureOptions = {}): Buffer {
  const related = boundary();
  return crlf([
    ...head(options, { from: 'Amélie Apple <amelie@icloud.example>', domain: 'icloud.example', subject: 'Screenshot of the error' }),
    `Content-Type: multipart/related; type="text/plain"; boundary="${related}"`,
    '',
    `--${related}`,
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    "Voil=E0 la capture d'=E9cran, le probl=E8me est l=E0.",
    '',
    'Envoy=E9 de mon iPhone',
    `--${related}`,
    'Content-Type: image/gif; name="IMG_0001.gif"',
    'Content-Disposition: inline; filename="IMG_0001.gif"',
    'Content-ID: <img0001@icloud.example>',
    'Content-Transfer-Encoding: base64',
    '',
    GIF_1PX.toString('base64'),
    `--${related}--`,
    '',
  ]);
}

/** A plain mail with whatever headers and body a bad-input test needs. */
export function plainMail(body: string, options: FixtureOptions = {}): Buffer {
  return crlf([
    ...head(options, { from: 'Pat Plain <pat@plain.example>', domain: 'plain.example', subject: 'Hello' }),
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ]);
}
