package sqlcommon

// Dialect is what a SQL store writes its own way in the statements the
// two stores share. Both stores write placeholders as ?, and PostgreSQL's
// driver rebinds them ($1, $2, ...) along with json_each and
// json_group_array (internal/postgres/driver.go); the rest differs here.
type Dialect struct {
	// ValidEnd is the last day an assertion's valid_to (a, partial as
	// YYYY or YYYY-MM) can mean, as YYYY-MM-DD.
	ValidEnd string
	// Text types an expression (a placeholder) as text, where the engine
	// cannot tell its type.
	Text func(expr string) string
	// Collate orders an id expression bytewise, as the id columns are.
	Collate func(expr string) string
	// Like is the operator of a case-insensitive LIKE.
	Like string
	// As names a derived table (" name"), where the engine requires it.
	As func(name string) string
}

// ValidStart is the first day an assertion's valid_from (a, partial as
// YYYY or YYYY-MM) can mean, as YYYY-MM-DD: the same in both dialects.
const ValidStart = `CASE length(a.valid_from) WHEN 4 THEN a.valid_from || '-01-01' WHEN 7 THEN a.valid_from || '-01' ELSE a.valid_from END`
