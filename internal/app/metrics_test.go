package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func openTestMain(t *testing.T, cfg Config) *Main {
	t.Helper()
	cfg.DB = testkit.NewDSN(t, db.SQLite)
	cfg.KeyFile = filepath.Join(t.TempDir(), "gonghui.key")
	cfg.Addr = "127.0.0.1:0"
	cfg.MaxConns = 4
	m, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func getMetrics(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const metricsToken = "0123456789abcdef-metrics"

// Metrics are served to nobody unless a token or an address of their own is
// configured; with a token, only to its bearer.
func TestMetricsAreNotPublic(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, token, bearer string
		want                int
	}{
		{"nothing configured", "", "", http.StatusNotFound},
		{"nothing configured, any token", "", metricsToken, http.StatusNotFound},
		{"token configured, none sent", metricsToken, "", http.StatusUnauthorized},
		{"token configured, wrong one", metricsToken, metricsToken + "x", http.StatusUnauthorized},
		{"token configured, a prefix of it", metricsToken, metricsToken[:16], http.StatusUnauthorized},
		{"token configured and sent", metricsToken, metricsToken, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := openTestMain(t, Config{MetricsToken: c.token})
			h, err := m.Handler(ctx)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			st, body := getMetrics(t, srv.URL+"/metrics", c.bearer)
			if st != c.want {
				t.Fatalf("GET /metrics: %d, want %d", st, c.want)
			}
			if leaked := strings.Contains(body, "go_goroutines"); leaked != (c.want == http.StatusOK) {
				t.Fatalf("metrics in the body: %v, want %v: %.200s", leaked, !leaked, body)
			}
		})
	}
}

// --metrics-addr serves metrics on their own listener and never on the main
// address; a token, if also set, is asked there.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	for _, token := range []string{"", metricsToken} {
		// A moment to close: the client's just-used connection may not be idle yet.
		m := openTestMain(t, Config{MetricsAddr: "127.0.0.1:0", MetricsToken: token, ShutdownWait: 5 * time.Second})
		addr, err := m.Listen()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Serve(ctx) }()
		if st, _ := getMetrics(t, "http://"+addr.String()+"/metrics", token); st != http.StatusNotFound {
			t.Errorf("token %q: main address answered /metrics %d, want 404", token, st)
		}
		murl := "http://" + m.MetricsAddr().String() + "/metrics"
		if token != "" {
			if st, _ := getMetrics(t, murl, ""); st != http.StatusUnauthorized {
				t.Errorf("metrics address without the token: %d, want 401", st)
			}
		}
		if st, body := getMetrics(t, murl, token); st != http.StatusOK || !strings.Contains(body, "go_goroutines") {
			t.Errorf("token %q: metrics address answered %d: %.200s", token, st, body)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestMetricsTokenTooShort(t *testing.T) {
	m := openTestMain(t, Config{MetricsToken: "short"})
	if _, err := m.Listen(); err == nil || !strings.Contains(err.Error(), "--metrics-token") {
		t.Fatalf("Listen with a short token: %v", err)
	}
}
