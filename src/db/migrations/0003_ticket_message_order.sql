DROP INDEX "ticket_messages_ticket_idx";--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "ticket_messages_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
CREATE INDEX "ticket_messages_ticket_seq_idx" ON "ticket_messages" USING btree ("ticket_id","seq");