package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one ordered, append-only schema step. Files are named
// NNNN_name.sql; a released file is never edited, only followed by a new one.
type Migration struct {
	Version int
	Name    string
	SQL     string
	// Oldest is the oldest schema version a program may know and still run
	// once this migration is applied (0: any), from its compat header
	// (compat.go); Why is the header's reason, if any.
	Oldest int
	Why    string
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Migration
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "migrations/"), ".sql")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", n)
		}
		if len(out) > 0 && out[len(out)-1].Version >= v {
			return nil, fmt.Errorf("migration %s: version %d out of order", n, v)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		oldest, why, err := parseCompat(v, string(b))
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", n, err)
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(b), Oldest: oldest, Why: why})
	}
	return out, nil
}

// postgresOnly, a line of a migration's leading comments, marks one that
// only tunes PostgreSQL (its planner's statistics, say): SQLite records the
// version and runs nothing.
const postgresOnly = "-- postgres only"

// leadingComment reports whether line is one of sql's leading comment lines.
func leadingComment(sql, line string) bool {
	for _, l := range strings.Split(sql, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "--") {
			return false
		}
		if l == line {
			return true
		}
	}
	return false
}

// translate applies the few type differences between the engines.
func (d *DB) translate(sql string) string {
	if d.Dialect != Postgres && leadingComment(sql, postgresOnly) {
		return ""
	}
	if d.Dialect == Postgres {
		return strings.NewReplacer(
			"ID_PK", "BIGINT PRIMARY KEY",
			"TEXT_C", `TEXT COLLATE "C"`,
			"BLOB", "BYTEA",
			"WITHOUT_ROWID", "",
		).Replace(sql)
	}
	// INTEGER PRIMARY KEY makes the id the rowid on SQLite: no second index.
	// WITHOUT ROWID keeps a table in its primary key's order, for tables
	// read by ranges of it.
	return strings.NewReplacer("ID_PK", "INTEGER PRIMARY KEY", "TEXT_C", "TEXT", "WITHOUT_ROWID", "WITHOUT ROWID").Replace(sql)
}

// SchemaVersion returns the highest applied migration, 0 on an empty database.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var exists bool
	var err error
	if d.Dialect == Postgres {
		err = d.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists)
	} else {
		var n int
		err = d.QueryRow(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n)
		exists = n > 0
	}
	if err != nil || !exists {
		return 0, err
	}
	var v int
	err = d.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// Migrate applies pending migrations, each in its own transaction. Several
// processes may start at once on one database: the first to take the lock on
// schema_migrations applies a step, the others then find it applied.
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	return d.migrate(ctx, ms[len(ms)-1].Version)
}

// migrate applies the pending migrations up to version upTo.
func (d *DB) migrate(ctx context.Context, upTo int) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	if err := d.ensureMigrationTable(ctx); err != nil {
		return err
	}
	for _, m := range ms {
		if m.Version > upTo {
			break
		}
		err := d.Tx(ctx, func(tx *Tx) error {
			if d.Dialect == Postgres {
				if _, err := tx.Exec(ctx, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE"); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if q := d.translate(m.SQL); q != "" {
				if _, err := tx.Exec(ctx, q); err != nil {
					return fmt.Errorf("apply %s: %w", m.Name, err)
				}
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UnixMilli()); err != nil {
				return err
			}
			// The older programs still running read the bound, in the
			// same commit as the step that sets it.
			if err := recordOldest(ctx, tx, ms, m.Version); err != nil {
				return err
			}
			slog.Debug("db: migration applied", "version", m.Version, "name", m.Name)
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return d.checkNewer(ctx)
}

// CheckSchema refuses to run on a schema that is behind (run migrate), or
// ahead (an older binary on a newer database) unless the newer migrations
// all keep this program working (compat.go).
func (d *DB) CheckSchema(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	known := ms[len(ms)-1].Version
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v > known {
		return d.checkNewer(ctx)
	}
	if v < known {
		return fmt.Errorf("database schema is at version %d, this program needs %d: run 'gonghui migrate'", v, known)
	}
	return nil
}

func (d *DB) ensureMigrationTable(ctx context.Context) error {
	const q = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
	err := d.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, q)
		return err
	})
	// Two PostgreSQL sessions creating the same table at once: one loses with a
	// unique violation on the catalogue, or with "relation already exists"
	// (42P07) or "type already exists" (42710, the table's row type) when IF
	// NOT EXISTS looked before the other committed; the table exists either way.
	if err != nil && (IsUnique(err) || isCode(err, "42P07") || isCode(err, "42710")) {
		return nil
	}
	return err
}
