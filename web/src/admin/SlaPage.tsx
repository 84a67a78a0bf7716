import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type SubmitEvent } from 'react';
import type { BusinessHours, SlaPolicy } from '../api/models';
import { PRIORITIES, PRIORITY_LABELS } from '../ui/chips';
import { ErrorBox, formatMinutes, Loading } from '../ui/feedback';
import { Checkbox, FormError, TextAreaField, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { businessHoursQuery, putBusinessHours, putSlaPolicy, slaPoliciesQuery } from './admin.api';

function PolicyRow({ policy, onSaved }: { policy: SlaPolicy; onSaved: (policy: SlaPolicy) => void }) {
  const [first, setFirst] = useState(String(policy.firstResponseMinutes));
  const [resolution, setResolution] = useState(String(policy.resolutionMinutes));
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const changed = first !== String(policy.firstResponseMinutes) || resolution !== String(policy.resolutionMinutes);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      onSaved(await putSlaPolicy(policy.priority, { firstResponseMinutes: Number(first), resolutionMinutes: Number(resolution) }));
    } catch (caught) {
      show(caught, ['firstResponseMinutes', 'resolutionMinutes']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="policy-row" onSubmit={(event) => void submit(event)} aria-label={`${PRIORITY_LABELS[policy.priority]} priority`}>
      <strong>{PRIORITY_LABELS[policy.priority]}</strong>
      <TextField
        label="First response (minutes)"
        type="number"
        min={1}
        required
        value={first}
        hint={formatMinutes(Number(first))}
        error={errors.fields.firstResponseMinutes}
        onChange={(e) => setFirst(e.target.value)}
      />
      <TextField
        label="Resolution (minutes)"
        type="number"
        min={1}
        required
        value={resolution}
        hint={formatMinutes(Number(resolution))}
        error={errors.fields.resolutionMinutes}
        onChange={(e) => setResolution(e.target.value)}
      />
      <button type="submit" className="button secondary" disabled={busy || !changed}>
        Save
      </button>
      <FormError message={errors.form} />
    </form>
  );
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface DayForm {
  on: boolean;
  start: string;
  end: string;
}

function formOf(hours: BusinessHours | null): { timezone: string; days: DayForm[]; holidays: string } {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    timezone: hours?.timezone ?? browserZone,
    days: DAY_NAMES.map((_, day) => {
      const set = hours?.days.find((entry) => entry.day === day);
      return set ? { on: true, start: set.start, end: set.end } : { on: !hours && day >= 1 && day <= 5, start: '09:00', end: '17:00' };
    }),
    holidays: (hours?.holidays ?? []).join('\n'),
  };
}

function BusinessHoursForm({ hours, onSaved }: { hours: BusinessHours | null; onSaved: (hours: BusinessHours | null) => void }) {
  const [form, setForm] = useState(() => formOf(hours));
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  useEffect(() => setForm(formOf(hours)), [hours]);

  const save = async (value: BusinessHours | null) => {
    clear();
    setBusy(true);
    try {
      onSaved(await putBusinessHours(value));
    } catch (caught) {
      show(caught, ['timezone', 'days', 'holidays']);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void save({
      timezone: form.timezone.trim(),
      days: form.days.flatMap((day, index) => (day.on ? [{ day: index, start: day.start, end: day.end }] : [])),
      holidays: form.holidays
        .split(/[\s,]+/)
        .map((text) => text.trim())
        .filter(Boolean),
    });
  };

  const setDay = (index: number, change: Partial<DayForm>) =>
    setForm((current) => ({ ...current, days: current.days.map((day, i) => (i === index ? { ...day, ...change } : day)) }));

  return (
    <form className="card" onSubmit={submit} aria-labelledby="hours-title">
      <h2 id="hours-title">Business hours</h2>
      <p>{hours ? 'SLA clocks count working minutes only.' : 'Not set: SLA clocks count every minute, day and night.'}</p>
      <TextField label="Time zone" required value={form.timezone} hint="An IANA name, such as Europe/Paris." error={errors.fields.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} />
      <fieldset className="days">
        <legend>Working days</legend>
        {form.days.map((day, index) => (
          <div className="day-row" key={DAY_NAMES[index]}>
            <Checkbox label={DAY_NAMES[index]} checked={day.on} onChange={(e) => setDay(index, { on: e.target.checked })} />
            <label>
              <span className="visually-hidden">{DAY_NAMES[index]} from</span>
              <input type="time" value={day.start} disabled={!day.on} onChange={(e) => setDay(index, { start: e.target.value })} />
            </label>
            <span aria-hidden="true">–</span>
            <label>
              <span className="visually-hidden">{DAY_NAMES[index]} until</span>
              <input type="time" value={day.end} disabled={!day.on} onChange={(e) => setDay(index, { end: e.target.value })} />
            </label>
          </div>
        ))}
      </fieldset>
      {errors.fields.days ? <p className="field-error">{errors.fields.days}</p> : null}
      <TextAreaField
        label="Holidays"
        rows={3}
        hint="One date per line, as YYYY-MM-DD."
        value={form.holidays}
        error={errors.fields.holidays}
        onChange={(e) => setForm({ ...form, holidays: e.target.value })}
      />
      <FormError message={errors.form} />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy}>
          Save business hours
        </button>
        {hours ? (
          <button type="button" className="button secondary" disabled={busy} onClick={() => void save(null)}>
            Count every minute instead
          </button>
        ) : null}
      </div>
    </form>
  );
}

export function SlaPage() {
  const toast = useToast();
  const client = useQueryClient();
  const policies = useQuery(slaPoliciesQuery);
  const hours = useQuery(businessHoursQuery);

  const savePolicy = (saved: SlaPolicy) => {
    toast.show(`${PRIORITY_LABELS[saved.priority]} targets saved`);
    client.setQueryData(slaPoliciesQuery.queryKey, (known) => known?.map((policy) => (policy.priority === saved.priority ? saved : policy)));
  };

  const byPriority = (a: SlaPolicy, b: SlaPolicy) => PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority);
  return (
    <section className="page" aria-labelledby="sla-title">
      <h1 id="sla-title">SLA targets</h1>
      <section className="card" aria-labelledby="policies-title">
        <h2 id="policies-title">Targets per priority</h2>
        <p>New tickets get their due times from these; changing a ticket's priority recomputes them.</p>
        {policies.isPending ? <Loading /> : null}
        {policies.error ? <ErrorBox error={policies.error} onRetry={() => void policies.refetch()} /> : null}
        {[...(policies.data ?? [])].sort(byPriority).map((policy: SlaPolicy) => (
          <PolicyRow key={`${policy.priority}:${policy.firstResponseMinutes}:${policy.resolutionMinutes}`} policy={policy} onSaved={savePolicy} />
        ))}
      </section>
      {hours.isPending ? <Loading /> : null}
      {hours.error ? <ErrorBox error={hours.error} onRetry={() => void hours.refetch()} /> : null}
      {hours.isSuccess ? (
        <BusinessHoursForm
          hours={hours.data}
          onSaved={(saved) => {
            client.setQueryData(businessHoursQuery.queryKey, saved);
            toast.show('Business hours saved');
          }}
        />
      ) : null}
    </section>
  );
}

