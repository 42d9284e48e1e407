package postgres

import (
	"context"
	"database/sql"
	"hash/maphash"
	"slices"

	"github.com/parley-graph/parley/internal/parley"
)

// bulkSearch derives a bulk import's search rows from the nodes as they
// are written, the rows the search triggers and the migrations' statements
// would make of them (TestBulkImport compares them with those of an import
// row by row), and sends them by COPY to the side (searchSide) during the
// load: a second server backend tokenizes them (the generated columns)
// while the client reads on and the import's backend writes the rest, and
// nothing is left to derive from the tables after the load.
//
// Each row's reference to the row holding its text (text_id, migration
// 0009) is set as it is written: the first row of a text, by id, holds
// it, as when rows are written one by one; the ids are taken from the
// table's sequence, in the order the rows are sent.
type bulkSearch struct {
	seq  string // the sequence of search_docs.id
	next int64  // the next row's id
	// texts holds each distinct text's holder, by a 128-bit hash of the
	// text (two seeded maphashes; a collision, odds about 1e-26 for
	// millions of texts, would leave a text unindexed): the texts
	// themselves would hold some hundred MB at 1M assertions.
	texts       map[[2]uint64]int64
	seed, seed2 maphash.Seed
	// names is each actor's names as a statement it spoke has them for
	// context (parley_speaker_names: the name, then the aliases in byte
	// order, once each).
	names map[string]string
	// waiting holds the rows of statements whose speaker is not written
	// yet (a file may list statements before actors), sent at the end.
	waiting []searchRow
	// side takes the rows (sideBatch at a time, gathered in batch).
	side  *searchSide
	batch [][]any
}

// searchColumns are the columns of a bulk import's search rows.
var searchColumns = []string{"id", "node_id", "node_type", "field", "body", "context", "start_pos", "end_pos", "text_id"}

// searchRow is a search row before its id.
type searchRow struct {
	node, nodeType, field, body string
	speaker                     string // a statement's speaker, for context
	start, end                  any    // a sentence's span, or nil
}

// startBulkSearch takes the first id for the rows from the sequence.
func startBulkSearch(ctx context.Context, tx *sql.Tx, side *searchSide) (*bulkSearch, error) {
	s := &bulkSearch{texts: map[[2]uint64]int64{}, names: map[string]string{}, side: side,
		seed: maphash.MakeSeed(), seed2: maphash.MakeSeed()}
	if err := tx.QueryRowContext(ctx, "SELECT pg_get_serial_sequence('search_docs', 'id')").Scan(&s.seq); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, "SELECT nextval(?::regclass)", s.seq).Scan(&s.next); err != nil {
		return nil, err
	}
	return s, nil
}

// actorNames records an actor's names (its name, then its aliases but
// the one equal to the name or repeated, as actor_names keeps them) and
// returns its aliases so kept, in their order.
func (s *bulkSearch) actorNames(id, name string, aliases []string) []string {
	kept := make([]string, 0, len(aliases))
	for _, a := range aliases {
		if a != name && !slices.Contains(kept, a) {
			kept = append(kept, a)
		}
	}
	sorted := slices.Clone(kept)
	slices.Sort(sorted) // bytes, as actor_names.name (COLLATE "C")
	names := name
	for _, a := range sorted {
		names += " " + a
	}
	s.names[id] = names
	return kept
}

// row sends a search row to the side, or keeps it for the end when its
// statement's speaker is not written yet.
func (s *bulkSearch) row(r searchRow) error {
	context := ""
	if r.speaker != "" {
		names, ok := s.names[r.speaker]
		if !ok {
			s.waiting = append(s.waiting, r)
			return nil
		}
		context = names
	}
	id := s.next
	s.next++
	key := [2]uint64{maphash.String(s.seed, r.body), maphash.String(s.seed2, r.body)}
	var holder any
	if h, ok := s.texts[key]; ok {
		holder = h
	} else {
		s.texts[key] = id
	}
	s.batch = append(s.batch, []any{id, r.node, r.nodeType, r.field, r.body, context, r.start, r.end, holder})
	if len(s.batch) < sideBatch {
		return nil
	}
	return s.sendBatch()
}

// sendBatch sends the rows gathered to the side.
func (s *bulkSearch) sendBatch() error {
	if len(s.batch) == 0 {
		return nil
	}
	batch := s.batch
	s.batch = make([][]any, 0, sideBatch)
	return s.side.send(batch)
}

// flushWaiting sends the rows kept for their speakers (every actor is
// written by now: validation saw to it), and the last rows gathered.
func (s *bulkSearch) flushWaiting() error {
	waiting := s.waiting
	s.waiting = nil
	for _, r := range waiting {
		if _, ok := s.names[r.speaker]; !ok {
			s.names[r.speaker] = "" // as coalesce(names, '') would
		}
		if err := s.row(r); err != nil {
			return err
		}
	}
	return s.sendBatch()
}

// setSequence moves the sequence past the ids taken, once every row is
// written.
func (s *bulkSearch) setSequence(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "SELECT setval(?::regclass, ?)", s.seq, s.next-1)
	return err
}

// searchNode is the node whose rows a bulk import is writing: its type,
// and for a statement its speaker (its search rows' context).
type searchNode struct {
	nodeType parley.NodeType
	speaker  string
}
