import { queryOptions } from '@tanstack/react-query';
import { api, json } from '../api/client';
import { ApiError, apiErrorOf } from '../api/errors';
import type { ReportRange } from '../api/models';

/** The picked days, read as days of the manager's own time zone (the server counts and labels days in it). */
export interface DayRange {
  from: string;
  to: string;
}

type Report = 'summary' | 'agents' | 'tags' | 'daily' | 'resolution-distribution';

/** The reports that answer CSV too. */
export type CsvReport = 'summary' | 'agents' | 'tags';

const queryOf = (range: DayRange): ReportRange => ({ ...range, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });

const reportKey = (report: Report, range: DayRange) => ['reports', report, range] as const;

/** Summary and agents answer CSV too (`format=csv`); asked without it, the answer is JSON. */
function notCsv<T extends object>(answer: T | string): T {
  if (typeof answer === 'string') throw new ApiError(200, 'unexpected_csv', 'The server sent CSV where JSON was asked for');
  return answer;
}

export const summaryQuery = (range: DayRange) =>
  queryOptions({ queryKey: reportKey('summary', range), queryFn: async ({ signal }) => notCsv(await json(api.GET('/api/reports/summary', { params: { query: queryOf(range) }, signal }))) });
export const agentsQuery = (range: DayRange) =>
  queryOptions({ queryKey: reportKey('agents', range), queryFn: async ({ signal }) => notCsv(await json(api.GET('/api/reports/agents', { params: { query: queryOf(range) }, signal }))) });
export const tagReportQuery = (range: DayRange) =>
  queryOptions({ queryKey: reportKey('tags', range), queryFn: async ({ signal }) => notCsv(await json(api.GET('/api/reports/tags', { params: { query: queryOf(range) }, signal }))) });
export const dailyQuery = (range: DayRange) =>
  queryOptions({ queryKey: reportKey('daily', range), queryFn: ({ signal }) => json(api.GET('/api/reports/daily', { params: { query: queryOf(range) }, signal })) });
export const distributionQuery = (range: DayRange) =>
  queryOptions({
    queryKey: reportKey('resolution-distribution', range),
    queryFn: ({ signal }) => json(api.GET('/api/reports/resolution-distribution', { params: { query: queryOf(range) }, signal })),
  });

export async function downloadCsv(report: CsvReport, range: DayRange): Promise<Blob> {
  const query = { ...queryOf(range), format: 'csv' as const };
  const { data, error, response } = await api.GET(`/api/reports/${report}`, { params: { query }, headers: { accept: 'text/csv' }, parseAs: 'blob' });
  if (!response.ok || !data) throw apiErrorOf(response.status, error);
  return data;
}
