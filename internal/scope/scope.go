// Package scope is where every module asks what a caller may touch. Each
// module (org, member, activity, course and every one to come) declares one
// Rule naming its read and write permissions and answers through it
// "may this caller see / change the record at this path" and "which subtrees
// may this query cover"; it renders those subtrees as path ranges for SQL,
// clamps page sizes and converts the stored Unix-millisecond timestamps. So
// the NotFound-versus-Forbidden answer, the ranges and the limits are the
// same in every module, and a new module writes none of them again.
//
// The organisation tree is a materialised path ('/<root>/.../<id>/'): a
// subtree is the range path >= P AND path < audit.PathEnd(P), which one
// index scan answers.
package scope

import (
	"errors"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
)

// ErrNilPrincipal is wrapped when a scoped method gets no principal: a bug
// in the caller, never an empty answer.
var ErrNilPrincipal = errors.New("nil principal passed to a scoped method")

// NilPrincipal is the internal error for a scoped method called without a
// principal; context names where ("activity: list").
func NilPrincipal(context string) error { return errs.Internal(ErrNilPrincipal, context) }

// Rule is one module's permissions over the organisation tree.
type Rule struct {
	Entity string    // what NotFound names and NilPrincipal's context: "member"
	Read   auth.Perm // lets a caller see
	Write  auth.Perm // lets a caller change, and so also see
}

// CanRead reports whether p may see a record at path. Write implies sight:
// a caller who may change something may also look at it.
func (r Rule) CanRead(p *auth.Principal, path string) bool {
	return p.CanAt(r.Read, path) || p.CanAt(r.Write, path)
}

// CanWrite reports whether p may change a record at path.
func (r Rule) CanWrite(p *auth.Principal, path string) bool { return p.CanAt(r.Write, path) }

// Readable answers NotFound for a record p may not see: the same answer as
// for a missing one, so nothing leaks.
func (r Rule) Readable(p *auth.Principal, path string) error {
	if p == nil {
		return NilPrincipal(r.Entity)
	}
	if !r.CanRead(p, path) {
		return errs.NotFound(r.Entity)
	}
	return nil
}

// Writable answers NotFound for what p may not see and Forbidden for what it
// may see but not change.
func (r Rule) Writable(p *auth.Principal, path string) error {
	if err := r.Readable(p, path); err != nil {
		return err
	}
	if !r.CanWrite(p, path) {
		return errs.Forbidden()
	}
	return nil
}

// Paths returns the subtrees whose records p may see, nested ones removed;
// none is an empty answer, a nil principal an error.
func (r Rule) Paths(p *auth.Principal) ([]string, error) {
	if p == nil {
		return nil, NilPrincipal(r.Entity)
	}
	return p.PathsAny(r.Read, r.Write), nil
}

// Ranges renders "col lies in the subtree at P" for each path, with its
// arguments, for callers that join them with conditions of their own.
func Ranges(col string, paths []string) ([]string, []any) {
	parts := make([]string, len(paths))
	args := make([]any, 0, 2*len(paths))
	for i, p := range paths {
		parts[i] = "(" + col + " >= ? AND " + col + " < ?)"
		args = append(args, p, audit.PathEnd(p))
	}
	return parts, args
}

// SQL renders "col lies in one of these subtrees" as index-friendly ranges.
// paths must not be empty: callers answer an empty scope before querying.
func SQL(col string, paths []string) (string, []any) {
	parts, args := Ranges(col, paths)
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// After is SQL for a listing in path order that resumes after the path
// cursor after: each range starts at its own bound or just past the cursor,
// whichever is later, so that the index seek lands on the next row rather
// than scanning from the top of the range; ranges wholly before the cursor
// are left out. ok is false when nothing is left.
func After(col string, paths []string, after string) (sql string, args []any, ok bool) {
	var parts []string
	for _, p := range paths {
		lo, hi := p, audit.PathEnd(p)
		switch {
		case after == "" || after < lo:
			parts = append(parts, "("+col+" >= ? AND "+col+" < ?)")
			args = append(args, lo, hi)
		case after < hi:
			parts = append(parts, "("+col+" > ? AND "+col+" < ?)")
			args = append(args, after, hi)
		}
	}
	if len(parts) == 0 {
		return "", nil, false
	}
	return "(" + strings.Join(parts, " OR ") + ")", args, true
}

// Page sizes of every listing: what is asked for, up to MaxPage, and
// DefaultPage when nothing (or nonsense) is.
const (
	DefaultPage = 50
	MaxPage     = 200
)

// PageLimit applies the default and the cap of every listing.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultPage
	case n > MaxPage:
		return MaxPage
	}
	return n
}

// Millis is how a time is stored: Unix milliseconds.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis reads a stored time back, in UTC.
func FromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// Above renders "col is the path of an organisation above one of these
// subtrees (or of a subtree's own root, with self)": what is made for
// those below it (a city-wide bank or contest) reaches the callers of
// these paths. ok is false when there is none.
func Above(col string, paths []string, self bool) (sql string, args []any, ok bool) {
	seen := map[string]bool{}
	for _, p := range paths {
		for _, a := range auth.Ancestors(p) {
			if (self || a != p) && !seen[a] {
				seen[a] = true
				args = append(args, a)
			}
		}
	}
	if len(args) == 0 {
		return "", nil, false
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")", args, true
}

// CanReach reports whether p may use what is kept at path for the
// subtrees below it (a bank of questions): it lies in a subtree p may
// read, or above one.
func (r Rule) CanReach(p *auth.Principal, path string) bool {
	if r.CanRead(p, path) {
		return true
	}
	paths, _ := r.Paths(p)
	for _, sub := range paths {
		if strings.HasPrefix(sub, path) {
			return true
		}
	}
	return false
}

// ReachSQL renders "col is in a subtree p may read, or above one" (see
// CanReach); ok is false when p may read nowhere.
func (r Rule) ReachSQL(p *auth.Principal, col string) (sql string, args []any, ok bool) {
	paths, _ := r.Paths(p)
	if len(paths) == 0 {
		return "", nil, false
	}
	inScope, args := SQL(col, paths)
	above, more, ok := Above(col, paths, false)
	if !ok {
		return inScope, args, true
	}
	return "(" + inScope + " OR " + above + ")", append(args, more...), true
}
