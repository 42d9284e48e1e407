-- Each text is indexed once. Half the search rows repeat, word for word,
-- the text of another row: an evidence quote is a sentence of its source
-- (itself a row), and the generator's statements and summaries repeat
-- their templates (at 1M assertions, 3.28 million rows held 1.59 million
-- distinct texts). A search of two common words walks both words' lists
-- of rows in the GIN index whole, and those were twice as long as the
-- lists of texts ("ceasefire": 214,000 rows, 103,000 texts).
--
-- Now the first row with a text holds it (text_id NULL) and is indexed;
-- every later row with the same body refers to it (text_id), and a
-- search that matches the text finds them too. The words of a row are its
-- body alone; a statement's speaker's names (context) are indexed apart,
-- on the row (context_words, weighted B as before), and a row matches
-- when each word typed is in its text or in its context. The migration's
-- step in Go (searchTextsOnce) adds the columns of words and the indexes
-- after the references are set, so that only the texts are tokenized.

DROP INDEX search_docs_words;
ALTER TABLE search_docs DROP COLUMN words;
ALTER TABLE search_docs ADD COLUMN text_id BIGINT;

-- A row written alone refers to the row that holds its text, if any
-- (found by the hash index search_docs_body; locked, so that a holder
-- deleted meanwhile is passed over, and one deleted later sets the
-- reference to NULL: the row then holds its text). A bulk import writes
-- its rows without this trigger and sets the references after them, as
-- below.
CREATE FUNCTION parley_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.text_id := (SELECT id FROM search_docs WHERE body = NEW.body AND text_id IS NULL ORDER BY id LIMIT 1 FOR KEY SHARE);
    RETURN NEW;
END $$;
CREATE TRIGGER search_docs_text BEFORE INSERT ON search_docs
    FOR EACH ROW EXECUTE FUNCTION parley_search_text();

-- What is stored already.
UPDATE search_docs d SET text_id = h.holder
    FROM (SELECT id, min(id) OVER (PARTITION BY body) AS holder FROM search_docs) h
    WHERE h.id = d.id AND h.holder <> d.id
