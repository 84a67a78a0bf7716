import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { AssignableUser, Priority, Ticket, TicketChange, TicketStatus } from '../api/models';
import { useAuth, useMe } from '../auth/AuthContext';
import { refreshTicket, storeTicket } from './ticket-cache';
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS } from '../ui/chips';
import { FormError, SelectField, useFormErrors } from '../ui/forms';
import { TeamPicker } from '../teams/TeamPicker';
import { ticketKeys, updateTicket } from './tickets.api';

interface Props {
  ticket: Ticket;
  assignable: AssignableUser[] | undefined;
}

/** The changes the server says the caller may make now (`ticket.abilities`); it checks each one again. */
export function TicketActions({ ticket, assignable }: Props) {
  const me = useMe();
  const { reloadMe } = useAuth();
  const client = useQueryClient();
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
      storeTicket(client, await updateTicket(ticket.id, body));
      void client.invalidateQueries({ queryKey: ticketKeys.events(ticket.id), exact: true });
      setStatus('');
      setAssignee('');
    } catch (caught) {
      show(caught);
      // A refusal may mean our permissions changed: offer only what the server still allows.
      void refreshTicket(client, ticket.id);
      void reloadMe();
    } finally {
      setBusy(false);
    }
  };

  const abilities = ticket.abilities;
  // Closing and reopening are buttons; a choice beyond those two gets the full status picker.
  const buttonMoves = (to: TicketStatus) => (to === 'closed' && abilities.close) || (to === 'open' && abilities.reopen);
  const pickStatus = abilities.statuses.some((to) => !buttonMoves(to));
  const canClose = !pickStatus && abilities.close;
  const canReopen = !pickStatus && abilities.reopen;
  const canAssign = abilities.assign || abilities.reassign;
  const canUnassign = ticket.assigneeId !== null && abilities.reassign;
  const others = (assignable ?? []).filter((person) => person.id !== ticket.assigneeId);

  if (!pickStatus && !canClose && !canReopen && !abilities.priority && !canAssign && !abilities.team) return null;

  return (
    <section className="card actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <fieldset disabled={busy}>
        {pickStatus ? (
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (status) void change({ status });
            }}
          >
            <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as TicketStatus | '')}>
              <option value="">{STATUS_LABELS[ticket.status]} (current)</option>
              {abilities.statuses.map((value) => (
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
        {abilities.priority ? (
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
        {abilities.team ? <TeamPicker ticket={ticket} onChange={(teamId) => void change({ teamId })} /> : null}
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
