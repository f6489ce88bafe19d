package org

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// The benchmarks run on a generated city of 100,000 organisations, six
// levels deep (5,000 with -short), built once per engine and shared by all
// of them; TestMain removes the databases at the end.

func TestMain(m *testing.M) {
	code := m.Run()
	benchMu.Lock()
	for _, c := range benchCleanups {
		c()
	}
	benchMu.Unlock()
	os.Exit(code)
}

type benchCity struct {
	s                *Store
	admin            *auth.Principal
	root             *Org
	district, street *Org       // the district and the street with the most children
	pairs            [][2]int64 // (x, y) pairs for IsInside: half inside, half not
	rareName         string
}

var (
	benchMu       sync.Mutex
	benchCities   = map[db.Dialect]*benchCity{}
	benchCleanups []func()
)

func benchSize() int {
	if testing.Short() {
		return 5_000
	}
	return 100_000
}

// city returns the shared city of an engine, generating it on first use.
func city(b *testing.B, e db.Dialect) *benchCity {
	benchMu.Lock()
	defer benchMu.Unlock()
	if c, ok := benchCities[e]; ok {
		return c
	}
	d, err := db.Open(ctx, benchDSN(b, e), db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchCleanups = append(benchCleanups, func() { d.Close() })
	if err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := NewStore(d)
	start := time.Now()
	if err := Generate(ctx, s, benchSize(), 1, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: generated %d organisations in %s", e, benchSize(), time.Since(start).Round(time.Millisecond))
	c := &benchCity{s: s}
	rootID, _ := s.RootID(ctx)
	c.root, _ = load(ctx, d, rootID, "")
	c.admin = grant(auth.RoleAdmin, c.root)
	biggest := func(depth int) *Org {
		var id int64
		if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE depth = ? ORDER BY child_count DESC, id LIMIT 1", depth).Scan(&id); err != nil {
			b.Fatal(err)
		}
		o, _ := load(ctx, d, id, "")
		return o
	}
	c.district, c.street = biggest(1), biggest(2)
	_ = d.QueryRow(ctx, "SELECT name FROM orgs WHERE depth = 4 ORDER BY id DESC LIMIT 1").Scan(&c.rareName)
	rows, err := d.Query(ctx, "SELECT id, path FROM orgs WHERE depth >= 3")
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	var paths []string
	for rows.Next() {
		var id int64
		var p string
		_ = rows.Scan(&id, &p)
		ids, paths = append(ids, id), append(paths, p)
	}
	rows.Close()
	rng := mrand.New(mrand.NewPCG(1, 2))
	for i := 0; i < 1000; i++ {
		k := rng.IntN(len(ids))
		if i%2 == 0 { // inside one of its ancestors
			anc := pathIDs(paths[k])
			c.pairs = append(c.pairs, [2]int64{ids[k], anc[rng.IntN(len(anc))]})
		} else {
			c.pairs = append(c.pairs, [2]int64{ids[k], ids[rng.IntN(len(ids))]})
		}
	}
	benchCities[e] = c
	return c
}

// benchDSN makes a database that outlives a single benchmark (testkit's
// helpers drop theirs when the benchmark that asked ends).
func benchDSN(b *testing.B, e db.Dialect) string {
	if e == db.SQLite {
		dir, err := os.MkdirTemp("", "gonghui-org-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchCleanups = append(benchCleanups, func() { os.RemoveAll(dir) })
		return filepath.Join(dir, "bench.db")
	}
	base := testkit.PostgresURL()
	var r [6]byte
	_, _ = rand.Read(r[:])
	schema := "bench_" + hex.EncodeToString(r[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	benchCleanups = append(benchCleanups, func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// forEachEngine runs fn as a sub-benchmark per engine on its city.
func forEachEngine(b *testing.B, fn func(b *testing.B, c *benchCity)) {
	for _, e := range testkit.Engines() {
		b.Run(string(e), func(b *testing.B) { fn(b, city(b, e)) })
	}
}

func BenchmarkChildren(b *testing.B) {
	forEachEngine(b, func(b *testing.B, c *benchCity) {
		b.ReportMetric(float64(c.district.ChildCount), "children")
		for b.Loop() {
			page, _, err := c.s.Children(ctx, c.admin, c.district.ID, "", 50)
			if err != nil || len(page) == 0 {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSubtreePage(b *testing.B) {
	forEachEngine(b, func(b *testing.B, c *benchCity) {
		for _, at := range []struct {
			name string
			o    *Org
		}{{"street", c.street}, {"root", c.root}} {
			// The first page, and one from the middle through a cursor.
			mid := ""
			_ = c.s.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE path > ? AND path < ? ORDER BY path LIMIT 1 OFFSET 100",
				at.o.Path, at.o.Path[:len(at.o.Path)-1]+"0").Scan(&mid)
			for _, pg := range []struct{ name, after string }{{"first", ""}, {"middle", pathCursor(mid)}} {
				if mid == "" {
					continue // a -short city's street is smaller than that
				}
				b.Run(at.name+"/"+pg.name, func(b *testing.B) {
					for b.Loop() {
						page, _, err := c.s.Subtree(ctx, c.admin, at.o.ID, pg.after, 50)
						if err != nil || len(page) != 50 {
							b.Fatal(len(page), err)
						}
					}
				})
			}
		}
	})
}

func BenchmarkIsInside(b *testing.B) {
	forEachEngine(b, func(b *testing.B, c *benchCity) {
		i := 0
		for b.Loop() {
			pr := c.pairs[i%len(c.pairs)]
			if _, err := c.s.IsInside(ctx, pr[0], pr[1]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func BenchmarkSearchName(b *testing.B) {
	forEachEngine(b, func(b *testing.B, c *benchCity) {
		for _, q := range []struct {
			name string
			p    *auth.Principal
			q    Query
		}{
			// A common word: the first page fills early in path order.
			{"root/common", c.admin, Query{Q: "物流", Limit: 50}},
			// One organisation's exact name: the whole scope is read.
			{"root/rare", c.admin, Query{Q: c.rareName, Limit: 50}},
			{"street/common", grant(auth.RoleOfficer, c.street), Query{Q: "科技", Limit: 50}},
		} {
			b.Run(q.name, func(b *testing.B) {
				for b.Loop() {
					hits, _, err := c.s.Search(ctx, q.p, q.q)
					if err != nil || len(hits) == 0 {
						b.Fatal(fmt.Sprint(len(hits)), err)
					}
				}
			})
		}
	})
}

func BenchmarkCount(b *testing.B) {
	forEachEngine(b, func(b *testing.B, c *benchCity) {
		for _, at := range []struct {
			name string
			o    *Org
		}{{"root", c.root}, {"district", c.district}, {"street", c.street}} {
			b.Run(at.name, func(b *testing.B) {
				for b.Loop() {
					n, err := c.s.Count(ctx, c.admin, at.o.ID)
					if err != nil || n.Orgs == 0 {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
