-- A sentence that runs on across a line break is one sentence now
-- (parley.Sentences), where each line was split before: the sentences of
-- the sources stored so far are taken out of the search, and the
-- migration's step in Go puts them back, split anew.
DELETE FROM search_docs WHERE node_type = 'Source' AND field = 'sentence';
