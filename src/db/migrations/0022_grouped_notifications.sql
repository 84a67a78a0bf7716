-- Grouped notifications (issue 16): many events of one kind in one run become one notification
-- per recipient; its tickets are listed here. group_size is null for a notification about one ticket.
ALTER TABLE "notifications" ADD COLUMN "group_size" integer;--> statement-breakpoint
CREATE TABLE "notification_tickets" (
	"notification_id" bigint NOT NULL,
	"ticket_id" uuid NOT NULL,
	CONSTRAINT "notification_tickets_notification_id_ticket_id_pk" PRIMARY KEY("notification_id","ticket_id")
);--> statement-breakpoint
ALTER TABLE "notification_tickets" ADD CONSTRAINT "notification_tickets_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_tickets" ADD CONSTRAINT "notification_tickets_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- A deleted ticket leaves the groups it was in.
CREATE INDEX "notification_tickets_ticket_id_idx" ON "notification_tickets" USING btree ("ticket_id");--> statement-breakpoint
-- A batch under way (one SLA and escalation run, one bulk request). Each of its notifications
-- is written to notification_batch_items with its ticket change, so a crash loses none of them;
-- when the batch ends (or, left open by a crash, once it is stale) they become notifications.
CREATE TABLE "notification_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"started_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
CREATE TABLE "notification_batch_items" (
	"batch_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_batch_items_batch_id_event_id_user_id_type_pk" PRIMARY KEY("batch_id","event_id","user_id","type")
);--> statement-breakpoint
ALTER TABLE "notification_batch_items" ADD CONSTRAINT "notification_batch_items_batch_id_notification_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."notification_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batch_items" ADD CONSTRAINT "notification_batch_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batch_items" ADD CONSTRAINT "notification_batch_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_batch_items" ADD CONSTRAINT "notification_batch_items_event_id_ticket_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."ticket_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- An ended batch writes notifications without a ticket event: the stream wakes for them too.
CREATE TRIGGER "notifications_notify" AFTER INSERT ON "notifications"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_ticket_events"();
