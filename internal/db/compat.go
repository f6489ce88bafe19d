package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// Upgrades with several nodes running: for a while, nodes of the previous
// release serve on a schema the new release has migrated. Each migration
// says on its first line whether that is safe:
//
//	-- compat: keeps[: why]             older programs keep running (it adds)
//	-- compat: breaks[: why]            programs that do not know it must stop
//	-- compat: breaks before NNNN[: why] programs that know NNNN or later keep running
//
// The last form is the second half of "add first, remove later": release N
// stops using a column, and a later release drops it, breaking only the
// programs older than N. The runner stores the oldest version a program may
// know and still run (the highest such bound of every applied migration) in
// settings under settingOldestKnown, in each migration's transaction, so an
// older program can decide without knowing the newer files.
const (
	compatPrefix       = "-- compat:"
	settingOldestKnown = "schema.oldest_known"
)

// parseCompat reads a migration's compat header, its first line, and
// returns the oldest schema version a program may know and still run once
// the migration is applied (0: any program that ran before still may) and
// the reason given, if any.
func parseCompat(version int, sql string) (oldest int, why string, err error) {
	first, _, _ := strings.Cut(sql, "\n")
	first = strings.TrimSpace(first)
	rest, ok := strings.CutPrefix(first, compatPrefix)
	if !ok {
		return 0, "", fmt.Errorf("first line must be %q followed by keeps, breaks or breaks before NNNN (docs/ARCHITECTURE.md, Migrations)", compatPrefix)
	}
	rest, why, _ = strings.Cut(strings.TrimSpace(rest), ":")
	why = strings.TrimSpace(why)
	words := strings.Fields(rest)
	switch {
	case len(words) == 1 && words[0] == "keeps":
		return 0, why, nil
	case len(words) == 1 && words[0] == "breaks":
		return version, why, nil
	case len(words) == 3 && words[0] == "breaks" && words[1] == "before":
		n, err := strconv.Atoi(words[2])
		if err != nil || n <= 0 || n >= version {
			return 0, "", fmt.Errorf("compat: %q is not an earlier version", words[2])
		}
		return n, why, nil
	}
	return 0, "", fmt.Errorf("compat: %q is neither keeps, breaks nor breaks before NNNN", rest)
}

// oldestKnown is the oldest version a program may know and still run on a
// schema with every migration up to version applied.
func oldestKnown(ms []Migration, version int) int {
	oldest := 0
	for _, m := range ms {
		if m.Version <= version {
			oldest = max(oldest, m.Oldest)
		}
	}
	return oldest
}

// recordOldest keeps the bound for the schema after migration version, in
// that migration's transaction.
func recordOldest(ctx context.Context, tx *Tx, ms []Migration, version int) error {
	_, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
		settingOldestKnown, strconv.Itoa(oldestKnown(ms, version)))
	return err
}

// Compat is how this program stands to the schema it opened.
type Compat struct {
	Have   int // the schema's version
	Known  int // the newest migration this program knows
	Oldest int // the oldest version a program may know and still run; -1 when the database does not say
}

// Behind reports whether the schema is newer than this program: it runs
// only until it is replaced, and only when Oldest allows it.
func (c Compat) Behind() bool { return c.Have > c.Known }

// SchemaCompat reads where this program stands to the database's schema.
func (d *DB) SchemaCompat(ctx context.Context) (Compat, error) {
	ms, err := Migrations()
	if err != nil {
		return Compat{}, err
	}
	c := Compat{Known: ms[len(ms)-1].Version, Oldest: -1}
	if c.Have, err = d.SchemaVersion(ctx); err != nil || c.Have == 0 {
		return c, err
	}
	var v string
	err = d.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", settingOldestKnown).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return c, nil
	case err != nil:
		return c, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return c, fmt.Errorf("settings %s: %q is not a version", settingOldestKnown, v)
	}
	c.Oldest = n
	return c, nil
}

// checkNewer lets this program run on a newer schema whose migrations all
// keep it working, with a warning; otherwise it refuses with a StaleError.
func (d *DB) checkNewer(ctx context.Context) error {
	c, err := d.SchemaCompat(ctx)
	if err != nil || !c.Behind() {
		return err
	}
	if c.Oldest < 0 || c.Known < c.Oldest {
		return &StaleError{Have: c.Have, Known: c.Known, Oldest: c.Oldest}
	}
	slog.Warn("db: the schema is newer than this program; its migrations keep this program working, replace it with the new release soon",
		"schema", c.Have, "known", c.Known, "oldest_allowed", c.Oldest)
	return nil
}

// StaleError says the database was migrated by a newer program whose
// migrations this one cannot run with.
type StaleError struct {
	Have, Known int
	// Oldest is the oldest version a program may know and still run on the
	// schema: -1 when the database does not say (migrated by a release older
	// than the rule, or a backup's manifest), 0 when unknown to the caller.
	Oldest int
}

func (e *StaleError) Error() string {
	msg := fmt.Sprintf("database schema version %d is newer than this program knows (%d)", e.Have, e.Known)
	switch {
	case e.Oldest > 0:
		msg += fmt.Sprintf(", and a migration since needs a program that knows version %d or later", e.Oldest)
	case e.Oldest < 0:
		msg += ", and the database does not say that older programs may still run on it"
	}
	return msg + ": run the newer gonghui release on this node (README, Upgrading)"
}
