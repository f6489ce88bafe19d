package station

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
	"gonghui/internal/stats"
)

// Visits and claims. A worker scans a station's poster: signed in as a
// member, the visit is theirs, once per station and Beijing day, and they
// may claim the station's services (each once a day); not signed in, the
// visit is a device's (a random cookie), once per station and day. The
// unique keys of station_visits and station_claims hold these limits
// across processes: an insert that finds its row taken changes nothing.
// Visits are counted in the figures (at the station's organisation, up
// the tree) in the same transaction; they are not audited one by one
// (they are records themselves, and a busy station would flood the log).

// Visited is what a scan did.
type Visited struct {
	Station Public    `json:"station"`
	New     bool      `json:"new"`     // recorded now; false: already recorded today
	Today   int       `json:"today"`   // visits to this station today, everyone's
	Claimed []Amenity `json:"claimed"` // services the member claimed here today
	Offered []Amenity `json:"offered"` // services this station lets workers claim
}

// visitor is the member scanning, checked.
func (s *Store) visitor(ctx context.Context, pr *auth.Principal) (int64, error) {
	if pr == nil {
		return 0, scope.NilPrincipal("station: visit")
	}
	if pr.Kind != auth.KindMember || pr.MemberID == 0 {
		return 0, errs.Forbidden()
	}
	var st member.Status
	err := s.DB.QueryRow(ctx, "SELECT status FROM members WHERE id = ?", pr.MemberID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFound("member")
	}
	if err != nil {
		return 0, errs.Internal(err, "station: visitor")
	}
	if st != member.StatusActive {
		return 0, errs.Conflict("not_active", "station.not_active")
	}
	return pr.MemberID, nil
}

