package station

import (
	"context"
	"slices"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Query filters the staff's list of stations.
type Query struct {
	Q       string // words of the name or the address
	Type    string
	Org     int64 // an organisation's subtree (one the caller reads)
	Amenity Amenity
	Status  Status
	Sort    string
	After   string
	Offset  int
	Limit   int
}

// Sorts are the orders of the staff list.
var Sorts = &listing.Sorts[Station]{List: "stations", ID: "s.id", IDOf: func(s *Station) int64 { return s.ID },
	Default: "name", Keys: []listing.Key[Station]{
		{Name: "name", Expr: "s.name", Of: func(s *Station) any { return s.Name }},
		{Name: "updated", Expr: "s.updated_at", Desc: true, Of: func(s *Station) any { return scope.Millis(s.UpdatedAt) }},
		// The expression is visits30's, written for the day List reads on.
		{Name: "visits", Expr: visits30Mark, Desc: true, Of: func(s *Station) any { return int64(s.Visits30) }},
	}}

// visits30Mark stands for the visits of the last 30 days in the sort
// key; List puts in the expression for its day.
const visits30Mark = "(visits30)"

// visits30 is a station's visits (signed in or not) from the Beijing day
// from on: at most 30 rows of station_visit_days by its key. from is a
// day beijing.Day wrote (digits and dashes), never the caller's text.
func visits30(from string) string {
	return "(SELECT COALESCE(SUM(d.visits + d.anonymous), 0) FROM station_visit_days d WHERE d.station_id = s.id AND d.day >= '" + from + "')"
}

// sortsOn is Sorts with the visits key's expression for day from.
func sortsOn(from string) *listing.Sorts[Station] {
	c := *Sorts
	c.Keys = slices.Clone(Sorts.Keys)
	for i := range c.Keys {
		if c.Keys[i].Expr == visits30Mark {
			c.Keys[i].Expr = visits30(from)
		}
	}
	return &c
}

// filter is q's conditions; withType false leaves the type out (the
// totals by type).
func (s *Store) filter(ctx context.Context, pr *auth.Principal, q Query, withType bool) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Status == "" || slices.Contains(Statuses, q.Status), "status", "field.invalid_choice")
		f.Check(q.Amenity == "" || slices.Contains(Amenities, q.Amenity), "amenity", "field.invalid_choice")
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if q.Org != 0 {
			path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
			if err != nil {
				return nil, nil, err
			}
			paths = []string{path}
		}
		if len(paths) == 0 {
			return nil, nil, nil
		}
		in, args := scope.SQL("s.org_path", paths)
		where := []string{in}
		if q.Q != "" {
			where = append(where, "("+s.DB.ContainsFold("s.name")+" OR "+s.DB.ContainsFold("s.address")+")")
			args = append(args, s.DB.ContainsFoldArg(q.Q), s.DB.ContainsFoldArg(q.Q))
		}
		if withType && q.Type != "" {
			where, args = append(where, "s.type = ?"), append(args, q.Type)
		}
		if q.Amenity != "" {
			bit := amenityBits([]Amenity{q.Amenity})
			where, args = append(where, "(s.amenities & ?) = ?"), append(args, bit, bit)
		}
		if q.Status != "" {
			where, args = append(where, "s.status = ?"), append(args, q.Status)
		}
		return where, args, nil
	}
}

// List returns the stations of the caller's subtrees that q asks for, in
// its order.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Station, string, error) {
	if pr == nil {
		return nil, "", scope.NilPrincipal("station: list")
	}
	since := daysBack(s.now(), 30)
	return sortsOn(since).Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.filter(ctx, pr, q, true),
		func(clause string, args []any) ([]Station, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+cols+", "+visits30(since)+from+clause, args...)
			return signup.All(rows, err, "station: list", func(sc signup.Scanner) (Station, error) {
				var n int
				st, err := s.scan(extra{sc, &n})
				st.Visits30 = n
				return st, err
			})
		})
}

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	if pr == nil {
		return listing.Total{}, scope.NilPrincipal("station: count")
	}
	return listing.CountOf(ctx, s.DB, 0, "FROM stations s", s.filter(ctx, pr, q, true))
}

// ByType counts q's stations by type (q's own type left out): the list's
// tabs.
func (s *Store) ByType(ctx context.Context, pr *auth.Principal, q Query) (map[string]int, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: by type")
	}
	where, args, err := s.filter(ctx, pr, q, false)()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	if where == nil {
		return out, nil
	}
	clause := ""
	for i, w := range where {
		if i > 0 {
			clause += " AND "
		}
		clause += w
	}
	rows, err := s.DB.Query(ctx, "SELECT s.type, COUNT(*) FROM stations s WHERE "+clause+" GROUP BY s.type", args...)
	if err != nil {
		return nil, errs.Internal(err, "station: by type")
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, errs.Internal(err, "station: by type")
		}
		out[t] = n
	}
	return out, rows.Err()
}

// extra scans one more column after a station's.
type extra struct {
	signup.Scanner
	dest any
}

func (e extra) Scan(dest ...any) error { return e.Scanner.Scan(append(dest, e.dest)...) }
