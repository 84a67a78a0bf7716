import { Type } from '@sinclair/typebox';
import { invalidField } from '../http/errors.js';

/** A tag as the API takes it; the server normalizes it (see `normalizeTag`). */
export const TagInput = Type.String({ minLength: 1, maxLength: 50, description: 'A word; case and surrounding spaces are ignored, inner spaces become -' });

/** Tags one request may add or remove. */
export const TagInputs = Type.Array(TagInput, { maxItems: 20, uniqueItems: true });

/** How many tags one ticket may carry: enough for any triage scheme, few enough to read. */
export const MAX_TAGS_PER_TICKET = 30;

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,39}$/u;

/**
 * Tags are matched exactly (filters, counts, macros), so each is kept in one spelling:
 * lower case, spaces as `-`. `Billing Issue` and `billing-issue` are one tag.
 */
const spelling = (raw: string): string => raw.trim().toLowerCase().replace(/\s+/g, '-');

export function normalizeTag(raw: string, path: string): string {
  const tag = spelling(raw);
  if (!TAG.test(tag)) {
    throw invalidField('invalid_tag', path, 'A tag is one word of letters and digits (and _ . -), at most 40 characters');
  }
  return tag;
}

export const normalizeTags = (raw: readonly string[] | undefined, path: string): string[] | undefined =>
  raw === undefined ? undefined : [...new Set(raw.map((tag, index) => normalizeTag(tag, `${path}[${index}]`)))];

/** The tags a ticket carries after a change: sorted, no repeats. */
export function nextTags(current: readonly string[], add: readonly string[] = [], remove: readonly string[] = []): string[] {
  const removed = new Set(remove);
  return [...new Set([...current, ...add])].filter((tag) => !removed.has(tag)).sort();
}

/**
 * A list naming tags (a macro's, a rule's condition) after tag `from` was renamed to `to`,
 * or deleted (`to` null); undefined when the list does not name it. Entries are compared
 * as tags (a macro keeps them as typed), and a merge leaves no repeat.
 */
export function retagList(list: readonly string[] | undefined, from: string, to: string | null): string[] | undefined {
  if (!list?.some((tag) => spelling(tag) === from)) return undefined;
  const renamed = list.flatMap((tag) => (spelling(tag) !== from ? [tag] : to === null ? [] : [to]));
  return renamed.filter((tag, index) => renamed.findIndex((other) => spelling(other) === spelling(tag)) === index);
}
