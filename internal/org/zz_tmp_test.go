package org

import (
	"os"
	"testing"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
)

func BenchmarkZZParts(b *testing.B) {
	c := city(b, db.Dialect(os.Getenv("ENGINE")))
	d := c.s.DB
	for _, o := range []*Org{c.root, c.district, c.street} {
		lo, hi := o.Path, audit.PathEnd(o.Path)
		for _, q := range []struct{ name, q string; args []any }{
			{"kinds", "SELECT kind, count(*) FROM orgs WHERE path >= ? AND path < ? GROUP BY kind", []any{lo, hi}},
			{"kindsin", "SELECT kind, count(*) FROM orgs WHERE kind IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) AND path >= ? AND path < ? GROUP BY kind", []any{"city_federation","district_federation","street_federation","township_federation","industry_union","grassroots_union","joint_union","sub_union","union_group","preparatory_committee", lo, hi}},
			{"emp", `SELECT count(*), count(CASE WHEN union_path <> '' THEN 1 END),
		0
		FROM employers WHERE owner_path >= ? AND owner_path < ?`, []any{lo, hi}},
			{"B", `SELECT count(*) FROM employers WHERE union_path >= ? AND union_path < ? AND NOT (owner_path >= ? AND owner_path < ?)`, []any{lo, hi, lo, hi}},
		} {
			start := time.Now()
			n := 0
			for time.Since(start) < 300*time.Millisecond {
				rows, err := d.Query(ctx, q.q, q.args...)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				n++
			}
			b.Logf("depth %d %-10s %v", o.Depth, q.name, time.Since(start)/time.Duration(n))
			if o.Depth == 0 {
				ex := "EXPLAIN QUERY PLAN "
				if d.Dialect == db.Postgres {
					ex = "EXPLAIN "
				}
				rows, err := d.Query(ctx, ex+q.q, q.args...)
				if err != nil {
					b.Fatal(err)
				}
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					rows.Scan(ptrs...)
					b.Log(vals[len(vals)-1])
				}
				rows.Close()
			}
		}
	}
}
