package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/backup"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/pii"
	"gonghui/internal/stats"
)

// Backups and restores (internal/backup): `gonghui backup`, `backup
// verify`, `restore`, `keys export` and `keys import`, and the server's
// scheduled backups.

// cmdBackup runs `gonghui backup --to DIR` and `gonghui backup verify DIR`.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return cmdBackupVerify(ctx, args[1:], stdout, stderr)
	}
	var cfg Config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile", "audit-anchor", "audit-anchor-every")
	to := fs.String("to", "", "directory the backup is made in (as a new directory named by its time)")
	keep := fs.Int("keep", 0, "afterwards delete the oldest backups gonghui made in --to beyond this many (0: keep all)")
	pgDump := fs.Bool("pg-dump", false, "PostgreSQL: also write pg_dump's archive of the same snapshot (needs pg_dump of the server's version or newer)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	if *to == "" {
		return errors.New("--to: the directory to make the backup in")
	}
	d, err := db.Open(ctx, cfg.DB, db.Options{MaxConns: 4})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.CheckSchema(ctx); err != nil {
		return err
	}
	keys, chain, err := keysAndAudit(ctx, d, cfg)
	if err != nil {
		return err
	}
	defer chain.Close()
	run := cliRun("backup", fs)
	res, err := backup.Create(ctx, d, backup.Options{Dir: *to, Keys: keys, PgDump: *pgDump, DSN: cfg.DB})
	if err != nil {
		if aerr := backup.RecordFailed(ctx, d, run, *to, err); aerr != nil {
			err = errors.Join(err, fmt.Errorf("and the failure could not be recorded in the audit log: %w", aerr))
		}
		return err
	}
	// After the copy, so the backup never holds its own entry.
	if err := backup.RecordMade(ctx, d, run, res); err != nil {
		return fmt.Errorf("backup %s made, but not recorded in the audit log: %w", res.Path, err)
	}
	m := res.Manifest
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(stdout, "backup %s\n  %s %s, schema version %d, %d tables, %d rows (members: %d), in %.1f s\n",
		res.Path, m.Engine, m.Method, m.SchemaVersion, len(m.Tables), rows, m.Rows("members"), m.Seconds)
	fmt.Fprintf(stdout, "  needs the keys with check value %s (not in the backup: `gonghui keys export` keeps them apart)\n", m.KeyCheck)
	if *keep > 0 {
		removed, err := backup.Prune(*to, *keep)
		for _, p := range removed {
			fmt.Fprintf(stdout, "  removed old backup %s\n", p)
		}
		return err
	}
	return nil
}

// restoreKeys loads the keys a restore or verification is given, never
// making a key file: a missing one is the operator's to bring.
func restoreKeys(cfg Config) (*pii.Keyring, error) {
	if v := os.Getenv("GONGHUI_KEYS"); v != "" {
		k, err := pii.Parse([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("GONGHUI_KEYS: %w", err)
		}
		return k, nil
	}
	k, err := pii.Load(cfg.keyPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no key file at %s: give --key-file (or GONGHUI_KEYS) with the keys the backup needs; `gonghui keys import` makes the file from a key export", cfg.keyPath())
	}
	return k, err
}

// cmdRestore runs `gonghui restore --from DIR --db TARGET`.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file")
	from := fs.String("from", "", "the backup's directory (gonghui-…)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	if *from == "" {
		return errors.New("--from: the backup's directory")
	}
	keys, err := restoreKeys(cfg)
	if err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(stdout, "restoring %s into %s\n", *from, dbName(cfg.DB))
	r, err := backup.Restore(ctx, backup.RestoreOptions{From: *from, DSN: cfg.DB, Keys: keys, Step: printStep(stdout)})
	if err != nil {
		return err
	}
	defer r.DB.Close()
	entries, err := checkRestored(ctx, r, keys, cfg, stdout)
	if err != nil {
		return fmt.Errorf("restored into %s, but it fails its checks (do not use it): %w", dbName(cfg.DB), err)
	}
	// The restore's entry goes into the restored database only now: the
	// chain just verified ends with the backup's last entry, and this one
	// follows it, keyed with the same keys.
	chain, err := attachAudit(ctx, r.DB, cfg, keys, 0)
	if err != nil {
		return err
	}
	defer chain.Close()
	took := time.Since(start)
	checks := map[string]any{"audit_entries": entries, "seconds": float64(took.Milliseconds()) / 1000}
	if err := backup.RecordRestored(ctx, r, cliRun("restore", fs), checks); err != nil {
		return fmt.Errorf("restored and verified into %s, but the restore could not be recorded in its audit log: %w", dbName(cfg.DB), err)
	}
	fmt.Fprintf(stdout, "restored and verified in %s: %d members, schema version %d; recorded as the newest entry of its audit log\n", took.Round(time.Millisecond), r.Manifest.Rows("members"), r.Manifest.SchemaVersion)
	return nil
}

