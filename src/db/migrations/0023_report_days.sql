-- The backfill below reads every ticket and assignment once: a minute or more at a million
-- tickets, past a server's usual statement_timeout. (Migrations run in one transaction.)
SET LOCAL statement_timeout = 0;--> statement-breakpoint
-- Per-day roll-ups of the report facts (src/reports/report-days.ts reads them), so a whole
-- year is some thousands of rows instead of a million tickets. A row sums, per UTC day, team
-- (the ticket's team now) and person, what the reports count: tickets created, first
-- responses and final resolutions (with their seconds, SLA met and measured), assignment
-- events. The seconds are numeric so that adding and taking away stay exact.
CREATE TABLE "report_days" (
  "fact" text NOT NULL,
  "day" date NOT NULL,
  "team_id" uuid,
  "agent_id" uuid,
  "n" integer NOT NULL,
  "seconds" numeric NOT NULL,
  "met" integer NOT NULL,
  "measured" integer NOT NULL,
  CONSTRAINT "report_days_key" UNIQUE NULLS NOT DISTINCT ("fact", "day", "team_id", "agent_id")
);--> statement-breakpoint
-- Only days before sealed_until are rolled up; later days are read from the tickets. Today
-- stays unsealed so that opening, answering and resolving tickets, which happen today, never
-- wait for each other on a shared counter row: only changes to facts of past days write here.
CREATE TABLE "report_rollup" ("sealed_until" date NOT NULL);--> statement-breakpoint
-- An assignment of a ticket to someone it had been assigned to before, with when that was:
-- an agent is counted once per ticket in a range, so a range holding both subtracts these.
CREATE TABLE "report_reassignments" (
  "event_id" bigint PRIMARY KEY,
  "ticket_id" uuid NOT NULL,
  "agent_id" uuid NOT NULL,
  "at" timestamp with time zone NOT NULL,
  "previous_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
CREATE INDEX "report_reassignments_previous_idx" ON "report_reassignments" ("previous_at") INCLUDE ("at", "agent_id", "ticket_id");--> statement-breakpoint
-- What one ticket row adds to the roll-ups (the definitions of src/reports/reports.repository.ts).
-- (One SELECT over VALUES: with a UNION instead, PostgreSQL 15 fails to plan the rows of it.)
CREATE FUNCTION "report_ticket_facts"(t "tickets") RETURNS SETOF "report_days" LANGUAGE sql STABLE AS $$
  SELECT v.fact, (v.at AT TIME ZONE 'UTC')::date, t.team_id, v.agent_id, 1, extract(epoch FROM v.at - t.created_at),
    coalesce((v.at <= v.due)::int, 0), (v.due IS NOT NULL)::int
  FROM (VALUES
    ('created', t.created_at, NULL::uuid, NULL::timestamptz, true),
    ('first_response', t.first_response_at, t.first_responder_id, t.first_response_due_at, t.first_response_at IS NOT NULL),
    ('resolution', t.resolved_at, t.resolution_assignee_id, t.resolution_due_at, t.resolved_at IS NOT NULL AND t.status IN ('resolved', 'closed'))
  ) v(fact, at, agent_id, due, kept)
  WHERE v.kept
$$;--> statement-breakpoint
-- What one history event adds, for a ticket of `team`: an assignment counts for its agent.
CREATE FUNCTION "report_event_facts"(type text, data jsonb, at timestamp with time zone, team uuid) RETURNS SETOF "report_days" LANGUAGE sql STABLE AS $$
  SELECT 'assigned', (at AT TIME ZONE 'UTC')::date, team, (data->>'to')::uuid, 1, 0::numeric, 0, 0
  WHERE type = 'ticket.assignee_changed' AND data->>'to' IS NOT NULL
$$;--> statement-breakpoint
-- Every fact of the days [lo, hi), summed: what sealing adds and what the roll-ups must equal.
CREATE FUNCTION "report_facts_between"(lo date, hi date) RETURNS SETOF "report_days" LANGUAGE sql STABLE AS $$
  WITH bounds AS (SELECT lo::timestamp AT TIME ZONE 'UTC' AS lo_at, hi::timestamp AT TIME ZONE 'UTC' AS hi_at),
  facts AS (
    SELECT f.* FROM bounds, "tickets" t, report_ticket_facts(t) f
    WHERE (t.created_at >= lo_at AND t.created_at < hi_at)
       OR (t.first_response_at >= lo_at AND t.first_response_at < hi_at)
       OR (t.resolved_at >= lo_at AND t.resolved_at < hi_at)
    UNION ALL
    SELECT f.* FROM bounds, "ticket_events" e JOIN "tickets" t ON t.id = e.ticket_id, report_event_facts(e.type, e.data, e.created_at, t.team_id) f
    WHERE e.type = 'ticket.assignee_changed' AND e.created_at >= lo_at AND e.created_at < hi_at
  )
  SELECT fact, day, team_id, agent_id, sum(n)::int, sum(seconds), sum(met)::int, sum(measured)::int
  FROM facts WHERE day >= lo AND day < hi
  GROUP BY fact, day, team_id, agent_id
$$;--> statement-breakpoint
-- Adds signed rows to the roll-ups; rows of one key are summed first, as one INSERT may touch a key once.
CREATE FUNCTION "report_days_merge"(changes "report_days"[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "report_days" AS d ("fact", "day", "team_id", "agent_id", "n", "seconds", "met", "measured")
  SELECT c.fact, c.day, c.team_id, c.agent_id, sum(c.n), sum(c.seconds), sum(c.met), sum(c.measured)
  FROM unnest(changes) c
  GROUP BY c.fact, c.day, c.team_id, c.agent_id
  ON CONFLICT ("fact", "day", "team_id", "agent_id") DO UPDATE SET
    "n" = d."n" + excluded."n",
    "seconds" = d."seconds" + excluded."seconds",
    "met" = d."met" + excluded."met",
    "measured" = d."measured" + excluded."measured"
$$;--> statement-breakpoint
-- The negation of roll-up rows: what a change takes away.
CREATE FUNCTION "report_days_negated"(r "report_days") RETURNS "report_days" LANGUAGE sql IMMUTABLE AS $$
  SELECT (r.fact, r.day, r.team_id, r.agent_id, -r.n, -r.seconds, -r.met, -r.measured)::"report_days"
$$;--> statement-breakpoint
-- Writers of facts hold this lock shared until they commit; sealing takes it alone, so it
-- never reads a day while a change to that day is uncommitted, and a writer that comes after
-- reads the new bound.
CREATE FUNCTION "report_days_writer_bound"() RETURNS date LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7346210023);
  RETURN (SELECT r.sealed_until FROM "report_rollup" r);
END
$$;--> statement-breakpoint
CREATE FUNCTION "report_days_ticket_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sealed date := report_days_writer_bound();
  changes "report_days"[];
BEGIN
  changes := array(
    SELECT f FROM report_ticket_facts(NEW) f WHERE TG_OP <> 'DELETE' AND f.day < sealed
    UNION ALL
    SELECT report_days_negated(f) FROM report_ticket_facts(OLD) f WHERE TG_OP <> 'INSERT' AND f.day < sealed);
  -- Assignments count for the ticket's team now: a new team takes them over.
  IF TG_OP = 'UPDATE' AND NEW.team_id IS DISTINCT FROM OLD.team_id THEN
    changes := changes || array(
      SELECT g FROM "ticket_events" e,
        LATERAL (SELECT f FROM report_event_facts(e.type, e.data, e.created_at, NEW.team_id) f
                 UNION ALL SELECT report_days_negated(f) FROM report_event_facts(e.type, e.data, e.created_at, OLD.team_id) f) x(g)
      WHERE e.ticket_id = NEW.id AND e.type = 'ticket.assignee_changed' AND (g).day < sealed);
  END IF;
  IF cardinality(changes) > 0 THEN PERFORM report_days_merge(changes); END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "report_days_ticket_written" AFTER INSERT OR DELETE ON "tickets"
  FOR EACH ROW EXECUTE FUNCTION "report_days_ticket_changed"();--> statement-breakpoint
CREATE TRIGGER "report_days_ticket_changed" AFTER UPDATE ON "tickets" FOR EACH ROW
  WHEN (OLD."created_at" IS DISTINCT FROM NEW."created_at" OR OLD."team_id" IS DISTINCT FROM NEW."team_id"
    OR OLD."status" IS DISTINCT FROM NEW."status"
    OR OLD."first_response_at" IS DISTINCT FROM NEW."first_response_at" OR OLD."first_responder_id" IS DISTINCT FROM NEW."first_responder_id"
    OR OLD."first_response_due_at" IS DISTINCT FROM NEW."first_response_due_at"
    OR OLD."resolved_at" IS DISTINCT FROM NEW."resolved_at" OR OLD."resolution_assignee_id" IS DISTINCT FROM NEW."resolution_assignee_id"
    OR OLD."resolution_due_at" IS DISTINCT FROM NEW."resolution_due_at")
  EXECUTE FUNCTION "report_days_ticket_changed"();--> statement-breakpoint
CREATE FUNCTION "report_days_assignment_added"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sealed date := report_days_writer_bound();
  agent uuid := (NEW.data->>'to')::uuid;
BEGIN
  IF agent IS NULL THEN RETURN NULL; END IF;
  IF (NEW.created_at AT TIME ZONE 'UTC')::date < sealed THEN
    PERFORM report_days_merge(array(
      SELECT f FROM "tickets" t, report_event_facts(NEW.type, NEW.data, NEW.created_at, t.team_id) f WHERE t.id = NEW.ticket_id));
  END IF;
  -- The chain of this ticket's assignments to this agent, in time order (a clock set back,
  -- as in tests, can put the new one before earlier-written ones): link it to both sides.
  INSERT INTO "report_reassignments" ("event_id", "ticket_id", "agent_id", "at", "previous_at")
  SELECT NEW.id, NEW.ticket_id, agent, NEW.created_at, p.created_at FROM "ticket_events" p
  WHERE p.ticket_id = NEW.ticket_id AND p.type = 'ticket.assignee_changed' AND p.data->>'to' = agent::text
    AND (p.created_at, p.id) < (NEW.created_at, NEW.id)
  ORDER BY p.created_at DESC, p.id DESC LIMIT 1;
  INSERT INTO "report_reassignments" ("event_id", "ticket_id", "agent_id", "at", "previous_at")
  SELECT s.id, s.ticket_id, agent, s.created_at, NEW.created_at FROM "ticket_events" s
  WHERE s.ticket_id = NEW.ticket_id AND s.type = 'ticket.assignee_changed' AND s.data->>'to' = agent::text
    AND (s.created_at, s.id) > (NEW.created_at, NEW.id)
  ORDER BY s.created_at, s.id LIMIT 1
  ON CONFLICT ("event_id") DO UPDATE SET "previous_at" = excluded."previous_at";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "report_days_assignment_added" AFTER INSERT ON "ticket_events" FOR EACH ROW
  WHEN (NEW."type" = 'ticket.assignee_changed') EXECUTE FUNCTION "report_days_assignment_added"();--> statement-breakpoint
-- Minutes in sorted order, for everyone and per person: a percentile over most of a fact's
-- values walks to its ranks here instead of sorting them (src/reports/percentiles.ts). The
-- columns the walk filters on ride along, so it stays index-only.
CREATE INDEX "tickets_first_response_minutes_idx" ON "tickets" ((date_part('epoch', "first_response_at" - "created_at") / 60))
  INCLUDE ("created_at", "first_response_at", "team_id") WHERE "first_response_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_responder_minutes_idx" ON "tickets" ("first_responder_id", (date_part('epoch', "first_response_at" - "created_at") / 60))
  INCLUDE ("created_at", "first_response_at", "team_id") WHERE "first_response_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolution_minutes_idx" ON "tickets" ((date_part('epoch', "resolved_at" - "created_at") / 60))
  INCLUDE ("created_at", "resolved_at", "status", "team_id") WHERE "resolved_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolver_minutes_idx" ON "tickets" ("resolution_assignee_id", (date_part('epoch', "resolved_at" - "created_at") / 60))
  INCLUDE ("created_at", "resolved_at", "status", "team_id") WHERE "resolved_at" IS NOT NULL;--> statement-breakpoint
-- Rolls up the days that ended since the last call and answers the new bound. Reports call it
-- before reading, so the roll-ups follow the calendar without a scheduler.
CREATE FUNCTION "report_seal"() RETURNS date LANGUAGE plpgsql AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  sealed date := (SELECT r.sealed_until FROM "report_rollup" r);
BEGIN
  IF sealed >= today THEN RETURN sealed; END IF;
  PERFORM pg_advisory_xact_lock(7346210023);
  sealed := (SELECT r.sealed_until FROM "report_rollup" r);
  IF sealed < today THEN
    PERFORM report_days_merge(array(SELECT f FROM report_facts_between(sealed, today) f));
    UPDATE "report_rollup" SET "sealed_until" = today;
  END IF;
  RETURN greatest(sealed, today);
END
$$;--> statement-breakpoint
INSERT INTO "report_rollup" ("sealed_until") VALUES ('-infinity');--> statement-breakpoint
SELECT report_seal();--> statement-breakpoint
INSERT INTO "report_reassignments" ("event_id", "ticket_id", "agent_id", "at", "previous_at")
SELECT id, ticket_id, agent_id, created_at, previous_at FROM (
  SELECT e.id, e.ticket_id, (e.data->>'to')::uuid AS agent_id, e.created_at,
    lag(e.created_at) OVER (PARTITION BY e.ticket_id, e.data->>'to' ORDER BY e.created_at, e.id) AS previous_at
  FROM "ticket_events" e WHERE e.type = 'ticket.assignee_changed' AND e.data->>'to' IS NOT NULL) chained
WHERE previous_at IS NOT NULL;
