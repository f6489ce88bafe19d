package app

import (
	"context"
	"errors"
	"fmt"
	"gonghui/internal/activity"
	"gonghui/internal/api/all"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/course"
	"gonghui/internal/rights"
	"gonghui/internal/sms"
	"gonghui/internal/station"
	"gonghui/internal/stats"
	"gonghui/internal/survey"
	"gonghui/internal/web/site"
	"gonghui/internal/works"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"gonghui/internal/api"
	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/congress"
	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/job"
	"gonghui/internal/mailbox"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// Main is one running server: Run it, then Close it. Tests boot it on port
// 0 and talk to it over HTTP like any client.
type Main struct {
	Config    Config
	DB        *db.DB
	Auth      *auth.Service
	Orgs      *org.Store
	Members   *member.Store
	Acts      *activity.Store
	Courses   *course.Store
	Banks     *bank.Store
	Contest   *contest.Store
	Letters   *mailbox.Store
	Survey    *survey.Store
	Works     *works.Store
	Contracts *contract.Store
	Stats     *stats.Store
	Notices   *notice.Store
	Stations  *station.Store
	Cases     *rights.Store
	Congress  *congress.Store
	// SMS sends text messages: sign-in codes and notices. The default
	// writes them to the log (numbers masked) until a gateway is connected.
	SMS sms.Sender

	chain    *audit.Chain
	server   *http.Server
	listener net.Listener
	metricLn net.Listener // --metrics-addr
	registry *prometheus.Registry
}

// Open connects to the database, brings its schema up to date and loads the
// demo world when asked; it does not listen yet.
func Open(ctx context.Context, cfg Config) (*Main, error) {
	if err := useHolidays(cfg.HolidaysFile, time.Now()); err != nil {
		return nil, err
	}
	if _, err := httpx.TileOrigin(cfg.MapTiles); err != nil {
		return nil, fmt.Errorf("--map-tiles: %w", err)
	}
	d, err := db.Open(ctx, cfg.DB, db.Options{MaxConns: cfg.MaxConns, SQLiteWriterCacheMB: cfg.SQLiteCacheMB})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := attachReplica(ctx, d, cfg); err != nil {
		d.Close()
		return nil, err
	}
	keys, err := cfg.OpenKeys(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	chain, err := attachAudit(ctx, d, cfg, keys, time.Minute)
	if err != nil {
		d.Close()
		return nil, err
	}
	m := &Main{Config: cfg, DB: d, chain: chain, Auth: auth.NewService(d, keys), Orgs: org.NewStore(d), Members: member.NewStore(d, keys)}
	m.Members.Policy = m.Members.Policy.With(cfg.ExportApprovalRows, cfg.ExportPerHour, cfg.MassReadAlert)
	m.Acts = activity.NewStore(d, m.Members)
	m.Courses = course.NewStore(d, m.Members)
	m.Banks = bank.NewStore(d)
	m.Contest = contest.NewStore(d, m.Banks, m.Members)
	m.Letters = mailbox.NewStore(d, keys)
	m.Survey = survey.NewStore(d, m.Members)
	m.Works = works.NewStore(d, m.Members)
	m.Contracts = contract.NewStore(d, keys)
	m.Stations = station.NewStore(d)
	m.Cases = rights.NewStore(d, keys)
	m.Congress = congress.NewStore(d)
	m.Stats = stats.NewStore(d)
	if err := m.Stats.EnsureBuilt(ctx, statSources()...); err != nil {
		d.Close()
		return nil, err
	}
	if _, err := m.Orgs.FillKeys(ctx); err != nil {
		d.Close()
		return nil, err
	}
	m.Notices = notice.NewStore(d, m.Members)
	m.SMS = sms.LogSender{}
	m.Auth.SetSMS(m.SMS)
	m.Members.SetDuplicateSMS(m.SMS, member.ThrottleBudget(m.Auth)) // a repeated application told to the person on record
	// Only a process started with --demo lets the demo's accounts in with a
	// password alone; the sign-in page says so.
	m.Auth.SetDemoMode(cfg.Demo)
	if cfg.SMSPerNumber < 0 || cfg.SMSPerAddress < 0 || cfg.SMSPerHour < 0 {
		d.Close()
		return nil, fmt.Errorf("--sms-per-number, --sms-per-address and --sms-per-hour must be at least 1")
	}
	m.Auth.SetSMSLimits(auth.SMSLimits{PerNumber: cfg.SMSPerNumber, PerAddress: cfg.SMSPerAddress, Global: cfg.SMSPerHour})
	if cfg.Demo {
		if err := LoadDemo(ctx, m, os.Stdout); err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return m, nil
}

// Handler builds the whole HTTP surface with its middleware.
func (m *Main) Handler(ctx context.Context) (http.Handler, error) {
	opts := httpx.Options{TrustProxy: m.Config.TrustProxy, InsecureHTTP: m.Config.InsecureHTTP, MapTiles: m.Config.MapTiles}
	mux := http.NewServeMux()
	m.registry = prometheus.NewRegistry()
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	w, r := m.DB.Pools()
	m.registry.MustRegister(collectors.NewDBStatsCollector(w, "writer"))
	if r != w {
		m.registry.MustRegister(collectors.NewDBStatsCollector(r, "reader"))
	}
	m.registry.MustRegister(member.MassReadAlerts)
	m.registerReplicaMetrics()
	metrics := newHTTPMetrics(m.registry)

	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.DB.Ping(ctx); err != nil {
			slog.Error("healthz: database unreachable", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	if m.Config.metricsOnMain() {
		mux.Handle("GET /metrics", m.metricsHandler())
	}

	reg := inboxRegistry(m)
	if _, err := all.Mount(mux, all.Deps{Deps: api.Deps{DB: m.DB, Auth: m.Auth, Orgs: m.Orgs, Members: m.Members, HTTP: opts}, Inbox: reg,
		Acts:      m.Acts,
		Courses:   m.Courses,
		Banks:     m.Banks,
		Contest:   m.Contest,
		Letters:   m.Letters,
		Survey:    m.Survey,
		Works:     m.Works,
		Contracts: m.Contracts,
		Stations:  m.Stations,
		Cases:     m.Cases,
		Congress:  m.Congress,
	}); err != nil {
		return nil, err
	}
	if err := site.Mount(ctx, mux, site.Deps{Deps: web.Deps{DB: m.DB, Auth: m.Auth, Orgs: m.Orgs, Members: m.Members, HTTP: opts, Inbox: reg},
		Acts:      m.Acts,
		Courses:   m.Courses,
		Banks:     m.Banks,
		Contest:   m.Contest,
		Letters:   m.Letters,
		Survey:    m.Survey,
		Works:     m.Works,
		Contracts: m.Contracts,
		Stations:  m.Stations,
		Cases:     m.Cases,
		Congress:  m.Congress,
	}); err != nil {
		return nil, err
	}

	// Cross-site state-changing requests from browsers are refused before
	// any handler runs; pages add per-form tokens on top.
	cop := http.NewCrossOriginProtection()
	var h http.Handler = cop.Handler(mux)
	h = m.readYourWrites(h, opts)
	return m.middleware(h, metrics, opts), nil
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	hm := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gonghui_http_requests_total", Help: "HTTP requests by route and status."},
			[]string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gonghui_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"method", "route"}),
	}
	reg.MustRegister(hm.requests, hm.latency)
	return hm
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// middleware: security headers, the client's address in the audit actor,
// panic recovery, a structured access log and metrics per route pattern.
func (m *Main) middleware(next http.Handler, hm *httpMetrics, opts httpx.Options) http.Handler {
	csp := httpx.PageCSP(opts.MapTiles)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", csp)
		if httpx.Secure(r, opts) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		ip := httpx.ClientIP(r, opts)
		r2 := r.WithContext(audit.WithActor(r.Context(), audit.Actor{IP: ip}))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				slog.Error("panic", "err", v, "path", r.URL.Path, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := r2.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			hm.requests.WithLabelValues(r.Method, route, strconv.Itoa(status)).Inc()
			hm.latency.WithLabelValues(r.Method, route).Observe(d.Seconds())
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			} else if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || len(r.URL.Path) > 7 && r.URL.Path[:8] == "/static/" {
				level = slog.LevelDebug
			}
			slog.Log(r.Context(), level, "http", "method", r.Method, "path", r.URL.Path, "route", route, "status", status,
				"bytes", sw.bytes, "ms", float64(d.Microseconds())/1000, "ip", ip)
		}()
		next.ServeHTTP(sw, r2)
	})
}

