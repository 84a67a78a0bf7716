-- The queue's commonest tab is the open, unassigned tickets. Estimated as if status and
-- assignee were independent, their count came out a hundred times too small at a million
-- tickets (the open tickets are the unassigned ones), and the planner then joined and
-- sorted every one of them instead of walking a sort's index for a page: 55 ms instead of
-- 0.5 ms (bench/FINDINGS.md §11). The frequencies of their combinations set that right.
CREATE STATISTICS "tickets_status_assignee" (mcv) ON "status", "assignee_id" FROM "tickets";
--> statement-breakpoint
ANALYZE "tickets";
