import { useId } from 'react';

/** Plain SVG charts: the dashboard needs three shapes, not a charting library. */

export interface Series {
  name: string;
  /** A CSS class giving the series its colour (see styles.css, .series-*). */
  className: string;
  values: number[];
}

// Drawn at about the size a dashboard card shows it, so 11px text stays readable.
const WIDTH = 360;
const HEIGHT = 200;
const PAD = { top: 10, right: 8, bottom: 30, left: 34 };

/** Round axis steps (1, 2, 5 × 10ⁿ, never below 1: these are counts) so the ticks read well. */
export function niceTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = Math.max(1, max / count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? raw;
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(Math.round(value * 1e6) / 1e6);
  return ticks;
}

function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="legend">
      {series.map((s) => (
        <li key={s.name}>
          <span className={`swatch ${s.className}`} aria-hidden="true" />
          {s.name}
        </li>
      ))}
    </ul>
  );
}

/** A data table under every chart, for screen readers and for exact numbers. */
function DataTable({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  return (
    <details className="chart-data">
      <summary>Show the numbers</summary>
      <table className="data-table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{series.length > 1 ? 'Day' : 'Bucket'}</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, index) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.name}>{s.values[index] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

interface BarChartProps {
  title: string;
  labels: string[];
  series: Series[];
  /** Show every n-th label when there are many (days of a long range). */
  maxLabels?: number;
}

/** Grouped vertical bars: one group per label, one bar per series. */
export function BarChart({ title, labels, series, maxLabels = 6 }: BarChartProps) {
  const titleId = useId();
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1] ?? 1;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const groupWidth = labels.length ? plotWidth / labels.length : plotWidth;
  const barWidth = Math.max(1, (groupWidth * 0.8) / Math.max(1, series.length));
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight;
  const labelEvery = Math.max(1, Math.ceil(labels.length / maxLabels));
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);

  return (
    <figure className="chart">
      <figcaption id={titleId}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} data-total={total} preserveAspectRatio="xMidYMid meet">
        {ticks.map((tick) => (
          <g key={tick} className="tick">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {labels.map((label, index) => {
          const groupX = PAD.left + index * groupWidth + groupWidth * 0.1;
          return (
            <g key={label}>
              {series.map((s, seriesIndex) => {
                const value = s.values[index] ?? 0;
                return (
                  <rect
                    key={s.name}
                    className={`bar ${s.className}`}
                    x={groupX + seriesIndex * barWidth}
                    y={y(value)}
                    width={barWidth}
                    height={Math.max(0, PAD.top + plotHeight - y(value))}
                  >
                    <title>{`${label} · ${s.name}: ${value}`}</title>
                  </rect>
                );
              })}
              {index % labelEvery === 0 ? (
                <text className="axis-label" x={PAD.left + index * groupWidth + groupWidth / 2} y={HEIGHT - PAD.bottom + 16} textAnchor="middle">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line className="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotHeight} y2={PAD.top + plotHeight} />
      </svg>
      {series.length > 1 ? <Legend series={series} /> : null}
      <DataTable title={title} labels={labels} series={series} />
    </figure>
  );
}

export interface Share {
  label: string;
  /** Fraction met, 0..1; null when nothing was measured. */
  met: number | null;
}

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

/** Met vs breached as one horizontal 100% bar per SLA target. */
export function MetBreachedChart({ title, shares }: { title: string; shares: Share[] }) {
  const titleId = useId();
  const rowHeight = 40;
  const labelWidth = 88;
  const barWidth = WIDTH - labelWidth - PAD.right;
  const height = shares.length * rowHeight + 8;
  return (
    <figure className="chart">
      <figcaption id={titleId}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={titleId}>
        {shares.map((share, index) => {
          const top = index * rowHeight + 8;
          const met = share.met ?? 0;
          return (
            <g key={share.label}>
              <text x={0} y={top + 14} dy="0.32em" className="axis-label">
                {share.label}
              </text>
              {share.met === null ? (
                <>
                  <rect className="bar series-none" x={labelWidth} y={top} width={barWidth} height={28} />
                  <text x={labelWidth + barWidth / 2} y={top + 14} dy="0.32em" textAnchor="middle" className="bar-label dark">
                    Nothing measured
                  </text>
                </>
              ) : (
                <>
                  <rect className="bar series-met" x={labelWidth} y={top} width={barWidth * met} height={28}>
                    <title>{`${share.label}: met ${percent(met)}`}</title>
                  </rect>
                  <rect className="bar series-breached" x={labelWidth + barWidth * met} y={top} width={barWidth * (1 - met)} height={28}>
                    <title>{`${share.label}: breached ${percent(1 - met)}`}</title>
                  </rect>
                  {met >= 0.15 ? (
                    <text x={labelWidth + 8} y={top + 14} dy="0.32em" className="bar-label">
                      {`met ${percent(met)}`}
                    </text>
                  ) : null}
                  {1 - met >= 0.15 ? (
                    <text x={labelWidth + barWidth - 8} y={top + 14} dy="0.32em" textAnchor="end" className="bar-label">
                      {`breached ${percent(1 - met)}`}
                    </text>
                  ) : null}
                </>
              )}
            </g>
          );
        })}
      </svg>
      <Legend
        series={[
          { name: 'Met', className: 'series-met', values: [] },
          { name: 'Breached', className: 'series-breached', values: [] },
        ]}
      />
    </figure>
  );
}
