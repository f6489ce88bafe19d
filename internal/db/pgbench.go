package db

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
)

// ErrPostgresOnly is returned by what only PostgreSQL has, such as Pgbench.
var ErrPostgresOnly = errors.New("db: PostgreSQL only")

// PgbenchRun is one transaction for pgbench to repeat and the scratch
// tables it runs on.
type PgbenchRun struct {
	Tables  []string // dropped before Setup and once the run ends
	Setup   []string // statements that create and fill Tables
	Script  string   // pgbench's script: the transaction, in PostgreSQL's SQL
	Clients int
	Seconds int
}

var pgbenchTPS = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// Pgbench measures the engine's own limit for one transaction: it runs
// PostgreSQL's pgbench with r.Script against dsn (the URL this DB was
// opened with) and returns the transactions per second it reports. SQLite
// has no such tool and no server to point one at: there it returns
// ErrPostgresOnly and touches nothing.
func (d *DB) Pgbench(ctx context.Context, dsn string, r PgbenchRun) (float64, error) {
	if d.Dialect != Postgres {
		return 0, ErrPostgresOnly
	}
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return 0, errors.New("pgbench not installed")
	}
	drop := func() error {
		for _, t := range r.Tables {
			if _, err := d.Exec(ctx, "DROP TABLE IF EXISTS "+t); err != nil {
				return err
			}
		}
		return nil
	}
	if err := drop(); err != nil {
		return 0, err
	}
	defer func() { _ = drop() }()
	for _, q := range r.Setup {
		if _, err := d.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	f, err := os.CreateTemp("", "gonghui-pgbench-*.sql")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(r.Script); err != nil {
		f.Close()
		return 0, err
	}
	f.Close()
	out, err := exec.CommandContext(ctx, bin, "-n", "-f", f.Name(), "-c", fmt.Sprint(r.Clients), "-j", "2", "-T", fmt.Sprint(r.Seconds), dsn).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v: %s", err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := pgbenchTPS.FindStringSubmatch(sc.Text()); m != nil {
			var tps float64
			_, err := fmt.Sscan(m[1], &tps)
			return tps, err
		}
	}
	return 0, fmt.Errorf("pgbench printed no tps: %s", out)
}
