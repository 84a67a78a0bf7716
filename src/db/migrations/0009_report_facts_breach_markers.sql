ALTER TABLE "tickets" ADD COLUMN "first_responder_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_first_responder_id_users_id_fk" FOREIGN KEY ("first_responder_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_resolution_assignee_id_users_id_fk" FOREIGN KEY ("resolution_assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Reports read each ticket's facts from its row instead of replaying ticket_events. Who wrote
-- the first response and whom the final resolution is credited to come from the history for
-- the tickets already there (the same rules src/reports used to apply to it).
UPDATE "tickets" t SET
  "first_responder_id" = CASE WHEN t."first_response_at" IS NOT NULL THEN (
    SELECT e."actor_id" FROM "ticket_events" e
    WHERE e."ticket_id" = t."id" AND e."type" = 'ticket.message' AND NOT e."internal"
      AND e."data"->>'authorRole' IN ('agent', 'manager')
    ORDER BY e."id" LIMIT 1) END,
  "resolution_assignee_id" = CASE WHEN t."resolved_at" IS NOT NULL THEN (
    SELECT (a."data"->>'to')::uuid FROM "ticket_events" a
    WHERE a."ticket_id" = t."id" AND a."type" = 'ticket.assignee_changed'
      AND a."id" < (SELECT max(r."id") FROM "ticket_events" r
                    WHERE r."ticket_id" = t."id" AND r."type" = 'ticket.status_changed' AND r."data"->>'to' = 'resolved')
    ORDER BY a."id" DESC LIMIT 1) END
WHERE t."first_response_at" IS NOT NULL OR t."resolved_at" IS NOT NULL;
--> statement-breakpoint
-- Whoever sets resolved_at (a PATCH, an escalation rule, a direct insert) credits the assignee
-- of that moment. A change that resolves and reassigns at once resolves first, as its history
-- records, so it credits the assignee before the change.
CREATE FUNCTION "tickets_resolution_assignee"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."resolved_at" IS NULL THEN
    NEW."resolution_assignee_id" := NULL;
  ELSIF TG_OP = 'INSERT' THEN
    NEW."resolution_assignee_id" := NEW."assignee_id";
  ELSIF NEW."resolved_at" IS DISTINCT FROM OLD."resolved_at" THEN
    NEW."resolution_assignee_id" := OLD."assignee_id";
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_resolution_assignee" BEFORE INSERT OR UPDATE OF "resolved_at" ON "tickets"
  FOR EACH ROW EXECUTE FUNCTION "tickets_resolution_assignee"();--> statement-breakpoint
-- Each report reads one range of one of these, index-only: created, open at the end of the
-- range, first responses and final resolutions by when they happened, escalations.
CREATE INDEX "tickets_created_idx" ON "tickets" ("created_at");--> statement-breakpoint
CREATE INDEX "tickets_backlog_idx" ON "tickets" ("created_at") WHERE "status" NOT IN ('resolved', 'closed');--> statement-breakpoint
CREATE INDEX "tickets_first_response_idx" ON "tickets" ("first_response_at")
  INCLUDE ("created_at", "first_response_due_at", "first_responder_id") WHERE "first_response_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolved_idx" ON "tickets" ("resolved_at")
  INCLUDE ("created_at", "resolution_due_at", "status", "resolution_assignee_id") WHERE "resolved_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "ticket_events_escalated_idx" ON "ticket_events" ("created_at") INCLUDE ("ticket_id")
  WHERE "type" = 'ticket.escalated' OR ("type" = 'ticket.status_changed' AND "data"->>'to' = 'escalated');--> statement-breakpoint
-- The SLA check reads only misses not yet recorded: a recorded breach marks its ticket, and
-- the marked tickets leave the check's indexes instead of being re-read on every run.
UPDATE "tickets" t SET
  "first_response_breached" = b."first_response",
  "resolution_breached" = b."resolution"
FROM (SELECT "ticket_id", bool_or("target" = 'first_response') AS "first_response", bool_or("target" = 'resolution') AS "resolution"
      FROM "sla_breaches" GROUP BY "ticket_id") b
WHERE b."ticket_id" = t."id";--> statement-breakpoint
DROP INDEX "tickets_first_response_due_idx";--> statement-breakpoint
CREATE INDEX "tickets_first_response_due_idx" ON "tickets" ("first_response_due_at")
  WHERE "first_response_at" IS NULL AND "resolved_at" IS NULL AND "closed_at" IS NULL AND NOT "first_response_breached";--> statement-breakpoint
DROP INDEX "tickets_resolution_due_idx";--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_idx" ON "tickets" ("resolution_due_at")
  WHERE "resolved_at" IS NULL AND "closed_at" IS NULL AND NOT "resolution_breached";
