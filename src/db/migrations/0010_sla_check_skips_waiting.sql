-- A ticket waiting on the customer holds its resolution clock: a due time already past when
-- the wait began was recorded by the change that began it (see syncSlaClock), and none can
-- pass while it waits, so the SLA check reads no waiting ticket (at 1M tickets, 6,500 of them
-- were re-read on every run, each with a look into its history).
DROP INDEX "tickets_resolution_due_idx";--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_idx" ON "tickets" ("resolution_due_at")
  WHERE "resolved_at" IS NULL AND "closed_at" IS NULL AND NOT "resolution_breached" AND "status" <> 'waiting_on_customer';
