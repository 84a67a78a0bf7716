import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Ticket } from '../api/models';
import { SelectField } from '../ui/forms';
import { teamsQuery } from './teams.api';

/** Moves a ticket to another team, or out of any (offered when the ticket's abilities allow). */
export function TeamPicker({ ticket, onChange }: { ticket: Ticket; onChange: (teamId: string | null) => void }) {
  const teams = useQuery(teamsQuery);
  const [choice, setChoice] = useState('');
  if (!teams.data?.length) return null;
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (choice) onChange(choice === 'none' ? null : choice);
        setChoice('');
      }}
    >
      <SelectField label="Move to team" value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">{ticket.team?.name ?? 'No team'} (current)</option>
        {ticket.teamId ? <option value="none">No team</option> : null}
        {teams.data
          .filter((team) => team.id !== ticket.teamId)
          .map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
      </SelectField>
      <button type="submit" className="button secondary" disabled={!choice}>
        Move
      </button>
    </form>
  );
}
