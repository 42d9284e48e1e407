-- The graph, as on SQLite (internal/sqlite/migrations, 0001 to 0008, as
-- they leave it): every node has a row in nodes with its whole record as
-- JSON; the typed tables hold what queries filter and join on. Every
-- text column sorts by bytes (COLLATE "C"), as SQLite's do, so that lists
-- in id order come out in the same order on both.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- The ids of a JSON array, as a set: the store's statements pass a batch
-- of ids as one JSON text (json_each on SQLite).
CREATE FUNCTION parley_ids(ids text) RETURNS TABLE (value text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT jsonb_array_elements_text(ids::jsonb) $$;

-- The words of search: any case, accents ignored (unaccent, then
-- simple's lower case; no stop words, no stemming, as SQLite's unicode61
-- tokenizer with remove_diacritics).
CREATE TEXT SEARCH CONFIGURATION parley (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION parley
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
    WITH unaccent, simple;

CREATE TABLE nodes (
    id          TEXT COLLATE "C" PRIMARY KEY,
    type        TEXT COLLATE "C" NOT NULL CHECK (type IN ('Source', 'Actor', 'Event', 'Issue', 'Proposition', 'Document',
                    'Role', 'Relation', 'Participation', 'Position', 'Commitment', 'Requirement', 'Statement', 'Claim')),
    data        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX nodes_type ON nodes (type, id);

CREATE TABLE sources (
    id    TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    title TEXT COLLATE "C" NOT NULL,
    text  TEXT NOT NULL
);

CREATE TABLE actors (
    id   TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('PERSON', 'STATE', 'ORGANIZATION', 'GROUP')),
    name TEXT COLLATE "C" NOT NULL
);
CREATE INDEX actors_kind ON actors (kind, id);

CREATE TABLE actor_names (
    actor_id TEXT COLLATE "C" NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name     TEXT COLLATE "C" NOT NULL,
    is_alias INTEGER NOT NULL CHECK (is_alias IN (0, 1)),
    PRIMARY KEY (actor_id, name)
);
CREATE INDEX actor_names_name ON actor_names (lower(name) text_pattern_ops);

CREATE TABLE assertions (
    id                TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    attribution_basis TEXT COLLATE "C" CHECK (attribution_basis IN ('ON_RECORD', 'SPOKESPERSON', 'OFFICIAL_TEXT',
                          'ANONYMOUS_OFFICIAL', 'ANALYST', 'JOURNALIST')),
    attributed_to     TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    reported_via      TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    valid_from        TEXT COLLATE "C",
    valid_to          TEXT COLLATE "C",
    asserted_at       TEXT COLLATE "C",
    rank              TEXT COLLATE "C" NOT NULL CHECK (rank IN ('PREFERRED', 'NORMAL', 'DEPRECATED')),
    rank_reason       TEXT
);
CREATE INDEX assertions_attributed_to ON assertions (attributed_to);
CREATE INDEX assertions_reported_via ON assertions (reported_via);
CREATE INDEX assertions_deprecated ON assertions (id) WHERE rank = 'DEPRECATED';

CREATE TABLE evidence (
    node_id   TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    part      TEXT COLLATE "C" NOT NULL DEFAULT '',
    seq       INTEGER NOT NULL,
    source_id TEXT COLLATE "C" NOT NULL REFERENCES sources (id) DEFERRABLE INITIALLY DEFERRED,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos   INTEGER NOT NULL CHECK (end_pos > start_pos),
    quote     TEXT NOT NULL,
    PRIMARY KEY (node_id, part, seq)
);
CREATE INDEX evidence_source ON evidence (source_id, start_pos);

CREATE TABLE events (
    id         TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    place      TEXT COLLATE "C",
    date       TEXT COLLATE "C",
    part_of_id TEXT COLLATE "C" REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX events_part_of ON events (part_of_id, id);

CREATE TABLE issues (
    id        TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    name      TEXT COLLATE "C" NOT NULL,
    parent_id TEXT COLLATE "C" REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX issues_parent ON issues (parent_id);

CREATE TABLE propositions (
    id       TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    issue_id TEXT COLLATE "C" NOT NULL REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED,
    text     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX propositions_issue ON propositions (issue_id, id);

CREATE TABLE documents (
    id           TEXT COLLATE "C" PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    title        TEXT COLLATE "C" NOT NULL,
    type         TEXT COLLATE "C" NOT NULL,
    stage        TEXT COLLATE "C",
    status       TEXT COLLATE "C",
    package_id   TEXT COLLATE "C" REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    package_size INTEGER CHECK (package_size >= 1),
    refines_id   TEXT COLLATE "C" REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX documents_package ON documents (package_id, id);
CREATE INDEX documents_refines ON documents (refines_id, id);

CREATE TABLE document_actors (
    document_id TEXT COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    actor_id    TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    role        TEXT COLLATE "C" NOT NULL CHECK (role IN ('DRAFTER', 'BACKER', 'PARTY')),
    PRIMARY KEY (document_id, role, actor_id)
);
CREATE INDEX document_actors_actor ON document_actors (actor_id);

CREATE TABLE document_issues (
    document_id TEXT COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    issue_id    TEXT COLLATE "C" NOT NULL REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (document_id, issue_id)
);
CREATE INDEX document_issues_issue ON document_issues (issue_id);

CREATE TABLE roles (
    id              TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    holder_id       TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    post            TEXT COLLATE "C" NOT NULL,
    organization_id TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    on_behalf_of_id TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX roles_holder ON roles (holder_id, id);
CREATE INDEX roles_organization ON roles (organization_id);
CREATE INDEX roles_on_behalf_of ON roles (on_behalf_of_id);

CREATE TABLE relations (
    id         TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    kind       TEXT COLLATE "C" NOT NULL,
    subject_id TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    object_id  TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    label      TEXT COLLATE "C"
);
CREATE INDEX relations_subject ON relations (subject_id);
CREATE INDEX relations_object ON relations (object_id);

CREATE TABLE participations (
    id              TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    event_id        TEXT COLLATE "C" NOT NULL REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    actor_id        TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    role            TEXT COLLATE "C" NOT NULL,
    on_behalf_of_id TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX participations_event ON participations (event_id);
CREATE INDEX participations_actor ON participations (actor_id, id);
CREATE INDEX participations_on_behalf_of ON participations (on_behalf_of_id);

CREATE TABLE positions (
    id             TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    holder_id      TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    proposition_id TEXT COLLATE "C" NOT NULL REFERENCES propositions (id) DEFERRABLE INITIALLY DEFERRED,
    stance         TEXT COLLATE "C" NOT NULL CHECK (stance IN ('SUPPORTS', 'OPPOSES', 'CONDITIONALLY_SUPPORTS', 'OPEN_TO', 'UNDECIDED')),
    speech_act     TEXT COLLATE "C" NOT NULL,
    red_line       INTEGER NOT NULL CHECK (red_line IN (0, 1))
);
CREATE INDEX positions_holder ON positions (holder_id, id);
CREATE INDEX positions_proposition ON positions (proposition_id, stance, id);
CREATE INDEX positions_proposition_id ON positions (proposition_id, id);

CREATE TABLE commitments (
    id          TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    obligation  TEXT COLLATE "C" NOT NULL,
    polarity    TEXT COLLATE "C" NOT NULL CHECK (polarity IN ('POSITIVE', 'NEGATIVE')),
    bindingness TEXT COLLATE "C",
    document_id TEXT COLLATE "C" REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    issue_id    TEXT COLLATE "C" REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED,
    status      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX commitments_document ON commitments (document_id, id);
CREATE INDEX commitments_status ON commitments (status);
CREATE INDEX commitments_issue ON commitments (issue_id);

CREATE TABLE commitment_parties (
    commitment_id TEXT COLLATE "C" NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    actor_id      TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('PROMISOR', 'BENEFICIARY')),
    PRIMARY KEY (commitment_id, role, actor_id)
);
CREATE INDEX commitment_parties_actor ON commitment_parties (actor_id, role, commitment_id);

CREATE TABLE commitment_status (
    commitment_id TEXT COLLATE "C" NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    date          TEXT COLLATE "C",
    rated_by      TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (commitment_id, seq)
);
CREATE INDEX commitment_status_rated_by ON commitment_status (rated_by);

CREATE TABLE requirements (
    id          TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    subject_id  TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT COLLATE "C" NOT NULL,
    actor_id    TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    description TEXT COLLATE "C" NOT NULL
);
CREATE INDEX requirements_subject ON requirements (subject_id, id);
CREATE INDEX requirements_actor ON requirements (actor_id, id);

CREATE TABLE statements (
    id         TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    speaker_id TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    mode       TEXT COLLATE "C" NOT NULL CHECK (mode IN ('DIRECT', 'INDIRECT', 'MIXED')),
    words      TEXT COLLATE "C" NOT NULL,
    cue_verb   TEXT COLLATE "C",
    event_id   TEXT COLLATE "C" REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    venue      TEXT COLLATE "C"
);
CREATE INDEX statements_speaker ON statements (speaker_id, id);
CREATE INDEX statements_event ON statements (event_id);

CREATE TABLE statement_audience (
    statement_id TEXT COLLATE "C" NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    actor_id     TEXT COLLATE "C" NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (statement_id, actor_id)
);
CREATE INDEX statement_audience_actor ON statement_audience (actor_id);

CREATE TABLE statement_expresses (
    statement_id TEXT COLLATE "C" NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    node_id      TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (statement_id, node_id)
);
CREATE INDEX statement_expresses_node ON statement_expresses (node_id, statement_id);

CREATE TABLE claims (
    id          TEXT COLLATE "C" PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('FACT', 'ASSESSMENT', 'FORECAST')),
    text        TEXT COLLATE "C" NOT NULL,
    claimant_id TEXT COLLATE "C" REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX claims_kind ON claims (kind, id);
CREATE INDEX claims_claimant ON claims (claimant_id, id);

CREATE TABLE claim_about (
    claim_id TEXT COLLATE "C" NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    node_id  TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (claim_id, node_id)
);
CREATE INDEX claim_about_node ON claim_about (node_id, claim_id);

CREATE TABLE edges (
    src  TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    dst  TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT COLLATE "C" NOT NULL,
    via  TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    PRIMARY KEY (src, dst, kind, via)
);
CREATE INDEX edges_dst ON edges (dst, src);
CREATE INDEX edges_via ON edges (via);

CREATE TABLE tokens (
    name       TEXT COLLATE "C" PRIMARY KEY,
    role       TEXT COLLATE "C" NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    hash       TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE changes (
    seq       BIGSERIAL PRIMARY KEY,
    node_id   TEXT COLLATE "C" NOT NULL,
    node_type TEXT COLLATE "C" NOT NULL,
    op        TEXT COLLATE "C" NOT NULL CHECK (op IN ('CREATE', 'UPDATE', 'DELETE', 'DEPRECATE', 'SUPERSEDE', 'RATE', 'IMPORT')),
    author    TEXT NOT NULL,
    at        TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    version   INTEGER CHECK (version IS NULL OR version >= 1)
);
CREATE INDEX changes_node ON changes (node_id, seq);

-- The graph's version (parley.Versioner): one row, one more at every
-- statement that records changes. The row is locked until the writing
-- transaction ends, so versions become visible in the order they were
-- taken, and a reader that sees a version sees every change before it
-- (a sequence's value would not: it is taken before commit, out of
-- commit order).
CREATE TABLE graph_version (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    version BIGINT NOT NULL
);
INSERT INTO graph_version VALUES (1, 0);
CREATE FUNCTION parley_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE graph_version SET version = version + 1 WHERE one = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER changes_version AFTER INSERT ON changes FOR EACH STATEMENT EXECUTE FUNCTION parley_bump_version();

-- Full-text search: each searchable text of a node is a row, with its
-- words (accents removed, any case) in a tsvector kept by PostgreSQL and
-- a GIN index over them.
CREATE TABLE search_docs (
    id        BIGSERIAL PRIMARY KEY,
    node_id   TEXT COLLATE "C" NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    node_type TEXT COLLATE "C" NOT NULL,
    field     TEXT COLLATE "C" NOT NULL,
    body      TEXT NOT NULL,
    words     tsvector GENERATED ALWAYS AS (to_tsvector('parley'::regconfig, body)) STORED
);
CREATE INDEX search_docs_node ON search_docs (node_id);
CREATE INDEX search_docs_words ON search_docs USING gin (words);

-- What is stored already.
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT an.actor_id, 'Actor', CASE an.is_alias WHEN 1 THEN 'alias' ELSE 'name' END, an.name FROM actor_names an;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Statement', 'words', words FROM statements;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT n.id, 'Position', 'summary', n.data::jsonb ->> 'summary' FROM nodes n
    WHERE n.type = 'Position' AND n.data::jsonb ->> 'summary' IS NOT NULL;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Commitment', 'obligation', obligation FROM commitments;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Document', 'title', title FROM documents;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Issue', 'name', name FROM issues;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Event', 'name', name FROM events;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Proposition', 'text', text FROM propositions;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT e.node_id, n.type, 'evidence', e.quote FROM evidence e JOIN nodes n ON n.id = e.node_id;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Claim', 'text', text FROM claims;
