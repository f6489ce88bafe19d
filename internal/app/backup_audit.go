package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"sort"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/backup"
	"gonghui/internal/db"
	"gonghui/internal/pii"
)

// The audit entries of `gonghui backup`, `backup verify`, `restore` and
// `keys export/import` (internal/backup/audit.go says which database each
// goes to): who ran the command and how, without secrets.

// cliRun describes the command being run for its audit entry: the
// subcommand and the flags given (database URLs without their password),
// and the operating-system account and host that ran it.
func cliRun(name string, fs *flag.FlagSet) backup.Run {
	var flags []string
	fs.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		switch f.Name {
		case "db", "scratch":
			v = dbName(v)
		}
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool && v == "true" {
			flags = append(flags, "--"+f.Name)
			return
		}
		flags = append(flags, "--"+f.Name+" "+v)
	})
	sort.Strings(flags)
	cmd := "gonghui " + name
	if len(flags) > 0 {
		cmd += " " + strings.Join(flags, " ")
	}
	return backup.Run{Command: cmd, By: osAccount()}
}

// osAccount is "account@host" of this process.
func osAccount() string {
	who := "uid " + fmt.Sprint(os.Getuid())
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown host"
	}
	return who + "@" + host
}

// flagGiven reports whether the flag name was given on the command line or
// through its environment variable: `backup verify` and `keys import`
// write to a database only when told which.
func flagGiven(fs *flag.FlagSet, name, env string) bool {
	given := os.Getenv(env) != ""
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// openLive opens the installation's database to record an entry in, with
// its keys checked and its audit chain keyed; ok is false (and nothing
// opened) when there is no database there yet, which only `keys import`
// accepts.
func openLive(ctx context.Context, cfg Config) (d *db.DB, keys *pii.Keyring, chain *audit.Chain, ok bool, err error) {
	if db.IsFileDSN(cfg.DB) {
		if _, err := os.Stat(db.FilePath(cfg.DB)); errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, false, nil
		}
	}
	d, err = db.Open(ctx, cfg.DB, db.Options{MaxConns: 2})
	if err != nil {
		return nil, nil, nil, false, err
	}
	empty, err := d.Empty(ctx)
	if err != nil || empty {
		d.Close()
		return nil, nil, nil, false, err
	}
	if err := d.CheckSchema(ctx); err != nil {
		d.Close()
		return nil, nil, nil, false, err
	}
	keys, chain, err = keysAndAudit(ctx, d, cfg)
	if err != nil {
		d.Close()
		return nil, nil, nil, false, err
	}
	return d, keys, chain, true, nil
}

// recordImport records a key import in the database the keys are for,
// when there is one already (a restore on a new machine comes after the
// import: its own entry then names the keys' check value).
func recordImport(ctx context.Context, cfg Config, run backup.Run, file, check string, w io.Writer) error {
	d, _, chain, ok, err := openLive(ctx, cfg)
	if err != nil {
		return fmt.Errorf("key file %s written, but not recorded in %s: %w", file, dbName(cfg.DB), err)
	}
	if !ok {
		fmt.Fprintf(w, "no database at %s yet: the import is not in an audit log (the restore's entry names the keys' check value %s)\n", dbName(cfg.DB), check)
		return nil
	}
	defer d.Close()
	defer chain.Close()
	if err := backup.RecordKeys(ctx, d, run, false, file, check); err != nil {
		return err
	}
	fmt.Fprintf(w, "recorded in the audit log of %s\n", dbName(cfg.DB))
	return nil
}
