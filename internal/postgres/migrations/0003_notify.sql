-- Change notices (parley.ChangeNotifier): the statement that moves the
-- graph's version on also notifies the channel parley_changes, which
-- PostgreSQL delivers to every listening connection when (and only if)
-- the writing transaction commits. The payload is always empty, so that
-- the notices of one transaction are folded into one.
CREATE OR REPLACE FUNCTION parley_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE graph_version SET version = version + 1 WHERE one = 1;
    PERFORM pg_notify('parley_changes', '');
    RETURN NULL;
END $$;
