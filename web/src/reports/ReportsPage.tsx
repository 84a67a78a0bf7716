import { useQuery } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { useQueryString } from '../app/search-params';
import { useAuth } from '../auth/AuthContext';
import { EmptyState, ErrorBox, formatMinutes, Loading } from '../ui/feedback';
import { FormError, TextField } from '../ui/forms';
import { BarChart, MetBreachedChart } from './charts';
import { agentsQuery, dailyQuery, distributionQuery, downloadCsv, summaryQuery, tagReportQuery, type CsvReport, type DayRange } from './reports.api';

const DAY_MS = 86_400_000;

/** A local calendar date as YYYY-MM-DD. */
export function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const percent = (fraction: number | null) => (fraction === null ? '—' : `${Math.round(fraction * 100)}%`);

function Card({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="stat-card">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      {detail ? <span className="stat-detail">{detail}</span> : null}
    </div>
  );
}

function DateRangePicker({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }) {
  const [draft, setDraft] = useState({ from, to });
  const invalid = draft.from > draft.to ? 'The start must not be after the end' : undefined;
  const presets: [string, number][] = [
    ['Last 7 days', 7],
    ['Last 30 days', 30],
    ['Last 90 days', 90],
  ];
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!invalid) onChange(draft.from, draft.to);
  };
  return (
    <form className="date-range" onSubmit={submit} aria-label="Date range">
      <TextField label="From" type="date" required value={draft.from} max={draft.to} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
      <TextField label="To" type="date" required value={draft.to} min={draft.from} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
      <button type="submit" className="button primary" disabled={Boolean(invalid)}>
        Show
      </button>
      <div className="button-row">
        {presets.map(([label, days]) => (
          <button
            key={label}
            type="button"
            className="button secondary small"
            onClick={() => {
              const end = isoDate(new Date());
              const start = isoDate(new Date(Date.now() - (days - 1) * DAY_MS));
              setDraft({ from: start, to: end });
              onChange(start, end);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <FormError message={invalid} />
    </form>
  );
}

async function saveCsv(report: CsvReport, range: DayRange, fromDay: string, toDay: string) {
  const blob = await downloadCsv(report, range);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `helpline-${report}-${fromDay}-to-${toDay}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportsPage() {
  const { can } = useAuth();
  const [search, update] = useQueryString();
  const fromDay = search.get('from') ?? isoDate(new Date(Date.now() - 29 * DAY_MS));
  const toDay = search.get('to') ?? isoDate(new Date());
  // Whole days of the manager's calendar: the server is told the time zone and counts days in it.
  const range: DayRange = { from: fromDay, to: toDay };
  const key = `${fromDay}|${toDay}`;
  const summary = useQuery(summaryQuery(range));
  const agents = useQuery(agentsQuery(range));
  const daily = useQuery(dailyQuery(range));
  const distribution = useQuery(distributionQuery(range));
  // Tags are internal: their report is for those who may see them (tickets.note).
  const seesTags = can('tickets.note');
  const tagReport = useQuery({ ...tagReportQuery(range), enabled: seesTags });
  const [csvError, setCsvError] = useState<string | undefined>(undefined);

  const csv = (report: CsvReport) => {
    setCsvError(undefined);
    saveCsv(report, range, fromDay, toDay).catch((caught: unknown) => setCsvError(caught instanceof Error ? caught.message : 'The download failed'));
  };

  const s = summary.data;
  return (
    <section className="page" aria-labelledby="reports-title">
      <div className="page-head">
        <h1 id="reports-title">Reports</h1>
        <div className="button-row">
          <button type="button" className="button secondary" onClick={() => csv('summary')}>
            Download summary CSV
          </button>
          <button type="button" className="button secondary" onClick={() => csv('agents')}>
            Download agents CSV
          </button>
          {seesTags ? (
            <button type="button" className="button secondary" onClick={() => csv('tags')}>
              Download tags CSV
            </button>
          ) : null}
        </div>
      </div>
      <DateRangePicker key={key} from={fromDay} to={toDay} onChange={(from, to) => update({ from, to })} />
      <FormError message={csvError} />

      {summary.isPending ? <Loading label="Computing the summary…" /> : null}
      {summary.error ? <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} /> : null}
      {s ? (
        <div className="stat-grid" aria-label="Summary">
          <Card label="Created" value={String(s.created)} />
          <Card label="Resolved" value={String(s.resolved)} />
          <Card label="Backlog" value={String(s.backlog)} />
          <Card label="Escalated" value={String(s.escalated)} />
          <Card label="First response" value={formatMinutes(s.firstResponseMinutes.median)} detail={`median · p90 ${formatMinutes(s.firstResponseMinutes.p90)} · avg ${formatMinutes(s.firstResponseMinutes.avg)}`} />
          <Card label="Resolution" value={formatMinutes(s.resolutionMinutes.median)} detail={`median · p90 ${formatMinutes(s.resolutionMinutes.p90)} · avg ${formatMinutes(s.resolutionMinutes.avg)}`} />
          <Card label="First response SLA met" value={percent(s.slaFirstResponseMet)} />
          <Card label="Resolution SLA met" value={percent(s.slaResolutionMet)} />
        </div>
      ) : null}

      <div className="chart-grid">
        <section className="card" aria-label="Created vs resolved">
          {daily.isPending ? <Loading /> : null}
          {daily.error ? <ErrorBox error={daily.error} onRetry={() => void daily.refetch()} /> : null}
          {daily.data ? (
            <BarChart
              title="Tickets created vs resolved per day"
              labels={daily.data.items.map((day) => day.date.slice(5, 10))}
              series={[
                { name: 'Created', className: 'series-created', values: daily.data.items.map((day) => day.created) },
                { name: 'Resolved', className: 'series-resolved', values: daily.data.items.map((day) => day.resolved) },
              ]}
            />
          ) : null}
        </section>
        <section className="card" aria-label="Resolution time">
          {distribution.isPending ? <Loading /> : null}
          {distribution.error ? <ErrorBox error={distribution.error} onRetry={() => void distribution.refetch()} /> : null}
          {distribution.data ? (
            <BarChart
              title="Resolution time distribution"
              labels={distribution.data.buckets.map((bucket) => bucket.label)}
              series={[{ name: 'Tickets', className: 'series-resolved', values: distribution.data.buckets.map((bucket) => bucket.count) }]}
            />
          ) : null}
        </section>
        <section className="card" aria-label="SLA">
          {s ? (
            <MetBreachedChart
              title="SLA met vs breached"
              shares={[
                { label: 'First response', met: s.slaFirstResponseMet },
                { label: 'Resolution', met: s.slaResolutionMet },
              ]}
            />
          ) : null}
        </section>
      </div>

      <section className="card" aria-labelledby="agents-title">
        <h2 id="agents-title">Agents</h2>
        {agents.isPending ? <Loading /> : null}
        {agents.error ? <ErrorBox error={agents.error} onRetry={() => void agents.refetch()} /> : null}
        {agents.data?.items.length === 0 ? <EmptyState title="No agent handled a ticket in this range" /> : null}
        {agents.data?.items.length ? (
          <table className="data-table">
            <caption className="visually-hidden">Agents</caption>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Assigned</th>
                <th scope="col">Resolved</th>
                <th scope="col">Median first response</th>
                <th scope="col">Median resolution</th>
              </tr>
            </thead>
            <tbody>
              {agents.data.items.map((row) => (
                <tr key={row.agentId}>
                  <th scope="row">{row.name}</th>
                  <td data-label="Assigned">{row.assigned}</td>
                  <td data-label="Resolved">{row.resolved}</td>
                  <td data-label="Median first response">{formatMinutes(row.firstResponseMinutes.median)}</td>
                  <td data-label="Median resolution">{formatMinutes(row.resolutionMinutes.median)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      {seesTags ? (
        <section className="card" aria-labelledby="tags-title">
          <h2 id="tags-title">Tags</h2>
          {tagReport.isPending ? <Loading /> : null}
          {tagReport.error ? <ErrorBox error={tagReport.error} onRetry={() => void tagReport.refetch()} /> : null}
          {tagReport.data?.items.length === 0 ? <EmptyState title="No tagged ticket was created or resolved in this range" /> : null}
          {tagReport.data?.items.length ? (
            <table className="data-table">
              <caption className="visually-hidden">Tags</caption>
              <thead>
                <tr>
                  <th scope="col">Tag</th>
                  <th scope="col">Created</th>
                  <th scope="col">Resolved</th>
                </tr>
              </thead>
              <tbody>
                {tagReport.data.items.map((row) => (
                  <tr key={row.tag}>
                    <th scope="row">{row.tag}</th>
                    <td data-label="Created">{row.created}</td>
                    <td data-label="Resolved">{row.resolved}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
