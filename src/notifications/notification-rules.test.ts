import { describe, expect, it } from 'vitest';
import { plannedNotifications } from './notification-rules.js';

const ticket = { requesterId: 'req', assigneeId: 'agent' };
const nobody = { userIds: [], managers: false };

describe('notification rules', () => {
  it('tells the requester about their ticket: received, replies by staff, waiting, resolved, closed', () => {
    expect(plannedNotifications({ type: 'ticket.created', data: { status: 'open', priority: 'normal', requesterId: 'req', openedBy: 'req' } }, ticket)).toEqual([
      { kind: 'ticket_received', to: { userIds: ['req'], managers: false } },
    ]);
    expect(
      plannedNotifications({ type: 'ticket.message', data: { messageId: 'm', internal: false, authorId: 'agent', authorRole: 'agent' }, body: 'Hi' }, ticket),
    ).toEqual([{ kind: 'staff_reply', to: { userIds: ['req'], managers: false } }]);
    const moves = (['waiting_on_customer', 'resolved', 'closed', 'in_progress', 'open'] as const).map((to) =>
      plannedNotifications({ type: 'ticket.status_changed', data: { from: 'open', to } }, ticket).map((n) => n.kind),
    );
    expect(moves).toEqual([['waiting_on_customer'], ['ticket_resolved'], ['ticket_closed'], [], []]);
  });

  it('tells the assignee about an assignment and a customer reply; nobody when unassigned', () => {
    expect(plannedNotifications({ type: 'ticket.assignee_changed', data: { from: null, to: 'agent2' } }, ticket)).toEqual([
      { kind: 'ticket_assigned', to: { userIds: ['agent2'], managers: false } },
    ]);
    expect(plannedNotifications({ type: 'ticket.assignee_changed', data: { from: 'agent', to: null } }, ticket)).toEqual([]);
    const reply = { type: 'ticket.message', data: { messageId: 'm', internal: false, authorId: 'req', authorRole: 'customer' }, body: 'Hi' } as const;
    expect(plannedNotifications(reply, ticket)).toEqual([{ kind: 'customer_reply', to: { userIds: ['agent'], managers: false } }]);
    expect(plannedNotifications(reply, { ...ticket, assigneeId: null })).toEqual([{ kind: 'customer_reply', to: nobody }]);
  });

  it('tells nobody anything about an internal note', () => {
    expect(
      plannedNotifications({ type: 'ticket.note', data: { messageId: 'm', internal: true, authorId: 'agent', authorRole: 'agent' } }, ticket),
    ).toEqual([]);
  });

  it('tells managers of escalations, plus whom the rule names; a rule status change is left to its escalation event', () => {
    expect(plannedNotifications({ type: 'ticket.status_changed', data: { from: 'open', to: 'escalated' } }, ticket)).toEqual([
      { kind: 'ticket_escalated', to: { userIds: [], managers: true } },
    ]);
    expect(plannedNotifications({ type: 'ticket.status_changed', data: { from: 'open', to: 'escalated', ruleId: 'r' } }, ticket)).toEqual([]);
    const escalated = (notify: ('managers' | 'assignee' | 'requester')[]) =>
      plannedNotifications({ type: 'ticket.escalated', data: { ruleId: 'r', ruleName: 'Old', actions: {}, notify } }, ticket);
    expect(escalated(['assignee', 'requester'])).toEqual([{ kind: 'ticket_escalated', to: { userIds: ['agent', 'req'], managers: true } }]);
    expect(escalated([])).toEqual([{ kind: 'ticket_escalated', to: { userIds: [], managers: true } }]);
    expect(plannedNotifications({ type: 'ticket.sla_breached', data: { target: 'resolution', dueAt: '2026-01-01T00:00:00Z' } }, ticket)).toEqual([
      { kind: 'sla_breached', to: { userIds: [], managers: true } },
    ]);
  });

  it('says nothing about a priority change', () => {
    expect(plannedNotifications({ type: 'ticket.priority_changed', data: { from: 'low', to: 'high' } }, ticket)).toEqual([]);
  });
});
