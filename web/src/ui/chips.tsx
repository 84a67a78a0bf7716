import type { Priority, Role, TicketStatus } from '../api/models';

/** Display words for the contract's values; each record must name every value of its generated union. */
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

export const ROLE_LABELS: Record<Role, string> = {
  customer: 'Customer',
  agent: 'Agent',
  manager: 'Manager',
};

/** The keys of a complete label record, in its order: the values to offer in a filter or form. */
const keysOf = <Key extends string>(labels: Record<Key, string>): Key[] => Object.keys(labels) as Key[];

export const STATUSES = keysOf(STATUS_LABELS);
export const PRIORITIES = keysOf(PRIORITY_LABELS);
export const ROLES = keysOf(ROLE_LABELS);

export function StatusChip({ status }: { status: TicketStatus }) {
  return <span className={`chip status-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function PriorityChip({ priority }: { priority: Priority }) {
  return <span className={`chip priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}

/** `<option>`s for the given statuses (every status by default), labelled for people. */
export function StatusOptions({ statuses = STATUSES }: { statuses?: readonly TicketStatus[] }) {
  return statuses.map((value) => (
    <option key={value} value={value}>
      {STATUS_LABELS[value]}
    </option>
  ));
}

/** `<option>`s for every priority, labelled for people. */
export function PriorityOptions() {
  return PRIORITIES.map((value) => (
    <option key={value} value={value}>
      {PRIORITY_LABELS[value]}
    </option>
  ));
}
