// Package app starts and stops gonghui: configuration, the database, the
// HTTP server with its middleware, and the command-line subcommands.
package app

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/pii"
)

// Config is every setting, each with a flag and an environment variable
// (the flag wins). Defaults run a local demo with no set-up.
type Config struct {
	Addr             string
	DB               string
	Demo             bool
	TrustProxy       bool
	InsecureHTTP     bool
	TLSCert          string
	TLSKey           string
	LogFormat        string // "text" or "json"
	LogLevel         string // "debug", "info", "warn", "error"
	MaxConns         int
	SQLiteCacheMB    int    // page cache of the SQLite writer
	KeyFile          string // key file for data encrypted at rest; "" = beside the SQLite file, or ./data/gonghui.key
	KeyProfile       string // "standard" (AES-GCM, HMAC-SHA-256) or "gm" (SM4-GCM, HMAC-SM3), for a new key file
	ShutdownWait     time.Duration
	MetricsAddr      string // own listener for GET /metrics; "" = none
	MetricsToken     string // bearer token for GET /metrics; with neither, /metrics is 404
	SMSPerNumber     int    // sign-in codes per number an hour
	SMSPerAddress    int    // sign-in codes per client address an hour
	SMSPerHour       int    // sign-in codes an hour in all
	AuditAnchor      string // file the audit chain's signed checkpoints are appended to
	AuditAnchorEvery int    // audit entries between checkpoints
	// Exports of full numbers and the mass-read alert (member.ExportPolicy).
	ExportApprovalRows, ExportPerHour, MassReadAlert int
	// RetentionYears is how long after a membership ended its personal data is kept (0: never anonymised).
	RetentionYears int
	// HolidaysFile adds or corrects public holidays and make-up working days (internal/workday).
	HolidaysFile string
	// Scheduled backups (backup_cmd.go): every BackupEvery into BackupDir, keeping BackupKeep.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// An optional read replica for heavy reads (replica.go).
	ReadDB     string
	ReadMaxLag time.Duration
	// MapTiles is a map tile server's address template drawn under the
	// stations' district map; its origin alone joins the pages' img-src.
	MapTiles string
}

// option describes one setting once, for flags, environment and help text.
type option struct {
	flag, env, help string
	str             *string
	boolean         *bool
	integer         *int
	duration        *time.Duration
	def             string
}

func (c *Config) options() []option {
	return []option{
		{flag: "addr", env: "GONGHUI_ADDR", def: "127.0.0.1:8080", str: &c.Addr, help: "address to listen on"},
		{flag: "db", env: "GONGHUI_DB", def: "./data/gonghui.db", str: &c.DB, help: "SQLite file path, or a postgres:// URL"},
		{flag: "demo", env: "GONGHUI_DEMO", def: "false", boolean: &c.Demo, help: "load the demo world on first start"},
		{flag: "trust-proxy", env: "GONGHUI_TRUST_PROXY", def: "false", boolean: &c.TrustProxy, help: "believe X-Forwarded-For/-Proto from a reverse proxy"},
		{flag: "insecure-http", env: "GONGHUI_INSECURE_HTTP", def: "false", boolean: &c.InsecureHTTP, help: "allow sign-in over plain HTTP from other machines (not recommended)"},
		{flag: "tls-cert", env: "GONGHUI_TLS_CERT", def: "", str: &c.TLSCert, help: "TLS certificate file (serve HTTPS directly)"},
		{flag: "tls-key", env: "GONGHUI_TLS_KEY", def: "", str: &c.TLSKey, help: "TLS key file"},
		{flag: "log-format", env: "GONGHUI_LOG_FORMAT", def: "text", str: &c.LogFormat, help: "log format: text or json"},
		{flag: "log-level", env: "GONGHUI_LOG_LEVEL", def: "info", str: &c.LogLevel, help: "log level: debug, info, warn, error"},
		{flag: "max-conns", env: "GONGHUI_MAX_CONNS", def: "16", integer: &c.MaxConns, help: "database connections per process"},
		{flag: "sqlite-cache-mb", env: "GONGHUI_SQLITE_CACHE_MB", def: "64", integer: &c.SQLiteCacheMB, help: "page cache of the SQLite writer in MB (a city of millions of members imports faster with 1024 or more)"},
		{flag: "key-file", env: "GONGHUI_KEY_FILE", def: "", str: &c.KeyFile, help: "key file for data encrypted at rest (created on first start of an empty database, refused if the database was sealed with other keys; every server process needs the same one; GONGHUI_KEYS may hold its content instead)"},
		{flag: "metrics-addr", env: "GONGHUI_METRICS_ADDR", def: "", str: &c.MetricsAddr, help: "serve GET /metrics on this address only, e.g. 127.0.0.1:9090 (default: not served)"},
		{flag: "metrics-token", env: "GONGHUI_METRICS_TOKEN", def: "", str: &c.MetricsToken, help: "serve GET /metrics to requests with this bearer token, at least 16 characters (default: not served)"},
		{flag: "sms-per-number", env: "GONGHUI_SMS_PER_NUMBER", def: "5", integer: &c.SMSPerNumber, help: "sign-in codes sent to one mobile number per hour"},
		{flag: "sms-per-address", env: "GONGHUI_SMS_PER_ADDRESS", def: "20", integer: &c.SMSPerAddress, help: "sign-in codes asked for from one client address per hour"},
		{flag: "sms-per-hour", env: "GONGHUI_SMS_PER_HOUR", def: "2000", integer: &c.SMSPerHour, help: "sign-in codes sent per hour in all (a ceiling on the SMS bill)"},
		{flag: "audit-anchor", env: "GONGHUI_AUDIT_ANCHOR", def: "", str: &c.AuditAnchor, help: "append the audit chain's signed checkpoints to this file (keep it where the database's users cannot write, or ship it away); they are logged either way"},
		{flag: "audit-anchor-every", env: "GONGHUI_AUDIT_ANCHOR_EVERY", def: "100", integer: &c.AuditAnchorEvery, help: "audit entries between checkpoints (also one a minute while entries are written, and at shutdown)"},
		{flag: "export-approval-rows", env: "GONGHUI_EXPORT_APPROVAL_ROWS", def: "50", integer: &c.ExportApprovalRows, help: "exports of full numbers with more rows than this need a second person's approval"},
		{flag: "export-per-hour", env: "GONGHUI_EXPORT_PER_HOUR", def: "10", integer: &c.ExportPerHour, help: "full-number exports one account may start per hour"},
		{flag: "mass-read-alert", env: "GONGHUI_MASS_READ_ALERT", def: "2000", integer: &c.MassReadAlert, help: "members one account may read in an hour (reveals, exported rows) before a warning is logged and counted in /metrics"},
		{flag: "retention-years", env: "GONGHUI_RETENTION_YEARS", def: "3", integer: &c.RetentionYears, help: "years after a membership ended before its personal data is anonymised (0: never)"},
		{flag: "holidays-file", env: "GONGHUI_HOLIDAYS_FILE", def: "", str: &c.HolidaysFile, help: "file of public holidays and make-up working days to add to or correct the built-in table, one day a line: 2028-01-01,元旦,holiday or 2028-02-05,春节调休,work (every server process needs the same one)"},
		{flag: "backup-dir", env: "GONGHUI_BACKUP_DIR", def: "", str: &c.BackupDir, help: "directory scheduled backups are written to (with --backup-every)"},
		{flag: "backup-every", env: "GONGHUI_BACKUP_EVERY", def: "0", duration: &c.BackupEvery, help: "make a backup this often, e.g. 24h; one server process of several makes it (0: no scheduled backups)"},
		{flag: "backup-keep", env: "GONGHUI_BACKUP_KEEP", def: "7", integer: &c.BackupKeep, help: "scheduled backups kept in --backup-dir; older ones made by gonghui are deleted"},
		{flag: "read-database-url", env: "GONGHUI_READ_DATABASE_URL", def: "", str: &c.ReadDB, help: "postgres:// URL of a streaming replica that dashboards, staff lists and exports may read while it lags less than --read-max-lag (PostgreSQL only; default: none)"},
		{flag: "read-max-lag", env: "GONGHUI_READ_MAX_LAG", def: "5s", duration: &c.ReadMaxLag, help: "reads go to the replica only while its measured lag is under this"},
		{flag: "map-tiles", env: "GONGHUI_MAP_TILES", def: "", str: &c.MapTiles, help: "map tile address drawn under the service stations' district map, e.g. https://tiles.example/{z}/{x}/{y}.png (a GCJ-02 tile server); its origin is allowed for pictures in the pages' CSP (default: none, the map works with no internet)"},
		{flag: "key-profile", env: "GONGHUI_KEY_PROFILE", def: "standard", str: &c.KeyProfile, help: "algorithms for a new key file: standard (AES-256-GCM, HMAC-SHA-256) or gm (SM4-GCM, HMAC-SM3)"},
	}
}

