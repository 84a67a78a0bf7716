import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BulkChanges, BulkResult, Priority, Ticket, TicketStatus } from '../api/models';
import { useAuth, useMe } from '../auth/AuthContext';
import { macrosQuery } from '../macros/macros.api';
import { tagKeys } from '../tags/tags.api';
import { storeTicket } from '../tickets/ticket-cache';
import { assignableQuery, bulkUpdate, ticketKeys } from '../tickets/tickets.api';
import { PriorityOptions, StatusOptions } from '../ui/chips';
import { FormError, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';

interface Props {
  /** The ticked tickets, as listed. */
  tickets: Ticket[];
  onDone: () => void;
}

/** What the result list says about one ticket the server refused. */
const refusal = (result: BulkResult, number: number | undefined): string =>
  result.ok ? '' : `#${number ?? '?'}: ${result.error.message}`;

/**
 * One change for every ticked ticket. The server decides each ticket on its own (the
 * caller's permissions, its status), so the bar offers every change and reports each refusal.
 */
export function BulkBar({ tickets, onDone }: Props) {
  const me = useMe();
  const { can } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const assignable = useQuery({ ...assignableQuery, enabled: can('tickets.assign') || can('tickets.reassign') });
  const macros = useQuery(macrosQuery);
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [priority, setPriority] = useState<Priority | ''>('');
  const [assignee, setAssignee] = useState('');
  const [tag, setTag] = useState('');
  const [macroId, setMacroId] = useState('');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string[]>([]);
  const [summary, setSummary] = useState('');
  const { errors, show, clear } = useFormErrors();

  const changes: BulkChanges = {
    ...(status ? { status } : {}),
    ...(priority ? { priority } : {}),
    ...(assignee ? { assigneeId: assignee === 'none' ? null : assignee } : {}),
    ...(tag.trim() ? { addTags: [tag.trim()] } : {}),
    ...(macroId ? { macroId } : {}),
  };
  const empty = Object.keys(changes).length === 0;

  const apply = async () => {
    clear();
    setBusy(true);
    try {
      const results = await bulkUpdate(
        tickets.map((ticket) => ticket.id),
        changes,
      );
      for (const result of results) if (result.ok) storeTicket(client, result.ticket);
      const numbers = new Map(tickets.map((ticket) => [ticket.id, ticket.number]));
      const failed = results.filter((result) => !result.ok);
      const summary = `${results.length - failed.length} of ${results.length} tickets changed`;
      setSummary(summary);
      setRefused(failed.map((result) => refusal(result, numbers.get(result.id))));
      // Rows may no longer match the list's filter: read the lists again.
      void client.invalidateQueries({ queryKey: ticketKeys.lists });
      void client.invalidateQueries({ queryKey: tagKeys.all });
      setStatus('');
      setPriority('');
      setAssignee('');
      setTag('');
      setMacroId('');
      // All done: the bar goes with the selection and a toast says so; refusals stay on screen.
      if (failed.length === 0) {
        toast.show(summary);
        onDone();
      }
    } catch (caught) {
      show(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="bulk-bar" aria-label="Change the selected tickets">
      <strong>{tickets.length} selected</strong>
      <label className="compact-field">
        <span>Status</span>
        <select value={status} onChange={(event) => setStatus(event.target.value as TicketStatus | '')}>
          <option value="">Keep</option>
          <StatusOptions />
        </select>
      </label>
      <label className="compact-field">
        <span>Priority</span>
        <select value={priority} onChange={(event) => setPriority(event.target.value as Priority | '')}>
          <option value="">Keep</option>
          <PriorityOptions />
        </select>
      </label>
      {assignable.data ? (
        <label className="compact-field">
          <span>Assignee</span>
          <select value={assignee} onChange={(event) => setAssignee(event.target.value)}>
            <option value="">Keep</option>
            <option value={me.id}>Me</option>
            {assignable.data
              .filter((person) => person.id !== me.id)
              .map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            <option value="none">Unassigned</option>
          </select>
        </label>
      ) : null}
      {can('tickets.tag') ? (
        <label className="compact-field">
          <span>Add tag</span>
          <input value={tag} maxLength={50} onChange={(event) => setTag(event.target.value)} />
        </label>
      ) : null}
      {macros.data?.length ? (
        <label className="compact-field">
          <span>Macro</span>
          <select value={macroId} onChange={(event) => setMacroId(event.target.value)}>
            <option value="">None</option>
            {macros.data.map((macro) => (
              <option key={macro.id} value={macro.id}>
                {macro.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="button" className="button primary" disabled={busy || empty} onClick={() => void apply()}>
        Apply to {tickets.length}
      </button>
      <button type="button" className="button secondary" onClick={onDone}>
        Clear selection
      </button>
      <FormError message={errors.form} />
      {summary ? (
        <div role="status">
          {summary}
          {refused.length > 0 ? (
            <ul className="bulk-results">
              {refused.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
