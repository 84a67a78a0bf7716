import { describe, expect, it } from 'vitest';
import { escapeHtml, renderMail, type MailTemplate } from './mail-templates.js';

const hostile = `<script>alert("x")</script> & <img src=x onerror='y'>`;

const template: MailTemplate = {
  subject: `Re: ${hostile}`,
  heading: `Ticket #7: ${hostile}`,
  paragraphs: ['Alex replied to your ticket.', `Subject: ${hostile}`],
  quote: { author: `Alex <b>`, text: `first line\n${hostile}\nlast line` },
  link: { url: 'https://helpline.test/tickets/7?a=1&b=2', label: 'Open ticket' },
  footer: 'You receive this mail because you opened the ticket.',
};

describe('mail templates', () => {
  it('escapes every piece of text in the HTML part', () => {
    const { html } = renderMail(template);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('Alex <b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=&#39;y&#39;&gt;');
    expect(html).toContain('<strong>Alex &lt;b&gt;</strong> wrote:');
    expect(html).toContain('href="https://helpline.test/tickets/7?a=1&amp;b=2"');
    expect(html).toContain('first line<br>\n');
  });

  it('renders the same content as plain text, unescaped, with the quote marked and the link spelled out', () => {
    const { text } = renderMail(template);
    expect(text).toBe(
      [
        `Ticket #7: ${hostile}`,
        '',
        'Alex replied to your ticket.',
        '',
        `Subject: ${hostile}`,
        '',
        'Alex <b> wrote:',
        '> first line',
        `> ${hostile}`,
        '> last line',
        '',
        'Open ticket: https://helpline.test/tickets/7?a=1&b=2',
        '',
        '--',
        'You receive this mail because you opened the ticket.',
        '',
      ].join('\n'),
    );
  });

  it('keeps the subject on one line', () => {
    expect(renderMail({ ...template, subject: 'Hello\r\nBcc: victim@example.test' }).subject).toBe('Hello Bcc: victim@example.test');
  });

  it('links only http and https URLs', () => {
    const { html, text } = renderMail({ ...template, link: { url: 'javascript:alert(1)', label: 'Open' } });
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<a ');
    expect(text).not.toContain('javascript:');
  });

  it('leaves out what a template does not have', () => {
    const { html, text } = renderMail({ subject: 'Welcome', heading: 'Welcome', paragraphs: ['Your account is ready.'] });
    expect(text).toBe('Welcome\n\nYour account is ready.\n');
    expect(html).not.toContain('<blockquote');
    expect(html).not.toContain('<a ');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
