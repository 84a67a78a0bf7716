import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import type { Macro, MacroInput, Priority, TicketStatus } from '../api/models';
import { useAuth } from '../auth/AuthContext';
import { tagsOf } from '../tags/tag-text';
import { PRIORITY_LABELS, PriorityOptions, STATUS_LABELS, StatusOptions } from '../ui/chips';
import { EmptyState, ErrorBox, Loading } from '../ui/feedback';
import { Checkbox, FormError, SelectField, TextAreaField, TextField, useFormErrors } from '../ui/forms';
import { createMacro, deleteMacro, macroKeys, macrosQuery, updateMacro } from './macros.api';

const PLACEHOLDERS = '{{requester.name}}, {{requester.firstName}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}, {{agent.firstName}}';

/** Creates a macro, or changes `editing`. */
function MacroForm({ editing, onDone }: { editing: Macro | undefined; onDone: () => void }) {
  const { can } = useAuth();
  const client = useQueryClient();
  const [name, setName] = useState(editing?.name ?? '');
  const [body, setBody] = useState(editing?.body ?? '');
  const [status, setStatus] = useState<TicketStatus | ''>(editing?.actions.status ?? '');
  const [priority, setPriority] = useState<Priority | ''>(editing?.actions.priority ?? '');
  const [takeIt, setTakeIt] = useState(editing?.actions.assigneeId === 'me');
  const [tags, setTags] = useState(editing?.actions.addTags?.join(', ') ?? '');
  const [shared, setShared] = useState(false);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    const addTags = tagsOf(tags);
    const macro: MacroInput = {
      name,
      body,
      actions: {
        ...(status ? { status } : {}),
        ...(priority ? { priority } : {}),
        ...(takeIt ? { assigneeId: 'me' as const } : {}),
        ...(addTags.length ? { addTags } : {}),
      },
    };
    try {
      if (editing) await updateMacro(editing.id, macro);
      else await createMacro({ ...macro, ...(shared ? { shared } : {}) });
      await client.invalidateQueries({ queryKey: macroKeys.all });
      onDone();
    } catch (caught) {
      show(caught, ['name', 'body']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(event) => void submit(event)} aria-label={editing ? `Edit ${editing.name}` : 'New macro'}>
      <h2>{editing ? `Edit “${editing.name}”` : 'New macro'}</h2>
      <TextField label="Name" name="name" required maxLength={100} value={name} error={errors.fields.name} onChange={(e) => setName(e.target.value)} />
      <TextAreaField
        label="Reply text"
        name="body"
        rows={5}
        maxLength={20000}
        value={body}
        error={errors.fields.body}
        hint={`Placeholders: ${PLACEHOLDERS}`}
        onChange={(e) => setBody(e.target.value)}
      />
      <SelectField label="Set status" value={status} onChange={(e) => setStatus(e.target.value as TicketStatus | '')}>
        <option value="">Leave as is</option>
        <StatusOptions />
      </SelectField>
      <SelectField label="Set priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority | '')}>
        <option value="">Leave as is</option>
        <PriorityOptions />
      </SelectField>
      <Checkbox label="Assign to whoever applies it" checked={takeIt} onChange={(e) => setTakeIt(e.target.checked)} />
      <TextField label="Add tags (comma-separated)" name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      {!editing && can('macros.manage') ? <Checkbox label="Shared with the whole desk" checked={shared} onChange={(e) => setShared(e.target.checked)} /> : null}
      <FormError message={errors.form} />
      <div className="reply-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {editing ? 'Save macro' : 'Create macro'}
        </button>
        {editing ? (
          <button type="button" className="button secondary" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** What a macro changes, in words. */
function actionsText(macro: Macro): string {
  const { status, priority, assigneeId, addTags } = macro.actions;
  return [
    status ? `status ${STATUS_LABELS[status]}` : '',
    priority ? `priority ${PRIORITY_LABELS[priority]}` : '',
    assigneeId === 'me' ? 'assign to me' : '',
    addTags?.length ? `tags ${addTags.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Staff's macros: the desk's shared ones (kept by macros.manage) and one's own. */
export function MacrosPage() {
  const { can } = useAuth();
  const client = useQueryClient();
  const macros = useQuery(macrosQuery);
  const [editing, setEditing] = useState<Macro | undefined>();
  const [formKey, setFormKey] = useState(0);
  const [error, setError] = useState<string | undefined>();

  const remove = async (macro: Macro) => {
    setError(undefined);
    try {
      await deleteMacro(macro.id);
      await client.invalidateQueries({ queryKey: macroKeys.all });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not delete');
    }
  };
  const mayChange = (macro: Macro) => !macro.shared || can('macros.manage');

  return (
    <section className="page" aria-labelledby="macros-title">
      <h1 id="macros-title">Macros</h1>
      {macros.isPending ? <Loading label="Loading macros…" /> : null}
      {macros.error ? <ErrorBox error={macros.error} onRetry={() => void macros.refetch()} /> : null}
      {macros.data?.length === 0 ? <EmptyState title="No macros yet" /> : null}
      <FormError message={error} />
      <ul className="macro-list">
        {(macros.data ?? []).map((macro) => (
          <li key={macro.id} className="card" data-macro={macro.name}>
            <strong>{macro.name}</strong> <span className="chip">{macro.shared ? 'Shared' : 'Mine'}</span>
            {macro.body ? <pre>{macro.body}</pre> : null}
            <p className="muted">{actionsText(macro) || 'Text only'}</p>
            {mayChange(macro) ? (
              <div className="reply-actions">
                <button type="button" className="button secondary" onClick={() => setEditing(macro)}>
                  Edit
                </button>
                <button type="button" className="button secondary" onClick={() => void remove(macro)}>
                  Delete
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <MacroForm
        key={editing?.id ?? `new-${formKey}`}
        editing={editing}
        onDone={() => {
          setEditing(undefined);
          setFormKey((key) => key + 1);
        }}
      />
    </section>
  );
}
