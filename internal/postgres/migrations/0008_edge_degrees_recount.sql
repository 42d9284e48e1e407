-- edge_degrees counted again with the edges locked against writes. 0006
-- counted the edges before it made the triggers that keep the counts, in
-- one transaction but without a lock: a server of an older version
-- writing links in between (replicas upgraded one at a time) would have
-- left its links out of the counts for good, and a path chooses its side
-- by them. Here the lock comes first, so the counts and the triggers
-- (already in place) agree from now on.
LOCK TABLE edges IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM edge_degrees;
INSERT INTO edge_degrees (id, n)
SELECT id, count(*) FROM (SELECT src AS id FROM edges UNION ALL SELECT dst FROM edges) e GROUP BY id;
