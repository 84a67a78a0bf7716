-- The backlog at a past end of a report is the backlog now, less what has come in since
-- (tickets created, tickets reopened) and plus what has gone out (tickets resolved or
-- closed): two counts of status changes since then, each index-only.
CREATE INDEX "ticket_events_reopened_idx" ON "ticket_events" ("created_at")
  WHERE "type" = 'ticket.status_changed' AND "data"->>'from' IN ('resolved', 'closed') AND "data"->>'to' NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE INDEX "ticket_events_settled_idx" ON "ticket_events" ("created_at")
  WHERE "type" = 'ticket.status_changed' AND "data"->>'from' NOT IN ('resolved', 'closed') AND "data"->>'to' IN ('resolved', 'closed');
