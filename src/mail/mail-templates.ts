/**
 * One template gives both parts of a mail. Every string is treated as text: the HTML part
 * escapes all of it, so a ticket subject or a customer's message can never become markup.
 */
export interface MailTemplate {
  subject: string;
  heading: string;
  paragraphs: readonly string[];
  /** Quoted user text, e.g. the reply that triggered the mail. */
  quote?: { text: string; author?: string };
  /** A call to action; only http(s) URLs are linked. */
  link?: { url: string; label: string };
  /** Several, side by side (e.g. a one-click answer per choice); after `link`. */
  choices?: readonly { url: string; label: string }[];
  /** Files that came with the message: listed as links, never attached to the mail. */
  files?: readonly { name: string; size: string; url: string }[];
  /** Small print under a rule, e.g. why the recipient gets this mail. */
  footer?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Escaped, with line breaks kept. */
const htmlLines = (value: string): string => escapeHtml(value).replace(/\r?\n/g, '<br>\n');

/**
 * User text that belongs inside a sentence (a person's name): line breaks, tabs and other
 * control characters folded into single spaces, so it cannot pose as a paragraph of its own.
 * Names stored before the one-line rule are why mails do this too.
 */
export const oneLine = (value: string): string => value.replace(/[\s\p{Cc}]+/gu, ' ').trim();

/** Subjects are one header line: folded whitespace, no line breaks, bounded. */
const subjectLine = (value: string): string => oneLine(value).slice(0, 250);

function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** File names are one line; a file without a safe link is left out. */
function safeFiles(template: MailTemplate): { name: string; size: string; url: string }[] {
  return (template.files ?? []).flatMap((file) => {
    const url = safeUrl(file.url);
    return url ? [{ name: oneLine(file.name), size: file.size, url }] : [];
  });
}

type SafeLink = { url: string; label: string };

/** The call to action and the choices, those with a safe URL. */
function safeLinks(template: MailTemplate): SafeLink[] {
  return [...(template.link ? [template.link] : []), ...(template.choices ?? [])].flatMap((link) => {
    const url = safeUrl(link.url);
    return url ? [{ url, label: link.label }] : [];
  });
}

function renderText(template: MailTemplate, links: readonly SafeLink[]): string {
  const blocks = [template.heading, ...template.paragraphs];
  if (template.quote) {
    const quoted = template.quote.text
      .split(/\r?\n/)
      .map((line) => `> ${line}`)
      .join('\n');
    blocks.push(template.quote.author ? `${oneLine(template.quote.author)} wrote:\n${quoted}` : quoted);
  }
  const files = safeFiles(template);
  if (files.length > 0) blocks.push(['Attached files:', ...files.map((file) => `- ${file.name} (${file.size}): ${file.url}`)].join('\n'));
  for (const link of links) blocks.push(`${link.label}: ${link.url}`);
  if (template.footer) blocks.push(`--\n${template.footer}`);
  return `${blocks.join('\n\n')}\n`;
}

const STYLE = {
  body: 'margin:0;padding:24px;background:#f5f6f8;font-family:Helvetica,Arial,sans-serif;color:#1f2328;',
  card: 'max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;',
  quote: 'margin:16px 0;padding:8px 16px;border-left:4px solid #d0d7de;color:#57606a;',
  button: 'display:inline-block;padding:10px 18px;background:#0969da;color:#ffffff;border-radius:6px;text-decoration:none;',
  footer: 'margin-top:24px;padding-top:12px;border-top:1px solid #d0d7de;font-size:12px;color:#57606a;',
};

function renderHtml(template: MailTemplate, links: readonly SafeLink[]): string {
  const parts = [`<h1 style="font-size:20px;margin:0 0 16px;">${escapeHtml(template.heading)}</h1>`];
  for (const paragraph of template.paragraphs) parts.push(`<p>${htmlLines(paragraph)}</p>`);
  if (template.quote) {
    const author = template.quote.author ? `<p style="margin:0 0 4px;"><strong>${escapeHtml(oneLine(template.quote.author))}</strong> wrote:</p>` : '';
    parts.push(`${author}<blockquote style="${STYLE.quote}">${htmlLines(template.quote.text)}</blockquote>`);
  }
  const files = safeFiles(template);
  if (files.length > 0) {
    const items = files.map((file) => `<li><a href="${escapeHtml(file.url)}">${escapeHtml(file.name)}</a> (${escapeHtml(file.size)})</li>`);
    parts.push(`<p style="margin:16px 0 4px;">Attached files:</p><ul>${items.join('')}</ul>`);
  }
  if (links.length > 0) {
    const buttons = links.map((link) => `<a href="${escapeHtml(link.url)}" style="${STYLE.button}">${escapeHtml(link.label)}</a>`);
    parts.push(`<p>${buttons.join(' ')}</p>`);
  }
  if (template.footer) parts.push(`<p style="${STYLE.footer}">${htmlLines(template.footer)}</p>`);
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subjectLine(template.subject))}</title></head>`,
    `<body style="${STYLE.body}"><div style="${STYLE.card}">`,
    ...parts,
    '</div></body></html>',
    '',
  ].join('\n');
}

export function renderMail(template: MailTemplate): RenderedMail {
  const links = safeLinks(template);
  return { subject: subjectLine(template.subject), text: renderText(template, links), html: renderHtml(template, links) };
}
