package app

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"gonghui/internal/activity"
	"gonghui/internal/member/roster"
	"io"
	"log/slog"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/stats"
)

const usage = `gonghui — the trade-union work platform

Usage:
  gonghui serve    [--addr A] [--db DB] [--demo] ...   run the server
  gonghui migrate  [--db DB]                             bring the schema up to date
  gonghui user add --username U --password-stdin --role R --org ORG_ID [--name N] [--db DB]
  gonghui generate --orgs M [--members N] [--seed S] [--db DB]
  gonghui audit verify [--db DB] [--anchor FILE]         check the audit chain: keyed MACs, signed head, checkpoints
  gonghui security check [--db DB] [--key-file K]        list the security controls in force; exit 1 on a gap
  gonghui card verify [--db DB | --public-key K] < PAYLOAD  check a scanned member card
  gonghui stats rebuild|check [--db DB]                  recount every organisation's figures, or compare them with a recount
  gonghui members anonymise [--dry-run] [--retention-years N] [--db DB]  anonymise memberships ended longer ago than the retention period
  gonghui lottery --seed S --tickets 1-120 [--capacity N]   re-run a course term's published draw
  gonghui bench signups [--db DB] [--members N] [--concurrency C]  sign-ups per second vs the database's limit
  gonghui bench stations [--db DB] [--stations N] [--runs R]  nearest-station search p50/p95 over a generated city
  gonghui bench cases [--db DB] [--cases N] [--runs R]   rights-case lists of a district: p50/p95 per filter
  gonghui bench cluster --url URL --db DB [--kill-cmd C] [--failover-cmd C]  mixed load through a balancer, a node killed, a failover; every acknowledged write checked
  gonghui keys check  [--db DB] [--key-file K]          show the keys' check values and how many values each key seals
  gonghui keys rotate [--db DB] [--key-file K]          add a data key and re-seal every value with it, servers running
  gonghui keys rewrap [--db DB] [--key-file K]          finish an interrupted re-seal
  gonghui keys export --to FILE [--passphrase-stdin]     seal the key file with a passphrase, to keep apart from backups
  gonghui keys import --from FILE [--key-file K]         make the key file from such an export
  gonghui backup --to DIR [--keep N] [--pg-dump]         back the database up while servers run (a new directory in DIR)
  gonghui backup verify DIR [--scratch DSN] [--db DB]    check a backup: manifest, checksums, a restore, audit chain, figures
  gonghui restore --from DIR --db DB [--key-file K]      restore a backup into an empty database and verify it
Every command that opens the database with keys refuses a key file the
database was not sealed with, and never makes a new one for a database that
holds sealed data: give --key-file (GONGHUI_KEY_FILE) or GONGHUI_KEYS the key
file the database was created with, or restore it from backup.
Run "gonghui COMMAND -h" for a command's flags.
`

// RunCommand runs one subcommand and returns the process exit code.
func RunCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(stderr, "usage: gonghui user add --username U --password-stdin --role R --org ORG_ID\n")
			return 2
		}
		err = cmdUserAdd(ctx, args[2:], stdin, stdout, stderr)
	case "generate":
		err = cmdGenerate(ctx, args[1:], stdout, stderr)
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprint(stderr, "usage: gonghui audit verify [--db DB] [--key-file K] [--anchor FILE]\n")
			return 2
		}
		return cmdAuditVerify(ctx, args[2:], stdout, stderr)
	case "security":
		if len(args) < 2 || args[1] != "check" {
			fmt.Fprint(stderr, "usage: gonghui security check [--db DB] [--key-file K]\n")
			return 2
		}
		return cmdSecurityCheck(ctx, args[2:], stdout, stderr)
	case "card":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprint(stderr, "usage: gonghui card verify [--db DB | --public-key KEY] < PAYLOAD\n")
			return 2
		}
		return cmdCardVerify(ctx, args[2:], stdin, stdout, stderr)
	case "stats":
		if len(args) < 2 || (args[1] != "rebuild" && args[1] != "check") {
			fmt.Fprint(stderr, "usage: gonghui stats rebuild|check [--db DB]\n")
			return 2
		}
		return cmdStats(ctx, args[1], args[2:], stdout, stderr)
	case "members":
		err = cmdMembers(ctx, args[1:], stdout, stderr)
	case "lottery":
		err = cmdLottery(args[1:], stdout, stderr)
	case "bench":
		err = cmdBench(ctx, args[1:], stdout, stderr)
	case "keys":
		switch {
		case len(args) > 1 && args[1] == "export":
			err = cmdKeysExport(ctx, args[2:], stdin, stdout, stderr)
		case len(args) > 1 && args[1] == "import":
			err = cmdKeysImport(ctx, args[2:], stdin, stdout, stderr)
		default:
			err = cmdKeys(ctx, args[1:], stdout, stderr)
		}
	case "backup":
		err = cmdBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		err = cmdRestore(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "gonghui:", describe(err))
		return 1
	}
	return 0
}

