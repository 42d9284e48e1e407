-- Versions, for optimistic concurrency: each node's revision, 1 when it
-- is created and one more at each change, which clients send back with an
-- update (expectedVersion) so that a change made since they read the node
-- is not overwritten. Nodes stored before this migration start at 1.
-- Each change records the version it left the node at (NULL for a delete
-- and for the changes recorded before).
ALTER TABLE nodes ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE changes ADD COLUMN version INTEGER CHECK (version IS NULL OR version >= 1);
