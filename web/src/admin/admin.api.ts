import { queryOptions } from '@tanstack/react-query';
import { api, done, json } from '../api/client';
import type { BusinessHours, ListedUser, NewUser, Priority, QueryOf, Role, RuleInput, User } from '../api/models';
import { pagedQuery } from '../api/paging';

export const adminKeys = {
  users: ['users', 'list'] as const,
  roles: ['roles'] as const,
  rules: ['escalation-rules'] as const,
  sla: ['sla-policies'] as const,
  hours: ['business-hours'] as const,
  audit: ['audit-log'] as const,
  failedMail: ['failed-mail'] as const,
};

type UserFilter = Omit<QueryOf<'/api/users', 'get'>, 'cursor' | 'limit'>;

export const usersQuery = (filter: UserFilter) =>
  pagedQuery([...adminKeys.users, filter], (cursor, signal) => json(api.GET('/api/users', { params: { query: { ...filter, cursor } }, signal })));
export const createUser = (user: NewUser): Promise<User> => json(api.POST('/api/users', { body: user }));
export const updateUser = (id: string, change: { role?: Role; active?: boolean }): Promise<ListedUser> =>
  json(api.PATCH('/api/users/{id}', { params: { path: { id } }, body: change }));

export const rolesQuery = queryOptions({
  queryKey: adminKeys.roles,
  queryFn: ({ signal }) => json(api.GET('/api/roles', { signal })),
});
export const putRole = (role: Role, permissions: string[]) => json(api.PUT('/api/roles/{role}', { params: { path: { role } }, body: { permissions } }));

export const rulesQuery = pagedQuery(adminKeys.rules, (cursor, signal) => json(api.GET('/api/escalation-rules', { params: { query: { cursor } }, signal })));
export const createRule = (rule: RuleInput) => json(api.POST('/api/escalation-rules', { body: rule }));
export const updateRule = (id: string, rule: RuleInput) => json(api.PATCH('/api/escalation-rules/{id}', { params: { path: { id } }, body: rule }));
export const deleteRule = (id: string) => done(api.DELETE('/api/escalation-rules/{id}', { params: { path: { id } } }));
export const runRules = () => json(api.POST('/api/escalation-rules/run'));

export const slaPoliciesQuery = queryOptions({ queryKey: adminKeys.sla, queryFn: ({ signal }) => json(api.GET('/api/sla-policies', { signal })) });
export const putSlaPolicy = (priority: Priority, minutes: { firstResponseMinutes: number; resolutionMinutes: number }) =>
  json(api.PUT('/api/sla-policies/{priority}', { params: { path: { priority } }, body: minutes }));

// The answer is null while no business hours are set.
export const businessHoursQuery = queryOptions({ queryKey: adminKeys.hours, queryFn: ({ signal }) => json(api.GET('/api/business-hours', { signal })) });
export const putBusinessHours = (hours: BusinessHours | null) => json(api.PUT('/api/business-hours', { body: hours }));

export const auditQuery = pagedQuery(adminKeys.audit, (cursor, signal) => json(api.GET('/api/audit-log', { params: { query: { cursor } }, signal })));

export const failedMailQuery = pagedQuery(adminKeys.failedMail, (cursor, signal) => json(api.GET('/api/mail/failed', { params: { query: { cursor } }, signal })));
export const retryMail = (id: string) => done(api.POST('/api/mail/{id}/retry', { params: { path: { id } } }));
