import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type SubmitEvent } from 'react';
import type { AssignableUser, EscalationRule, NotifyTarget, Priority, RuleInput, TicketStatus } from '../api/models';
import { mapPages, usePaged } from '../api/paging';
import { tagsOf } from '../tags/tag-text';
import { assignableQuery } from '../tickets/tickets.api';
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS, STATUSES } from '../ui/chips';
import { EmptyState, ErrorBox, Loading, LoadMore } from '../ui/feedback';
import { Checkbox, FormError, SelectField, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { createRule, deleteRule, rulesQuery, runRules, updateRule } from './admin.api';

const NOTIFY_LABELS: Record<NotifyTarget, string> = { managers: 'the managers', assignee: 'the assignee', requester: 'the requester' };
const NOTIFY_TARGETS = Object.keys(NOTIFY_LABELS) as NotifyTarget[];

const MINUTE_FIELDS = [
  ['minutesSinceCreated', 'Minutes since created'],
  ['minutesWithoutFirstResponse', 'Minutes without a first response'],
  ['minutesSinceUpdate', 'Minutes since the last update'],
] as const;

interface RuleForm {
  name: string;
  enabled: boolean;
  statuses: TicketStatus[];
  priorities: Priority[];
  unassigned: boolean;
  /** Comma-separated, as typed. */
  tags: string;
  minutes: Record<(typeof MINUTE_FIELDS)[number][0], string>;
  setStatus: string;
  setPriority: string;
  assignTo: string;
  notify: NotifyTarget[];
}

function formOf(rule: EscalationRule | null): RuleForm {
  const c = rule?.conditions ?? {};
  const a = rule?.actions ?? {};
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    statuses: c.statuses ?? [],
    priorities: c.priorities ?? [],
    unassigned: c.unassigned ?? false,
    tags: c.tags?.join(', ') ?? '',
    minutes: {
      minutesSinceCreated: c.minutesSinceCreated?.toString() ?? '',
      minutesWithoutFirstResponse: c.minutesWithoutFirstResponse?.toString() ?? '',
      minutesSinceUpdate: c.minutesSinceUpdate?.toString() ?? '',
    },
    setStatus: a.setStatus ?? '',
    setPriority: a.setPriority ?? '',
    assignTo: a.assignTo ?? '',
    notify: a.notify ?? [],
  };
}

/** Only what the form says: unset fields are left out, as the API treats absent as "any". */
function inputOf(form: RuleForm): RuleInput {
  const conditions: RuleInput['conditions'] = {};
  if (form.statuses.length) conditions.statuses = form.statuses;
  if (form.priorities.length) conditions.priorities = form.priorities;
  if (form.unassigned) conditions.unassigned = true;
  const tags = tagsOf(form.tags);
  if (tags.length) conditions.tags = tags;
  for (const [key] of MINUTE_FIELDS) {
    if (form.minutes[key] !== '') conditions[key] = Number(form.minutes[key]);
  }
  const actions: RuleInput['actions'] = {};
  if (form.setStatus) actions.setStatus = form.setStatus as TicketStatus;
  if (form.setPriority) actions.setPriority = form.setPriority as Priority;
  if (form.assignTo) actions.assignTo = form.assignTo;
  if (form.notify.length) actions.notify = form.notify;
  return { name: form.name, enabled: form.enabled, conditions, actions };
}

function toggled<T>(list: T[], value: T, on: boolean): T[] {
  return on ? [...list.filter((item) => item !== value), value] : list.filter((item) => item !== value);
}

