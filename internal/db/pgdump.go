package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

var pgDumpVersion = regexp.MustCompile(`\(PostgreSQL\) (\d+)(\.\d+)?`)

// PgDump writes pg_dump's custom-format archive of the current schema, as
// the snapshot r reads it (pg_dump --snapshot), to file (mode 0600) and
// returns pg_dump's version. pg_dump must be at least the server's major
// version: an older one refuses or misses newer features.
func (d *DB) PgDump(ctx context.Context, r Reader, dsn, file string) (string, error) {
	if d.Dialect != Postgres {
		return "", errors.New("pg_dump: the database is not PostgreSQL")
	}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return "", errors.New("pg_dump is not installed here: leave out --pg-dump (the backup's own table files are complete without it)")
	}
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("pg_dump --version: %w", err)
	}
	version := strings.TrimSpace(string(out))
	m := pgDumpVersion.FindStringSubmatch(version)
	if m == nil {
		return "", fmt.Errorf("pg_dump: cannot read its version from %q", version)
	}
	dumpMajor, _ := strconv.Atoi(m[1])
	var serverNum int
	if err := r.QueryRowContext(ctx, "SELECT CAST(current_setting('server_version_num') AS integer)").Scan(&serverNum); err != nil {
		return "", fmt.Errorf("pg_dump: server version: %w", err)
	}
	if dumpMajor < serverNum/10000 {
		return "", fmt.Errorf("pg_dump is version %d but the server is %d: install pg_dump %d or newer, or leave out --pg-dump", dumpMajor, serverNum/10000, serverNum/10000)
	}
	var snapshot, schema string
	if err := r.QueryRowContext(ctx, "SELECT pg_export_snapshot(), current_schema()").Scan(&snapshot, &schema); err != nil {
		return "", fmt.Errorf("pg_dump: export the snapshot: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("pg_dump: %w", err)
	}
	// libpq refuses parameters only pgx knows; the schema is named below.
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	env := os.Environ()
	if u.User != nil {
		// The password goes in the environment, not on a command line
		// every account on the machine can read.
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
		}
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--no-privileges",
		"--snapshot="+snapshot, "--schema="+schema, "--file="+file, "--dbname="+u.String())
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(string(b)))
	}
	if err := os.Chmod(file, 0o600); err != nil {
		return "", err
	}
	return version, nil
}
