package parley

import (
	"context"
	"fmt"
	"reflect"
)

// Roles of API tokens, each allowed what the one before it is.
const (
	RoleReader = "reader" // may read when reads need a token
	RoleEditor = "editor" // may write nodes and assertions
	RoleAdmin  = "admin"  // may also import, delete and manage tokens
)

var roleRank = map[string]int{RoleReader: 1, RoleEditor: 2, RoleAdmin: 3}

// ValidRole reports whether role is one of the roles.
func ValidRole(role string) bool { return roleRank[role] > 0 }

// Principal is who makes a request: a token's name and role.
type Principal struct {
	Name string
	Role string
}

// Can reports whether the principal's role includes role.
func (p *Principal) Can(role string) bool {
	return p != nil && roleRank[p.Role] >= roleRank[role]
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

type authorKey struct{}

// WithAuthor returns ctx naming who writes, for the history.
func WithAuthor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, authorKey{}, name)
}

// AuthorFrom returns who writes: the author of ctx, else its principal's
// name, else "unknown".
func AuthorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(authorKey{}).(string); ok && a != "" {
		return a
	}
	if p := PrincipalFrom(ctx); p != nil {
		return p.Name
	}
	return "unknown"
}

// Op names a kind of write in the history.
type Op string

// Operations.
const (
	OpCreate    Op = "CREATE"
	OpUpdate    Op = "UPDATE"
	OpDelete    Op = "DELETE"
	OpDeprecate Op = "DEPRECATE"
	OpSupersede Op = "SUPERSEDE"
	OpRate      Op = "RATE"
	OpImport    Op = "IMPORT"
)

// Mutation is one write of a set applied together.
type Mutation struct {
	// Op is recorded in the history.
	Op Op
	// Put is a node to store (a *Actor, *Position, …): new if New, else it
	// replaces the stored node with its id.
	Put any
	New bool
	// Delete is the id of a node to delete; refused with EConflict, naming
	// them, while other nodes refer to it.
	Delete string
	// IfVersion, when not 0, is the version of the node that Put replaces
	// or Delete deletes that the client saw: if the node is at another
	// version now, nothing is written and the write fails with a
	// VersionConflict (code EConflict), as HTTP's If-Match does.
	IfVersion int
}

// Change is one recorded write.
type Change struct {
	Seq      int64
	NodeID   string
	NodeType NodeType
	Op       Op
	Author   string
	At       string // RFC 3339, UTC
	// Before and After are the node's record as JSON; empty for none.
	Before, After string
	// Version is the node's version after the change; 0 for a delete (and
	// for changes recorded before nodes had versions).
	Version int
	// Node is the node as the change left it (its Version set), when the
	// write returns it; nil for a delete and in the history.
	Node any
}

// ChangeQuery selects changes, newest first; nil fields are not given.
type ChangeQuery struct {
	NodeID *string
	First  int
	Before *int64 // only changes older than this seq
	// Since, when set, asks for the changes with a greater seq than it,
	// oldest first (for clients that poll); Before is then ignored.
	Since *int64
}

// Token is an API token as stored: never the token itself.
type Token struct {
	Name, Role, CreatedAt, RevokedAt string
}

// Writer changes the graph.
type Writer interface {
	// Apply validates and applies the mutations in one transaction,
	// recording each in the history with the author of ctx; nothing is
	// written if any fails. Problems carry paths such as
	// "positions[0].evidence[1].quote" where the n-th Put of a type is
	// "<section>[n]".
	Apply(ctx context.Context, muts []Mutation) ([]Change, error)
	// Update is a read-modify-write of one node: inside one write
	// transaction it reads the node with the id (ENotFound if there is
	// none), calls edit with it (a *Actor, *Position…, Version set), and
	// validates, applies and records the mutations edit returns as Apply
	// does. No other write, in this process or another on the same store,
	// comes between the read and the write, so none is lost. If edit fails
	// nothing is written and its error is returned. edit may be called
	// more than once (when the store retries a transaction), so it must
	// not have other effects.
	Update(ctx context.Context, id string, edit func(current any) ([]Mutation, error)) ([]Change, error)
	// Changes returns one page of the history, newest first, and whether
	// there is more.
	Changes(ctx context.Context, q ChangeQuery) ([]Change, bool, error)
	// CountChanges counts the changes q selects on all its pages: those
	// of q.NodeID and after q.Since, when set; First and Before are
	// ignored.
	CountChanges(ctx context.Context, q ChangeQuery) (int, error)
}

// Tokens keeps the API tokens.
type Tokens interface {
	// CreateToken makes a token for a name and role and returns it; only
	// its hash is kept. EConflict if the name is taken.
	CreateToken(ctx context.Context, name, role string) (string, error)
	// ListTokens returns the tokens, by name.
	ListTokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes the token of a name; ENotFound if none.
	RevokeToken(ctx context.Context, name string) error
	// Authenticate returns the principal of a token; EUnauthenticated for
	// an unknown or revoked token.
	Authenticate(ctx context.Context, token string) (*Principal, error)
}

// Revision returns the stored version of a node (a *Actor, *Position…);
// 0 for a value that is not a node or was not read from a store.
func Revision(v any) int {
	if f := versionField(v); f.IsValid() {
		return int(f.Int())
	}
	return 0
}

// SetRevision sets the stored version of a node; stores call it when
// they read one.
func SetRevision(v any, n int) {
	if f := versionField(v); f.IsValid() {
		f.SetInt(int64(n))
	}
}

func versionField(v any) reflect.Value {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return rv.Elem().FieldByName("Version")
}

// VersionConflict is the error of a write whose IfVersion is not the
// node's version: the client read the node before another change.
func VersionConflict(id string, expected, current int) *Error {
	return &Error{
		Code: EConflict,
		Message: fmt.Sprintf("%q is at version %d, not %d: it changed since that version was read; read it again and reapply the change",
			id, current, expected),
		Details: map[string]any{"currentVersion": current, "expectedVersion": expected},
	}
}
