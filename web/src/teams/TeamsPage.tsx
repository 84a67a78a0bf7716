import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import type { Presence, RoutingRule, Team } from '../api/models';
import { usePaged } from '../api/paging';
import { useAuth } from '../auth/AuthContext';
import { mailboxesQuery } from '../mailboxes/mailboxes.api';
import { tagsQuery } from '../tags/tags.api';
import { assignableQuery } from '../tickets/tickets.api';
import { EmptyState, ErrorBox, Loading } from '../ui/feedback';
import { Checkbox, FormError, SelectField, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import {
  addMember,
  createRoutingRule,
  createTeam,
  deleteRoutingRule,
  deleteTeam,
  presenceQuery,
  releaseTickets,
  removeMember,
  routingRulesQuery,
  setPresence,
  teamKeys,
  teamsQuery,
  updateTeam,
} from './teams.api';

const ASSIGNMENT_LABELS: Record<Team['assignment'], string> = {
  off: 'Off (agents pick tickets)',
  round_robin: 'Round robin',
  least_open: 'Fewest open tickets',
};

function useRefresh() {
  const client = useQueryClient();
  return () => Promise.all([teamKeys.teams, teamKeys.rules, teamKeys.presence, teamKeys.topics].map((queryKey) => client.invalidateQueries({ queryKey })));
}

function NewTeamForm() {
  const [name, setName] = useState('');
  const { errors, show, clear } = useFormErrors();
  const refresh = useRefresh();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    try {
      await createTeam({ name });
      setName('');
      await refresh();
    } catch (caught) {
      show(caught, ['name']);
    }
  };
  return (
    <form className="card inline-form" onSubmit={(event) => void submit(event)} aria-label="New team">
      <TextField label="Team name" required maxLength={100} value={name} error={errors.fields.name} onChange={(e) => setName(e.target.value)} />
      <FormError message={errors.form} />
      <button type="submit" className="button primary">
        Add team
      </button>
    </form>
  );
}

