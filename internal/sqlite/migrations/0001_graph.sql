-- The graph. Every node has a row in nodes: its id (unique across types),
-- its type, and its whole record as JSON (what Node and Export return).
-- The typed tables below hold the columns that queries filter and join
-- on, with foreign keys that keep references whole. References between
-- nodes are DEFERRABLE INITIALLY DEFERRED so that an import can replace a
-- node (delete, insert) inside one transaction; rows a node owns go with
-- it (ON DELETE CASCADE).

CREATE TABLE nodes (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL CHECK (type IN ('Source', 'Actor', 'Event', 'Issue', 'Proposition', 'Document',
                    'Role', 'Relation', 'Participation', 'Position', 'Commitment', 'Requirement', 'Statement')),
    data        TEXT NOT NULL CHECK (json_valid(data)),
    hash        TEXT NOT NULL,           -- sha256 of data: an unchanged node is not rewritten
    recorded_at TEXT NOT NULL            -- the third clock: when Parley recorded it (UTC, RFC 3339)
) STRICT;
CREATE INDEX nodes_type ON nodes (type, id);

CREATE TABLE sources (
    id    TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    text  TEXT NOT NULL
) STRICT;

CREATE TABLE actors (
    id   TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('PERSON', 'STATE', 'ORGANIZATION', 'GROUP')),
    name TEXT NOT NULL
) STRICT;
CREATE INDEX actors_kind ON actors (kind, id);

-- Names and aliases, for look-ups by name or alias prefix.
CREATE TABLE actor_names (
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name     TEXT NOT NULL COLLATE NOCASE,
    is_alias INTEGER NOT NULL CHECK (is_alias IN (0, 1)),
    PRIMARY KEY (actor_id, name)
) STRICT;
CREATE INDEX actor_names_name ON actor_names (name);

-- What every assertion carries besides its evidence.
CREATE TABLE assertions (
    id                TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    attribution_basis TEXT CHECK (attribution_basis IN ('ON_RECORD', 'SPOKESPERSON', 'OFFICIAL_TEXT',
                          'ANONYMOUS_OFFICIAL', 'ANALYST', 'JOURNALIST')),
    attributed_to     TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    reported_via      TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    valid_from        TEXT,
    valid_to          TEXT,
    asserted_at       TEXT,
    rank              TEXT NOT NULL CHECK (rank IN ('PREFERRED', 'NORMAL', 'DEPRECATED')),
    rank_reason       TEXT
) STRICT;
CREATE INDEX assertions_attributed_to ON assertions (attributed_to);
CREATE INDEX assertions_reported_via ON assertions (reported_via);

-- Evidence spans. part is '' for the node itself, 'status[N]' for the
-- N-th status entry of a commitment. start and end count characters.
CREATE TABLE evidence (
    node_id   TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    part      TEXT NOT NULL DEFAULT '',
    seq       INTEGER NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources (id) DEFERRABLE INITIALLY DEFERRED,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos   INTEGER NOT NULL CHECK (end_pos > start_pos),
    quote     TEXT NOT NULL,
    PRIMARY KEY (node_id, part, seq)
) STRICT;
CREATE INDEX evidence_source ON evidence (source_id, start_pos);

