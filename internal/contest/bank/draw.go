package bank

import (
	"context"
	"sync"

	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// What contests read of a bank when they draw papers. These reads are not
// scoped: the contest that draws was allowed to use the bank when staff
// saved it (contest.Store checks that with Bank), and a taker is a member,
// not staff.

// Have reports which of ids are questions of bank bankID.
func (s *Store) Have(ctx context.Context, bankID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{bankID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.DB.Query(ctx, "SELECT id FROM questions WHERE bank_id = ? AND id IN ("+db.Placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, errs.Internal(err, "bank: have")
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, errs.Internal(err, "bank: have")
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Internal(err, "bank: have")
		}
	}
	return out, nil
}

// Pool is every question of a bank, in the bank's order, as of its last
// change.
type Pool struct {
	BankID    int64
	Questions []*Question
	ByID      map[int64]*Question
	updated   int64
}

// pools keeps the banks contests draw from, checked against the bank's
// last change on every use: a paper is drawn from the bank as it is, and
// 20,000 takers starting within a minute read each bank once.
type pools struct {
	mu sync.Mutex
	m  map[int64]*Pool
}

var cache = &pools{m: map[int64]*Pool{}}

// Pool reads a bank's questions for drawing papers. The answer is shared:
// callers must not change it.
func (s *Store) Pool(ctx context.Context, bankID int64) (*Pool, error) {
	var updated int64
	if err := s.DB.QueryRow(ctx, "SELECT updated_at FROM question_banks WHERE id = ?", bankID).Scan(&updated); err != nil {
		return nil, errs.Internal(err, "bank: pool")
	}
	cache.mu.Lock()
	p := cache.m[bankID]
	cache.mu.Unlock()
	if p != nil && p.updated == updated {
		return p, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT "+questionCols+" FROM questions q WHERE q.bank_id = ? ORDER BY q.position", bankID)
	if err != nil {
		return nil, errs.Internal(err, "bank: pool")
	}
	defer rows.Close()
	p = &Pool{BankID: bankID, ByID: map[int64]*Question{}, updated: updated}
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, errs.Internal(err, "bank: pool")
		}
		p.Questions = append(p.Questions, &q)
		p.ByID[q.ID] = &q
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "bank: pool")
	}
	cache.mu.Lock()
	if len(cache.m) > 256 {
		clear(cache.m)
	}
	cache.m[bankID] = p
	cache.mu.Unlock()
	return p, nil
}

// touch marks a bank changed, in tx: its updated_at moves forward, by a
// millisecond at least, so that a pool read before is never taken for
// the bank as it is now.
func touch(ctx context.Context, tx *db.Tx, bankID int64, ms int64) error {
	_, err := tx.Exec(ctx, "UPDATE question_banks SET updated_at = CASE WHEN updated_at >= ? THEN updated_at + 1 ELSE ? END WHERE id = ?", ms, ms, bankID)
	if err != nil {
		return errs.Internal(err, "bank: touch")
	}
	return nil
}
