-- Search finds what a person types. The index stems English words (porter
-- over unicode61, accents still ignored), so `doubt` finds "doubtful"; a
-- second column, context, holds the names of a statement's speaker, so a
-- statement is found by who said it; and each sentence of a source is a
-- row of its own (field 'sentence', with its span in characters), so that
-- a search reaches the words of the text the graph does not model.

ALTER TABLE search_docs ADD COLUMN context TEXT NOT NULL DEFAULT '';
ALTER TABLE search_docs ADD COLUMN start_pos INTEGER;
ALTER TABLE search_docs ADD COLUMN end_pos INTEGER;

DROP TRIGGER search_docs_insert;
DROP TRIGGER search_docs_delete;
DROP TABLE search;

UPDATE search_docs SET context = coalesce((SELECT group_concat(an.name, ' ') FROM statements s
    JOIN actor_names an ON an.actor_id = s.speaker_id WHERE s.id = search_docs.node_id), '')
    WHERE node_type = 'Statement';

CREATE VIRTUAL TABLE search USING fts5 (
    body,
    context,
    content = 'search_docs',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO search (search) VALUES ('rebuild');

CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
    INSERT INTO search (rowid, body, context) VALUES (new.id, new.body, new.context);
END;

CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search (search, rowid, body, context) VALUES ('delete', old.id, old.body, old.context);
END;

-- What is stored already.
-- The speakers' names again: a bulk import fills the rows from the tables
-- with these statements, then rebuilds the index. Here they change nothing.
UPDATE search_docs SET context = coalesce((SELECT group_concat(an.name, ' ') FROM statements s
    JOIN actor_names an ON an.actor_id = s.speaker_id WHERE s.id = search_docs.node_id), '')
    WHERE node_type = 'Statement';
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Source', 'title', title FROM sources;
