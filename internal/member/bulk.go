package member

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
)

// MaxBulk is how many items one bulk decision may name: a page of a queue.
const MaxBulk = 200

// BulkResult is the outcome of one item of a bulk decision: Err is nil
// when it was recorded.
type BulkResult struct {
	ID   int64
	Name string // the applicant's name, when the caller may see the item
	Err  error
}

// DecideMany records one decision for several applications, each through
// Decide in its own transaction: each is scoped to the caller's subtree and
// audited on its own, and an item that fails (outside the subtree, decided
// meanwhile, invalid data) leaves the others decided. The decision itself
// (a rejection's reason) is checked once, before any item, so a form
// without a reason changes nothing.
func (s *Store) DecideMany(ctx context.Context, pr *auth.Principal, ids []int64, in Decision) ([]BulkResult, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	f.Check(len(ids) > 0, "ids", "field.required")
	f.Check(len(ids) <= MaxBulk, "ids", "field.too_many", MaxBulk)
	if err := f.Err(); err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(ids))
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := BulkResult{ID: id}
		if a, err := s.GetApplication(ctx, pr, id); err == nil {
			r.Name = a.Name
		}
		_, r.Err = s.Decide(ctx, pr, id, in)
		out = append(out, r)
	}
	return out, nil
}
