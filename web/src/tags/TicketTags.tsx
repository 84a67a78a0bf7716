import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Ticket, TicketChange } from '../api/models';
import { storeTicket } from '../tickets/ticket-cache';
import { ticketKeys, updateTicket } from '../tickets/tickets.api';
import { FormError, useFormErrors } from '../ui/forms';
import { tagKeys } from './tags.api';
import { TagInput, TagList } from './TagInput';

/** The ticket's tags, for staff who may see them (the server sends `tags` to them only). */
export function TicketTags({ ticket }: { ticket: Ticket }) {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  if (ticket.tags === undefined) return null;
  const editable = ticket.abilities.tag;

  const change = async (body: TicketChange) => {
    clear();
    setBusy(true);
    try {
      storeTicket(client, await updateTicket(ticket.id, body));
      void client.invalidateQueries({ queryKey: ticketKeys.events(ticket.id), exact: true });
      void client.invalidateQueries({ queryKey: tagKeys.all });
    } catch (caught) {
      show(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="tags-title">
      <h2 id="tags-title">Tags</h2>
      {ticket.tags.length === 0 ? <p className="muted">No tags yet.</p> : null}
      <TagList tags={ticket.tags} onRemove={editable && !busy ? (tag) => void change({ removeTags: [tag] }) : undefined} />
      {editable ? <TagInput label="Add a tag" disabled={busy} onAdd={(tag) => void change({ addTags: [tag] })} /> : null}
      <FormError message={errors.form} />
    </section>
  );
}
