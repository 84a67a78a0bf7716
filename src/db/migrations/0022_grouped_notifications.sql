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
CREATE INDEX "notification_tickets_ticket_id_idx" ON "notification_tickets" USING btree ("ticket_id");
