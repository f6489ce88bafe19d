package contest

import (
	"context"
	"sort"
	"sync"
	"time"

	"gonghui/internal/errs"
)

// A taker's rank is their place on the board: those with a higher score,
// and those with the same score who were quicker, come first. A database
// counts such a range entry by entry, so on a large board every submission
// would read thousands of index entries (and, on PostgreSQL, as many table
// rows for their visibility): the cost grows with the takers just when a
// contest is busiest. So each process keeps a busy contest's board as a
// sorted list of (score, time) read at most StandingAge ago, and a rank is
// a binary search in it; boards below ExactBelow (as last read) are counted exactly on
// every call. During a storm a rank may thus miss those who handed in
// within the last few seconds; once it passes, every rank is exact.
const (
	StandingAge = 5 * time.Second
	ExactBelow  = 1000
	maxStanding = 64 // contests whose boards a process keeps at once
)

// boardKey is one counting result's place on a board.
type boardKey struct {
	score int
	took  int64
}

// better reports whether k comes before (score, took) on the board.
func (k boardKey) better(score int, took int64) bool {
	return k.score > score || k.score == score && k.took < took
}

// boardCopy is a board as read at one moment, best first.
type boardCopy struct {
	load sync.Mutex // held while (re)reading
	mu   sync.Mutex // guards at and keys
	at   time.Time
	keys []boardKey
}

// standings are the boards a process keeps.
type standings struct {
	mu sync.Mutex
	m  map[int64]*boardCopy
}

func newStandings() *standings { return &standings{m: map[int64]*boardCopy{}} }

// rank answers the place of (score, took) on contest id's board and how
// many are on it.
func (s *Store) rank(ctx context.Context, id int64, score int, took int64) (rank, takers int, err error) {
	keys, err := s.boardKeys(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	if len(keys) < s.exactBelow {
		// Small: count it now. Two ranges of the board's index (an OR
		// would scan it all).
		var higher, quicker int
		err = s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM contest_results WHERE contest_id = ? AND score > ?),
			(SELECT COUNT(*) FROM contest_results WHERE contest_id = ? AND score = ? AND duration_ms < ?),
			(SELECT COUNT(*) FROM contest_results WHERE contest_id = ?)`,
			id, score, id, score, took, id).Scan(&higher, &quicker, &takers)
		if err != nil {
			return 0, 0, errs.Internal(err, "contest: rank")
		}
		if takers >= s.exactBelow {
			// The board outgrew the copy that said it was small: read it
			// again on the next call rather than count it exactly for
			// seconds more.
			s.staleBoard(id)
		}
		return higher + quicker + 1, max(takers, higher+quicker+1), nil
	}
	ahead := sort.Search(len(keys), func(i int) bool { return !keys[i].better(score, took) })
	return ahead + 1, max(len(keys), ahead+1), nil
}

// boardKeys is contest id's board as this process last read it, read
// again when older than StandingAge: by one caller, while the others go
// on with the copy they have (or wait for the first read).
func (s *Store) boardKeys(ctx context.Context, id int64) ([]boardKey, error) {
	s.standings.mu.Lock()
	st, ok := s.standings.m[id]
	if !ok {
		if len(s.standings.m) >= maxStanding {
			clear(s.standings.m)
		}
		st = &boardCopy{}
		s.standings.m[id] = st
	}
	s.standings.mu.Unlock()

	if keys, fresh := st.read(); fresh {
		return keys, nil
	}
	if !st.load.TryLock() {
		// Another caller is reading it: go on with the last copy, or wait
		// for the first read.
		if keys, _ := st.read(); keys != nil {
			return keys, nil
		}
		st.load.Lock()
	}
	defer st.load.Unlock()
	if keys, fresh := st.read(); fresh {
		return keys, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT score, duration_ms FROM contest_results WHERE contest_id = ? ORDER BY score DESC, duration_ms", id)
	if err != nil {
		return nil, errs.Internal(err, "contest: read board")
	}
	defer rows.Close()
	last, _ := st.read()
	keys := make([]boardKey, 0, len(last)+64)
	for rows.Next() {
		var k boardKey
		if err := rows.Scan(&k.score, &k.took); err != nil {
			return nil, errs.Internal(err, "contest: read board")
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "contest: read board")
	}
	st.mu.Lock()
	st.at, st.keys = time.Now(), keys
	st.mu.Unlock()
	return keys, nil
}

// staleBoard marks contest id's copy for reading again.
func (s *Store) staleBoard(id int64) {
	s.standings.mu.Lock()
	st := s.standings.m[id]
	s.standings.mu.Unlock()
	if st != nil {
		st.mu.Lock()
		st.at = time.Time{}
		st.mu.Unlock()
	}
}

// read is the board's last copy (nil: none yet) and whether it is fresh.
func (st *boardCopy) read() ([]boardKey, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.keys, st.keys != nil && time.Since(st.at) < StandingAge
}
