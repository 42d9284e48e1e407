-- Search finds what a person types, as on SQLite (its migration
-- 0009_search_stemmed). Words are stemmed (Porter's stemmer, the one
-- SQLite's porter tokenizer runs, without stop words; accents still
-- ignored), so `doubt` finds "doubtful"; a statement's rows hold its
-- speaker's names in a second, lower-weighted part of their words
-- (context), so a statement is found by who said it; each sentence of a
-- source is a row of its own (field 'sentence', with its span in
-- characters), so that a search reaches the words of the text the graph
-- does not model; and a source's title is searched.

CREATE TEXT SEARCH DICTIONARY parley_porter (TEMPLATE = snowball, Language = porter);
CREATE TEXT SEARCH CONFIGURATION parley_english (COPY = parley);
ALTER TEXT SEARCH CONFIGURATION parley_english
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, parley_porter;

ALTER TABLE search_docs ADD COLUMN context TEXT NOT NULL DEFAULT '';
ALTER TABLE search_docs ADD COLUMN start_pos INTEGER;
ALTER TABLE search_docs ADD COLUMN end_pos INTEGER;

-- The names and aliases of a statement's speaker.
CREATE FUNCTION parley_speaker_names(statement text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_agg(an.name, ' ' ORDER BY an.is_alias, an.name), '')
          FROM statements s JOIN actor_names an ON an.actor_id = s.speaker_id WHERE s.id = statement $$;

-- The context follows every write path by triggers: a statement's row
-- gets its speaker's names when it is inserted; a statement inserted
-- after its rows (its evidence rows come first) updates them; an actor's
-- new names reach the rows of the statements it spoke.
CREATE FUNCTION parley_search_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.context := parley_speaker_names(NEW.node_id);
    RETURN NEW;
END $$;
CREATE TRIGGER search_docs_context BEFORE INSERT ON search_docs
    FOR EACH ROW WHEN (NEW.node_type = 'Statement') EXECUTE FUNCTION parley_search_context();

CREATE FUNCTION parley_statements_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs d SET context = parley_speaker_names(d.node_id)
    WHERE d.node_id IN (SELECT id FROM added);
    RETURN NULL;
END $$;
CREATE TRIGGER statements_context AFTER INSERT ON statements
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION parley_statements_context();

CREATE FUNCTION parley_speakers_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs d SET context = parley_speaker_names(d.node_id)
    WHERE d.node_type = 'Statement'
      AND d.node_id IN (SELECT s.id FROM statements s WHERE s.speaker_id IN (SELECT actor_id FROM added));
    RETURN NULL;
END $$;
CREATE TRIGGER actor_names_context AFTER INSERT ON actor_names
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION parley_speakers_context();

UPDATE search_docs SET context = parley_speaker_names(node_id) WHERE node_type = 'Statement';

-- The words again, stemmed, the context weighted B (ranked at half the
-- text's weight A, as SQLite's bm25 weighs its context column).
DROP INDEX search_docs_words;
ALTER TABLE search_docs DROP COLUMN words;
ALTER TABLE search_docs ADD COLUMN words tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('parley_english'::regconfig, body), 'A') ||
    setweight(to_tsvector('parley_english'::regconfig, context), 'B')) STORED;
CREATE INDEX search_docs_words ON search_docs USING gin (words);

-- What is stored already.
-- (The sentences of sources are added by the migration's step in Go: SQL
-- alone cannot split a text into sentences as parley.Sentences does.)
INSERT INTO search_docs (node_id, node_type, field, body)
    SELECT id, 'Source', 'title', title FROM sources;
