-- Tags (issue 16): staff's labels on tickets, filtered with `tags @> array[…]` through the GIN index.
ALTER TABLE "tickets" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_tags_idx" ON "tickets" USING gin ("tags");--> statement-breakpoint
-- tickets.tag: staff add and remove tags; macros.manage: shared macros (views.manage, below: shared views).
-- Editable like the others.
INSERT INTO role_permissions (role, permission) VALUES
  ('agent', 'tickets.tag'),
  ('manager', 'tickets.tag'),
  ('manager', 'macros.manage')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Macros: canned replies with ticket changes, shared (owner_id null) or an agent's own.
CREATE TABLE "macros" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"body" text NOT NULL,
	"actions" jsonb NOT NULL,
	"owner_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "macros_owner_name_idx" ON "macros" USING btree ("owner_id","name");
--> statement-breakpoint
-- Saved views: named queue filters and order, shared (owner_id null) or one person's own.
CREATE TABLE "saved_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"filters" jsonb NOT NULL,
	"sort" text,
	"sort_order" text,
	"owner_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_views_owner_name_idx" ON "saved_views" USING btree ("owner_id","name");--> statement-breakpoint
INSERT INTO role_permissions (role, permission) VALUES ('manager', 'views.manage') ON CONFLICT DO NOTHING;
