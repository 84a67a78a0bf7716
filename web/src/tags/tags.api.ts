import { queryOptions } from '@tanstack/react-query';
import { api, json } from '../api/client';

export const tagKeys = { all: ['tags'] as const, matching: (q: string) => ['tags', q] as const };

/** Tags in use that start with `q`, the most used first: what a tag field offers. */
export const tagsQuery = (q: string, limit = 10) =>
  queryOptions({
    queryKey: [...tagKeys.matching(q), limit],
    queryFn: async ({ signal }) => (await json(api.GET('/api/tags', { params: { query: { q: q || undefined, limit } }, signal }))).items,
    staleTime: 30_000,
  });

/** Renames `from` on every ticket (a merge when `to` is in use). */
export const renameTag = (from: string, to: string) =>
  json(api.PATCH('/api/tags/{name}', { params: { path: { name: from } }, body: { name: to } }));

export const deleteTag = (name: string) => json(api.DELETE('/api/tags/{name}', { params: { path: { name } } }));
