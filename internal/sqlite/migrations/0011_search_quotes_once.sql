-- An evidence quote is most often a sentence of its source, word for word,
-- and that sentence is a search row already: the index held the same
-- words twice, and a common word's matches were a third longer to walk
-- (at 1M assertions "ceasefire" matched 214,000 rows, 33,800 of them
-- quotes of sentences indexed beside them). Now a quote that is its
-- source's sentence (same source, same span, same text) is indexed once,
-- as that sentence: its row refers to the sentence's row (text_id), and a
-- search that matches the sentence finds the quoting node too, at the
-- sentence's rank. A statement's quotes stay indexed as they are: their
-- rows carry the speaker's names beside the words (context). The index
-- is over the rows that hold their own text (search_texts); a quote made
-- before its source's sentences keeps its own entry.

ALTER TABLE search_docs ADD COLUMN text_id INTEGER;
CREATE INDEX search_docs_text ON search_docs (text_id) WHERE text_id IS NOT NULL;
-- A source's sentence by where it starts (unique: a bulk import keeps it
-- while it loads, and finds the sentences its quotes refer to by it).
CREATE UNIQUE INDEX search_docs_sentence ON search_docs (node_id, start_pos) WHERE field = 'sentence';

DROP TRIGGER search_docs_insert;
DROP TRIGGER search_docs_delete;
DROP TABLE search;

CREATE VIEW search_texts AS SELECT id, body, context FROM search_docs WHERE text_id IS NULL;

CREATE VIRTUAL TABLE search USING fts5 (
    body,
    context,
    content = 'search_texts',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- A new quote that is a sentence of its source refers to the sentence's
-- row; any other row is indexed.
CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
    UPDATE search_docs SET text_id = (SELECT s.id FROM evidence e JOIN search_docs s
            ON s.node_id = e.source_id AND s.start_pos = e.start_pos AND s.end_pos = e.end_pos
        WHERE e.node_id = new.node_id AND e.quote = new.body
            AND s.field = 'sentence' AND s.body = new.body AND s.text_id IS NULL
        ORDER BY s.id LIMIT 1)
    WHERE id = new.id AND new.field = 'evidence' AND new.node_type <> 'Statement' AND new.context = '';
    INSERT INTO search (rowid, body, context) SELECT new.id, new.body, new.context
        WHERE (SELECT text_id FROM search_docs WHERE id = new.id) IS NULL;
END;

-- A row taken out leaves the index if it was in it; the quotes that
-- referred to it are indexed on their own.
CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search (search, rowid, body, context) SELECT 'delete', old.id, old.body, old.context WHERE old.text_id IS NULL;
    INSERT INTO search (rowid, body, context) SELECT id, body, context FROM search_docs WHERE text_id = old.id;
    UPDATE search_docs SET text_id = NULL WHERE text_id = old.id;
END;

-- The rows stored already: the migration's step in Go sets the quotes'
-- references (searchQuotes, as a bulk import does) and rebuilds the index.
