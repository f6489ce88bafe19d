// Package app starts and stops gonghui: configuration, the database, the
// HTTP server with its middleware, and the command-line subcommands.
package app

import (
	"flag"
	"os"
	"strconv"
	"time"
)

// Config is every setting, each with a flag and an environment variable
// (the flag wins). Defaults run a local demo with no set-up.
type Config struct {
	Addr         string
	DB           string
	Demo         bool
	TrustProxy   bool
	InsecureHTTP bool
	TLSCert      string
	TLSKey       string
	LogFormat    string // "text" or "json"
	LogLevel     string // "debug", "info", "warn", "error"
	MaxConns     int
	ShutdownWait time.Duration
}

// option describes one setting once, for flags, environment and help text.
type option struct {
	flag, env, help string
	str             *string
	boolean         *bool
	integer         *int
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
		}
	}
}