// describe renders an error for the terminal, with field details in Chinese
// and English alike being unnecessary here: operators read English.
func describe(err error) string {
	e, ok := errs.As(err)
	if !ok || e.Kind == errs.KindInternal {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(i18n.T(i18n.EN, e.Key, e.Args...))
	for _, name := range e.FieldNames() {
		f := e.Fields[name]
		fmt.Fprintf(&b, "\n  %s: %s", name, i18n.T(i18n.EN, f.Key, f.Args...))
	}
	return b.String()
}

func setupLogging(cfg Config, w io.Writer) {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	slog.SetDefault(slog.New(h))
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	m, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	addr, err := m.Listen()
	if err != nil {
		return err
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	slog.Info("gonghui listening", "url", fmt.Sprintf("%s://%s/", scheme, addr), "db", m.DB.Engine())
	fmt.Fprintf(stdout, "gonghui is running at %s://%s/\n", scheme, addr)
	return m.Serve(ctx)
}

func openDB(ctx context.Context, dsn string) (*db.DB, error) {
	d, err := db.Open(ctx, dsn, db.Options{MaxConns: 4})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := stats.NewStore(d).EnsureBuilt(ctx, statSources()...); err != nil {
		d.Close()
		return nil, err
	}
	if _, err := org.NewStore(d).FillKeys(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	d, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema is at version %d\n", v)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile", "audit-anchor", "audit-anchor-every")
	username := fs.String("username", "", "login name")
	name := fs.String("name", "", "display name (defaults to the username)")
	role := fs.String("role", "", "role: "+roleList())
	orgID := fs.String("org", "", "ID of the organisation whose subtree the role covers")
	kind := fs.String("kind", auth.KindStaff, "account kind: staff or service")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	var password string
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if *name == "" {
		*name = *username
	}
	oid, ok := db.ParseID(*orgID)
	if !ok {
		return fmt.Errorf("--org: %q is not an organisation ID", *orgID)
	}
	d, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	keys, chain, err := keysAndAudit(ctx, d, cfg)
	if err != nil {
		return err
	}
	defer chain.Close()
	id, err := auth.NewService(d, keys).Bootstrap(ctx, auth.NewUser{Username: *username, Name: *name, Kind: *kind, OrgID: oid, Password: password}, auth.Role(*role))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %s) with role %s over organisation %s\n", auth.NormalizeUsername(*username), db.FormatID(id), *role, *orgID)
	return nil
}

func roleList() string {
	var s []string
	for _, r := range auth.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func cmdGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile", "audit-anchor", "audit-anchor-every")
	orgs := fs.Int("orgs", 100000, "about how many organisations (when the database has no tree yet)")
	members := fs.Int("members", 0, "how many members to add")
	seed := fs.Int64("seed", 1, "random seed (the same seed makes the same city)")
	perUnions := fs.Int("activities", 20, "one activity for about every N grassroots unions, with registrations and check-ins (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	if *members < 0 || *members > 50_000_000 {
		return errors.New("--members: between 0 and 50,000,000")
	}
	d, err := db.Open(ctx, cfg.DB, db.Options{MaxConns: 4, SQLiteWriterCacheMB: 2048, SQLiteBulk: true})
	if err != nil {
		return err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return err
	}
	defer d.Close()
	keys, chain, err := keysAndAudit(ctx, d, cfg)
	if err != nil {
		return err
	}
	defer chain.Close()
	if err := stats.NewStore(d).EnsureBuilt(ctx, statSources()...); err != nil {
		return err
	}
	store := org.NewStore(d)
	if _, err := store.RootID(ctx); err == nil {
		fmt.Fprintln(stdout, "the database already has an organisation tree; adding members to it")
	} else if !errs.Is(err, errs.KindNotFound) {
		return err
	} else {
		if *orgs < 400 {
			return errors.New("--orgs: a city needs at least 400 organisations (districts and streets alone are ~370)")
		}
		start := time.Now()
		err = org.Generate(ctx, store, *orgs, *seed, progressTo(stdout, "organisations"))
		fmt.Fprintln(stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated %d organisations in %s\n", *orgs, time.Since(start).Round(time.Millisecond))
	}
	if *members == 0 {
		return stats.NewStore(d).FoldAll(ctx)
	}
	start := time.Now()
	err = roster.Generate(ctx, member.NewStore(d, keys), *members, *seed, progressTo(stdout, "members"))
	fmt.Fprintln(stdout)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "generated %d members in %s (%.0f per second), their figures recounted\n", *members, el.Round(time.Millisecond), float64(*members)/el.Seconds())
	if *perUnions > 0 {
		start = time.Now()
		n, err := activity.Generate(ctx, activity.NewStore(d, member.NewStore(d, keys)), *perUnions, *seed, progressTo(stdout, "activities"))
		fmt.Fprintln(stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated %d activities with their registrations and check-ins in %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	start = time.Now()
	if err := stats.NewStore(d).FoldAll(ctx); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	fmt.Fprintf(stdout, "folded the organisations' and activities' figures in %s\n", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := d.Analyze(ctx); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	fmt.Fprintf(stdout, "refreshed the query planner's statistics in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// progressTo prints "what: done / total" at most once a second.
func progressTo(w io.Writer, what string) func(done, total int) {
	last := time.Time{}
	return func(done, total int) {
		if time.Since(last) > time.Second || done == total {
			fmt.Fprintf(w, "\r%s: %d / %d", what, done, total)
			last = time.Now()
		}
	}
}

// cmdCardVerify reads a member card's QR payload on standard input and says
// whether it is valid, expired, revoked or forged; it exits 0 only when
// valid. With --db (the default) it checks revocation against the registry;
// with --public-key it checks offline, signature and expiry only.
func cmdCardVerify(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cfg Config
	fs := flag.NewFlagSet("card verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "key-file", "key-profile")
	pub := fs.String("public-key", "", "check offline with this published key (ghc1-ed25519:...) instead of the database")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	raw, err := io.ReadAll(io.LimitReader(stdin, 4096))
	if err != nil {
		fmt.Fprintln(stderr, "gonghui:", err)
		return 2
	}
	payload := strings.TrimSpace(string(raw))
	var chk *member.CardCheck
	if *pub != "" {
		id, key, err := card.ParsePublicKeyText(*pub)
		if err != nil {
			fmt.Fprintln(stderr, "gonghui: --public-key:", describe(err))
			return 2
		}
		c, st, err := card.Verifier{Keys: map[byte]ed25519.PublicKey{id: key}}.Check(payload)
		if err != nil {
			chk = &member.CardCheck{Status: card.StatusForged}
		} else {
			chk = &member.CardCheck{Status: st}
			if st != card.StatusForged {
				chk.MemberID, chk.Name, chk.OrgID, chk.OrgName, chk.ValidUntil = c.MemberID, c.Name, c.OrgID, c.OrgName, &c.ValidUntil
			}
		}
	} else {
		d, err := db.Open(ctx, cfg.DB, db.Options{MaxConns: 2})
		if err != nil {
			fmt.Fprintln(stderr, "gonghui:", err)
			return 2
		}
		defer d.Close()
		if err := d.CheckSchema(ctx); err != nil {
			fmt.Fprintln(stderr, "gonghui:", err)
			return 2
		}
		keys, err := cfg.OpenKeys(ctx, d)
		if err != nil {
			fmt.Fprintln(stderr, "gonghui:", describe(err))
			return 2
		}
		chk, err = member.NewStore(d, keys).VerifyCard(ctx, payload)
		if e, ok := errs.As(err); ok && e.Kind == errs.KindInvalid {
			chk = &member.CardCheck{Status: card.StatusForged}
		} else if err != nil {
			fmt.Fprintln(stderr, "gonghui:", err)
			return 2
		}
	}
	fmt.Fprintln(stdout, chk.Status)
	if chk.Status != card.StatusForged && chk.MemberID != 0 {
		fmt.Fprintf(stdout, "  member:      %s (%s)\n", chk.Name, db.FormatID(chk.MemberID))
		fmt.Fprintf(stdout, "  union:       %s (%s)\n", chk.OrgName, db.FormatID(chk.OrgID))
		if chk.ValidUntil != nil {
			fmt.Fprintf(stdout, "  valid until: %s\n", chk.ValidUntil.Format(time.DateOnly))
		}
	}
	if *pub != "" && chk.Status == card.StatusValid {
		fmt.Fprintln(stdout, "  (offline check: revocation not checked)")
	}
	if chk.Status != card.StatusValid {
		return 1
	}
	return 0
}
