-- The unassigned tab of one priority (the bench's queue page) walked every active ticket, or
-- every ticket of that priority, or the unassigned ones of every priority, skipping the rest:
-- after a flood of new normal tickets, a page of the 12 high ones read 1,785 rows
-- (bench/FINDINGS.md §17). With the priority in the key the walk reads only the page.
CREATE INDEX "tickets_unassigned_priority_number_idx" ON "tickets" USING btree ("status", "priority", "number") WHERE "assignee_id" is null;
