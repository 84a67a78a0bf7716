-- Staff who may read internal notes search them too (API.md: q searches the messages), so
-- the full-text index covers every message; a customer's search filters notes out.
DROP INDEX IF EXISTS "ticket_messages_public_search_idx";--> statement-breakpoint
CREATE INDEX "ticket_messages_search_idx" ON "ticket_messages" USING gin ("search");