// Listen binds the address (port 0 picks a free one).
func (m *Main) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	if err := m.listenMetrics(); err != nil {
		ln.Close()
		return nil, err
	}
	return ln.Addr(), nil
}

// Serve answers requests until ctx ends, then shuts down gracefully: new
// connections are refused and requests in flight get ShutdownWait to finish.
func (m *Main) Serve(ctx context.Context) error {
	h, err := m.Handler(ctx)
	if err != nil {
		return err
	}
	if m.listener == nil {
		if _, err := m.Listen(); err != nil {
			return err
		}
	}
	m.server = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	m.server.RegisterOnShutdown(m.Contest.LiveHub().Close) // live contests' streams end, or Shutdown would wait for them
	go m.housekeeping(ctx)
	go m.sendNotices(ctx)
	go m.foldFigures(ctx)
	go m.serveMetrics(ctx)
	go m.watchKeys(ctx)
	go m.DB.RunReplica(ctx) // the read replica's heartbeat and lag, if there is one
	go m.anonymiseSweep(ctx)
	go m.closeExpiredPapers(ctx)
	go m.Contracts.Run(ctx) // collective contracts' figures follow the days (in force, expiring)
	go m.Cases.Run(ctx)     // an overdue case's escalation leaves one timeline entry
	if err := m.startBackups(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		if m.Config.TLSCert != "" {
			errc <- m.server.ServeTLS(m.listener, m.Config.TLSCert, m.Config.TLSKey)
		} else {
			errc <- m.server.Serve(m.listener)
		}
	}()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down", "wait", m.Config.ShutdownWait)
	sctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownWait)
	defer cancel()
	return m.server.Shutdown(sctx)
}

