-- References that most rows leave empty are indexed only where they are
-- set: an assertion's attribution (attributed_to, reported_via) and a
-- statement's event. A look-up by one of them (a filter, a list by
-- event, the check for what refers to an actor or event before it is
-- deleted) asks for a value, which implies NOT NULL, so SQLite uses the
-- partial index as it used the whole one. A generated graph leaves every
-- assertion's attribution empty and two statements in three without an
-- event: at 1M assertions the whole indexes held some 2.4 million empty
-- entries, and an import built them for nothing.
DROP INDEX assertions_attributed_to;
CREATE INDEX assertions_attributed_to ON assertions (attributed_to) WHERE attributed_to IS NOT NULL;
DROP INDEX assertions_reported_via;
CREATE INDEX assertions_reported_via ON assertions (reported_via) WHERE reported_via IS NOT NULL;
DROP INDEX statements_event;
CREATE INDEX statements_event ON statements (event_id) WHERE event_id IS NOT NULL;
