import { api } from '../api/client';
import type { AgentReportRow, DailyCount, DistributionBucket, ReportSummary } from '../api/types';

export interface Range {
  from: string;
  to: string;
}

export const getSummary = (range: Range) => api.get<ReportSummary>('/api/reports/summary', { ...range });
export const getAgents = (range: Range) => api.get<{ items: AgentReportRow[] }>('/api/reports/agents', { ...range });
export const getDaily = (range: Range) => api.get<{ items: DailyCount[] }>('/api/reports/daily', { ...range });
export const getDistribution = (range: Range) => api.get<{ buckets: DistributionBucket[] }>('/api/reports/resolution-distribution', { ...range });

export const downloadCsv = (report: 'summary' | 'agents', range: Range) => api.download(`/api/reports/${report}`, { ...range, format: 'csv' });