// cmdBackupVerify checks a backup by restoring it into a scratch database.
func cmdBackupVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("backup verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "audit-anchor", "audit-anchor-every")
	scratch := fs.String("scratch", "", "an empty database to restore into for the check: a PostgreSQL backup needs one (postgres://…, emptied again afterwards); a SQLite backup uses a temporary file by default")
	filesOnly := fs.Bool("files-only", false, "check the manifest and files only, without restoring (no audit chain or figures)")
	// The backup's directory may come before the flags or after them.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	setupLogging(cfg, stderr)
	if dir == "" {
		return errors.New("usage: gonghui backup verify DIR [--key-file K] [--scratch DSN] [--db DB]")
	}
	keys, err := restoreKeys(cfg)
	if err != nil {
		return err
	}
	// The outcome is recorded in the installation's database when told
	// which (--db or GONGHUI_DB): the scratch copy is thrown away. It is
	// opened first, so a wrong one stops the command before the long part.
	if !flagGiven(fs, "db", "GONGHUI_DB") {
		fmt.Fprintln(stdout, "(no --db: the outcome is not recorded in an audit log)")
		_, _, err := verifyBackup(ctx, dir, keys, cfg, *scratch, *filesOnly, stdout, stderr)
		return err
	}
	run := cliRun("backup verify "+dir, fs)
	live, _, chain, ok, err := openLive(ctx, cfg)
	if err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	if !ok {
		return fmt.Errorf("--db: no database at %s to record the verification in", dbName(cfg.DB))
	}
	defer live.Close()
	defer chain.Close()
	m, checks, err := verifyBackup(ctx, dir, keys, cfg, *scratch, *filesOnly, stdout, stderr)
	if err != nil {
		if aerr := backup.RecordVerifyFailed(ctx, live, run, dir, err); aerr != nil {
			err = errors.Join(err, fmt.Errorf("and the failure could not be recorded in the audit log: %w", aerr))
		}
		return err
	}
	if err := backup.RecordVerified(ctx, live, run, dir, m, checks); err != nil {
		return fmt.Errorf("verified, but not recorded in the audit log of %s: %w", dbName(cfg.DB), err)
	}
	fmt.Fprintf(stdout, "recorded in the audit log of %s\n", dbName(cfg.DB))
	return nil
}

// verifyBackup checks the backup in dir and, unless filesOnly, restores it
// into a scratch database and checks that; it returns the manifest and
// what was checked, for the audit entry.
func verifyBackup(ctx context.Context, dir string, keys *pii.Keyring, cfg Config, scratch string, filesOnly bool, stdout, stderr io.Writer) (*backup.Manifest, map[string]any, error) {
	start := time.Now()
	m, err := backup.Check(dir, keys)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(stdout, "manifest signed, %d files match their checksums (%s)\n", len(m.Files), time.Since(start).Round(time.Millisecond))
	if filesOnly {
		return m, map[string]any{"files_only": true, "seconds": float64(time.Since(start).Milliseconds()) / 1000}, nil
	}
	target := scratch
	if target == "" {
		if m.Method != backup.MethodFile {
			return nil, nil, errors.New("a PostgreSQL backup is verified by restoring it: give --scratch with the URL of an empty database (or --files-only)")
		}
		tmp, err := os.MkdirTemp("", "gonghui-verify-")
		if err != nil {
			return nil, nil, err
		}
		defer os.RemoveAll(tmp)
		target = filepath.Join(tmp, "verify.db")
	}
	cfg.DB = target
	r, err := backup.Restore(ctx, backup.RestoreOptions{From: dir, DSN: target, Keys: keys, Step: printStep(stdout), Checked: m})
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if scratch != "" {
			if err := r.DB.DropTables(context.WithoutCancel(ctx)); err != nil {
				fmt.Fprintf(stderr, "gonghui: empty the scratch database again: %v\n", err)
			}
		}
		r.DB.Close()
	}()
	entries, err := checkRestored(ctx, r, keys, cfg, stdout)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(stdout, "backup %s verified in %s\n", dir, time.Since(start).Round(time.Millisecond))
	return m, map[string]any{"audit_entries": entries, "seconds": float64(time.Since(start).Milliseconds()) / 1000}, nil
}

