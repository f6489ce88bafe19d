package stats

import (
	"context"

	"gonghui/internal/db"
)

// Stale returns a copy of the store whose reads of figures (ReadMany,
// ReadTotals, ReadKey) may go to a read replica within its lag bound
// (db.Stale): for dashboards, which show figures folded a second or more
// ago anyway. Writes, folds and checks stay on the primary.
func (s *Store) Stale() *Store {
	c := *s
	c.stale = true
	return &c
}

func (s *Store) reader(ctx context.Context) db.StaleReader {
	if s.stale {
		return s.DB.Stale(ctx)
	}
	return s.DB
}
