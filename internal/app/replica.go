package app

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gonghui/internal/db"
	"gonghui/internal/httpx"
)

// attachReplica connects --read-database-url, if given (PostgreSQL only:
// SQLite refuses it with a message saying so).
func attachReplica(ctx context.Context, d *db.DB, cfg Config) error {
	if cfg.ReadDB == "" {
		return nil
	}
	if cfg.ReadMaxLag <= 0 {
		cfg.ReadMaxLag = 5 * time.Second
	}
	return d.AttachReplica(ctx, cfg.ReadDB, db.ReplicaOptions{MaxLag: cfg.ReadMaxLag})
}

// registerReplicaMetrics adds the replica's lag and reads to /metrics.
func (m *Main) registerReplicaMetrics() {
	if _, ok := m.DB.Replica(); !ok {
		return
	}
	stat := func() db.ReplicaStats { s, _ := m.DB.Replica(); return s }
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gonghui_replica_lag_seconds",
			Help: "The read replica's last measured lag (an upper bound, from the heartbeat); -1 when unknown, and then reads go to the primary."},
			func() float64 {
				if l := stat().Lag; l >= 0 {
					return l.Seconds()
				}
				return -1
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gonghui_replica_max_lag_seconds", Help: "The lag under which reads may go to the replica (--read-max-lag)."},
			func() float64 { return stat().MaxLag.Seconds() }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gonghui_replica_reads_total", Help: "Reads served by the read replica."},
			func() float64 { return float64(stat().Reads) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gonghui_replica_primary_reads_total",
			Help: "Reads that may go to the replica and went to the primary: lag over the bound or unknown, the replica failing, or a reader of their own writes."},
			func() float64 { return float64(stat().Fallback) }),
	)
}

// readYourWrites: with a read replica, a person who has just written reads
// from the primary until the replica must have their write.
func (m *Main) readYourWrites(next http.Handler, opts httpx.Options) http.Handler {
	st, ok := m.DB.Replica()
	if !ok {
		return next
	}
	// A write at t is on the replica for every read Stale sends there from
	// t + max lag + the age a measurement may have (three beats).
	return freshAfterWrites(next, st.MaxLag+3*time.Second, opts)
}

// freshCookie carries, to whichever node serves a browser next, until when
// (Unix ms) its reads go to the primary. Forging it only costs its holder
// the replica.
const freshCookie = "gh_fresh"

// freshAfterWrites marks for hold, after any request other than GET, HEAD
// or OPTIONS, that client's reads for the primary (db.ReadPrimary): browsers
// by a cookie every node reads, API clients by their token on this node.
func freshAfterWrites(next http.Handler, hold time.Duration, opts httpx.Options) http.Handler {
	var mu sync.Mutex
	marks := map[[32]byte]time.Time{} // hashed bearer token -> until
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		var token [32]byte
		bearer, hasToken := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if hasToken {
			token = sha256.Sum256([]byte(bearer))
		}
		primary := false
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			if c, err := r.Cookie(freshCookie); err == nil {
				if until, err := strconv.ParseInt(c.Value, 10, 64); err == nil && now.UnixMilli() < until {
					primary = true
				}
			}
			if hasToken {
				mu.Lock()
				primary = primary || now.Before(marks[token])
				mu.Unlock()
			}
		default:
			primary = true
			until := now.Add(hold)
			http.SetCookie(w, &http.Cookie{Name: freshCookie, Value: strconv.FormatInt(until.UnixMilli(), 10), Path: "/",
				MaxAge: int(hold/time.Second) + 1, HttpOnly: true, Secure: httpx.Secure(r, opts), SameSite: http.SameSiteLaxMode})
			if hasToken {
				mu.Lock()
				if len(marks) > 10000 {
					for k, t := range marks {
						if now.After(t) {
							delete(marks, k)
						}
					}
				}
				marks[token] = until
				mu.Unlock()
			}
		}
		if primary {
			r = r.WithContext(db.ReadPrimary(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}
