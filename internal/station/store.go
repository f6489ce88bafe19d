package station

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
	"gonghui/internal/stats"
)

const cols = `s.id, s.org_id, o.name, s.org_path, s.type, t.name, s.name, s.address, s.lat_e6, s.lng_e6, s.amenities, s.hours,
	s.phone, s.contact, s.note, s.status, s.code, (SELECT COUNT(*) FROM station_photos p WHERE p.station_id = s.id), s.version, s.created_at, s.updated_at`

const from = ` FROM stations s JOIN orgs o ON o.id = s.org_id JOIN station_types t ON t.code = s.type`

func (s *Store) scan(sc signup.Scanner) (Station, error) {
	var st Station
	var lat, lng, bits, created, updated int64
	var hours string
	err := sc.Scan(&st.ID, &st.OrgID, &st.OrgName, &st.path, &st.Type, &st.TypeName, &st.Name, &st.Address, &lat, &lng, &bits, &hours,
		&st.Phone, &st.Contact, &st.Note, &st.Status, &st.Code, &st.Photos, &st.Version, &created, &updated)
	if err != nil {
		return st, err
	}
	st.Location = pointE6(lat, lng)
	st.GCJ02 = ToGCJ02(st.Location)
	st.Amenities = amenityList(bits)
	if err := json.Unmarshal([]byte(hours), &st.Hours); err != nil {
		return st, err
	}
	if st.Hours.Exceptions == nil {
		st.Hours.Exceptions = []ExceptionText{}
	}
	st.hours = parseStored(st.Hours)
	st.OpenNow = st.Status == StatusActive && st.hours.OpenAt(s.now())
	st.CreatedAt, st.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return st, nil
}

func (s *Store) load(ctx context.Context, q signup.Queryer, where string, arg any) (*Station, error) {
	st, err := s.scan(q.QueryRow(ctx, "SELECT "+cols+from+" WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("station")
	}
	if err != nil {
		return nil, errs.Internal(err, "station: read")
	}
	return &st, nil
}

// Get reads a station of the caller's subtrees.
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Station, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: get")
	}
	st, err := s.load(ctx, s.DB, "s.id = ?", id)
	return signup.Seen(rule, pr, st, err, (*Station).OrgPath)
}

// ByCode reads an active station by its poster's code: what anyone who
// scanned it may see. A closed station is not found.
func (s *Store) ByCode(ctx context.Context, code string) (*Station, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" || len(code) > 40 {
		return nil, errs.NotFound("station")
	}
	st, err := s.load(ctx, s.DB, "s.code = ?", code)
	if err != nil {
		return nil, err
	}
	if st.Status != StatusActive {
		return nil, errs.NotFound("station")
	}
	return st, nil
}

// CanWrite reports whether pr keeps st.
func CanWrite(pr *auth.Principal, st *Station) bool { return rule.CanWrite(pr, st.path) }

// newCode is a poster's code: 12 random digits, the first not 0 (digits
// keep the QR code small and read like the other codes in addresses).
func newCode() string {
	b := make([]byte, 12)
	for i := range b {
		lo := 0
		if i == 0 {
			lo = 1
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(10-lo)))
		if err != nil {
			panic("station: no randomness: " + err.Error())
		}
		b[i] = byte('0' + lo + int(n.Int64()))
	}
	return string(b)
}

func by(pr *auth.Principal) any {
	if pr.UserID != 0 {
		return pr.UserID
	}
	return nil
}

func hoursJSON(h HoursText) string {
	if h.Exceptions == nil {
		h.Exceptions = []ExceptionText{}
	}
	b, _ := json.Marshal(h)
	return string(b)
}

// place checks, inside tx, the organisation (one where pr keeps
// stations) and the type of p.
func place(ctx context.Context, tx *db.Tx, pr *auth.Principal, p *parsed) (string, error) {
	path, err := signup.SeenOrg(ctx, tx, rule, pr, p.OrgID, "org_id")
	if err != nil {
		return "", err
	}
	if !rule.CanWrite(pr, path) {
		return "", errs.Forbidden()
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM station_types WHERE code = ?", p.Type).Scan(&n); err != nil {
		return "", errs.Internal(err, "station: type")
	}
	if n == 0 {
		return "", signup.FieldErr("type", "field.invalid_choice")
	}
	return path, nil
}

