package station

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"sync/atomic"

	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// The nearest-first search reads the active stations' positions from
// memory: a city keeps tens of thousands of stations, a few megabytes, and
// every phone that opens the finder searches them. Reading boxes of them
// from the database cost a query per widening, the hours text of every
// station in the box, and several milliseconds from a sparse corner at
// night. Each process holds one snapshot, sorted by band of latitude and
// then longitude as the index stations_cell is, and checks before each
// search that no process changed a station since (station_rev, raised in
// every change's transaction); the page's rows are then read fresh.

// nearEntry is a station as the search needs it.
type nearEntry struct {
	id       int64
	lat, lng int64 // microdegrees, WGS-84
	typ      string
	bits     int64  // amenities
	hours    *Hours // shared by stations with the same hours; nil: never open
}

// nearSnap is one process's copy of the active stations.
type nearSnap struct {
	rev     int64
	entries []nearEntry        // by band (lat_e6 / cellE6), then lng_e6, then id
	bands   map[int64][2]int32 // band → its entries' [start, end)
}

// nearIndex is a store's snapshot and the lock its reload takes.
type nearIndex struct {
	mu   sync.Mutex
	snap atomic.Pointer[nearSnap]
}

// bumpRev records, in tx, that a station's searchable facts changed.
func bumpRev(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.Exec(ctx, "UPDATE station_rev SET n = n + 1 WHERE id = 1"); err != nil {
		return errs.Internal(err, "station: revision")
	}
	return nil
}

// current answers a snapshot as new as the last committed change: the
// counter is read first and the rows after it, so a change committed in
// between only makes the snapshot newer than its label, and the next
// search loads again.
func (s *Store) current(ctx context.Context) (*nearSnap, error) {
	var rev int64
	if err := s.DB.QueryRow(ctx, "SELECT n FROM station_rev WHERE id = 1").Scan(&rev); err != nil {
		return nil, errs.Internal(err, "station: revision")
	}
	if sn := s.near.snap.Load(); sn != nil && sn.rev == rev {
		return sn, nil
	}
	s.near.mu.Lock()
	defer s.near.mu.Unlock()
	if sn := s.near.snap.Load(); sn != nil && sn.rev >= rev {
		return sn, nil
	}
	sn, err := s.loadSnap(ctx, rev)
	if err != nil {
		return nil, err
	}
	s.near.snap.Store(sn)
	return sn, nil
}

func (s *Store) loadSnap(ctx context.Context, rev int64) (*nearSnap, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, lat_e6, lng_e6, type, amenities, hours FROM stations WHERE status = ?", StatusActive)
	if err != nil {
		return nil, errs.Internal(err, "station: load positions")
	}
	defer rows.Close()
	sn := &nearSnap{rev: rev, bands: map[int64][2]int32{}}
	types := map[string]string{}
	hours := map[string]*Hours{}
	for rows.Next() {
		var e nearEntry
		var typ, text string
		if err := rows.Scan(&e.id, &e.lat, &e.lng, &typ, &e.bits, &text); err != nil {
			return nil, errs.Internal(err, "station: load positions")
		}
		if t, ok := types[typ]; ok {
			e.typ = t
		} else {
			types[typ], e.typ = typ, typ
		}
		h, ok := hours[text]
		if !ok {
			var ht HoursText
			if json.Unmarshal([]byte(text), &ht) == nil {
				h = parseStored(ht)
			}
			hours[text] = h
		}
		e.hours = h
		sn.entries = append(sn.entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "station: load positions")
	}
	sort.Slice(sn.entries, func(i, j int) bool {
		a, b := &sn.entries[i], &sn.entries[j]
		if ba, bb := a.lat/cellE6, b.lat/cellE6; ba != bb {
			return ba < bb
		}
		if a.lng != b.lng {
			return a.lng < b.lng
		}
		return a.id < b.id
	})
	for i := 0; i < len(sn.entries); {
		band := sn.entries[i].lat / cellE6
		j := i
		for j < len(sn.entries) && sn.entries[j].lat/cellE6 == band {
			j++
		}
		sn.bands[band] = [2]int32{int32(i), int32(j)}
		i = j
	}
	return sn, nil
}

// box calls fn with every station in the box of microdegrees: a binary
// search for the box's longitudes in each band of latitude while the box
// spans fewer bands than the city has, every station past that.
func (sn *nearSnap) box(lat0, lat1, lng0, lng1 int64, fn func(e *nearEntry)) {
	c0, c1 := lat0/cellE6, lat1/cellE6
	if c1-c0 >= int64(len(sn.bands)) {
		for i := range sn.entries {
			if e := &sn.entries[i]; e.lat >= lat0 && e.lat <= lat1 && e.lng >= lng0 && e.lng <= lng1 {
				fn(e)
			}
		}
		return
	}
	for c := c0; c <= c1; c++ {
		r, ok := sn.bands[c]
		if !ok {
			continue
		}
		band := sn.entries[r[0]:r[1]]
		i := sort.Search(len(band), func(i int) bool { return band[i].lng >= lng0 })
		for ; i < len(band) && band[i].lng <= lng1; i++ {
			if e := &band[i]; e.lat >= lat0 && e.lat <= lat1 {
				fn(e)
			}
		}
	}
}
