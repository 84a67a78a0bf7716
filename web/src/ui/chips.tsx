import type { Priority, TicketStatus } from '../api/types';

export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  escalated: 'Escalated',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

export function StatusChip({ status }: { status: TicketStatus }) {
  return <span className={`chip status-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function PriorityChip({ priority }: { priority: Priority }) {
  return <span className={`chip priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}
