-- The wake-ups that go with a write are sent by the database itself, on commit, instead of
-- a `select pg_notify(...)` round trip from the application after each insert. Statement
-- triggers, with an empty payload: the listeners only wake and read their table (the live
-- stream, the mail worker), and one NOTIFY per transaction is what they need.
CREATE FUNCTION "notify_ticket_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ticket_events', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "ticket_events_notify" AFTER INSERT ON "ticket_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_ticket_events"();--> statement-breakpoint
CREATE FUNCTION "notify_mail_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mail_outbox', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "mail_outbox_notify" AFTER INSERT ON "mail_outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_mail_outbox"();--> statement-breakpoint
-- Every server process caches the rows each ticket write reads (SLA policies, business hours,
-- the public URL); any change to them, however made, tells every process to drop its copy.
CREATE FUNCTION "notify_cached_settings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cached_settings', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "sla_policies_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sla_policies"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_cached_settings"();--> statement-breakpoint
CREATE TRIGGER "business_hours_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "business_hours"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_cached_settings"();--> statement-breakpoint
CREATE TRIGGER "notification_settings_notify" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "notification_settings"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_cached_settings"();
