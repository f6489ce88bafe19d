package station

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"

	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// The nearest-first search. PostgreSQL here has no PostGIS and SQLite's
// R*Tree is not on the other engine, so the search is ours: a box of
// latitudes and longitudes around the point over the process's snapshot
// of the active stations (nearindex.go), the exact haversine distance,
// and a wider box while fewer than the stations asked for lie within the
// circle the box encloses (a station in the box's corner may be farther
// than one just outside its side).

// NearQuery asks for the stations nearest a point.
type NearQuery struct {
	At        Point     // WGS-84
	Type      string    // "" any
	Amenities []Amenity // every one of them
	OpenNow   bool
	Limit     int // default DefaultNear, at most MaxNear
}

// Limits of a search.
const (
	DefaultNear = 20
	MaxNear     = 50
	firstRadius = 1500.0  // metres
	maxRadius   = 400_000 // metres: past Beijing's farthest corners from any point in it
)

// Near is a station found near a point.
type Near struct {
	Public
	Distance    int `json:"distance_m"` // as the crow flies
	WalkMetres  int `json:"walk_m"`     // estimated on foot (Distance × 1.3)
	WalkMinutes int `json:"walk_min"`   // at 75 m a minute
}

// Public is a station as anyone sees it.
type Public struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	TypeName  string    `json:"type_name,omitempty"`
	OrgName   string    `json:"org_name"`
	Address   string    `json:"address"`
	Location  Point     `json:"location"`     // WGS-84
	GCJ02     Point     `json:"location_gcj"` // GCJ-02, for Chinese map apps
	Amenities []Amenity `json:"amenities"`
	Hours     HoursText `json:"hours"`
	Today     string    `json:"today"` // today's hours (Beijing), canonical; "" closed all day
	OpenNow   bool      `json:"open_now"`
	Phone     string    `json:"phone"`
	Contact   string    `json:"contact"`
	Photos    int       `json:"photos"`
}

// PublicOf is st as the public sees it.
func (s *Store) PublicOf(st *Station) Public {
	return Public{Code: st.Code, Name: st.Name, Type: st.Type, TypeName: st.TypeName, OrgName: st.OrgName, Address: st.Address,
		Location: st.Location, GCJ02: st.GCJ02, Amenities: st.Amenities, Hours: st.Hours, Today: st.hours.Today(s.now()),
		OpenNow: st.OpenNow, Phone: st.Phone, Contact: st.Contact, Photos: st.Photos}
}

type candidate struct {
	id   int64
	dist float64
}