// housekeeping removes expired sessions now and then; any process may do it.
func (m *Main) housekeeping(ctx context.Context) {
	every(ctx, 10*time.Minute, func() {
		if err := m.Auth.PurgeThrottle(ctx); err != nil {
			slog.Warn("purge login throttle", "err", err)
		}
		n, err := m.Auth.PurgeExpired(ctx)
		logCount(n, err, "purge sessions", "purged expired sessions")
		if err := (&job.Store{DB: m.DB}).Purge(ctx); err != nil {
			slog.Warn("purge uploads and jobs", "err", err)
		}
	})
}

// every runs fn every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// logCount logs what a periodic task did: its error as a warning (failed),
// else how many it handled (done), if any.
func logCount[N int | int64](n N, err error, failed, done string) {
	if err != nil {
		slog.Warn(failed, "err", err)
	} else if n > 0 {
		slog.Info(done, "count", n)
	}
}

// sendNotices sends members' new notices (promoted from a waiting list,
// activity called off, lottery result ...) by SMS every few seconds; any
// process may, each notice goes once. It also draws the course terms whose
// enrolment has closed and that staff have not drawn yet.
func (m *Main) sendNotices(ctx context.Context) {
	render := func(kind, title string) string {
		return i18n.T(i18n.ZH, "activity.sms_prefix") + i18n.T(i18n.ZH, "activity.notice."+kind, title)
	}
	every(ctx, 5*time.Second, func() {
		n, err := m.Courses.DrawDue(ctx)
		logCount(n, err, "draw due course terms", "course terms drawn")
		n, err = m.Notices.Send(ctx, m.SMS.Send, render)
		logCount(n, err, "send notices", "notices sent by SMS")
	})
}

// foldFigures adds the logged changes of figures to the rollups every
// second, so dashboards are fresh within a couple of seconds; any process
// may, they take turns.
func (m *Main) foldFigures(ctx context.Context) {
	every(ctx, time.Second, func() {
		for {
			n, err := m.Stats.Fold(ctx)
			if err != nil {
				slog.Warn("fold figures", "err", err)
			}
			if err != nil || n < stats.FoldBatch {
				break
			}
		}
	})
}

// closeExpiredPapers hands in the contest papers whose time ran out with
// nobody pressing submit, grading the answers saved by then, so that
// boards and figures do not wait for the taker to come back. Any number of
// processes may run it: each paper is closed once, under its row's lock.
func (m *Main) closeExpiredPapers(ctx context.Context) {
	every(ctx, 10*time.Second, func() {
		for {
			n, err := m.Contest.FinishExpired(ctx, 500)
			if err != nil {
				slog.Warn("close expired contest papers", "err", err)
			}
			if err != nil || n < 500 {
				break
			}
		}
	})
}

// Close releases the database.
func (m *Main) Close() error {
	m.chain.Close()
	return m.DB.Close()
}
