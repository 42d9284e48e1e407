-- Full-text search (FTS5). Each searchable text of a node is a row of
-- search_docs (an actor's names, a statement's words, a position's summary,
-- a commitment's obligation, titles and names, every evidence quote); the
-- FTS5 index search is built over it as external content and kept in step
-- by triggers, so it follows every write path, including a node's
-- replacement or deletion (which cascades to its rows here).

CREATE TABLE search_docs (
    id        INTEGER PRIMARY KEY,
    node_id   TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    node_type TEXT NOT NULL,
    field     TEXT NOT NULL,
    body      TEXT NOT NULL
) STRICT;
CREATE INDEX search_docs_node ON search_docs (node_id);

CREATE VIRTUAL TABLE search USING fts5 (
    body,
    content = 'search_docs',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
    INSERT INTO search (rowid, body) VALUES (new.id, new.body);
END;

CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search (search, rowid, body) VALUES ('delete', old.id, old.body);
END;

-- What is stored already.
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT an.actor_id, 'Actor', CASE an.is_alias WHEN 1 THEN 'alias' ELSE 'name' END, an.name FROM actor_names an;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Statement', 'words', words FROM statements;
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT n.id, 'Position', 'summary', json_extract(n.data, '$.summary') FROM nodes n
    WHERE n.type = 'Position' AND json_extract(n.data, '$.summary') IS NOT NULL;
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