// Nearest finds the active stations nearest q.At that pass q's filters,
// nearest first.
func (s *Store) Nearest(ctx context.Context, q NearQuery) ([]Near, error) {
	f := errs.Fields{}
	if !InChina(q.At) {
		f.Add("lat", "station.outside_china_point")
	}
	for _, a := range q.Amenities {
		f.Check(slices.Contains(Amenities, a), "amenity", "field.invalid_choice")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	k := q.Limit
	if k <= 0 {
		k = DefaultNear
	}
	k = min(k, MaxNear)
	bits := amenityBits(q.Amenities)
	now := s.now()
	sn, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	var found []candidate
	// Stations share a handful of opening hours: each is judged once per
	// search.
	openMemo := map[*Hours]bool{}
	for r := firstRadius; ; {
		dLat := r / (earthRadius * math.Pi / 180)
		dLng := dLat / math.Max(0.01, math.Cos(q.At.Lat*math.Pi/180))
		found = found[:0]
		within := 0
		var outside []float64
		sn.box(toE6(q.At.Lat-dLat), toE6(q.At.Lat+dLat), toE6(q.At.Lng-dLng), toE6(q.At.Lng+dLng), func(e *nearEntry) {
			if q.Type != "" && e.typ != q.Type || e.bits&bits != bits {
				return
			}
			d := Distance(q.At, pointE6(e.lat, e.lng))
			if d > r && r < maxRadius {
				// Outside the circle: a wider box will see it again if
				// it is needed.
				outside = append(outside, d)
				return
			}
			if q.OpenNow {
				open, ok := openMemo[e.hours]
				if !ok {
					open = e.hours != nil && e.hours.OpenAt(now)
					openMemo[e.hours] = open
				}
				if !open {
					return
				}
			}
			found = append(found, candidate{e.id, d})
			within++
		})
		if within >= k || r >= maxRadius {
			break
		}
		// The next circle is the one that would hold k at the density
		// seen so far (area grows with the square of the radius), with
		// some room, and at least twice as wide.
		if need := k - within; !q.OpenNow && len(outside) >= need {
			// The box's corners hold enough: the k nearest lie within
			// the need-th nearest of them, and one more pass ends it.
			slices.Sort(outside)
			r = min(outside[need-1]+1, maxRadius)
			continue
		}
		grow := 2.0
		if within > 0 {
			grow = max(grow, 1.25*math.Sqrt(float64(k)/float64(within)))
		} else {
			grow = 4
		}
		r = min(r*grow, maxRadius)
	}
	slices.SortFunc(found, func(a, b candidate) int {
		if a.dist != b.dist {
			if a.dist < b.dist {
				return -1
			}
			return 1
		}
		return int(a.id - b.id)
	})
	found = found[:min(k, len(found))]
	return s.nearRows(ctx, found)
}

// nearRows reads the stations found, in their order.
func (s *Store) nearRows(ctx context.Context, found []candidate) ([]Near, error) {
	out := []Near{}
	if len(found) == 0 {
		return out, nil
	}
	args := make([]any, len(found))
	for i, c := range found {
		args[i] = c.id
	}
	rows, err := s.DB.Query(ctx, "SELECT "+cols+from+" WHERE s.id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
	all, err := signup.All(rows, err, "station: nearest", s.scan)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Station{}
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	for _, c := range found {
		st, ok := byID[c.id]
		if !ok {
			continue // closed between the two reads
		}
		out = append(out, Near{Public: s.PublicOf(st), Distance: int(math.Round(c.dist)), WalkMetres: WalkMetres(c.dist), WalkMinutes: WalkMinutes(c.dist)})
	}
	return out, nil
}

// Place is a point a typed address or street name stands for.
type Place struct {
	Name string `json:"name"` // what the text matched: a district, a street, stations' addresses
	At   Point  `json:"at"`   // WGS-84
	From string `json:"from"` // district, street or addresses: how the point was found
}

// How Locate found a point.
const (
	FromDistrict  = "district"  // the district's centre on the district map
	FromStreet    = "street"    // the centre of the stations kept on that street (or its district's centre)
	FromAddresses = "addresses" // the centre of the stations whose address holds the words
)

// Locate turns a typed district, street or place name into a point, with
// no online geocoder: a district's name gives its centre (from the
// district map); a street or township federation's name the centre of
// the active stations its subtree keeps, or else its district's centre;
// other words the centre of the active stations whose address holds
// them. NotFound when nothing matches.
func (s *Store) Locate(ctx context.Context, text string) (*Place, error) {
	q := strings.TrimSpace(text)
	q = strings.TrimPrefix(strings.TrimPrefix(q, "北京市"), "北京")
	q = strings.Join(strings.Fields(q), "")
	if q == "" || len([]rune(q)) > 40 {
		return nil, signup.FieldErr("place", "station.place_unknown")
	}
	if d, ok := districtNamed(q, true); ok {
		return &Place{Name: d.name, At: d.centre(), From: FromDistrict}, nil
	}
	if p, err := s.streetPlace(ctx, q); err != nil || p != nil {
		return p, err
	}
	var lat, lng float64
	var n int
	err := s.DB.QueryRow(ctx, "SELECT COUNT(*), COALESCE(AVG(lat_e6), 0), COALESCE(AVG(lng_e6), 0) FROM stations WHERE status = ? AND "+s.DB.ContainsFold("address"),
		StatusActive, s.DB.ContainsFoldArg(q)).Scan(&n, &lat, &lng)
	if err != nil {
		return nil, errs.Internal(err, "station: locate")
	}
	if n > 0 {
		return &Place{Name: q, At: Point{Lat: lat / 1e6, Lng: lng / 1e6}, From: FromAddresses}, nil
	}
	if d, ok := districtNamed(q, false); ok {
		return &Place{Name: d.name, At: d.centre(), From: FromDistrict}, nil
	}
	return nil, signup.FieldErr("place", "station.place_unknown")
}

// streetPlace finds a street or township federation named by q.
func (s *Store) streetPlace(ctx context.Context, q string) (*Place, error) {
	key := q
	for _, suffix := range []string{"总工会", "工会"} {
		key = strings.TrimSuffix(key, suffix)
	}
	if len([]rune(key)) < 2 {
		return nil, nil
	}
	var name, path, division string
	err := s.DB.QueryRow(ctx, "SELECT name, path, division_code FROM orgs WHERE kind IN (?, ?) AND "+s.DB.ContainsFold("name")+
		" ORDER BY LENGTH(name), id LIMIT 1", org.KindStreet, org.KindTownship, s.DB.ContainsFoldArg(key)).Scan(&name, &path, &division)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, errs.Internal(err, "station: locate street")
	}
	in, args := scope.SQL("org_path", []string{path})
	var n int
	var lat, lng float64
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*), COALESCE(AVG(lat_e6), 0), COALESCE(AVG(lng_e6), 0) FROM stations WHERE status = ? AND "+in,
		append([]any{StatusActive}, args...)...).Scan(&n, &lat, &lng); err != nil {
		return nil, errs.Internal(err, "station: locate street")
	}
	if n > 0 {
		return &Place{Name: name, At: Point{Lat: lat / 1e6, Lng: lng / 1e6}, From: FromStreet}, nil
	}
	if len(division) >= 6 {
		if d, ok := districtByCode(division[:6]); ok {
			return &Place{Name: name, At: d.centre(), From: FromStreet}, nil
		}
	}
	return nil, nil
}

// cellE6 is the height of the bands of latitude the search's snapshot
// orders stations by (lat_e6 / cellE6), about 1.1 km.
const cellE6 = 10000
