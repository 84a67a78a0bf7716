import { useEffect, useState } from 'react';
import { PRIORITIES, type AssignableUser, type Priority, type Ticket, type TicketStatus } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { PRIORITY_LABELS, STATUS_LABELS } from '../ui/chips';
import { FormError, SelectField, useFormErrors } from '../ui/forms';
import { NEXT_STATUSES } from './status';
import { updateTicket, type TicketChange } from './tickets.api';

interface Props {
  ticket: Ticket;
  assignable: AssignableUser[] | undefined;
  onChanged: (ticket: Ticket) => void;
}

/** The changes the caller's permissions allow on this ticket; the server checks each one again. */
export function TicketActions({ ticket, assignable, onChanged }: Props) {
  const me = useMe();
  const { can, reloadMe } = useAuth();
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [priority, setPriority] = useState<Priority>(ticket.priority);
  const [assignee, setAssignee] = useState('');
  useEffect(() => setPriority(ticket.priority), [ticket.priority]);

  const change = async (body: TicketChange) => {
    clear();
    setBusy(true);
    try {
      onChanged(await updateTicket(ticket.id, body));
      setStatus('');
      setAssignee('');
    } catch (caught) {
      show(caught);
      // A refusal may mean our permissions changed: offer only what is still allowed.
      void reloadMe();
    } finally {
      setBusy(false);
    }
  };

  const isOwn = ticket.requesterId === me.id;
  const nextStatuses = NEXT_STATUSES[ticket.status];
  const canStatus = can('tickets.status') && nextStatuses.length > 0;
  // A requester may always close their own ticket and reopen it once resolved (API.md).
  const canClose = !can('tickets.status') && isOwn && ticket.status !== 'closed';
  const canReopen = !can('tickets.status') && isOwn && ticket.status === 'resolved';
  const canPriority = can('tickets.priority');
  const canAssign = ticket.assigneeId === null ? can('tickets.assign') || can('tickets.reassign') : can('tickets.reassign');
  const canUnassign = ticket.assigneeId !== null && can('tickets.reassign');
  const others = (assignable ?? []).filter((person) => person.id !== ticket.assigneeId);

  if (!canStatus && !canClose && !canReopen && !canPriority && !canAssign) return null;

  return (
    <section className="card actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <fieldset disabled={busy}>
        {canStatus ? (
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (status) void change({ status });
            }}
          >
            <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as TicketStatus | '')}>
              <option value="">{STATUS_LABELS[ticket.status]} (current)</option>
              {nextStatuses.map((value) => (
                <option key={value} value={value}>
                  {STATUS_LABELS[value]}
                </option>
              ))}
            </SelectField>
            <button type="submit" className="button secondary" disabled={!status}>
              Set status
            </button>
          </form>
        ) : null}
        {canClose || canReopen ? (
          <div className="button-row">
            {canReopen ? (
              <button type="button" className="button secondary" onClick={() => void change({ status: 'open' })}>
                Reopen ticket
              </button>
            ) : null}
            {canClose ? (
              <button type="button" className="button secondary" onClick={() => void change({ status: 'closed' })}>
                Close ticket
              </button>
            ) : null}
          </div>
        ) : null}
        {canPriority ? (
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void change({ priority });
            }}
          >
            <SelectField label="Priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
              {PRIORITIES.map((value) => (
                <option key={value} value={value}>
                  {PRIORITY_LABELS[value]}
                </option>
              ))}
            </SelectField>
            <button type="submit" className="button secondary" disabled={priority === ticket.priority}>
              Set priority
            </button>
          </form>
        ) : null}
        {canAssign ? (
          <>
            {ticket.assigneeId !== me.id && assignable?.some((person) => person.id === me.id) ? (
              <button type="button" className="button secondary" onClick={() => void change({ assigneeId: me.id })}>
                Assign to me
              </button>
            ) : null}
            <form
              className="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                if (assignee) void change({ assigneeId: assignee });
              }}
            >
              <SelectField label={ticket.assigneeId ? 'Reassign to' : 'Assign to'} value={assignee} onChange={(e) => setAssignee(e.target.value)}>
                <option value="">Choose someone…</option>
                {others.map((person) => (
                  <option key={person.id} value={person.id}>
                    {person.name} ({person.role})
                  </option>
                ))}
              </SelectField>
              <button type="submit" className="button secondary" disabled={!assignee}>
                Assign
              </button>
            </form>
          </>
        ) : null}
        {canUnassign ? (
          <button type="button" className="button link-button" onClick={() => void change({ assigneeId: null })}>
            Unassign
          </button>
        ) : null}
      </fieldset>
      <FormError message={errors.form} />
    </section>
  );
}
