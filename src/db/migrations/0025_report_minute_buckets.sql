-- The backfill below reads every ticket once: seconds at a million, past a tight statement_timeout.
SET LOCAL statement_timeout = 0;--> statement-breakpoint
-- No writer may add to a sealed day between the backfill and the new triggers' first row.
SELECT pg_advisory_xact_lock(7346210023);--> statement-breakpoint
-- A minutes histogram beside the per-person roll-ups: per UTC day, team and fact, how many
-- first responses and final resolutions took how long, in buckets 10 % wide. A percentile
-- over a year then finds the bucket its rank falls in from some thousand rows, and walks the
-- sorted index (migration 0023) inside that bucket only (src/reports/percentiles.ts).
-- Bucket 0 holds everything under a minute; bucket b > 0 holds [1.1^(b-1), 1.1^b).
CREATE FUNCTION "report_minute_bucket"(minutes float8) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN minutes < 1 THEN 0 ELSE 1 + floor(ln(minutes) / ln(1.1)) END::smallint
$$;--> statement-breakpoint
-- Bounds no value of bucket b lies outside, a little wide of the exact edges so that
-- rounding in ln() never leaves one out: readers bound the index walk with them and test
-- the bucket itself.
CREATE FUNCTION "report_minute_bucket_floor"(b smallint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b = 0 THEN '-infinity'::float8 ELSE power(1.1, b - 1) * (1 - 1e-9) END
$$;--> statement-breakpoint
CREATE FUNCTION "report_minute_bucket_ceiling"(b smallint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT power(1.1, b) * (1 + 1e-9)
$$;--> statement-breakpoint
-- A histogram row has a bucket and no person; a per-person row has a person (or none) and no bucket.
ALTER TABLE "report_days" ADD COLUMN "bucket" smallint;--> statement-breakpoint
-- Each person's histogram, per calendar month (UTC) and team: per day it would hold about as
-- many rows as there are values. The agent table's medians find their bucket here for a
-- range's whole sealed months. A month holds the facts of its sealed days only.
CREATE TABLE "report_person_months" (
  "fact" text NOT NULL,
  "month" date NOT NULL,
  "team_id" uuid,
  "agent_id" uuid NOT NULL,
  "bucket" smallint NOT NULL,
  "n" integer NOT NULL,
  CONSTRAINT "report_person_months_key" UNIQUE NULLS NOT DISTINCT ("fact", "month", "agent_id", "team_id", "bucket")
);--> statement-breakpoint
ALTER TABLE "report_days" DROP CONSTRAINT "report_days_key";--> statement-breakpoint
ALTER TABLE "report_days" ADD CONSTRAINT "report_days_key" UNIQUE NULLS NOT DISTINCT ("fact", "day", "team_id", "agent_id", "bucket");--> statement-breakpoint
-- Three grains of a fact: per person (no bucket), the team's histogram (a bucket, no person)
-- and the person's histogram (both), which report_days_merge keeps per month.
CREATE OR REPLACE FUNCTION "report_ticket_facts"(t "tickets") RETURNS SETOF "report_days" LANGUAGE sql STABLE AS $$
  SELECT v.fact, (v.at AT TIME ZONE 'UTC')::date, t.team_id, CASE WHEN g.by_person THEN v.agent_id END,
    1, extract(epoch FROM v.at - t.created_at), coalesce((v.at <= v.due)::int, 0), (v.due IS NOT NULL)::int,
    CASE WHEN g.by_minutes THEN report_minute_bucket(date_part('epoch', v.at - t.created_at) / 60) END
  FROM (VALUES
    ('created', t.created_at, NULL::uuid, NULL::timestamptz, true, false),
    ('first_response', t.first_response_at, t.first_responder_id, t.first_response_due_at, t.first_response_at IS NOT NULL, true),
    ('resolution', t.resolved_at, t.resolution_assignee_id, t.resolution_due_at, t.resolved_at IS NOT NULL AND t.status IN ('resolved', 'closed'), true)
  ) v(fact, at, agent_id, due, kept, timed),
  (VALUES (true, false), (false, true), (true, true)) g(by_person, by_minutes)
  WHERE v.kept AND (v.timed OR NOT g.by_minutes) AND (v.agent_id IS NOT NULL OR NOT (g.by_person AND g.by_minutes))
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "report_event_facts"(type text, data jsonb, at timestamp with time zone, team uuid) RETURNS SETOF "report_days" LANGUAGE sql STABLE AS $$
  SELECT 'assigned', (at AT TIME ZONE 'UTC')::date, team, (data->>'to')::uuid, 1, 0::numeric, 0, 0, NULL::smallint
  WHERE type = 'ticket.assignee_changed' AND data->>'to' IS NOT NULL
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "report_facts_between"(lo date, hi date) RETURNS SETOF "report_days" LANGUAGE sql STABLE AS $$
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
  SELECT fact, day, team_id, agent_id, sum(n)::int, sum(seconds), sum(met)::int, sum(measured)::int, bucket
  FROM facts WHERE day >= lo AND day < hi
  GROUP BY fact, day, team_id, agent_id, bucket
$$;--> statement-breakpoint
-- A person's histogram rows go to their month; the other grains to their day.
CREATE OR REPLACE FUNCTION "report_days_merge"(changes "report_days"[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "report_days" AS d ("fact", "day", "team_id", "agent_id", "bucket", "n", "seconds", "met", "measured")
  SELECT c.fact, c.day, c.team_id, c.agent_id, c.bucket, sum(c.n), sum(c.seconds), sum(c.met), sum(c.measured)
  FROM unnest(changes) c
  WHERE c.agent_id IS NULL OR c.bucket IS NULL
  GROUP BY c.fact, c.day, c.team_id, c.agent_id, c.bucket
  ON CONFLICT ("fact", "day", "team_id", "agent_id", "bucket") DO UPDATE SET
    "n" = d."n" + excluded."n",
    "seconds" = d."seconds" + excluded."seconds",
    "met" = d."met" + excluded."met",
    "measured" = d."measured" + excluded."measured";
  INSERT INTO "report_person_months" AS m ("fact", "month", "team_id", "agent_id", "bucket", "n")
  SELECT c.fact, date_trunc('month', c.day::timestamp)::date, c.team_id, c.agent_id, c.bucket, sum(c.n)
  FROM unnest(changes) c
  WHERE c.agent_id IS NOT NULL AND c.bucket IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT ("fact", "month", "agent_id", "team_id", "bucket") DO UPDATE SET "n" = m."n" + excluded."n"
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "report_days_negated"(r "report_days") RETURNS "report_days" LANGUAGE sql IMMUTABLE AS $$
  SELECT (r.fact, r.day, r.team_id, r.agent_id, -r.n, -r.seconds, -r.met, -r.measured, r.bucket)::"report_days"
$$;--> statement-breakpoint
-- The histograms of the days already sealed; later days are read from the tickets.
INSERT INTO "report_days" ("fact", "day", "team_id", "agent_id", "bucket", "n", "seconds", "met", "measured")
SELECT f.fact, f.day, f.team_id, f.agent_id, f.bucket, sum(f.n), sum(f.seconds), sum(f.met), sum(f.measured)
FROM "tickets" t, report_ticket_facts(t) f
WHERE f.bucket IS NOT NULL AND f.agent_id IS NULL AND f.day < (SELECT r.sealed_until FROM "report_rollup" r)
GROUP BY f.fact, f.day, f.team_id, f.agent_id, f.bucket;--> statement-breakpoint
INSERT INTO "report_person_months" ("fact", "month", "team_id", "agent_id", "bucket", "n")
SELECT f.fact, date_trunc('month', f.day::timestamp)::date, f.team_id, f.agent_id, f.bucket, sum(f.n)
FROM "tickets" t, report_ticket_facts(t) f
WHERE f.bucket IS NOT NULL AND f.agent_id IS NOT NULL AND f.day < (SELECT r.sealed_until FROM "report_rollup" r)
GROUP BY 1, 2, 3, 4, 5;
