package db

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"sync"
	"time"
)

// IDs are 63-bit integers: milliseconds since 2024-01-01 (41 bits, ~69 years),
// a random node number chosen per process (10 bits) and a per-millisecond
// sequence (12 bits). They sort by creation time, which makes them good
// pagination cursors, need no shared sequence (so several processes, or a
// distributed PostgreSQL, can mint them), and are shown to users only as
// opaque strings.
var idGen = newGenerator()

var idEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

type generator struct {
	mu   sync.Mutex
	node int64
	last int64
	seq  int64
}

func newGenerator() *generator {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return &generator{node: int64(binary.BigEndian.Uint16(b[:]) & 0x3ff)}
}

// NewID returns a fresh ID.
func NewID() int64 {
	g := idGen
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now().UnixMilli() - idEpoch
	if now <= g.last {
		now = g.last
		g.seq++
		if g.seq > 0xfff {
			// Sequence exhausted in this millisecond: borrow the next one.
			now++
			g.seq = 0
		}
	} else {
		g.seq = 0
	}
	g.last = now
	return now<<22 | g.node<<12 | g.seq
}

// FormatID renders an ID for URLs and JSON.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }

// ParseID reads an ID from a URL or JSON; ok is false for anything that is not
// a positive ID.
func ParseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
