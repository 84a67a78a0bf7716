-- How many tickets a search's words are in, read from the statistics ANALYZE keeps of a
-- search document (its most common lexemes and the share of tickets holding each), so a
-- search chooses between walking the newest tickets and reading the GIN index without
-- counting its hits first: that count cost a common word 25–640 ms at a million tickets
-- (bench/FINDINGS.md §20). An upper bound where it matters: every word of a query must be in
-- a hit, so the query has no more hits than its least common word. A word outside the
-- statistics is rarer than every word they keep (the 1,000 commonest by default) and counts
-- as rare: read from the index, a few thousand hits at worst on a large desk of many words.
-- A query with `or` or a negated phrase has no bound.
CREATE FUNCTION "search_hits_estimate"("query" tsquery, "document" name) RETURNS double precision
  LANGUAGE plpgsql STABLE AS $$
DECLARE
  "lexemes" text[];
  "shares" real[];
  "tickets" real;
  "term" text[];
  "word" text;
  "share" real;
  "least_share" real;
BEGIN
  IF numnode("query") = 0 THEN RETURN 0; END IF;
  IF "query"::text ~ '\||!\(' THEN RETURN 'Infinity'; END IF;
  SELECT s."most_common_elems"::text::text[], s."most_common_elem_freqs", c."reltuples"
    INTO "lexemes", "shares", "tickets" FROM "pg_stats" s, "pg_class" c
    WHERE s."schemaname" = current_schema() AND s."tablename" = 'tickets' AND s."attname" = "document"
      AND c."oid" = 'tickets'::regclass;
  IF "lexemes" IS NULL THEN RETURN 0; END IF;
  -- The query's lexemes as its text writes them: `!` when negated, quoted, `:*` for a prefix.
  FOR "term" IN SELECT regexp_matches("query"::text, '(!?)''((?:[^'']|'''')*)''(:[A-D*]+)?', 'g') LOOP
    CONTINUE WHEN "term"[1] = '!';
    "word" := replace("term"[2], '''''', '''');
    IF coalesce("term"[3], '') LIKE '%*%' THEN
      SELECT coalesce(sum("shares"[l."n"]), 0) INTO "share" FROM unnest("lexemes") WITH ORDINALITY l("lexeme", "n")
        WHERE starts_with(l."lexeme", "word");
    ELSE
      "share" := coalesce("shares"[array_position("lexemes", "word")], 0);
    END IF;
    "least_share" := least("least_share", "share");
  END LOOP;
  RETURN coalesce("least_share" * greatest("tickets", 0), 'Infinity');
END $$;
--> statement-breakpoint
-- New entries of a GIN index wait in a pending list until it passes this size (4 MB by
-- default), and every search reads the whole list: a rare word's search at a million tickets
-- took 2.4 ms instead of 0.4 with 6,000 new tickets waiting. A list of 256 kB is read in
-- about 0.3 ms; inserting 1,000 tickets took as long with it as with 4 MB (§20).
ALTER INDEX "tickets_public_search_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "tickets_staff_search_idx" SET (gin_pending_list_limit = 256);