function TeamCard({ team, staff }: { team: Team; staff: { id: string; name: string }[] }) {
  const toast = useToast();
  const refresh = useRefresh();
  const [newMember, setNewMember] = useState('');
  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      await refresh();
    } catch (caught) {
      toast.show(caught instanceof Error ? caught.message : 'That did not work');
    }
  };
  const outside = staff.filter((person) => !team.members.some((member) => member.id === person.id));
  return (
    <section className="card" aria-labelledby={`team-${team.id}`}>
      <h2 id={`team-${team.id}`}>{team.name}</h2>
      <SelectField
        label="Automatic assignment"
        value={team.assignment}
        onChange={(e) => void act(() => updateTeam(team.id, { assignment: e.target.value as Team['assignment'] }))}
      >
        {Object.entries(ASSIGNMENT_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <Checkbox
        label="Agents of this team see only its tickets (and those assigned to them)"
        checked={team.restrictAgents}
        onChange={(e) => void act(() => updateTeam(team.id, { restrictAgents: e.target.checked }))}
      />
      <Checkbox
        label="Default team for tickets no rule places"
        checked={team.isDefault}
        onChange={(e) => void act(() => updateTeam(team.id, { isDefault: e.target.checked }))}
      />
      <h3>Members</h3>
      {team.members.length === 0 ? <p className="muted">Nobody yet.</p> : null}
      <ul className="plain-list">
        {team.members.map((member) => (
          <li key={member.id}>
            {member.name}{' '}
            <button type="button" className="button secondary small" onClick={() => void act(() => removeMember(team.id, member.id))}>
              Remove <span className="visually-hidden">{member.name} from {team.name}</span>
            </button>
          </li>
        ))}
      </ul>
      {outside.length > 0 ? (
        <span className="inline-controls">
          <SelectField label={`Add to ${team.name}`} value={newMember} onChange={(e) => setNewMember(e.target.value)}>
            <option value="">Choose someone</option>
            {outside.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </SelectField>
          <button
            type="button"
            className="button primary small"
            disabled={!newMember}
            onClick={() => void act(async () => {
              await addMember(team.id, newMember);
              setNewMember('');
            })}
          >
            Add member
          </button>
        </span>
      ) : null}
      <p>
        <button type="button" className="button secondary small" onClick={() => void act(() => deleteTeam(team.id))}>
          Delete team
        </button>
      </p>
    </section>
  );
}

type RuleKind = 'topic' | 'mailbox' | 'tag';
const RULE_KINDS: Record<RuleKind, string> = {
  topic: 'A topic of the ticket form',
  mailbox: 'The mailbox a mail came in by',
  tag: 'A tag (a ticket of no team joins when tagged)',
};

/** One condition per rule from this form; the API takes several, which must all hold. */
function conditionsOf(form: { kind: RuleKind; value: string }): RoutingRule['conditions'] {
  if (form.kind === 'mailbox') return { mailboxIds: [form.value] };
  return form.kind === 'tag' ? { tags: [form.value] } : { topics: [form.value] };
}

function RoutingRules({ teams }: { teams: Team[] }) {
  const rules = useQuery(routingRulesQuery);
  const { can } = useAuth();
  // Mailboxes are the mail channel's (mail.manage): without it the rule form offers topics and tags.
  const mailboxes = usePaged({ ...mailboxesQuery, enabled: can('mail.manage') });
  const tags = useQuery({ ...tagsQuery('', 100), enabled: can('tickets.note') });
  const refresh = useRefresh();
  const [form, setForm] = useState<{ kind: RuleKind; value: string; teamId: string }>({ kind: 'topic', value: '', teamId: '' });
  const { errors, show, clear } = useFormErrors();
  const nameOf = (id: string) => teams.find((team) => team.id === id)?.name ?? 'a deleted team';
  const addressOf = (id: string) => mailboxes.items?.find((mailbox) => mailbox.id === id)?.address ?? 'a deleted mailbox';
  const describe = (conditions: RoutingRule['conditions']) =>
    [
      conditions.topics && `topic ${conditions.topics.join(' or ')}`,
      conditions.mailboxIds && `mail to ${conditions.mailboxIds.map(addressOf).join(' or ')}`,
      conditions.tags && `tagged ${conditions.tags.join(' or ')}`,
    ]
      .filter(Boolean)
      .join(' and ') || 'Every ticket';
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    const name = form.kind === 'mailbox' ? `Mail to ${addressOf(form.value)}` : form.value;
    try {
      await createRoutingRule({ name, conditions: conditionsOf(form), teamId: form.teamId });
      setForm({ kind: form.kind, value: '', teamId: '' });
      await refresh();
    } catch (caught) {
      show(caught, ['name', 'teamId', 'conditions']);
    }
  };
  return (
    <section className="card" aria-labelledby="routing-title">
      <h2 id="routing-title">Routing</h2>
      <p className="muted">
        A new ticket goes to the team of the first rule that takes it: by the topic a customer chose, or the mailbox its mail came in by. A ticket of
        no team joins a tag&apos;s team when it gets the tag. Without a rule a new ticket goes to the default team.
      </p>
      {rules.error ? <ErrorBox error={rules.error} /> : null}
      <ul className="plain-list">
        {rules.data?.map((rule) => (
          <li key={rule.id}>
            {describe(rule.conditions)} → {nameOf(rule.teamId)}{' '}
            <button type="button" className="button secondary small" onClick={() => void deleteRoutingRule(rule.id).then(refresh)}>
              Remove <span className="visually-hidden">rule {rule.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label="New routing rule">
        <SelectField label="Tickets by" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as RuleKind, value: '' })}>
          {Object.entries(RULE_KINDS).filter(([kind]) => kind !== 'mailbox' || can('mail.manage')).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </SelectField>
        {form.kind === 'mailbox' ? (
          <SelectField label="Mailbox" required value={form.value} error={errors.fields.conditions} onChange={(e) => setForm({ ...form, value: e.target.value })}>
            <option value="">Choose a mailbox</option>
            {(mailboxes.items ?? []).map((mailbox) => (
              <option key={mailbox.id} value={mailbox.id}>
                {mailbox.address}
              </option>
            ))}
          </SelectField>
        ) : (
          <TextField
            label={form.kind === 'tag' ? 'Tag' : 'Topic'}
            required
            maxLength={form.kind === 'tag' ? 50 : 100}
            list={form.kind === 'tag' ? 'routing-tags' : undefined}
            value={form.value}
            error={errors.fields.name ?? errors.fields.conditions}
            onChange={(e) => setForm({ ...form, value: e.target.value })}
          />
        )}
        <datalist id="routing-tags">
          {(tags.data ?? []).map((tag) => (
            <option key={tag.name} value={tag.name} />
          ))}
        </datalist>
        <SelectField label="Goes to" required value={form.teamId} error={errors.fields.teamId} onChange={(e) => setForm({ ...form, teamId: e.target.value })}>
          <option value="">Choose a team</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </SelectField>
        <FormError message={errors.form} />
        <button type="submit" className="button primary">
          Add rule
        </button>
      </form>
    </section>
  );
}

/** Set to available but away by the clock: the business hours (GET /api/business-hours) are over. */
const availabilityLabel = (presence: Pick<Presence, 'effectiveAvailability' | 'awayReason'>): string =>
  presence.effectiveAvailability === 'available' ? 'Available' : presence.awayReason === 'outside_business_hours' ? 'Away (outside business hours)' : 'Away';

function PresenceRow({ person }: { person: Presence }) {
  const refresh = useRefresh();
  const toast = useToast();
  const [capacity, setCapacity] = useState(person.maxOpen === null ? '' : String(person.maxOpen));
  const saveCapacity = async () => {
    await setPresence(person.userId, { maxOpen: capacity === '' ? null : Number(capacity) });
    await refresh();
  };
  const release = async () => {
    const { released } = await releaseTickets(person.userId);
    toast.show(`${released} ticket${released === 1 ? '' : 's'} of ${person.name} went back to the queue`);
    await refresh();
  };
  return (
    <tr>
      <td>{person.name}</td>
      <td data-label="Availability">{availabilityLabel(person)}</td>
      <td data-label="Open tickets">{person.openTickets}</td>
      <td data-label="Capacity">
        <span className="inline-controls">
          <label className="visually-hidden" htmlFor={`capacity-${person.userId}`}>
            Most open tickets for {person.name}
          </label>
          <input id={`capacity-${person.userId}`} type="number" min={0} placeholder="No limit" value={capacity} onChange={(e) => setCapacity(e.target.value)} />
          <button type="button" className="button secondary small" onClick={() => void saveCapacity()}>
            Save
          </button>
        </span>
      </td>
      <td>
        {person.availability === 'away' && person.openTickets > 0 ? (
          <button type="button" className="button secondary small" onClick={() => void release()}>
            Return their tickets to the queue
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** Managers' page: teams and members, assignment, the form's topics, who is available. */
export function TeamsPage() {
  const teams = useQuery(teamsQuery);
  const staff = useQuery(assignableQuery);
  const presence = useQuery(presenceQuery);
  if (teams.error) return <ErrorBox error={teams.error} />;
  if (!teams.data) return <Loading label="Loading the teams…" />;
  return (
    <section className="page" aria-labelledby="teams-title">
      <h1 id="teams-title">Teams</h1>
      <NewTeamForm />
      {teams.data.length === 0 ? <EmptyState title="No teams yet" /> : null}
      <div className="card-grid">
        {teams.data.map((team) => (
          <TeamCard key={team.id} team={team} staff={staff.data ?? []} />
        ))}
      </div>
      <RoutingRules teams={teams.data} />
      <section className="card" aria-labelledby="presence-title">
        <h2 id="presence-title">Availability</h2>
        <p className="muted">Away agents get no new tickets; the tickets they have stay theirs unless you return them to the queue.</p>
        {presence.data ? (
          <table className="ticket-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Availability</th>
                <th scope="col">Open tickets</th>
                <th scope="col">Capacity</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {presence.data.map((person) => (
                <PresenceRow key={`${person.userId}-${person.maxOpen ?? ''}`} person={person} />
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </section>
  );
}
