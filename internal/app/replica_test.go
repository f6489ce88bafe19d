package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/testkit"
)

// TestFreshAfterWrites: after a write, the same browser (cookie, on any
// node) or API token (on this node) reads from the primary; others do not.
func TestFreshAfterWrites(t *testing.T) {
	var sawPrimary bool
	h := freshAfterWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawPrimary = db.ReadsPrimary(r.Context())
	}), time.Hour, httpx.Options{})
	do := func(method string, setup func(*http.Request)) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/members", nil)
		if setup != nil {
			setup(r)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	if do("GET", nil); sawPrimary {
		t.Fatal("a first read marked for the primary")
	}
	w := do("POST", bearer("token-a"))
	if !sawPrimary {
		t.Fatal("the write itself not on the primary")
	}
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == freshCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.MaxAge < 3600 {
		t.Fatalf("cookie %+v", cookie)
	}
	if do("GET", bearer("token-a")); !sawPrimary {
		t.Fatal("the writer's token reads from the replica")
	}
	if do("GET", bearer("token-b")); sawPrimary {
		t.Fatal("another token's read sent to the primary")
	}
	if do("GET", func(r *http.Request) { r.AddCookie(cookie) }); !sawPrimary {
		t.Fatal("the writer's browser reads from the replica")
	}
	past := strconv.FormatInt(time.Now().Add(-time.Second).UnixMilli(), 10)
	for _, v := range []string{past, "x", "", strings.Repeat("9", 40)} {
		if do("GET", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: freshCookie, Value: v}) }); sawPrimary {
			t.Fatalf("cookie %q sent reads to the primary", v)
		}
	}
}

// TestReadReplicaOption: on SQLite the option is refused at start with a
// message naming it; on PostgreSQL the server starts with it and says so
// in /metrics.
func TestReadReplicaOption(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		cfg := Config{DB: dsn, KeyFile: t.TempDir() + "/k.key", ReadDB: dsn, ReadMaxLag: 2 * time.Second, MaxConns: 4}
		m, err := Open(ctx, cfg)
		if strings.HasPrefix(dsn, "postgres") {
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			st, ok := m.DB.Replica()
			if !ok || st.MaxLag != 2*time.Second {
				t.Fatalf("replica %+v %v", st, ok)
			}
			if _, err := m.Handler(ctx); err != nil {
				t.Fatal(err)
			}
			families, err := m.registry.Gather()
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, f := range families {
				seen[f.GetName()] = true
			}
			for _, name := range []string{"gonghui_replica_lag_seconds", "gonghui_replica_reads_total", "gonghui_replica_primary_reads_total"} {
				if !seen[name] {
					t.Errorf("/metrics lacks %s", name)
				}
			}
			return
		}
		if err == nil {
			m.Close()
			t.Fatal("SQLite started with a read replica")
		}
		if !strings.Contains(err.Error(), "--read-database-url") || !strings.Contains(err.Error(), "SQLite") {
			t.Fatalf("message %q", err)
		}
	})
}
