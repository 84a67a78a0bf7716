import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The page's query string (filters, tabs) and a way to change some of its keys without a new
 * history entry: an empty value removes the key.
 */
export function useQueryString(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const [search, setSearch] = useSearchParams();
  const update = useCallback(
    (changes: Record<string, string | undefined>) =>
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      ),
    [setSearch],
  );
  return [search, update];
}
