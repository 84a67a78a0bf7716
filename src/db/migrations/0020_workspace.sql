-- Tags (issue 16): staff's labels on tickets, filtered with `tags @> array[…]` through the GIN index.
ALTER TABLE "tickets" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_tags_idx" ON "tickets" USING gin ("tags");--> statement-breakpoint
-- tickets.tag: staff add and remove tags; macros.manage: shared macros. Editable like the others.
INSERT INTO role_permissions (role, permission) VALUES
  ('agent', 'tickets.tag'),
  ('manager', 'tickets.tag'),
  ('manager', 'macros.manage')
ON CONFLICT DO NOTHING;
