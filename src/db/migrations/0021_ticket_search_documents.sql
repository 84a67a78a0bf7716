-- Search (issues 16, 19): one document per ticket, kept by the write path, so a search is one
-- `document @@ query ORDER BY number DESC LIMIT n` that PostgreSQL serves as a walk of the
-- number index for a common word and a GIN bitmap for a rare one. The public document holds
-- the subject, the description and the public messages; the staff document those and the
-- internal notes (who reads which is decided in src/authz). Triggers keep them, so every
-- writer (the API, mail intake, the bench seeder) keeps them in step in its own transaction.
-- Subject and description are written once, at insert: nothing edits them, and messages
-- are never edited or deleted.
-- Filling a million documents and building their indexes takes minutes, longer than a
-- database's statement_timeout for requests (the bench sets 30 s): this transaction may.
SET LOCAL statement_timeout = 0;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "public_search" tsvector DEFAULT ''::tsvector NOT NULL,
  ADD COLUMN "staff_search" tsvector DEFAULT ''::tsvector NOT NULL;--> statement-breakpoint
-- tsvector holds at most 1 MB: a ticket whose text reaches it keeps its document as it is
-- (newer text is not found) rather than refusing further messages.
CREATE FUNCTION "search_document_append"("document" tsvector, "addition" text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF "addition" IS NULL OR "addition" = '' THEN
    RETURN "document";
  END IF;
  RETURN "document" || to_tsvector('english', "addition");
EXCEPTION WHEN program_limit_exceeded THEN
  RETURN "document";
END
$$;--> statement-breakpoint
-- One pass over the table, each ticket's messages read through their (ticket_id, seq) index;
-- the indexes on the documents are built after it.
UPDATE "tickets" t SET ("public_search", "staff_search") = (
  SELECT d."public_search", search_document_append(d."public_search", d."notes") FROM (
    SELECT search_document_append(to_tsvector('english', t."subject" || ' ' || t."description"),
        string_agg(m."body", ' ' ORDER BY m."seq") FILTER (WHERE NOT m."internal")) AS "public_search",
      string_agg(m."body", ' ' ORDER BY m."seq") FILTER (WHERE m."internal") AS "notes"
    FROM "ticket_messages" m WHERE m."ticket_id" = t."id"
  ) d
);--> statement-breakpoint
DROP INDEX "tickets_search_idx";--> statement-breakpoint
ALTER TABLE "tickets" DROP COLUMN "search";--> statement-breakpoint
DROP INDEX "ticket_messages_search_idx";--> statement-breakpoint
ALTER TABLE "ticket_messages" DROP COLUMN "search";--> statement-breakpoint
CREATE INDEX "tickets_public_search_idx" ON "tickets" USING gin ("public_search");--> statement-breakpoint
CREATE INDEX "tickets_staff_search_idx" ON "tickets" USING gin ("staff_search");--> statement-breakpoint
CREATE FUNCTION "tickets_search_documents"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."public_search" := to_tsvector('english', NEW."subject" || ' ' || NEW."description");
  NEW."staff_search" := NEW."public_search";
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tickets_search_documents" BEFORE INSERT ON "tickets"
  FOR EACH ROW EXECUTE FUNCTION "tickets_search_documents"();--> statement-breakpoint
-- Per statement, so a bulk insert updates each ticket once.
CREATE FUNCTION "ticket_messages_search_documents"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "tickets" t SET "public_search" = search_document_append(t."public_search", m."public_text"),
    "staff_search" = search_document_append(t."staff_search", m."all_text")
  FROM (
    SELECT "ticket_id",
      string_agg("body", ' ' ORDER BY "seq") FILTER (WHERE NOT "internal") AS "public_text",
      string_agg("body", ' ' ORDER BY "seq") AS "all_text"
    FROM "added" GROUP BY "ticket_id"
  ) m
  WHERE t."id" = m."ticket_id";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "ticket_messages_search_documents" AFTER INSERT ON "ticket_messages"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "ticket_messages_search_documents"();
--> statement-breakpoint
-- Each sort's first page is a walk of 25 entries of its index, under the queue's filters and
-- visibility (the ticket number's own index serves `created`). The expressions are those of
-- src/tickets/ticket-sort-keys.ts, written the same way: PostgreSQL matches them as written.
CREATE INDEX "tickets_updated_idx" ON "tickets" ("updated_at", "number");--> statement-breakpoint
CREATE INDEX "tickets_priority_rank_idx" ON "tickets"
  ((case "priority" when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end), "number");--> statement-breakpoint
CREATE INDEX "tickets_due_idx" ON "tickets" ((coalesce(least(
    case when "first_response_at" is null and "resolved_at" is null and "closed_at" is null then "first_response_due_at" end,
    case when "resolved_at" is null and "closed_at" is null then "resolution_due_at" end), 'infinity'::timestamptz)), "number");--> statement-breakpoint
CREATE INDEX "tickets_attention_idx" ON "tickets" (
  (-(case when "resolved_at" is null and "closed_at" is null and ("first_response_breached" or "resolution_breached") then 10 else 0 end
    + (case "priority" when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end))),
  (coalesce(least(
    case when "first_response_at" is null and "resolved_at" is null and "closed_at" is null then "first_response_due_at" end,
    case when "resolved_at" is null and "closed_at" is null then "resolution_due_at" end), 'infinity'::timestamptz)),
  "number");
