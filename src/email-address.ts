/**
 * What Helpline takes as an email address: one local part and one domain, without the
 * characters a mail header gives meaning to (`,` `;` `<` `>` `"` `(` `)` `[` `]` `\`), so an
 * address can never turn into a list of recipients or a display name when a mail is sent.
 */
export const EMAIL_ADDRESS_PATTERN = '^[^\\s@,;<>"()\\[\\]\\\\]+@[^\\s@,;<>"()\\[\\]\\\\]+$';

const emailAddress = new RegExp(EMAIL_ADDRESS_PATTERN, 'u');

export const isEmailAddress = (text: string): boolean => text.length <= 254 && emailAddress.test(text);
