import { api, done, json } from '../api/client';
import type { MailboxInput } from '../api/models';
import { pagedQuery } from '../api/paging';

export const mailboxKeys = {
  mailboxes: ['mailboxes'] as const,
  failedIntake: ['inbound-failed'] as const,
};

export const mailboxesQuery = pagedQuery(mailboxKeys.mailboxes, (cursor, signal) => json(api.GET('/api/mailboxes', { params: { query: { cursor } }, signal })));
export const createMailbox = (input: MailboxInput) => json(api.POST('/api/mailboxes', { body: input }));
export const updateMailbox = (id: string, input: Partial<MailboxInput>) => json(api.PATCH('/api/mailboxes/{id}', { params: { path: { id } }, body: input }));
export const deleteMailbox = (id: string) => done(api.DELETE('/api/mailboxes/{id}', { params: { path: { id } } }));
export const testMailbox = (id: string) => json(api.POST('/api/mailboxes/{id}/test', { params: { path: { id } } }));

export const failedIntakeQuery = pagedQuery(mailboxKeys.failedIntake, (cursor, signal) =>
  json(api.GET('/api/inbound/failed', { params: { query: { cursor } }, signal })),
);
export const retryIntake = (id: string) => json(api.POST('/api/inbound/failed/{id}/retry', { params: { path: { id } } }));
export const discardIntake = (id: string) => done(api.POST('/api/inbound/failed/{id}/discard', { params: { path: { id } } }));
