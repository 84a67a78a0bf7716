import { queryOptions } from '@tanstack/react-query';
import { api, done, json } from '../api/client';
import type { AppliedMacro, MacroInput } from '../api/models';

export const macroKeys = { all: ['macros'] as const };

/** The shared macros and the caller's own, by name. */
export const macrosQuery = queryOptions({
  queryKey: macroKeys.all,
  queryFn: async ({ signal }) => (await json(api.GET('/api/macros', { signal }))).items,
  staleTime: 60_000,
  retry: false,
});

export const createMacro = (macro: MacroInput) => json(api.POST('/api/macros', { body: macro }));

export const updateMacro = (id: string, macro: Omit<MacroInput, 'shared'>) =>
  json(api.PATCH('/api/macros/{id}', { params: { path: { id } }, body: macro }));

export const deleteMacro = (id: string) => done(api.DELETE('/api/macros/{id}', { params: { path: { id } } }));

export const applyMacro = (ticketId: string, macroId: string): Promise<AppliedMacro> =>
  json(api.POST('/api/tickets/{id}/macros/{macroId}/apply', { params: { path: { id: ticketId, macroId } } }));
