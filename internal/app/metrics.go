package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// minMetricsToken is the shortest --metrics-token accepted: the token is a
// password that scrapers send on every request.
const minMetricsToken = 16

// Metrics tell an outsider the routes, their traffic and the database pool,
// so they are never served to anyone by default. --metrics-token serves
// them on the main address to a bearer of the token; --metrics-addr serves
// them on a listener of their own (the token, if set, is asked there too)
// and never on the main address. With neither, GET /metrics is 404: a
// loopback-only rule would let in everyone behind a reverse proxy on the
// same machine, whose requests all come from 127.0.0.1.

// metricsOnMain says whether the main address serves /metrics.
func (c *Config) metricsOnMain() bool { return c.MetricsAddr == "" && c.MetricsToken != "" }

// checkMetrics refuses a token too short to be a secret.
func (c *Config) checkMetrics() error {
	if c.MetricsToken != "" && len(c.MetricsToken) < minMetricsToken {
		return fmt.Errorf("--metrics-token: at least %d characters, for example the output of `openssl rand -hex 32`", minMetricsToken)
	}
	return nil
}

// metricsHandler serves the registry, behind the token when there is one.
func (m *Main) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	if m.Config.MetricsToken == "" {
		return h
	}
	want := sha256.Sum256([]byte(m.Config.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		// Comparing digests keeps the time independent of the token's
		// length as well as its content.
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gonghui metrics"`)
			http.Error(w, "metrics need the bearer token given by --metrics-token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// listenMetrics binds --metrics-addr, if set.
func (m *Main) listenMetrics() error {
	if err := m.Config.checkMetrics(); err != nil {
		return err
	}
	if m.Config.MetricsAddr == "" || m.metricLn != nil {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen %s (--metrics-addr): %w", m.Config.MetricsAddr, err)
	}
	m.metricLn = ln
	slog.Info("metrics listening", "url", fmt.Sprintf("http://%s/metrics", ln.Addr()))
	return nil
}

// MetricsAddr is the address of the metrics listener, nil without one.
func (m *Main) MetricsAddr() net.Addr {
	if m.metricLn == nil {
		return nil
	}
	return m.metricLn.Addr()
}

// serveMetrics answers GET /metrics on the metrics listener until ctx ends.
func (m *Main) serveMetrics(ctx context.Context) {
	if m.metricLn == nil {
		return
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.metricsHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(m.metricLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
		slog.Error("metrics listener stopped", "err", err)
	}
}

// newBackupMetric is the time of the last complete scheduled backup, read
// from the database at each scrape so that every process reports the same
// (whichever made it); 0 before the first. Alert on time() minus it.
func newBackupMetric(last func() float64) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gonghui_backup_last_success_timestamp_seconds",
		Help: "Unix time at which the last scheduled backup completed (0: none yet)."}, last)
}
