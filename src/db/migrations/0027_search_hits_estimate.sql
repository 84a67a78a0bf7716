-- How many tickets a search's words are in, read from the statistics ANALYZE keeps of a
-- search document (its most common lexemes and the share of tickets holding each), so a
-- search chooses between walking the newest tickets and reading the GIN index without
-- counting its hits first: that count cost a common word 25–640 ms at a million tickets
-- (bench/FINDINGS.md §20). An upper bound where it matters: every word of a query must be in
-- a hit, so the query has no more hits than its least common word. A word outside the
-- statistics counts as rare (a desk holds few tickets of a word its sample missed); a query
-- with `or` or a negated phrase has no bound.
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
