import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { useNavigate } from 'react-router';
import type { Priority } from '../api/models';
import { AttachmentPicker, useAttachments } from '../attachments/AttachmentPicker';
import { useAuth } from '../auth/AuthContext';
import { PRIORITIES, PRIORITY_LABELS } from '../ui/chips';
import { FormError, SelectField, TextAreaField, TextField, useFormErrors } from '../ui/forms';
import { RequesterField } from './RequesterField';
import { topicsQuery } from '../teams/teams.api';
import { createTicket, ticketKeys } from './tickets.api';

export function NewTicketPage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [topic, setTopic] = useState('');
  const topics = useQuery(topicsQuery);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const files = useAttachments();
  const choosePriority = can('tickets.priority');
  // Staff may open a ticket for a customer; the server refuses anyone else.
  const chooseRequester = can('tickets.read.all');
  const [requesterId, setRequesterId] = useState<string | undefined>();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      const ticket = await createTicket({
        subject,
        description,
        ...(choosePriority ? { priority } : {}),
        ...(requesterId ? { requesterId } : {}),
        ...(topic ? { topic } : {}),
        ...(files.ids.length > 0 ? { attachmentIds: files.ids } : {}),
      });
      client.setQueryData(ticketKeys.one(ticket.id), ticket);
      void client.invalidateQueries({ queryKey: ticketKeys.lists });
      void navigate(`/tickets/${ticket.id}`);
    } catch (caught) {
      show(caught, ['subject', 'description', 'priority', 'requesterId', 'topic', 'attachmentIds']);
      setBusy(false);
    }
  };

  return (
    <section className="page narrow" aria-labelledby="new-ticket-title">
      <h1 id="new-ticket-title">New ticket</h1>
      <form className="card" onSubmit={(event) => void submit(event)} onPaste={files.onPaste}>
        {chooseRequester ? <RequesterField onChange={setRequesterId} error={errors.fields.requesterId} /> : null}
        <TextField label="Subject" required maxLength={200} value={subject} error={errors.fields.subject} onChange={(e) => setSubject(e.target.value)} />
        {topics.data?.length ? (
          <SelectField label="Topic" value={topic} error={errors.fields.topic} onChange={(e) => setTopic(e.target.value)}>
            <option value="">Something else</option>
            {topics.data.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextAreaField
          label="What happened?"
          required
          rows={8}
          maxLength={20000}
          hint="Tell us what you did, what you expected and what you saw instead."
          value={description}
          error={errors.fields.description}
          onChange={(e) => setDescription(e.target.value)}
        />
        {choosePriority ? (
          <SelectField label="Priority" value={priority} error={errors.fields.priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {PRIORITY_LABELS[value]}
              </option>
            ))}
          </SelectField>
        ) : null}
        <AttachmentPicker state={files} disabled={busy} />
        <FormError message={errors.fields.attachmentIds ?? errors.form} />
        <button type="submit" className="button primary" disabled={busy || files.uploading}>
          {busy ? 'Sending…' : 'Open ticket'}
        </button>
      </form>
    </section>
  );
}
