// Package parley holds Parley's domain: the kinds of node in a negotiation
// graph, their validation, the error vocabulary and the store interface.
// It depends on the standard library only; technologies (SQLite, GraphQL,
// YAML) live in their own packages and speak to each other in these terms.
package parley

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They are stable: clients see them as GraphQL
// extensions.code and the CLI prints them.
const (
	EInvalid  = "BAD_USER_INPUT" // the input breaks a rule of the domain
	ENotFound = "NOT_FOUND"      // a referenced node does not exist
	EConflict = "CONFLICT"       // the input clashes with what is stored
	EInternal = "INTERNAL"       // a fault of Parley's, never the caller's
	EBusy     = "BUSY"           // the database stayed locked by other writers: nothing written, try again

	EUnauthenticated = "UNAUTHENTICATED" // no valid token where one is needed
	EForbidden       = "FORBIDDEN"       // the token's role may not do this

	// Faults of the storage: not the caller's doing, but not a bug of
	// Parley's either; the operator has to act.
	EStorageReadOnly = "STORAGE_READ_ONLY" // the database file or its filesystem cannot be written
	EStorageFull     = "STORAGE_FULL"      // the disk holding the database is full
	EStorageCorrupt  = "STORAGE_CORRUPT"   // the database file is damaged: restore a backup
	EStorageIO       = "STORAGE_IO"        // the operating system failed to read or write the file
)

// StorageFaults is implemented by stores that can tell a fault of their
// storage in an error they returned, so that the edge reports it by its
// own code rather than as an internal error.
type StorageFaults interface {
	// StorageFault returns err as an *Error with one of the EStorage*
	// codes when err is (or wraps) a fault of the storage, and nil
	// otherwise.
	StorageFault(err error) *Error
}

// IsStorageFault reports whether code is one of the EStorage* codes.
func IsStorageFault(code string) bool {
	switch code {
	case EStorageReadOnly, EStorageFull, EStorageCorrupt, EStorageIO:
		return true
	}
	return false
}

// Error is the one error type of the domain. Code is one of the E*
// constants; Message is safe to show to a user.
type Error struct {
	Code    string
	Message string
	// Problems lists each field-level problem when Code is EInvalid.
	Problems []Problem
	// Details are facts a client may act on, such as the currentVersion
	// of a version conflict; the API shows them as extensions.
	Details map[string]any
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err, hiding the detail of
// internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Problem is one thing wrong with the input: where (the file and the path
// of the field inside it, such as "positions[3].holder") and what.
type Problem struct {
	File    string
	Line    int // line in File, when known
	Path    string
	Code    string
	Message string
}

// String formats the problem as "FILE:LINE: path: message", leaving out
// what is not known.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}
