package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/pii"
)

// securityCheck is one part of `gonghui security check`: the controls one
// area keeps, as an inspector reads them.
type securityCheck func(ctx context.Context, m *securityEnv) ([]auth.Control, error)

// securityEnv is what the checks read: the database's account controls and
// the configuration this command was given (the same flags and environment
// the servers are started with).
type securityEnv struct {
	cfg  Config
	auth *auth.Service
	keys *pii.Keyring
	db   *db.DB
}

// securityChecks lists the areas, in the order they are printed.
var securityChecks = []securityCheck{
	func(ctx context.Context, e *securityEnv) ([]auth.Control, error) { return e.auth.Controls(ctx) },
	keyControls,
	configControls,
	exportControls,
	auditControls,
	retentionControls,
}

// retentionControls reports how long personal data outlives a membership.
func retentionControls(ctx context.Context, e *securityEnv) ([]auth.Control, error) {
	c := auth.Control{Name: "retention", Detail: fmt.Sprintf("personal data of memberships ended more than %d years ago is anonymised everywhere by a background sweep (gonghui members anonymise); consent is recorded on every intake path", e.cfg.RetentionYears)}
	if e.cfg.RetentionYears <= 0 {
		c.Gap, c.Detail = true, "--retention-years 0: personal data of former members is kept for ever"
	}
	return []auth.Control{c}, nil
}

// exportControls reports how full numbers may leave the system.
func exportControls(_ context.Context, e *securityEnv) ([]auth.Control, error) {
	p := member.DefaultExportPolicy.With(e.cfg.ExportApprovalRows, e.cfg.ExportPerHour, e.cfg.MassReadAlert)
	return []auth.Control{{Name: "exports", Detail: fmt.Sprintf(
		"full numbers leave only with a reason; above %d rows a second person with reveal rights must approve; %d such exports per account an hour; every export, masked or not, audited with its row count; alert when an account reads more than %d members in an hour",
		p.ApprovalRows, p.PerHour, p.MassRead)}}, nil
}

// auditControls reports where the audit chain is anchored outside the database.
func auditControls(_ context.Context, e *securityEnv) ([]auth.Control, error) {
	c := auth.Control{Name: "audit chain", Detail: fmt.Sprintf("entries keyed (HMAC under the key file); signed checkpoints every %d entries in the server log", max(e.cfg.AuditAnchorEvery, 1))}
	if e.cfg.AuditAnchor != "" {
		c.Detail += " and in " + e.cfg.AuditAnchor
	} else {
		c.Detail += "; no --audit-anchor file: keep the logs apart from the database to detect a truncated log"
	}
	return []auth.Control{c}, nil
}

// keyControls reports the keys of data at rest. Opening them already
// proved they are this database's (OpenKeys refuses others).
func keyControls(ctx context.Context, e *securityEnv) ([]auth.Control, error) {
	cur := e.keys.Current()
	var stale int
	if err := e.db.QueryRow(ctx, "SELECT count(*) FROM members WHERE id_sealed <> '' AND id_sealed NOT LIKE ?", cur+":%").Scan(&stale); err != nil {
		return nil, fmt.Errorf("security check: keys: %w", err)
	}
	c := auth.Control{Name: "keys", Detail: fmt.Sprintf("%s profile, keys %s, new values sealed with %s; the key check value matches the database",
		e.keys.Profile(), strings.Join(e.keys.KeyIDs(), ", "), cur)}
	if stale > 0 {
		c.Gap = true
		c.Detail += fmt.Sprintf("; %d members still sealed with an older key (run gonghui keys rewrap)", stale)
	}
	return []auth.Control{c}, nil
}

// configControls reports what the configuration sets.
func configControls(_ context.Context, e *securityEnv) ([]auth.Control, error) {
	var out []auth.Control
	c := auth.Control{Name: "transport", Detail: "credentials are refused over plain HTTP from other machines"}
	if e.cfg.InsecureHTTP {
		c.Gap, c.Detail = true, "--insecure-http: credentials accepted over plain HTTP from any machine"
	}
	out = append(out, c)
	c = auth.Control{Name: "metrics", Detail: "/metrics is not served (neither --metrics-addr nor --metrics-token is set)"}
	switch {
	case e.cfg.MetricsAddr != "" && e.cfg.MetricsToken != "":
		c.Detail = "/metrics only on " + e.cfg.MetricsAddr + ", behind a bearer token"
	case e.cfg.MetricsAddr != "":
		c.Detail = "/metrics only on its own address " + e.cfg.MetricsAddr
	case e.cfg.MetricsToken != "":
		c.Detail = "/metrics behind a bearer token"
	}
	out = append(out, c)
	c = auth.Control{Name: "demo exemption", Detail: "servers started without --demo exempt no one from two-step verification"}
	if e.cfg.Demo {
		c.Gap, c.Detail = true, "--demo: the demo's accounts sign in without two-step verification"
	}
	return append(out, c), nil
}

// cmdSecurityCheck prints the controls in force and exits 1 when any falls
// short, so that a deployment script or an inspector can rely on it.
func cmdSecurityCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fs := flag.NewFlagSet("security check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "key-file", "key-profile", "demo", "insecure-http", "metrics-addr", "metrics-token", "sms-per-number", "sms-per-address", "sms-per-hour",
		"export-approval-rows", "export-per-hour", "mass-read-alert", "audit-anchor", "audit-anchor-every", "retention-years")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	d, err := openDB(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintln(stderr, "gonghui:", err)
		return 1
	}
	defer d.Close()
	keys, err := cfg.OpenKeys(ctx, d)
	if err != nil {
		fmt.Fprintln(stderr, "gonghui:", err)
		return 1
	}
	env := &securityEnv{cfg: cfg, auth: auth.NewService(d, keys), keys: keys, db: d}
	env.auth.SetDemoMode(cfg.Demo)
	env.auth.SetSMSLimits(auth.SMSLimits{PerNumber: cfg.SMSPerNumber, PerAddress: cfg.SMSPerAddress, Global: cfg.SMSPerHour})
	gaps := 0
	for _, check := range securityChecks {
		controls, err := check(ctx, env)
		if err != nil {
			fmt.Fprintln(stderr, "gonghui:", err)
			return 1
		}
		for _, c := range controls {
			mark := "ok "
			if c.Gap {
				mark = "GAP"
				gaps++
			}
			fmt.Fprintf(stdout, "[%s] %-22s %s\n", mark, c.Name, c.Detail)
		}
	}
	if gaps > 0 {
		fmt.Fprintf(stdout, "%d controls fall short\n", gaps)
		return 1
	}
	fmt.Fprintln(stdout, "all controls in force")
	return 0
}
