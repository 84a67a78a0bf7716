import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Availability } from '../api/models';
import { myPresenceQuery, setMyAvailability, teamKeys } from './teams.api';

/**
 * Staff say whether automatic assignment may give them tickets; going away keeps the ones
 * they have. Outside the business hours it gives them none either way, which is said here.
 */
export function AvailabilitySwitch() {
  const client = useQueryClient();
  const presence = useQuery(myPresenceQuery);
  const [busy, setBusy] = useState(false);
  if (!presence.data) return null;
  const change = async (availability: Availability) => {
    setBusy(true);
    try {
      client.setQueryData(teamKeys.myPresence, await setMyAvailability(availability));
    } finally {
      setBusy(false);
    }
  };
  return (
    <label className="compact-field availability">
      <span className="visually-hidden">Your availability</span>
      <select value={presence.data.availability} disabled={busy} onChange={(event) => void change(event.target.value as Availability)}>
        <option value="available">Available</option>
        <option value="away">Away</option>
      </select>
      {presence.data.awayReason === 'outside_business_hours' ? <span className="muted">Away: outside business hours</span> : null}
    </label>
  );
}
