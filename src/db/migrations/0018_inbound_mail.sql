CREATE TABLE "mailboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"address" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"tls" boolean NOT NULL,
	"username" text NOT NULL,
	"password_encrypted" text NOT NULL,
	"folder" text DEFAULT 'INBOX' NOT NULL,
	"push_secret_hash" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_mails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mailbox_key" text NOT NULL,
	"mailbox_id" uuid,
	"uid_validity" bigint,
	"uid" bigint,
	"message_id" text,
	"raw" bytea,
	"size" integer NOT NULL,
	"from_address" text,
	"subject" text,
	"status" text DEFAULT 'received' NOT NULL,
	"reason" text,
	"error" text,
	"ticket_id" uuid,
	"ticket_message_id" uuid,
	"opened_ticket" boolean DEFAULT false NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "inbound_mails_status_check" CHECK ("inbound_mails"."status" in ('received', 'placed', 'ignored', 'held', 'failed', 'discarded'))
);
--> statement-breakpoint
ALTER TABLE "inbound_mails" ADD CONSTRAINT "inbound_mails_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inbound_mails" ADD CONSTRAINT "inbound_mails_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inbound_mails" ADD CONSTRAINT "inbound_mails_ticket_message_id_ticket_messages_id_fk" FOREIGN KEY ("ticket_message_id") REFERENCES "public"."ticket_messages"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_mails_uid_idx" ON "inbound_mails" USING btree ("mailbox_key","uid_validity","uid") WHERE "inbound_mails"."uid" is not null;
--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_mails_message_id_idx" ON "inbound_mails" USING btree ("message_id") WHERE "inbound_mails"."message_id" is not null;
--> statement-breakpoint
CREATE INDEX "inbound_mails_status_received_idx" ON "inbound_mails" USING btree ("status","received_at");
--> statement-breakpoint
CREATE INDEX "inbound_mails_sender_opened_idx" ON "inbound_mails" USING btree ("from_address","received_at") WHERE "inbound_mails"."opened_ticket";
--> statement-breakpoint
CREATE TABLE "mailbox_leases" (
	"mailbox_key" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
