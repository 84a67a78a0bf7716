/**
 * Text as a driver sends it: a lone surrogate (half of a character, which a JavaScript string
 * may hold) becomes U+FFFD, as UTF-8 encoding makes it. What the database gives back is this.
 */
export const textAsSent = (text: string): string => Buffer.from(text).toString();

/**
 * A value as one JSON statement parameter (`$1::json`, `$1::jsonb`), its text as a driver sends
 * text. JSON.stringify would escape a lone surrogate instead, and PostgreSQL refuses that
 * escape: the statement, and the request with it, would fail.
 */
export const jsonParameter = (value: unknown): string => JSON.stringify(value, (_key, part: unknown) => (typeof part === 'string' ? textAsSent(part) : part));
