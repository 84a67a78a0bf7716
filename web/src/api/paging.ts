import { infiniteQueryOptions, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

/** A page of any list of the API (API.md, Conventions: `?cursor=` → `{ items, nextCursor }`). */
interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/** A list read page after page with `?cursor=`, to its end; each page is cached under `queryKey`. */
export function pagedQuery<Item, Key extends QueryKey>(queryKey: Key, fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<Item>>) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The items of every page loaded so far, and how to load the next. */
export function usePaged<Item, Key extends QueryKey>(options: ReturnType<typeof pagedQuery<Item, Key>>) {
  const query = useInfiniteQuery(options);
  return {
    items: query.data?.pages.flatMap((page) => page.items),
    error: query.error ?? undefined,
    loading: query.isPending,
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    loadMore: () => void query.fetchNextPage(),
    reload: () => void query.refetch(),
  };
}

/** Update the items of a cached paged list in place (a saved row, a removed one). */
export function mapPages<Item>(data: { pages: Page<Item>[]; pageParams: unknown[] } | undefined, change: (items: Item[]) => Item[]) {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: change(page.items) })) };
}
