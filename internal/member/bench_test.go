package member

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/pii"
)

// BenchmarkRegistry measures searches and filtered pages on a registry made
// by "gonghui generate" (set GONGHUI_BENCH_DB to its database and
// GONGHUI_BENCH_KEY_FILE to its key file; skipped otherwise):
//
//	gonghui generate --db /tmp/city.db --orgs 100000 --members 5000000
//	GONGHUI_BENCH_DB=/tmp/city.db GONGHUI_BENCH_KEY_FILE=/tmp/city.key \
//	  go test -run='^$' -bench=Registry ./internal/member/
func BenchmarkRegistry(b *testing.B) {
	dsn := os.Getenv("GONGHUI_BENCH_DB")
	if dsn == "" {
		b.Skip("GONGHUI_BENCH_DB not set")
	}
	d, err := db.Open(ctx, dsn, db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	keys, err := loadKeys(os.Getenv("GONGHUI_BENCH_KEY_FILE"))
	if err != nil {
		b.Fatal(err)
	}
	s := NewStore(d, keys)
	var total int
	_ = d.QueryRow(ctx, "SELECT count(*) FROM members").Scan(&total)
	var rootPath, streetPath, unionPath string
	var unionID int64
	_ = d.QueryRow(ctx, "SELECT path FROM orgs WHERE depth = 0").Scan(&rootPath)
	_ = d.QueryRow(ctx, "SELECT path FROM orgs WHERE kind = 'street_federation' ORDER BY path LIMIT 1 OFFSET 7").Scan(&streetPath)
	_ = d.QueryRow(ctx, "SELECT org_id, org_path FROM members WHERE org_path > ? ORDER BY org_path LIMIT 1", streetPath).Scan(&unionID, &unionPath)
	var someName, someID string
	var someMember int64
	_ = d.QueryRow(ctx, "SELECT id, name FROM members WHERE org_path >= ? ORDER BY org_path LIMIT 1", streetPath).Scan(&someMember, &someName)
	_ = someID
	b.Logf("registry: %d members; street %s", total, streetPath)
	at := func(path string) *auth.Principal {
		return &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgPath: path}}}
	}
	root, street := at(rootPath), at(streetPath)
	cases := []struct {
		name string
		p    *auth.Principal
		q    Query
	}{
		{"root/page", root, Query{}},
		{"root/name2", root, Query{Q: "王伟"}},
		{"root/name3", root, Query{Q: someName}},
		{"root/surname", root, Query{Q: "王"}},
		{"root/initials", root, Query{Q: "wwm"}},
		{"root/mobile", root, Query{Q: "13676537455"}}, // the generator's 4,000,000th member's
		{"root/tag+status", root, Query{Tags: []string{string(TagModelWorker)}, Status: StatusActive}},
		{"root/party+hardship", root, Query{Tags: []string{string(TagPartyMember), string(TagHardship)}}},
		{"root/joined2024", root, Query{JoinedFrom: "2024-01-01", JoinedTo: "2024-12-31"}},
		{"street/page", street, Query{}},
		{"street/name2", street, Query{Q: "王伟"}},
		{"street/initials", street, Query{Q: "wwm"}},
		{"street/tag", street, Query{Tags: []string{string(TagModelWorker)}}},
		{"street/union-only", street, Query{Org: unionID, OrgOnly: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for range b.N {
				page, _, err := s.List(ctx, c.p, c.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(page)
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
	b.Run("root/page-5", func(b *testing.B) {
		for range b.N {
			q := Query{}
			for range 5 {
				_, next, err := s.List(ctx, root, q)
				if err != nil {
					b.Fatal(err)
				}
				q.After = next
			}
		}
	})
	_ = fmt.Sprint
	_ = strconv.Itoa
}

func loadKeys(path string) (*pii.Keyring, error) { return pii.Load(path) }