// Bind registers the flags on fs with defaults taken from the environment.
func (c *Config) Bind(fs *flag.FlagSet, names ...string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	c.ShutdownWait = 15 * time.Second
	for _, o := range c.options() {
		if len(names) > 0 && !want[o.flag] {
			continue
		}
		def := o.def
		if v, ok := os.LookupEnv(o.env); ok && v != "" {
			def = v
		}
		help := o.help + " (env " + o.env + ")"
		switch {
		case o.str != nil:
			fs.StringVar(o.str, o.flag, def, help)
		case o.boolean != nil:
			b := def == "1" || def == "true" || def == "yes"
			fs.BoolVar(o.boolean, o.flag, b, help)
		case o.integer != nil:
			n, _ := strconv.Atoi(def)
			fs.IntVar(o.integer, o.flag, n, help)
		case o.duration != nil:
			v, _ := time.ParseDuration(def)
			fs.DurationVar(o.duration, o.flag, v, help)
		}
	}
}

// Keys loads the keyring for data encrypted at rest: from GONGHUI_KEYS (the
// key file's content, for secret managers), else from the key file, made on
// first start. Commands use OpenKeys (keys.go), which checks the keys
// against the database before this may create a file. The default file
// sits beside a SQLite database, so processes
// sharing the file share the keys; with PostgreSQL every node must be given
// the same file or GONGHUI_KEYS.
func (c *Config) Keys() (*pii.Keyring, error) {
	if v := os.Getenv("GONGHUI_KEYS"); v != "" {
		k, err := pii.Parse([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("GONGHUI_KEYS: %w", err)
		}
		return k, nil
	}
	path := c.keyPath()
	profile := pii.Profile(c.KeyProfile)
	if profile == "" {
		profile = pii.Standard
	}
	if profile != pii.Standard && profile != pii.GM {
		return nil, fmt.Errorf("--key-profile: %q is neither standard nor gm", c.KeyProfile)
	}
	return pii.LoadOrCreate(path, profile)
}

// keyPath is the key file in use: --key-file, else beside the SQLite file,
// else ./data/gonghui.key.
func (c *Config) keyPath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return filepath.Join(filepath.Dir(strings.TrimPrefix(strings.TrimPrefix(c.DB, "sqlite://"), "file:")), "gonghui.key")
	}
	return filepath.Join("data", "gonghui.key")
}
