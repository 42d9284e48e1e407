-- Indexes on the reference columns that had none: lists by issue and
-- requirement actor use them, and so does the check for what refers to a
-- node before it is deleted (a column without one is scanned whole).
CREATE INDEX commitments_issue ON commitments (issue_id);
CREATE INDEX requirements_actor ON requirements (actor_id);
CREATE INDEX commitment_status_rated_by ON commitment_status (rated_by);
CREATE INDEX participations_on_behalf_of ON participations (on_behalf_of_id);