// ValidDevice says whether a device cookie's value is one Visit accepts.
func ValidDevice(d string) bool {
	if len(d) < 16 || len(d) > 64 {
		return false
	}
	for _, c := range d {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Visit records a signed-in member's visit to the station of code.
func (s *Store) Visit(ctx context.Context, pr *auth.Principal, code string) (*Visited, error) {
	mid, err := s.visitor(ctx, pr)
	if err != nil {
		return nil, err
	}
	return s.visit(ctx, code, mid, "")
}

// VisitAnonymous records a visit from a device whose member is unknown.
func (s *Store) VisitAnonymous(ctx context.Context, code, device string) (*Visited, error) {
	if !ValidDevice(device) {
		return nil, errs.Invalid("device", "station.device_unknown")
	}
	return s.visit(ctx, code, 0, device)
}

// Seen is the station of code with the member's visits and claims of
// today, recording nothing (the page before the worker taps "visit").
func (s *Store) Seen(ctx context.Context, pr *auth.Principal, code string) (*Visited, error) {
	st, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	var mid int64
	if pr != nil && pr.Kind == auth.KindMember {
		mid = pr.MemberID
	}
	return s.visited(ctx, st, mid, false)
}

func (s *Store) visit(ctx context.Context, code string, mid int64, device string) (*Visited, error) {
	st, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := beijing.Day(now)
	var added bool
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		added, err = insertVisit(ctx, tx, st, d, mid, device, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.visited(ctx, st, mid, added)
}

// insertVisit adds today's visit unless it is there, and its figure.
func insertVisit(ctx context.Context, tx *db.Tx, st *Station, d string, mid int64, device string, now time.Time) (bool, error) {
	var m, dev any
	metric := StatVisits
	if mid != 0 {
		m = mid
	} else {
		dev, metric = device, StatAnon
	}
	res, err := tx.Exec(ctx, "INSERT INTO station_visits (id, station_id, org_path, day, member_id, device, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		db.NewID(), st.ID, st.path, d, m, dev, scope.Millis(now))
	if err != nil {
		return false, errs.Internal(err, "station: visit")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if mid != 0 {
		err = countDay(ctx, tx, st, d, 1, 0, 0)
	} else {
		err = countDay(ctx, tx, st, d, 0, 1, 0)
	}
	if err != nil {
		return false, err
	}
	return true, stats.Log(ctx, tx, stats.Change{OrgPath: st.path, Metric: metric, Month: d[:7], Delta: 1})
}

// Claim records a member's claim of a service at the station of code
// (and their visit, if this is the first scan today). A service the
// station does not offer is a field error; one already claimed today a
// conflict.
func (s *Store) Claim(ctx context.Context, pr *auth.Principal, code string, service Amenity) (*Visited, error) {
	mid, err := s.visitor(ctx, pr)
	if err != nil {
		return nil, err
	}
	st, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(offered(st), service) {
		return nil, signup.FieldErr("service", "station.service_not_offered")
	}
	now := s.now()
	d := beijing.Day(now)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := insertVisit(ctx, tx, st, d, mid, "", now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "INSERT INTO station_claims (id, station_id, org_path, day, member_id, service, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			db.NewID(), st.ID, st.path, d, mid, service, scope.Millis(now))
		if err != nil {
			return errs.Internal(err, "station: claim")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("already_claimed", "station.already_claimed")
		}
		if err := countDay(ctx, tx, st, d, 0, 0, 1); err != nil {
			return err
		}
		return stats.Log(ctx, tx, stats.Change{OrgPath: st.path, Metric: StatClaims, Month: d[:7], Delta: 1})
	})
	if err != nil {
		return nil, err
	}
	return s.visited(ctx, st, mid, false)
}

// offered are the services a station lets workers claim: those of its
// amenities that are services.
func offered(st *Station) []Amenity {
	out := []Amenity{}
	for _, a := range Services {
		if slices.Contains(st.Amenities, a) {
			out = append(out, a)
		}
	}
	return out
}

func (s *Store) visited(ctx context.Context, st *Station, mid int64, added bool) (*Visited, error) {
	v := &Visited{Station: s.PublicOf(st), New: added, Claimed: []Amenity{}, Offered: offered(st)}
	d := beijing.Day(s.now())
	if err := s.DB.QueryRow(ctx, "SELECT COALESCE(SUM(visits + anonymous), 0) FROM station_visit_days WHERE station_id = ? AND day = ?", st.ID, d).Scan(&v.Today); err != nil {
		return nil, errs.Internal(err, "station: visits today")
	}
	if mid == 0 {
		return v, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT service FROM station_claims WHERE station_id = ? AND member_id = ? AND day = ? ORDER BY service", st.ID, mid, d)
	if err != nil {
		return nil, errs.Internal(err, "station: claims today")
	}
	defer rows.Close()
	for rows.Next() {
		var a Amenity
		if err := rows.Scan(&a); err != nil {
			return nil, errs.Internal(err, "station: claims today")
		}
		v.Claimed = append(v.Claimed, a)
	}
	return v, rows.Err()
}

// Busy is a station with its visits and claims of a period.
type Busy struct {
	ID        int64  `json:"id,string"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	TypeName  string `json:"type_name,omitempty"`
	OrgName   string `json:"org_name"`
	Visits    int    `json:"visits"`    // signed-in workers
	Anonymous int    `json:"anonymous"` // devices
	Claims    int    `json:"claims"`
}

// BusyQuery asks for the busiest stations of a subtree over days.
type BusyQuery struct {
	Org      int64  // 0: every subtree the caller reads
	From, To string // Beijing days, inclusive
	Limit    int    // default 20, at most 100
}

// Busiest lists the stations of the caller's subtrees with the most
// visits from … to, most first.
func (s *Store) Busiest(ctx context.Context, pr *auth.Principal, q BusyQuery) ([]Busy, error) {
	paths, err := rule.Paths(pr)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	_, okF := beijing.ParseDay(q.From)
	_, okT := beijing.ParseDay(q.To)
	f.Check(okF, "from", "station.date_format")
	f.Check(okT, "to", "station.date_format")
	if okF && okT && q.To < q.From {
		f.Add("to", "station.to_before_from")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if q.Org != 0 {
		path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
		if err != nil {
			return nil, err
		}
		paths = []string{path}
	}
	out := []Busy{}
	if len(paths) == 0 {
		return out, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	// One row per station and day (station_visit_days), not one per
	// visit: the cost is bounded by the subtree's stations times the
	// period's days, however busy they were.
	in, args := scope.SQL("v.org_path", paths)
	rows, err := s.DB.Query(ctx, `SELECT v.station_id, SUM(v.visits), SUM(v.anonymous), SUM(v.claims)
		FROM station_visit_days v WHERE `+in+` AND v.day >= ? AND v.day <= ? GROUP BY v.station_id
		ORDER BY SUM(v.visits + v.anonymous) DESC, v.station_id LIMIT ?`,
		append(args, q.From, q.To, limit)...)
	list, err := signup.All(rows, err, "station: busiest", func(sc signup.Scanner) (Busy, error) {
		var b Busy
		return b, sc.Scan(&b.ID, &b.Visits, &b.Anonymous, &b.Claims)
	})
	if err != nil || len(list) == 0 {
		return out, err
	}
	ids := make([]any, len(list))
	for i, b := range list {
		ids[i] = b.ID
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	names := map[int64]Busy{}
	rows, err = s.DB.Query(ctx, "SELECT s.id, s.name, s.type, t.name, o.name FROM stations s JOIN orgs o ON o.id = s.org_id JOIN station_types t ON t.code = s.type WHERE s.id IN ("+marks+")", ids...)
	named, err := signup.All(rows, err, "station: busiest", func(sc signup.Scanner) (Busy, error) {
		var b Busy
		return b, sc.Scan(&b.ID, &b.Name, &b.Type, &b.TypeName, &b.OrgName)
	})
	if err != nil {
		return nil, err
	}
	for _, b := range named {
		names[b.ID] = b
	}
	for _, b := range list {
		n := names[b.ID]
		b.Name, b.Type, b.TypeName, b.OrgName = n.Name, n.Type, n.TypeName, n.OrgName
		out = append(out, b)
	}
	return out, nil
}
