-- Proposed shape of the ticket search (GET /api/tickets?q=), for src/tickets/tickets.repository.ts.
-- Measured on 1,000,000 tickets / 3.9M messages, PostgreSQL 15, one query at a time on the busy
-- 2-core bench machine (see bench/FINDINGS.md):
--
--   term                 today (matchesSearch: OR + IN subquery)   this shape
--   refund               315–401 s (non-hashed SubPlan, O(n·m))     52–103 ms
--   invoice duplicate    3.4–5.1 s                                  150–190 ms
--   workaround           not finished                               70–120 ms
--   ORD-0488123 (1 hit)  > 4 s (full backward scan)                 76–80 ms
--   parcel warehouse     –                                          52–195 ms
--   teapot (no hit)      > 20 s (full backward scan)                73–113 ms
--
-- Why today's shape fails: `search @@ q OR id IN (select ticket_id from ticket_messages …)` can
-- use neither GIN index for the OR, so PostgreSQL walks tickets newest-first and tests each
-- row. For a common word the message subquery is too big to hash in work_mem (4 MB), so it
-- is re-scanned for every ticket (refund: 287k message ids × every ticket). For a rare word
-- the walk never finds 26 rows and reads all million tickets (and their messages).
--
-- The shape: look at the newest $window tickets that pass the other filters first (cheap and
-- exact for common words); only when they hold fewer than 26 hits, take every older hit from
-- the GIN indexes (cheap for rare words, and a word reaching this branch is rare: fewer than
-- 26 hits in the newest $window). MATERIALIZED keeps the planner from pushing the LIMIT into
-- the GIN branches (which brings back the newest-first walk); the inner LIMIT 26 before the
-- joins keeps the final join a 26-row nested loop. Results are exact and newest first.
--
-- $1 search text, $2 window (2000 measured), $3 keyset cursor (number below which to look; use
-- 2147483647 for the first page). Add the list's other filters (visibility, status, priority,
-- assignee, requester) to `window_` and to both `older_*` branches.
with q as materialized (select websearch_to_tsquery('english', $1) as q),
window_ as materialized (
  select id, number, search from tickets
  where number < $3 /* and the other filters */
  order by number desc limit $2
),
recent as materialized (
  select w.number from window_ w, q
  where w.search @@ q.q
     or exists (select 1 from ticket_messages m where m.ticket_id = w.id and not m.internal and m.search @@ q.q)
),
floor_ as materialized (select coalesce(min(number), $3) as n from window_),
older_tickets as materialized (
  select t.number from tickets t, q, floor_
  where (select count(*) from recent) < 26 and t.number < floor_.n and t.search @@ q.q /* and the other filters */
),
older_message_tickets as materialized (
  select distinct m.ticket_id from ticket_messages m, q
  where (select count(*) from recent) < 26 and not m.internal and m.search @@ q.q
),
older_messages as materialized (
  select t.number from older_message_tickets o join tickets t on t.id = o.ticket_id, floor_
  where t.number < floor_.n /* and the other filters */
)
select t.*, requester.name as requester_name, assignee.name as assignee_name
from (
  select number from (
    select number from recent union select number from older_tickets union select number from older_messages
  ) hits order by number desc limit 26
) hit
join tickets t on t.number = hit.number
join users requester on requester.id = t.requester_id
left join users assignee on assignee.id = t.assignee_id
order by t.number desc;
