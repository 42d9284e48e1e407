-- Writes through the API: who may write (tokens), and what was written,
-- by whom, when (changes).

-- API tokens. Only a hash of each token is kept; the token itself is
-- shown once, when created.
CREATE TABLE tokens (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    hash       TEXT NOT NULL UNIQUE,   -- sha256 of the token, hex
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

-- Every write, newest last: the node, the operation, who (a token's name,
-- or the CLI) and when, with the record before and after (JSON, NULL for
-- none). History is never rewritten; a deleted node keeps its changes.
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id   TEXT NOT NULL,
    node_type TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('CREATE', 'UPDATE', 'DELETE', 'DEPRECATE', 'SUPERSEDE', 'RATE', 'IMPORT')),
    author    TEXT NOT NULL,
    at        TEXT NOT NULL,
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after))
) STRICT;
CREATE INDEX changes_node ON changes (node_id, seq);