function RuleEditor({ rule, staff, onSaved, onCancel }: { rule: EscalationRule | null; staff: AssignableUser[]; onSaved: (rule: EscalationRule, isNew: boolean) => void; onCancel: () => void }) {
  const [form, setForm] = useState(() => formOf(rule));
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  useEffect(() => setForm(formOf(rule)), [rule]);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      const input = inputOf(form);
      onSaved(rule ? await updateRule(rule.id, input) : await createRule(input), rule === null);
      if (!rule) setForm(formOf(null));
    } catch (caught) {
      show(caught, ['name', 'tags', ...MINUTE_FIELDS.map(([key]) => key)]);
    } finally {
      setBusy(false);
    }
  };

  const set = (change: Partial<RuleForm>) => setForm((current) => ({ ...current, ...change }));
  return (
    <form className="card rule-editor" onSubmit={(event) => void submit(event)} aria-labelledby="rule-editor-title">
      <h2 id="rule-editor-title">{rule ? `Edit “${rule.name}”` : 'New rule'}</h2>
      <TextField label="Rule name" required maxLength={100} value={form.name} error={errors.fields.name} onChange={(e) => set({ name: e.target.value })} />
      <Checkbox label="Enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
      <fieldset>
        <legend>When a ticket…</legend>
        <fieldset className="checkbox-group">
          <legend>has one of these statuses (none ticked: any)</legend>
          {STATUSES.map((status) => (
            <Checkbox key={status} label={STATUS_LABELS[status]} checked={form.statuses.includes(status)} onChange={(e) => set({ statuses: toggled(form.statuses, status, e.target.checked) })} />
          ))}
        </fieldset>
        <fieldset className="checkbox-group">
          <legend>has one of these priorities (none ticked: any)</legend>
          {PRIORITIES.map((priority) => (
            <Checkbox key={priority} label={PRIORITY_LABELS[priority]} checked={form.priorities.includes(priority)} onChange={(e) => set({ priorities: toggled(form.priorities, priority, e.target.checked) })} />
          ))}
        </fieldset>
        <Checkbox label="is unassigned" checked={form.unassigned} onChange={(e) => set({ unassigned: e.target.checked })} />
        <TextField label="carries any of these tags (comma-separated)" value={form.tags} error={errors.fields.tags} onChange={(e) => set({ tags: e.target.value })} />
        <div className="grid-3">
          {MINUTE_FIELDS.map(([key, label]) => (
            <TextField key={key} label={label} type="number" min={0} value={form.minutes[key]} error={errors.fields[key]} onChange={(e) => set({ minutes: { ...form.minutes, [key]: e.target.value } })} />
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>…then</legend>
        <div className="grid-3">
          <SelectField label="Set status" value={form.setStatus} onChange={(e) => set({ setStatus: e.target.value })}>
            <option value="">Leave as is</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </SelectField>
          <SelectField label="Set priority" value={form.setPriority} onChange={(e) => set({ setPriority: e.target.value })}>
            <option value="">Leave as is</option>
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {PRIORITY_LABELS[priority]}
              </option>
            ))}
          </SelectField>
          <SelectField label="Assign to" value={form.assignTo} onChange={(e) => set({ assignTo: e.target.value })}>
            <option value="">Nobody new</option>
            {staff.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name} ({person.role})
              </option>
            ))}
          </SelectField>
        </div>
        <fieldset className="checkbox-group">
          <legend>Notify</legend>
          {NOTIFY_TARGETS.map((target) => (
            <Checkbox key={target} label={NOTIFY_LABELS[target]} checked={form.notify.includes(target)} onChange={(e) => set({ notify: toggled(form.notify, target, e.target.checked) })} />
          ))}
        </fieldset>
      </fieldset>
      <FormError message={errors.form} />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy}>
          {rule ? 'Save rule' : 'Create rule'}
        </button>
        {rule ? (
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** A one-line reading of a rule, for the list. */
export function summarize(rule: EscalationRule): string {
  const c = rule.conditions;
  const when = [
    c.statuses?.length ? `status ${c.statuses.map((s) => STATUS_LABELS[s]).join('/')}` : null,
    c.priorities?.length ? `priority ${c.priorities.map((p) => PRIORITY_LABELS[p]).join('/')}` : null,
    c.unassigned ? 'unassigned' : null,
    c.tags?.length ? `tagged ${c.tags.join('/')}` : null,
    c.minutesSinceCreated !== undefined ? `${c.minutesSinceCreated} min old` : null,
    c.minutesWithoutFirstResponse !== undefined ? `${c.minutesWithoutFirstResponse} min without first response` : null,
    c.minutesSinceUpdate !== undefined ? `${c.minutesSinceUpdate} min without update` : null,
  ].filter(Boolean);
  const a = rule.actions;
  const then = [
    a.setStatus ? `status → ${STATUS_LABELS[a.setStatus]}` : null,
    a.setPriority ? `priority → ${PRIORITY_LABELS[a.setPriority]}` : null,
    a.assignTo ? 'assign' : null,
    a.notify?.length ? `notify ${a.notify.join(', ')}` : null,
  ].filter(Boolean);
  return `When ${when.length ? when.join(', ') : 'any ticket'} → ${then.length ? then.join(', ') : 'nothing'}`;
}

export function EscalationPage() {
  const toast = useToast();
  const client = useQueryClient();
  const rules = usePaged(rulesQuery);
  const staff = useQuery(assignableQuery);
  const [editing, setEditing] = useState<EscalationRule | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const changeRules = (change: (items: EscalationRule[]) => EscalationRule[]) => client.setQueryData(rulesQuery.queryKey, (data) => mapPages(data, change));

  const saved = (rule: EscalationRule, isNew: boolean) => {
    // Where a new rule falls among the pages is the server's to say: the list is read again.
    if (isNew) void client.invalidateQueries({ queryKey: rulesQuery.queryKey });
    else changeRules((items) => items.map((existing) => (existing.id === rule.id ? rule : existing)));
    toast.show(`Rule “${rule.name}” saved`);
    setEditing(null);
  };

  const remove = async (rule: EscalationRule) => {
    if (!window.confirm(`Delete the rule “${rule.name}”?`)) return;
    setError(undefined);
    try {
      await deleteRule(rule.id);
      changeRules((items) => items.filter((existing) => existing.id !== rule.id));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The rule was not deleted');
    }
  };

  const runNow = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const { applied } = await runRules();
      toast.show(applied === 1 ? 'The rules acted on 1 ticket' : `The rules acted on ${applied} tickets`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The run failed');
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="page" aria-labelledby="escalation-title">
      <div className="page-head">
        <h1 id="escalation-title">Escalation rules</h1>
        <button type="button" className="button primary" onClick={() => void runNow()} disabled={running}>
          {running ? 'Running…' : 'Run now'}
        </button>
      </div>
      <p>Rules run every few minutes on their own; each rule acts at most once on a ticket.</p>
      <FormError message={error} />
      {rules.loading ? <Loading /> : null}
      {rules.error ? <ErrorBox error={rules.error} onRetry={rules.reload} /> : null}
      {rules.items?.length === 0 ? <EmptyState title="No rules yet" /> : null}
      <ul className="rule-list">
        {(rules.items ?? []).map((rule) => (
          <li key={rule.id} className="card">
            <div>
              <strong>{rule.name}</strong> {rule.enabled ? null : <span className="chip">Disabled</span>}
              <p className="muted">{summarize(rule)}</p>
            </div>
            <div className="button-row">
              <button type="button" className="button secondary small" onClick={() => setEditing(rule)}>
                Edit
              </button>
              <button type="button" className="button danger small" onClick={() => void remove(rule)}>
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
      <LoadMore list={rules} />
      <RuleEditor key={editing?.id ?? 'new'} rule={editing} staff={staff.data ?? []} onSaved={saved} onCancel={() => setEditing(null)} />
    </section>
  );
}
