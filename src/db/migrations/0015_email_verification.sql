-- Self-registration no longer proves an address by itself: a customer who registers gets a
-- verification link, and no mail but that link reaches the address until it is followed.
--
-- Rows already here count as verified (as of when they were made). They are managers' and
-- the CLI's staff, whom someone vouched for, and customers the desk has mailed all along:
-- marking them unverified would silently stop the receipts and replies of every real
-- customer who follows tickets by mail and never logs in to see a banner, and nothing tells
-- a forged registration from a real one after the fact.
ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "users" SET "email_verified_at" = "created_at";
--> statement-breakpoint
-- Verification links: random, shown once, stored only as a hash, single use, expiring;
-- bound to the address they were sent to, so a link cannot vouch for another address.
CREATE TABLE "email_verifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "email_verifications_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "email_verifications" ADD CONSTRAINT "email_verifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "email_verifications_user_idx" ON "email_verifications" USING btree ("user_id");
