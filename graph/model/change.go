package model

import "github.com/parley-graph/parley/internal/parley"

// ChangeConnection is a page of changes. Query is what the page was read
// with, so that totalCount is counted only when asked for.
type ChangeConnection struct {
	// The changes of this page, each with its cursor.
	Edges []*ChangeEdge `json:"edges"`
	// Where this page stands.
	PageInfo *PageInfo `json:"pageInfo"`
	// The query of the page, for totalCount.
	Query parley.ChangeQuery `json:"-"`
}
