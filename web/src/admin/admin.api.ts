import { api } from '../api/client';
import type {
  AuditEntry,
  BusinessHours,
  EscalationRule,
  FailedMail,
  Page,
  Priority,
  Role,
  RolePermissions,
  SlaPolicy,
  User,
} from '../api/types';

const id = (value: string | number) => encodeURIComponent(String(value));

export const listUsers = (filter: { role?: string; q?: string; cursor?: string; limit?: number }) => api.get<Page<User>>('/api/users', filter);
export const createUser = (user: { email: string; name: string; role: Role; password: string }) => api.post<User>('/api/users', user);
export const updateUser = (userId: string, change: { name?: string; role?: Role; active?: boolean }) => api.patch<User>(`/api/users/${id(userId)}`, change);

export const listRoles = () => api.get<RolePermissions[]>('/api/roles');
export const putRole = (role: Role, permissions: string[]) => api.put<RolePermissions>(`/api/roles/${id(role)}`, { permissions });

export type RuleInput = Omit<EscalationRule, 'id'>;
export const listRules = async (): Promise<EscalationRule[]> => {
  // The contract lists rules; accept either a bare array or the usual `{ items }` page.
  const answer = await api.get<EscalationRule[] | { items: EscalationRule[] }>('/api/escalation-rules');
  return Array.isArray(answer) ? answer : answer.items;
};
export const createRule = (rule: RuleInput) => api.post<EscalationRule>('/api/escalation-rules', rule);
export const updateRule = (ruleId: string, rule: Partial<RuleInput>) => api.patch<EscalationRule>(`/api/escalation-rules/${id(ruleId)}`, rule);
export const deleteRule = (ruleId: string) => api.delete(`/api/escalation-rules/${id(ruleId)}`);
export const runRules = () => api.post<{ applied: number }>('/api/escalation-rules/run');

export const listSlaPolicies = () => api.get<SlaPolicy[]>('/api/sla-policies');
export const putSlaPolicy = (priority: Priority, minutes: { firstResponseMinutes: number; resolutionMinutes: number }) =>
  api.put<SlaPolicy>(`/api/sla-policies/${id(priority)}`, minutes);

export const getBusinessHours = () => api.get<BusinessHours | null>('/api/business-hours');
export const putBusinessHours = (hours: BusinessHours | null) => api.put<BusinessHours | null>('/api/business-hours', hours);

export const listAudit = (cursor?: string) => api.get<Page<AuditEntry>>('/api/audit-log', cursor ? { cursor } : {});

export const listFailedMail = (cursor?: string) => api.get<Page<FailedMail>>('/api/mail/failed', cursor ? { cursor } : {});
export const retryMail = (mailId: string | number) => api.post(`/api/mail/${id(mailId)}/retry`);
