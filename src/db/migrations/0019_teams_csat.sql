-- Teams own tickets; routing rules give a new ticket its team; agents carry an availability
-- and a capacity for automatic assignment; resolved tickets ask their requester once how it went.
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"restrict_agents" boolean DEFAULT false NOT NULL,
	"assignment" text DEFAULT 'off' NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"last_assignee_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_assignment_check" CHECK ("assignment" in ('off', 'round_robin', 'least_open'))
);
--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_last_assignee_id_users_id_fk" FOREIGN KEY ("last_assignee_id") REFERENCES "users"("id") ON DELETE set null;--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_idx" ON "teams" (lower("name"));--> statement-breakpoint
-- At most one default team: the one a ticket no rule routes gets.
CREATE UNIQUE INDEX "teams_default_idx" ON "teams" ("is_default") WHERE "is_default";--> statement-breakpoint
CREATE TABLE "team_members" (
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_members_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE cascade;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade;--> statement-breakpoint
-- Every authenticated request loads the caller's teams.
CREATE INDEX "team_members_user_idx" ON "team_members" ("user_id");--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"team_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE cascade;--> statement-breakpoint
CREATE TABLE "agent_presence" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"availability" text DEFAULT 'available' NOT NULL,
	"max_open" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_presence_availability_check" CHECK ("availability" in ('available', 'away')),
	CONSTRAINT "agent_presence_max_open_check" CHECK ("max_open" is null or "max_open" >= 0)
);
--> statement-breakpoint
ALTER TABLE "agent_presence" ADD CONSTRAINT "agent_presence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE set null;--> statement-breakpoint
CREATE INDEX "tickets_team_number_idx" ON "tickets" ("team_id","number");--> statement-breakpoint
-- Least-open assignment and capacity count each agent's open tickets.
CREATE INDEX "tickets_assignee_open_idx" ON "tickets" ("assignee_id") WHERE "status" not in ('resolved', 'closed');--> statement-breakpoint
CREATE TABLE "satisfaction_ratings" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"agent_id" uuid,
	"team_id" uuid,
	"asked_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"rating" text,
	"comment" text,
	"answered_at" timestamp with time zone,
	CONSTRAINT "satisfaction_ratings_rating_check" CHECK ("rating" is null or "rating" in ('good', 'bad'))
);
--> statement-breakpoint
ALTER TABLE "satisfaction_ratings" ADD CONSTRAINT "satisfaction_ratings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE cascade;--> statement-breakpoint
ALTER TABLE "satisfaction_ratings" ADD CONSTRAINT "satisfaction_ratings_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "users"("id") ON DELETE set null;--> statement-breakpoint
ALTER TABLE "satisfaction_ratings" ADD CONSTRAINT "satisfaction_ratings_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE set null;--> statement-breakpoint
-- CSAT reports read the requests of a range by when they were asked.
CREATE INDEX "satisfaction_ratings_asked_idx" ON "satisfaction_ratings" ("asked_at");--> statement-breakpoint
-- Team membership decides what a restricted agent sees: a live stream re-reads its caller's access.
CREATE TRIGGER "team_members_stream_access" AFTER INSERT OR UPDATE OR DELETE ON "team_members"
  FOR EACH STATEMENT EXECUTE FUNCTION "stream_access_changed"();--> statement-breakpoint
CREATE TRIGGER "teams_stream_access" AFTER UPDATE OF "restrict_agents" OR DELETE ON "teams"
  FOR EACH STATEMENT EXECUTE FUNCTION "stream_access_changed"();--> statement-breakpoint
INSERT INTO role_permissions (role, permission) VALUES
  ('manager', 'teams.manage'),
  ('manager', 'tickets.team'),
  ('agent', 'tickets.team')
ON CONFLICT DO NOTHING;
