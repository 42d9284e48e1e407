-- parley: foreign_keys off
-- Claims: what a voice asserts as fact or assessment about the state of
-- things. nodes' CHECK on the type must admit 'Claim', and SQLite changes a
-- CHECK only by rebuilding the table: this migration runs with foreign keys
-- off (so that dropping the old table cascades nothing), and the runner
-- checks every foreign key before it commits.

CREATE TABLE nodes_new (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL CHECK (type IN ('Source', 'Actor', 'Event', 'Issue', 'Proposition', 'Document',
                    'Role', 'Relation', 'Participation', 'Position', 'Commitment', 'Requirement', 'Statement', 'Claim')),
    data        TEXT NOT NULL CHECK (json_valid(data)),
    hash        TEXT NOT NULL,           -- sha256 of data: an unchanged node is not rewritten
    recorded_at TEXT NOT NULL,           -- the third clock: when Parley recorded it (UTC, RFC 3339)
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)  -- see 0006_versions.sql
) STRICT;
INSERT INTO nodes_new (id, type, data, hash, recorded_at, version) SELECT id, type, data, hash, recorded_at, version FROM nodes;
DROP TABLE nodes;
ALTER TABLE nodes_new RENAME TO nodes;
CREATE INDEX nodes_type ON nodes (type, id);

-- claimant_id is the attribution's `by` (also in assertions), here so that
-- a claimant's claims are read in id order by one index.
CREATE TABLE claims (
    id          TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('FACT', 'ASSESSMENT', 'FORECAST')),
    text        TEXT NOT NULL,
    claimant_id TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX claims_kind ON claims (kind, id);
CREATE INDEX claims_claimant ON claims (claimant_id, id);

-- What each claim is about: actors, events, issues, propositions,
-- documents, commitments.
CREATE TABLE claim_about (
    claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    node_id  TEXT NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (claim_id, node_id)
) STRICT;
CREATE INDEX claim_about_node ON claim_about (node_id, claim_id);

-- What is stored already.
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Claim', 'text', text FROM claims;