func printStep(w io.Writer) func(backup.Timing) {
	return func(t backup.Timing) { fmt.Fprintf(w, "  %-44s %s\n", t.Step, t.Took.Round(time.Millisecond)) }
}

// checkRestored brings a restored database to this program's schema and
// checks it as `keys check`, `audit verify` and `stats check` would: the
// keys are the database's, the audit chain is intact, every figure agrees
// with a recount. It returns how many audit entries it checked.
func checkRestored(ctx context.Context, r *backup.Restored, keys *pii.Keyring, cfg Config, w io.Writer) (int64, error) {
	d := r.DB
	show := printStep(w)
	step := func(name string, took time.Duration) { show(backup.Timing{Step: name, Took: took}) }
	start := time.Now()
	if err := d.Migrate(ctx); err != nil {
		return 0, err
	}
	if err := stats.NewStore(d).EnsureBuilt(ctx, statSources()...); err != nil {
		return 0, err
	}
	if _, err := org.NewStore(d).FillKeys(ctx); err != nil {
		return 0, err
	}
	if err := checkKeys(ctx, d, keys, "the keys given", dbName(cfg.DB)); err != nil {
		return 0, err
	}
	step("migrate and check the keys", time.Since(start))
	start = time.Now()
	v, err := audit.NewVerifier(keys.DeriveKey(audit.KeyLabel), keys.MACHash())
	if err != nil {
		return 0, err
	}
	rep, err := audit.Check(ctx, d, audit.VerifyOptions{Key: v})
	if err != nil {
		return 0, err
	}
	if len(rep.Problems) > 0 {
		var b strings.Builder
		for i, p := range rep.Problems {
			if i == 10 {
				fmt.Fprintf(&b, "\n  … and %d more", len(rep.Problems)-10)
				break
			}
			fmt.Fprintf(&b, "\n  entry %d: [%s] %s", p.Seq, p.Code, p.Reason)
		}
		return 0, fmt.Errorf("audit chain broken (%d entries, %d problems):%s", rep.Entries, len(rep.Problems), b.String())
	}
	step(fmt.Sprintf("audit chain intact (%d entries)", rep.Entries), time.Since(start))
	start = time.Now()
	bad, err := stats.NewStore(d).Check(ctx, statSources()...)
	if err != nil {
		return 0, err
	}
	if len(bad) > 0 {
		b := bad[0]
		return 0, fmt.Errorf("%d figures differ from a recount (first: org %d %s %s: rollup %d, recount %d)", len(bad), b.OrgID, b.Metric, b.Month, b.Rollup, b.Recount)
	}
	step("figures agree with a recount (stats check)", time.Since(start))
	return rep.Entries, nil
}

