/** The groups the API reference shows, in this order; every route's `tags` names one of them. */
export const OPENAPI_TAGS = [
  { name: 'health', description: 'Liveness and readiness, for load balancers' },
  { name: 'auth', description: 'Accounts, sessions and password reset' },
  { name: 'users', description: 'Users, roles and their permissions, the audit log' },
  { name: 'tickets', description: 'Tickets, their conversation and history' },
  { name: 'macros', description: 'Canned replies with ticket changes, shared or personal' },
  { name: 'views', description: 'Saved queue views with live counts, shared or personal' },
  { name: 'attachments', description: 'Files on tickets and messages' },
  { name: 'sla', description: 'SLA targets and the business calendar' },
  { name: 'escalation', description: 'Escalation rules' },
  { name: 'teams', description: 'Teams, routing of new tickets, automatic assignment' },
  { name: 'reports', description: 'Volumes, response times and SLA attainment' },
  { name: 'notifications', description: 'In-app notifications and what each user receives' },
  { name: 'stream', description: 'Live events (Server-Sent Events)' },
  { name: 'mail', description: 'Mail that could not be delivered' },
  { name: 'inbound', description: 'Mail taken in: mailboxes, pushed mail, mail that could not be placed' },
];