// nameTaken turns the unique (org_id, name) into the name's field error.
func nameTaken(err error, what string) error {
	if db.IsUnique(err) {
		return signup.FieldErr("name", "station.name_taken")
	}
	return errs.Internal(err, what)
}

// Create adds a station.
func (s *Store) Create(ctx context.Context, pr *auth.Principal, in Input) (*Station, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: create")
	}
	p, f := in.validate()
	if err := f.Err(); err != nil {
		return nil, err
	}
	id := db.NewID()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return s.insert(ctx, tx, pr, id, p)
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, "s.id = ?", id)
}

func (s *Store) insert(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, p *parsed) error {
	path, err := place(ctx, tx, pr, p)
	if err != nil {
		return err
	}
	ms := scope.Millis(s.stamp())
	_, err = tx.Exec(ctx, `INSERT INTO stations (id, code, org_id, org_path, type, name, address, lat_e6, lng_e6, amenities, hours, phone, contact,
		note, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, newCode(), p.OrgID, path, p.Type, p.Name, p.Address, toE6(p.at.Lat), toE6(p.at.Lng), p.bits, hoursJSON(p.hours), p.Phone, p.Contact,
		p.Note, p.Status, by(pr), ms, ms)
	if err != nil {
		return nameTaken(err, "station: create")
	}
	if err := bumpRev(ctx, tx); err != nil {
		return err
	}
	if err := stats.Log(ctx, tx, levelChanges(path, p.Type, p.Status, 1)...); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: "station.create", Entity: "station", EntityID: db.FormatID(id), OrgPath: path,
		After: map[string]any{"name": p.Name, "type": p.Type, "address": p.Address}})
}

// lock reads a station pr keeps under its row's lock; version 0 skips the
// stale-edit check.
func (s *Store) lock(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, version int) (*Station, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: lock")
	}
	if err := tx.LockRows(ctx, "SELECT id FROM stations WHERE id = ?", id); err != nil {
		return nil, errs.Internal(err, "station: lock")
	}
	st, err := s.load(ctx, tx, "s.id = ?", id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, st.path); err != nil {
		return nil, err
	}
	if version != 0 && st.Version != version {
		return nil, errs.Conflict("stale_version", "station.stale_version")
	}
	return st, nil
}

// Update rewrites a station read at version.
func (s *Store) Update(ctx context.Context, pr *auth.Principal, id int64, version int, in Input) (*Station, error) {
	p, f := in.validate()
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		st, err := s.lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		path, err := place(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE stations SET org_id = ?, org_path = ?, type = ?, name = ?, address = ?, lat_e6 = ?, lng_e6 = ?, amenities = ?,
			hours = ?, phone = ?, contact = ?, note = ?, status = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			p.OrgID, path, p.Type, p.Name, p.Address, toE6(p.at.Lat), toE6(p.at.Lng), p.bits, hoursJSON(p.hours), p.Phone, p.Contact, p.Note,
			p.Status, scope.Millis(s.stamp()), id)
		if err != nil {
			return nameTaken(err, "station: update")
		}
		if err := bumpRev(ctx, tx); err != nil {
			return err
		}
		if path != st.path {
			// Visits and claims stay with the station: their copies of its
			// path, and the figures filed under it, move too.
			if err := s.moveHistory(ctx, tx, id, st.path, path); err != nil {
				return err
			}
		}
		ch := append(levelChanges(st.path, st.Type, st.Status, -1), levelChanges(path, p.Type, p.Status, 1)...)
		if err := stats.Log(ctx, tx, ch...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "station.update", Entity: "station", EntityID: db.FormatID(id), OrgPath: path,
			Before: map[string]any{"name": st.Name, "type": st.Type, "address": st.Address, "status": string(st.Status)},
			After:  map[string]any{"name": p.Name, "type": p.Type, "address": p.Address, "status": string(p.Status)}})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, "s.id = ?", id)
}

// SetStatus opens a closed station to the public again or closes it.
func (s *Store) SetStatus(ctx context.Context, pr *auth.Principal, id int64, version int, to Status) (*Station, error) {
	if to != StatusActive && to != StatusClosed {
		return nil, signup.FieldErr("status", "field.invalid_choice")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		st, err := s.lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if st.Status == to {
			return errs.Conflict("same_status", "station.status_"+string(to))
		}
		if _, err := tx.Exec(ctx, "UPDATE stations SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", to, scope.Millis(s.stamp()), id); err != nil {
			return errs.Internal(err, "station: status")
		}
		if err := bumpRev(ctx, tx); err != nil {
			return err
		}
		ch := append(levelChanges(st.path, st.Type, st.Status, -1), levelChanges(st.path, st.Type, to, 1)...)
		if err := stats.Log(ctx, tx, ch...); err != nil {
			return err
		}
		action := "station.close"
		if to == StatusActive {
			action = "station.reopen"
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "station", EntityID: db.FormatID(id), OrgPath: st.path,
			Before: map[string]any{"status": string(st.Status)}, After: map[string]any{"status": string(to)}})
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, "s.id = ?", id)
}

// Types lists the station types: the built-ins first, then staff's own
// by name.
func (s *Store) Types(ctx context.Context) ([]Type, error) {
	rows, err := s.DB.Query(ctx, "SELECT code, name, builtin FROM station_types ORDER BY builtin DESC, position, name, code")
	return signup.All(rows, err, "station: types", func(sc signup.Scanner) (Type, error) {
		var t Type
		var b int
		err := sc.Scan(&t.Code, &t.Name, &b)
		t.Builtin = b == 1
		return t, err
	})
}

// AddType adds a type of station staff name themselves (the list staff
// extend); anyone keeping stations somewhere may add one, for everybody.
func (s *Store) AddType(ctx context.Context, pr *auth.Principal, name string) (*Type, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: add type")
	}
	paths := pr.Paths(auth.PermStationWrite)
	if len(paths) == 0 {
		return nil, errs.Forbidden()
	}
	f := errs.Fields{}
	checkLen(f, "name", &name, MaxTypeName, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	t := &Type{Code: "t" + db.FormatID(db.NewID()), Name: name}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM station_types WHERE name = ?", name).Scan(&n); err != nil {
			return errs.Internal(err, "station: add type")
		}
		if n > 0 {
			return signup.FieldErr("name", "station.type_taken")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO station_types (code, name, builtin, position, org_path, created_at) VALUES (?, ?, 0, 100, ?, ?)",
			t.Code, name, paths[0], scope.Millis(s.stamp())); err != nil {
			return errs.Internal(err, "station: add type")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "station.type_create", Entity: "station_type", EntityID: t.Code, OrgPath: paths[0],
			After: map[string]any{"name": name}})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// moveHistory moves a station's visits and claims, and their figures, to
// its new organisation's path.
func (s *Store) moveHistory(ctx context.Context, tx *db.Tx, id int64, old, now string) error {
	for _, t := range []struct{ table, metric, where string }{
		{"station_visits", StatVisits, "member_id IS NOT NULL"}, {"station_visits", StatAnon, "member_id IS NULL"}, {"station_claims", StatClaims, "1 = 1"}} {
		rows, err := tx.Query(ctx, "SELECT day FROM "+t.table+" WHERE station_id = ? AND "+t.where, id)
		if err != nil {
			return errs.Internal(err, "station: move history")
		}
		var ch []stats.Change
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return errs.Internal(err, "station: move history")
			}
			ch = append(ch, stats.Change{OrgPath: old, Metric: t.metric, Month: d[:7], Delta: -1}, stats.Change{OrgPath: now, Metric: t.metric, Month: d[:7], Delta: 1})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal(err, "station: move history")
		}
		if err := stats.Log(ctx, tx, ch...); err != nil {
			return err
		}
	}
	for _, table := range []string{"station_visits", "station_claims", "station_visit_days"} {
		if _, err := tx.Exec(ctx, "UPDATE "+table+" SET org_path = ? WHERE station_id = ?", now, id); err != nil {
			return errs.Internal(err, "station: move history")
		}
	}
	return nil
}
