/** The shapes of ../shared/API.md, as the client sees them. */

export const ROLES = ['customer', 'agent', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export const STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type SlaState = 'ok' | 'at_risk' | 'breached' | 'met' | 'paused';

export const PERMISSIONS = [
  'tickets.create',
  'tickets.read.all',
  'tickets.reply',
  'tickets.note',
  'tickets.assign',
  'tickets.reassign',
  'tickets.status',
  'tickets.priority',
  'escalation.manage',
  'reports.read',
  'users.manage',
  'roles.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
}

export interface Me extends User {
  permissions: string[];
}

export interface AuthResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PersonRef {
  id: string;
  name: string;
}

export interface Ticket {
  id: string;
  number: number;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  requesterId: string;
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  /** How the ticket stands against its targets when the server answered; null: no target. */
  sla: { firstResponse: SlaState | null; resolution: SlaState | null };
  requester: PersonRef;
  assignee: PersonRef | null;
}

export interface TicketMessage {
  id: string;
  ticketId: string;
  authorId: string;
  body: string;
  internal: boolean;
  createdAt: string;
  /** Not in the contract's minimum; the server sends it and the page shows it. */
  author?: PersonRef & { role?: Role };
}

export interface TicketEvent {
  id: string | number;
  ticketId?: string;
  type: string;
  createdAt: string;
  actorId?: string | null;
  actor?: PersonRef | null;
  data?: Record<string, unknown>;
  internal?: boolean;
}

export interface AssignableUser {
  id: string;
  name: string;
  role: Role;
}

export interface RolePermissions {
  role: Role;
  permissions: string[];
}

export interface EscalationConditions {
  statuses?: TicketStatus[];
  priorities?: Priority[];
  unassigned?: boolean;
  minutesSinceCreated?: number;
  minutesWithoutFirstResponse?: number;
  minutesSinceUpdate?: number;
}

export const NOTIFY_TARGETS = ['managers', 'assignee', 'requester'] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

export interface EscalationActions {
  setStatus?: TicketStatus;
  setPriority?: Priority;
  assignTo?: string;
  notify?: NotifyTarget[];
}

export interface EscalationRule {
  id: string;
  name: string;
  enabled: boolean;
  conditions: EscalationConditions;
  actions: EscalationActions;
}

export interface SlaPolicy {
  priority: Priority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface BusinessDay {
  day: number;
  start: string;
  end: string;
}

export interface BusinessHours {
  timezone: string;
  days: BusinessDay[];
  holidays: string[];
}

export interface MinutesStats {
  avg: number | null;
  median: number | null;
  p90: number | null;
}

export interface ReportSummary {
  created: number;
  resolved: number;
  backlog: number;
  escalated: number;
  firstResponseMinutes: MinutesStats;
  resolutionMinutes: MinutesStats;
  slaFirstResponseMet: number | null;
  slaResolutionMet: number | null;
}

export interface AgentReportRow {
  agentId: string;
  name: string;
  assigned: number;
  resolved: number;
  firstResponseMinutes: { median: number | null };
  resolutionMinutes: { median: number | null };
}

export interface DailyCount {
  date: string;
  created: number;
  resolved: number;
}

export interface DistributionBucket {
  label: string;
  count: number;
}

export interface AppNotification {
  id: string;
  type: string;
  ticketId: string | null;
  title: string;
  createdAt: string;
  readAt: string | null;
}

export interface AuditEntry {
  id: string | number;
  action: string;
  createdAt: string;
  actorId?: string | null;
  actor?: PersonRef | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface FailedMail {
  id: string | number;
  kind?: string;
  to?: string;
  toAddress?: string;
  subject: string;
  attempts?: number;
  lastError?: string | null;
  createdAt: string;
}

export type StreamEventType = 'ticket.created' | 'ticket.updated' | 'ticket.message' | 'notification';

export interface StreamEvent {
  id: string;
  type: StreamEventType;
  ticketId: string | null;
  data: Record<string, unknown>;
}
