-- The tenants' domains, and a notification on every change so that each app process can drop its cached answer.
CREATE TABLE IF NOT EXISTS domains (
  hostname text PRIMARY KEY CHECK (hostname = lower(hostname) AND hostname NOT LIKE '%.'),
  tenant_id bigint NOT NULL
);

CREATE OR REPLACE FUNCTION notify_domains_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('domains_changed', COALESCE(NEW.hostname, OLD.hostname));
  IF TG_OP = 'UPDATE' AND NEW.hostname <> OLD.hostname THEN
    PERFORM pg_notify('domains_changed', OLD.hostname);
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS domains_changed ON domains;
CREATE TRIGGER domains_changed AFTER INSERT OR UPDATE OR DELETE ON domains
  FOR EACH ROW EXECUTE FUNCTION notify_domains_changed();
