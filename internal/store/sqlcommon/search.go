package sqlcommon

import "github.com/parley-graph/parley/internal/parley"

// IndexSentences adds each sentence of a source's text as a search row
// (the sentences coverage counts), with its span in characters, through
// exec (a store's statement runner: row by row, or gathered in bulk).
func IndexSentences(exec func(string, ...any) error, id, text string) error {
	for _, s := range parley.Sentences(text) {
		if err := exec("INSERT INTO search_docs (node_id, node_type, field, body, start_pos, end_pos) VALUES (?, 'Source', 'sentence', ?, ?, ?)",
			id, s.Text, s.Start, s.End); err != nil {
			return err
		}
	}
	return nil
}
