-- The links to a node, read from the index alone: a walk's links to its
-- frontier (internal/store/sqlcommon/walk.go) want src, kind and via too,
-- which edges_dst (dst, src) sent to the table for, a random page read a
-- link at 1M assertions. SQLite's edges is WITHOUT ROWID, so its edges_dst
-- already holds the whole key (src, dst, kind, via) and needs no change.
DROP INDEX edges_dst;
CREATE INDEX edges_dst ON edges (dst, src, kind, via);
