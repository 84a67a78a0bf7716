import { describe, expect, it } from 'vitest';
import { ticketSla, type SlaFacts } from './ticket-sla.js';

const at = (iso: string) => new Date(iso);

describe('ticketSla', () => {
  const base: SlaFacts = {
    status: 'open',
    createdAt: at('2024-03-04T10:00:00Z'),
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    firstResponseDueAt: at('2024-03-04T11:00:00Z'),
    resolutionDueAt: at('2024-03-04T14:00:00Z'),
  };
  const cases: [string, Partial<SlaFacts>, string, { firstResponse: string | null; resolution: string | null }][] = [
    ['fresh ticket', {}, '2024-03-04T10:10:00Z', { firstResponse: 'ok', resolution: 'ok' }],
    ['last quarter of the time', {}, '2024-03-04T10:45:00Z', { firstResponse: 'at_risk', resolution: 'ok' }],
    ['past the first-response due time', {}, '2024-03-04T11:01:00Z', { firstResponse: 'breached', resolution: 'ok' }],
    ['answered in time', { firstResponseAt: at('2024-03-04T10:30:00Z') }, '2024-03-04T13:30:00Z', { firstResponse: 'met', resolution: 'at_risk' }],
    ['answered late', { firstResponseAt: at('2024-03-04T11:30:00Z') }, '2024-03-04T12:00:00Z', { firstResponse: 'breached', resolution: 'ok' }],
    ['waiting on the customer', { status: 'waiting_on_customer', firstResponseAt: at('2024-03-04T10:30:00Z') }, '2024-03-04T20:00:00Z', { firstResponse: 'met', resolution: 'paused' }],
    ['resolved in time', { status: 'resolved', firstResponseAt: at('2024-03-04T10:30:00Z'), resolvedAt: at('2024-03-04T13:00:00Z') }, '2024-03-05T00:00:00Z', { firstResponse: 'met', resolution: 'met' }],
    ['resolved late', { status: 'resolved', firstResponseAt: at('2024-03-04T10:30:00Z'), resolvedAt: at('2024-03-04T15:00:00Z') }, '2024-03-05T00:00:00Z', { firstResponse: 'met', resolution: 'breached' }],
    ['closed by the customer before any reply was due', { status: 'closed', closedAt: at('2024-03-04T10:20:00Z') }, '2024-03-05T00:00:00Z', { firstResponse: null, resolution: 'met' }],
    ['no policy', { firstResponseDueAt: null, resolutionDueAt: null }, '2024-03-05T00:00:00Z', { firstResponse: null, resolution: null }],
  ];
  it.each(cases)('%s', (_name, change, now, expected) => {
    expect(ticketSla({ ...base, ...change }, at(now))).toEqual(expected);
  });
});
