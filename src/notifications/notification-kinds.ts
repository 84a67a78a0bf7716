/**
 * The moments someone is told about (API.md, Notifications). Each is one template, one
 * in-app type and one switch in a user's preferences.
 */
export const NOTIFICATION_KINDS = [
  'ticket_received',
  'staff_reply',
  'waiting_on_customer',
  'ticket_resolved',
  'ticket_closed',
  'ticket_assigned',
  'customer_reply',
  'ticket_escalated',
  'sla_breached',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const isNotificationKind = (value: string): value is NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(value);

interface KindInfo {
  description: string;
  /** Offered in a customer's preferences too (staff see every kind). */
  customers: boolean;
}

export const KIND_INFO: Readonly<Record<NotificationKind, KindInfo>> = {
  ticket_received: { description: 'A ticket of yours was opened', customers: true },
  staff_reply: { description: 'The desk replied on your ticket', customers: true },
  waiting_on_customer: { description: 'The desk is waiting for your answer', customers: true },
  ticket_resolved: { description: 'Your ticket was resolved', customers: true },
  ticket_closed: { description: 'Your ticket was closed', customers: true },
  ticket_assigned: { description: 'A ticket was assigned to you', customers: false },
  customer_reply: { description: 'The customer replied on a ticket assigned to you', customers: false },
  ticket_escalated: { description: 'A ticket was escalated', customers: true },
  sla_breached: { description: 'A ticket missed its SLA target', customers: false },
};
