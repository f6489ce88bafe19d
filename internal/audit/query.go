package audit

import (
	"net/url"
	"strings"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Query is the log's filter as a page or an export link carries it: codes
// and IDs only, so the URL holds no personal data (a person is their
// account's ID, an object its kind and ID).
type Query struct {
	Actor  string // an account's ID
	Kind   string // an action, or "area:<area>" for all of an area's actions
	Entity string // a kind of object
	Object string // its ID
	From   string // YYYY-MM-DD, a Beijing day
	To     string // YYYY-MM-DD, included
}

// QueryOf reads a Query from URL values.
func QueryOf(v url.Values) Query {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return Query{Actor: g("actor"), Kind: g("kind"), Entity: g("entity"), Object: g("object"), From: g("from"), To: g("to")}
}

// Values is q as URL values (empty ones left out).
func (q Query) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": q.Actor, "kind": q.Kind, "entity": q.Entity, "object": q.Object, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Empty reports whether q filters nothing.
func (q Query) Empty() bool { return q == Query{} }

// Filter checks q and turns it into a Filter over paths; a bad value is a
// field error naming the field.
func (q Query) Filter(paths []string) (Filter, error) {
	f := Filter{Paths: paths}
	bad := errs.Fields{}
	if q.Actor != "" {
		id, ok := db.ParseID(q.Actor)
		if bad.Check(ok && id > 0, "actor", "audit.filter.bad_actor") {
			f.ActorID = id
		}
	}
	if area, ok := strings.CutPrefix(q.Kind, "area:"); ok {
		if bad.Check(IsArea(area), "kind", "audit.filter.bad_kind") {
			f.Area = area
		}
	} else if q.Kind != "" && bad.Check(Known(q.Kind), "kind", "audit.filter.bad_kind") {
		f.Kind = q.Kind
	}
	if q.Entity != "" && bad.Check(KnownEntity(q.Entity), "entity", "audit.filter.bad_entity") {
		f.Entity = q.Entity
	}
	if q.Object != "" && bad.Check(q.Entity != "", "object", "audit.filter.object_needs_kind") &&
		bad.Check(objectID(q.Object), "object", "audit.filter.bad_object") {
		f.EntityID = q.Object
	}
	if q.From != "" {
		if t, ok := beijing.ParseDay(q.From); bad.Check(ok, "from", "field.invalid_date") {
			f.From = t
		}
	}
	if q.To != "" {
		if t, ok := beijing.ParseDay(q.To); bad.Check(ok, "to", "field.invalid_date") {
			f.To = t.AddDate(0, 0, 1)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() {
		bad.Check(f.From.Before(f.To), "to", "field.date_order")
	}
	return f, bad.Err()
}

// objectID accepts an ID, or two joined by "/" (a sign-up: the activity's
// and the member's).
func objectID(s string) bool {
	a, b, pair := strings.Cut(s, "/")
	if _, ok := db.ParseID(a); !ok {
		return false
	}
	if pair {
		_, ok := db.ParseID(b)
		return ok
	}
	return true
}
