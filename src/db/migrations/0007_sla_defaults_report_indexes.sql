-- The default SLA targets (minutes); managers edit them through PUT /api/sla-policies/:priority.
INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes) VALUES
  ('urgent', 30, 240),
  ('high', 60, 480),
  ('normal', 240, 1440),
  ('low', 480, 4320)
ON CONFLICT (priority) DO NOTHING;
--> statement-breakpoint
-- Reports pick events of one type in a date range (created, resolved, first replies, escalations).
CREATE INDEX IF NOT EXISTS ticket_events_type_created_idx ON ticket_events (type, created_at);
--> statement-breakpoint
-- The SLA check looks only at running clocks that are past due.
CREATE INDEX IF NOT EXISTS tickets_first_response_due_idx ON tickets (first_response_due_at)
  WHERE first_response_at IS NULL AND resolved_at IS NULL AND closed_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS tickets_resolution_due_idx ON tickets (resolution_due_at)
  WHERE resolved_at IS NULL AND closed_at IS NULL;
