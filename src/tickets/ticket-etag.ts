/** The ETag of a ticket: its version, which every change bumps. */
export const ticketEtag = (version: number): string => `"${version}"`;

/**
 * The ticket versions an If-Match header accepts, or undefined when any will do (no
 * header, or `*`). Comparison is strong, as RFC 9110 requires for If-Match, so weak or
 * malformed tags match nothing and the request fails with 412 rather than applying.
 */
export function versionsFromIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  return value.split(',').flatMap((tag) => {
    const match = /^"(\d{1,9})"$/.exec(tag.trim());
    return match?.[1] ? [Number(match[1])] : [];
  });
}
