package org

import (
	"context"
	"fmt"

	"gonghui/internal/db"
	"gonghui/internal/hanzi"
)

// FillKeys computes the search and sort keys of organisations and employers
// written before the keys existed (schema version 19), in batches, each in
// its own transaction. Every row written since has them, so after the first
// start on an upgraded database it finds nothing to do; several processes
// starting at once compute the same keys, so a race is harmless.
func (s *Store) FillKeys(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.fillBatch(ctx, "orgs", "SELECT id, name, short_name, division_code, kind FROM orgs WHERE search_key = '' LIMIT 500",
			"UPDATE orgs SET search_key = ?, sort_key = ? WHERE id = ?",
			func(name, short, division, kind string) []any {
				return []any{orgSearchKey(name, short), orgSortKey(Kind(kind), division, name)}
			})
		total += n
		if err != nil || n == 0 {
			if err != nil {
				return total, err
			}
			break
		}
	}
	for {
		n, err := s.fillBatch(ctx, "employers", "SELECT id, name, short_name, division_code, '' FROM employers WHERE search_key = '' LIMIT 500",
			"UPDATE employers SET search_key = ? WHERE id = ?",
			func(name, short, _, _ string) []any { return []any{hanzi.SearchKey(name, short)} })
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (s *Store) fillBatch(ctx context.Context, table, pick, update string, keys func(name, short, division, kind string) []any) (int, error) {
	type row struct {
		id                          int64
		name, short, division, kind string
	}
	var batch []row
	rows, err := s.DB.Query(ctx, pick)
	if err != nil {
		return 0, fmt.Errorf("org: keys of %s: %w", table, err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name, &r.short, &r.division, &r.kind); err != nil {
			rows.Close()
			return 0, fmt.Errorf("org: keys of %s: %w", table, err)
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("org: keys of %s: %w", table, err)
	}
	if len(batch) == 0 {
		return 0, nil
	}
	return len(batch), s.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, r := range batch {
			if _, err := tx.Exec(ctx, update, append(keys(r.name, r.short, r.division, r.kind), r.id)...); err != nil {
				return fmt.Errorf("org: keys of %s %d: %w", table, r.id, err)
			}
		}
		return nil
	})
}
