import type { AssignableUser, Me, Ticket } from '../api/models';

/** Names the page knows for ids it meets in messages and history. */
export function nameBook(me: Me, ticket: Ticket, assignable: AssignableUser[] | undefined) {
  const names = new Map<string, string>();
  for (const person of assignable ?? []) names.set(person.id, person.name);
  names.set(ticket.requester.id, ticket.requester.name);
  if (ticket.assignee) names.set(ticket.assignee.id, ticket.assignee.name);
  names.set(me.id, `${me.name} (you)`);
  /** A customer cannot look staff up, so an unknown author is "Support" to them. */
  const fallback = me.permissions.includes('tickets.read.all') ? 'Staff member' : 'Support team';
  return (id: string | null | undefined, given?: { name: string } | null): string => {
    if (id && id === me.id) return `${me.name} (you)`;
    if (given?.name) return given.name;
    if (!id) return 'Helpline';
    return names.get(id) ?? fallback;
  };
}

export type NameOf = ReturnType<typeof nameBook>;