// startBackups starts the server's scheduled backups (--backup-every) and
// the metric of the last one, which every process reports from the
// database whether or not it makes backups itself.
func (m *Main) startBackups(ctx context.Context) error {
	if m.registry != nil {
		m.registry.MustRegister(newBackupMetric(func() float64 {
			c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			t, err := backup.LastSuccess(c, m.DB)
			if err != nil || t.IsZero() {
				return 0
			}
			return float64(t.UnixMilli()) / 1000
		}))
	}
	cfg := m.Config
	if cfg.BackupEvery == 0 {
		return nil
	}
	switch {
	case cfg.BackupEvery < time.Minute:
		return errors.New("--backup-every: at least 1m (e.g. 24h)")
	case cfg.BackupDir == "":
		return errors.New("--backup-every needs --backup-dir, the directory backups are written to")
	case cfg.BackupKeep < 1:
		return errors.New("--backup-keep: at least 1")
	}
	s := &backup.Schedule{DB: m.DB, Every: cfg.BackupEvery, Keep: cfg.BackupKeep,
		Command: fmt.Sprintf("gonghui serve --backup-every %s --backup-dir %s --backup-keep %d", cfg.BackupEvery, cfg.BackupDir, cfg.BackupKeep),
		Options: backup.Options{Dir: cfg.BackupDir, Keys: m.Members.Keys, DSN: cfg.DB}}
	slog.Info("scheduled backups on", "every", cfg.BackupEvery, "dir", cfg.BackupDir, "keep", cfg.BackupKeep)
	go s.Run(ctx)
	return nil
}

// cmdKeysExport writes the key file sealed with a passphrase.
func cmdKeysExport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("keys export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile", "audit-anchor", "audit-anchor-every")
	to := fs.String("to", "", "file to write the sealed keys to (must not exist)")
	pwStdin := fs.Bool("passphrase-stdin", false, "read the passphrase from the first line of standard input (else GONGHUI_KEYS_PASSPHRASE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	if *to == "" {
		return errors.New("--to: the file to write the sealed keys to")
	}
	pass, err := passphrase(*pwStdin, stdin)
	if err != nil {
		return err
	}
	d, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	// Export only keys the database was sealed with; the export is
	// recorded in its audit log.
	_, chain, err := keysAndAudit(ctx, d, cfg)
	if err != nil {
		return err
	}
	defer chain.Close()
	content := []byte(os.Getenv("GONGHUI_KEYS"))
	if len(content) == 0 {
		if content, err = os.ReadFile(cfg.keyPath()); err != nil {
			return err
		}
	}
	sealed, err := backup.SealKeys(content, pass)
	if err != nil {
		return err
	}
	if err := writeNew(*to, sealed); err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	k, _ := pii.Parse(content)
	if err := backup.RecordKeys(ctx, d, cliRun("keys export", fs), true, *to, k.CheckValue()); err != nil {
		return fmt.Errorf("keys sealed into %s, but the export could not be recorded in the audit log: %w", *to, err)
	}
	fmt.Fprintf(stdout, "keys with check value %s sealed into %s: keep it apart from the backups, and the passphrase apart from both\n", k.CheckValue(), *to)
	return nil
}

// cmdKeysImport makes a key file from a key export.
func cmdKeysImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("keys import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "key-file", "audit-anchor", "audit-anchor-every")
	from := fs.String("from", "", "the key export (from gonghui keys export)")
	pwStdin := fs.Bool("passphrase-stdin", false, "read the passphrase from the first line of standard input (else GONGHUI_KEYS_PASSPHRASE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("--from: the key export to read")
	}
	pass, err := passphrase(*pwStdin, stdin)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(*from)
	if err != nil {
		return err
	}
	content, check, err := backup.OpenKeys(data, pass)
	if err != nil {
		return fmt.Errorf("%s: %w", *from, err)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.keyPath()), 0o700); err != nil {
		return err
	}
	if err := writeNew(cfg.keyPath(), content); err != nil {
		return fmt.Errorf("key file: %w (an existing key file is never overwritten)", err)
	}
	fmt.Fprintf(stdout, "key file %s written (check value %s)\n", cfg.keyPath(), check)
	// Recorded in the database the keys are for, when given and already
	// there (on a new machine the restore comes next and records itself).
	if !flagGiven(fs, "db", "GONGHUI_DB") {
		return nil
	}
	return recordImport(ctx, cfg, cliRun("keys import", fs), cfg.keyPath(), check, stdout)
}

func passphrase(fromStdin bool, stdin io.Reader) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the passphrase: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if p := os.Getenv("GONGHUI_KEYS_PASSPHRASE"); p != "" {
		return p, nil
	}
	return "", errors.New("no passphrase: give --passphrase-stdin or GONGHUI_KEYS_PASSPHRASE")
}

// writeNew writes data to a new file, mode 0600, synced; it never replaces one.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