CREATE TABLE events (
    id         TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    place      TEXT,
    date       TEXT,
    part_of_id TEXT REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX events_part_of ON events (part_of_id);

CREATE TABLE issues (
    id        TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    parent_id TEXT REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX issues_parent ON issues (parent_id);

CREATE TABLE propositions (
    id       TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    issue_id TEXT NOT NULL REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED,
    text     TEXT NOT NULL
) STRICT;
CREATE INDEX propositions_issue ON propositions (issue_id, id);

CREATE TABLE documents (
    id           TEXT PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    type         TEXT NOT NULL,
    stage        TEXT,
    status       TEXT,
    package_id   TEXT REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    package_size INTEGER CHECK (package_size >= 1),
    refines_id   TEXT REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX documents_package ON documents (package_id);
CREATE INDEX documents_refines ON documents (refines_id);

CREATE TABLE document_actors (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    actor_id    TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    role        TEXT NOT NULL CHECK (role IN ('DRAFTER', 'BACKER', 'PARTY')),
    PRIMARY KEY (document_id, role, actor_id)
) STRICT;
CREATE INDEX document_actors_actor ON document_actors (actor_id);

CREATE TABLE document_issues (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    issue_id    TEXT NOT NULL REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (document_id, issue_id)
) STRICT;
CREATE INDEX document_issues_issue ON document_issues (issue_id);

CREATE TABLE roles (
    id              TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    holder_id       TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    post            TEXT NOT NULL,
    organization_id TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    on_behalf_of_id TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX roles_holder ON roles (holder_id);
CREATE INDEX roles_organization ON roles (organization_id);
CREATE INDEX roles_on_behalf_of ON roles (on_behalf_of_id);

CREATE TABLE relations (
    id         TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    subject_id TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    object_id  TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    label      TEXT
) STRICT;
CREATE INDEX relations_subject ON relations (subject_id);
CREATE INDEX relations_object ON relations (object_id);

CREATE TABLE participations (
    id              TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    actor_id        TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    role            TEXT NOT NULL,
    on_behalf_of_id TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED
) STRICT;
CREATE INDEX participations_event ON participations (event_id);
CREATE INDEX participations_actor ON participations (actor_id);

CREATE TABLE positions (
    id             TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    holder_id      TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    proposition_id TEXT NOT NULL REFERENCES propositions (id) DEFERRABLE INITIALLY DEFERRED,
    stance         TEXT NOT NULL CHECK (stance IN ('SUPPORTS', 'OPPOSES', 'CONDITIONALLY_SUPPORTS', 'OPEN_TO', 'UNDECIDED')),
    speech_act     TEXT NOT NULL,
    red_line       INTEGER NOT NULL CHECK (red_line IN (0, 1))
) STRICT;
CREATE INDEX positions_holder ON positions (holder_id, id);
CREATE INDEX positions_proposition ON positions (proposition_id, stance);

CREATE TABLE commitments (
    id          TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    obligation  TEXT NOT NULL,
    polarity    TEXT NOT NULL CHECK (polarity IN ('POSITIVE', 'NEGATIVE')),
    bindingness TEXT,
    document_id TEXT REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    issue_id    TEXT REFERENCES issues (id) DEFERRABLE INITIALLY DEFERRED,
    status      TEXT NOT NULL   -- the current status: the last of the history
) STRICT;
CREATE INDEX commitments_document ON commitments (document_id);
CREATE INDEX commitments_status ON commitments (status);

CREATE TABLE commitment_parties (
    commitment_id TEXT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    actor_id      TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    role          TEXT NOT NULL CHECK (role IN ('PROMISOR', 'BENEFICIARY')),
    PRIMARY KEY (commitment_id, role, actor_id)
) STRICT;
CREATE INDEX commitment_parties_actor ON commitment_parties (actor_id, role);

CREATE TABLE commitment_status (
    commitment_id TEXT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    status        TEXT NOT NULL,
    date          TEXT,
    rated_by      TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (commitment_id, seq)
) STRICT;

CREATE TABLE requirements (
    id          TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    subject_id  TEXT NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT NOT NULL,
    actor_id    TEXT REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    description TEXT NOT NULL
) STRICT;
CREATE INDEX requirements_subject ON requirements (subject_id);

CREATE TABLE statements (
    id         TEXT PRIMARY KEY REFERENCES assertions (id) ON DELETE CASCADE,
    speaker_id TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    mode       TEXT NOT NULL CHECK (mode IN ('DIRECT', 'INDIRECT', 'MIXED')),
    words      TEXT NOT NULL,
    cue_verb   TEXT,
    event_id   TEXT REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    venue      TEXT
) STRICT;
CREATE INDEX statements_speaker ON statements (speaker_id, id);
CREATE INDEX statements_event ON statements (event_id);

CREATE TABLE statement_audience (
    statement_id TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    actor_id     TEXT NOT NULL REFERENCES actors (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (statement_id, actor_id)
) STRICT;
CREATE INDEX statement_audience_actor ON statement_audience (actor_id);

CREATE TABLE statement_expresses (
    statement_id TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    node_id      TEXT NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (statement_id, node_id)
) STRICT;
CREATE INDEX statement_expresses_node ON statement_expresses (node_id);

-- Links of every kind between two nodes, each backed by the node (via)
-- whose evidence supports it: the table that paths and neighbourhoods walk
-- with recursive SQL, in either direction.
CREATE TABLE edges (
    src  TEXT NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    dst  TEXT NOT NULL REFERENCES nodes (id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL,
    via  TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    PRIMARY KEY (src, dst, kind, via)
) STRICT, WITHOUT ROWID;
CREATE INDEX edges_dst ON edges (dst, src);
CREATE INDEX edges_via ON edges (via);
