-- Request counts of the rate limits, shared by every server process on this database (with
-- REDIS_URL set they are kept in Redis instead). One row per counted key (`write:user:<id>`,
-- `login:ip:<address>`, …): its hits in the current window and when that window ends. A count
-- is worth nothing after a crash, so the table skips the write-ahead log.
CREATE UNLOGGED TABLE "rate_limit_counters" (
	"key" text PRIMARY KEY,
	"hits" integer NOT NULL,
	"resets_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Expired rows are swept in small batches by the counting statement itself.
CREATE INDEX "rate_limit_counters_resets_at_idx" ON "rate_limit_counters" ("resets_at");
