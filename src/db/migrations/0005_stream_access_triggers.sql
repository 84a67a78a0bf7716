-- Live streams check their recipients' access before every delivery; these triggers wake
-- every server process as soon as that access may have changed (a session revoked, a user
-- deactivated or given another role, a role's permissions edited), so a revoked session's
-- stream ends at once rather than at the next ticket event. NOTIFY is sent on commit only.
CREATE FUNCTION "stream_access_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stream_access', '');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "sessions_stream_access" AFTER UPDATE OF "revoked_at" ON "sessions"
  FOR EACH STATEMENT EXECUTE FUNCTION "stream_access_changed"();--> statement-breakpoint
CREATE TRIGGER "users_stream_access" AFTER UPDATE OF "role", "active" ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "stream_access_changed"();--> statement-breakpoint
CREATE TRIGGER "role_permissions_stream_access" AFTER INSERT OR UPDATE OR DELETE ON "role_permissions"
  FOR EACH STATEMENT EXECUTE FUNCTION "stream_access_changed"();
