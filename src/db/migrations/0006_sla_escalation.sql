CREATE TABLE "business_hours" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"timezone" text NOT NULL,
	"days" jsonb NOT NULL,
	"holidays" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "business_hours_single_row" CHECK ("business_hours"."id")
);
--> statement-breakpoint
CREATE TABLE "sla_breaches" (
	"ticket_id" uuid NOT NULL,
	"target" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"breached_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sla_breaches_ticket_id_target_pk" PRIMARY KEY("ticket_id","target"),
	CONSTRAINT "sla_breaches_target_check" CHECK ("sla_breaches"."target" in ('first_response', 'resolution'))
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"priority" text PRIMARY KEY NOT NULL,
	"first_response_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_policies_priority_check" CHECK ("sla_policies"."priority" in ('low', 'normal', 'high', 'urgent')),
	CONSTRAINT "sla_policies_minutes_check" CHECK ("sla_policies"."first_response_minutes" > 0 and "sla_policies"."resolution_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "escalation_applications" (
	"rule_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	CONSTRAINT "escalation_applications_rule_id_ticket_id_pk" PRIMARY KEY("rule_id","ticket_id")
);
--> statement-breakpoint
CREATE TABLE "escalation_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"conditions" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sla_breaches" ADD CONSTRAINT "sla_breaches_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_applications" ADD CONSTRAINT "escalation_applications_rule_id_escalation_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."escalation_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_applications" ADD CONSTRAINT "escalation_applications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalation_applications_ticket_idx" ON "escalation_applications" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "escalation_rules_created_idx" ON "escalation_rules" USING btree ("created_at","id");