package sqlcommon

// EdgeRows selects the rows of the edges table from the typed rows, as
// the stores' writers make them node by node (the import tests of both
// stores compare the two): a bulk import into an empty database derives
// the table in one statement after the load. The rows come sorted in the
// table's key order, so that they are appended to its B-tree rather than
// inserted all over one that no longer fits the cache. Should a row come
// twice, the INSERT that takes these rows keeps one, as the writers do.
const EdgeRows = `SELECT src, dst, kind, via FROM (
	SELECT id AS src, part_of_id AS dst, 'PART_OF' AS kind, id AS via FROM events
	UNION ALL SELECT id, parent_id, 'SUBISSUE_OF', id FROM issues
	UNION ALL SELECT id, issue_id, 'IN_ISSUE', id FROM propositions
	UNION ALL SELECT holder_id, organization_id, 'HOLDS_POST_IN', id FROM roles
	UNION ALL SELECT holder_id, on_behalf_of_id, 'ACTS_FOR', id FROM roles
	UNION ALL SELECT subject_id, object_id, kind, id FROM relations
	UNION ALL SELECT actor_id, event_id, 'TOOK_PART_IN', id FROM participations
	UNION ALL SELECT actor_id, on_behalf_of_id, 'ACTS_FOR', id FROM participations
	UNION ALL SELECT holder_id, proposition_id, 'HOLDS_POSITION_ON', id FROM positions
	UNION ALL SELECT subject_id, actor_id, 'REQUIRES', id FROM requirements
	UNION ALL SELECT id, package_id, 'IN_PACKAGE', id FROM documents
	UNION ALL SELECT id, refines_id, 'REFINES', id FROM documents
	UNION ALL SELECT actor_id, document_id,
		CASE role WHEN 'DRAFTER' THEN 'DRAFTED' WHEN 'BACKER' THEN 'BACKS' ELSE 'PARTY_TO' END, document_id FROM document_actors
	UNION ALL SELECT document_id, issue_id, 'COVERS', document_id FROM document_issues
	UNION ALL SELECT p.actor_id, c.document_id, 'COMMITS_IN', c.id
		FROM commitment_parties p JOIN commitments c ON c.id = p.commitment_id WHERE p.role = 'PROMISOR'
	UNION ALL SELECT p.actor_id, c.issue_id, 'COMMITS_ON', c.id
		FROM commitment_parties p JOIN commitments c ON c.id = p.commitment_id WHERE p.role = 'PROMISOR'
	UNION ALL SELECT p.actor_id, b.actor_id, 'COMMITS_TO', p.commitment_id
		FROM commitment_parties p JOIN commitment_parties b ON b.commitment_id = p.commitment_id AND b.role = 'BENEFICIARY'
		WHERE p.role = 'PROMISOR'
	UNION ALL SELECT speaker_id, event_id, 'SPOKE_AT', id FROM statements
	UNION ALL SELECT s.speaker_id, a.actor_id, 'ADDRESSED', s.id
		FROM statement_audience a JOIN statements s ON s.id = a.statement_id
	UNION ALL SELECT claimant_id, id, 'CLAIMS', id FROM claims
	UNION ALL SELECT claim_id, node_id, 'ABOUT', claim_id FROM claim_about
) AS e WHERE src IS NOT NULL AND dst IS NOT NULL AND src <> '' AND dst <> '' AND src <> dst
ORDER BY src, dst, kind, via`
