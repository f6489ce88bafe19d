package station

import (
	"context"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// countDay adds to a station's counts of day d, inside the transaction
// that recorded the visit or claim: an upsert on (station_id, day), so
// visits from several processes at once each count once.
func countDay(ctx context.Context, tx *db.Tx, st *Station, d string, visits, anon, claims int) error {
	_, err := tx.Exec(ctx, `INSERT INTO station_visit_days (station_id, day, org_path, visits, anonymous, claims) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (station_id, day) DO UPDATE SET visits = station_visit_days.visits + excluded.visits,
		anonymous = station_visit_days.anonymous + excluded.anonymous, claims = station_visit_days.claims + excluded.claims`,
		st.ID, d, st.path, visits, anon, claims)
	if err != nil {
		return errs.Internal(err, "station: count day")
	}
	return nil
}

// Window is a station's counts over a period ending today.
type Window struct {
	Visits    int `json:"visits"`    // signed-in workers
	Anonymous int `json:"anonymous"` // devices
	Claims    int `json:"claims"`
}

// Total is the window's visits, signed in or not.
func (w Window) Total() int { return w.Visits + w.Anonymous }

// ServiceClaims is how often a service was claimed in each window.
type ServiceClaims struct {
	Service Amenity `json:"service"`
	Today   int     `json:"today"`
	Week    int     `json:"week"`
	Month   int     `json:"month"`
}

// Counts are a station's visits and claims today, in the last 7 and the
// last 30 Beijing days (today included), and its claims per service.
type Counts struct {
	Today    Window          `json:"today"`
	Week     Window          `json:"week"`
	Month    Window          `json:"month"`
	Services []ServiceClaims `json:"services"`
}

// daysBack is the Beijing day n-1 days before today: the first day of a
// window of n days ending today.
func daysBack(now time.Time, n int) string {
	return beijing.Day(now.In(beijing.Zone).AddDate(0, 0, -(n - 1)))
}

// Counts reads the counts of a station of the caller's subtrees.
func (s *Store) Counts(ctx context.Context, pr *auth.Principal, id int64) (*Counts, error) {
	st, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	today, week, month := beijing.Day(now), daysBack(now, 7), daysBack(now, 30)
	c := &Counts{Services: []ServiceClaims{}}
	err = s.DB.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN day = ? THEN visits ELSE 0 END), 0), COALESCE(SUM(CASE WHEN day = ? THEN anonymous ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN day = ? THEN claims ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN day >= ? THEN visits ELSE 0 END), 0), COALESCE(SUM(CASE WHEN day >= ? THEN anonymous ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN day >= ? THEN claims ELSE 0 END), 0),
		COALESCE(SUM(visits), 0), COALESCE(SUM(anonymous), 0), COALESCE(SUM(claims), 0)
		FROM station_visit_days WHERE station_id = ? AND day >= ? AND day <= ?`,
		today, today, today, week, week, week, st.ID, month, today).Scan(
		&c.Today.Visits, &c.Today.Anonymous, &c.Today.Claims, &c.Week.Visits, &c.Week.Anonymous, &c.Week.Claims,
		&c.Month.Visits, &c.Month.Anonymous, &c.Month.Claims)
	if err != nil {
		return nil, errs.Internal(err, "station: counts")
	}
	rows, err := s.DB.Query(ctx, `SELECT service, SUM(CASE WHEN day = ? THEN 1 ELSE 0 END), SUM(CASE WHEN day >= ? THEN 1 ELSE 0 END), COUNT(*)
		FROM station_claims WHERE station_id = ? AND day >= ? AND day <= ? GROUP BY service`, today, week, st.ID, month, today)
	if err != nil {
		return nil, errs.Internal(err, "station: claims by service")
	}
	defer rows.Close()
	got := map[Amenity]ServiceClaims{}
	for rows.Next() {
		var sc ServiceClaims
		if err := rows.Scan(&sc.Service, &sc.Today, &sc.Week, &sc.Month); err != nil {
			return nil, errs.Internal(err, "station: claims by service")
		}
		got[sc.Service] = sc
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "station: claims by service")
	}
	// Every service the station offers, claimed or not, in the services'
	// order; one it no longer offers but was claimed still shows.
	for _, a := range Services {
		sc, ok := got[a]
		if ok || containsAmenity(st.Amenities, a) {
			sc.Service = a
			c.Services = append(c.Services, sc)
		}
	}
	return c, nil
}

func containsAmenity(as []Amenity, a Amenity) bool {
	for _, b := range as {
		if a == b {
			return true
		}
	}
	return false
}
