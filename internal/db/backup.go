package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// What backups and restores (internal/backup) need from the engines: the
// tables as the catalogue lists them, a consistent read of all of them, a
// file copy where the engine keeps the database in one file, and a bulk
// load into an empty database. The backup package stays engine-blind.

// Table is one table of the database as its catalogue describes it.
type Table struct {
	Name    string
	Columns []string
	Types   []string // declared types, lower case, one per column
	Key     []string // primary key columns in key order; empty: none
}

// Tables lists the application's tables by name (SQLite's own and
// PostgreSQL's other schemas left out), with their columns in order.
func (d *DB) Tables(ctx context.Context) ([]Table, error) {
	var names []string
	var q string
	if d.Dialect == Postgres {
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`
	} else {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
			AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`
	}
	rows, err := d.r.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(names) // byte order on both engines, whatever the collation
	out := make([]Table, 0, len(names))
	for _, n := range names {
		t, err := d.describe(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("describe table %s: %w", n, err)
		}
		out = append(out, t)
	}
	return out, nil
}

func (d *DB) describe(ctx context.Context, name string) (Table, error) {
	t := Table{Name: name}
	keyPos := map[string]int{}
	var rows *sql.Rows
	var err error
	if d.Dialect == Postgres {
		rows, err = d.r.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod),
				COALESCE((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(att, n)
					WHERE k.att = a.attnum AND k.n <= i.indnkeyatts), 0)
			FROM pg_attribute a
			LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
			WHERE a.attrelid = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = current_schema() AND c.relname = $1)
			AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
			ORDER BY a.attnum`, name)
	} else {
		rows, err = d.r.QueryContext(ctx, "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", name)
	}
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var col, typ string
		var pk int
		if err := rows.Scan(&col, &typ, &pk); err != nil {
			return t, err
		}
		t.Columns = append(t.Columns, col)
		t.Types = append(t.Types, strings.ToLower(typ))
		if pk > 0 {
			keyPos[col] = pk
		}
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	for col := range keyPos {
		t.Key = append(t.Key, col)
	}
	sort.Slice(t.Key, func(i, j int) bool { return keyPos[t.Key[i]] < keyPos[t.Key[j]] })
	if len(t.Columns) == 0 {
		return t, errors.New("no columns")
	}
	return t, nil
}

// Reader is what a consistent read offers: queries, all on one snapshot.
type Reader interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Snapshot runs fn in a read-only transaction that sees one state of the
// whole database while others keep writing: REPEATABLE READ on PostgreSQL,
// a read transaction on SQLite (WAL mode keeps its snapshot).
func (d *DB) Snapshot(ctx context.Context, fn func(r Reader) error) error {
	opts := &sql.TxOptions{}
	if d.Dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := d.r.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback()
	// SQLite starts the read at the first statement: take it now.
	var one int
	if err := tx.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	return fn(tx)
}

// SelectAll is the query reading every row of t in a deterministic order:
// by primary key (by every column without one), texts compared byte by
// byte on both engines so that the order never depends on a locale.
func (d *DB) SelectAll(t Table) string {
	order := t.Key
	if len(order) == 0 {
		order = t.Columns
	}
	types := map[string]string{}
	for i, c := range t.Columns {
		types[c] = t.Types[i]
	}
	terms := make([]string, len(order))
	for i, c := range order {
		terms[i] = quoteIdent(c) + d.byteCollation(types[c])
	}
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteIdent(t.Name) + " ORDER BY " + strings.Join(terms, ", ")
}

func (d *DB) byteCollation(typ string) string {
	if d.Dialect != Postgres {
		return " COLLATE BINARY" // numbers ignore it; a NOCASE column does not
	}
	if typ == "text" || strings.HasPrefix(typ, "character") {
		return ` COLLATE "C"`
	}
	return ""
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Normalize turns a value as the driver scanned it into one of the forms
// both engines give for the same stored value: nil, int64, float64,
// string, []byte or time.Time. Booleans become 0 or 1, as SQLite keeps
// them, so that equal data reads as equal values on either engine.
func Normalize(v any) any {
	switch x := v.(type) {
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case time.Time:
		return x.UTC()
	}
	return v
}

// SnapshotFile writes a consistent copy of the whole database to path
// (which must not exist) while others keep writing, when the engine keeps a
// database in one file: SQLite's VACUUM INTO, from a reader connection so
// that this process's writes go on. ok is false on an engine without such a
// file; nothing is written then.
func (d *DB) SnapshotFile(ctx context.Context, path string) (ok bool, err error) {
	if d.Dialect != SQLite {
		return false, nil
	}
	// The readers are query_only, which refuses VACUUM INTO, and the writer
	// must stay free for this process's writes: a connection of its own.
	var seq int
	var name, file string
	if err := d.r.QueryRowContext(ctx, "SELECT seq, name, file FROM pragma_database_list WHERE name = 'main'").Scan(&seq, &name, &file); err != nil {
		return true, fmt.Errorf("sqlite: database file: %w", err)
	}
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return true, err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return true, fmt.Errorf("sqlite: VACUUM INTO %s: %w", path, err)
	}
	return true, nil
}

// OpenFileReadOnly opens a database file written by SnapshotFile for
// reading, changing nothing in it (no journal, no lock).
func OpenFileReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(2)
	d := &DB{Dialect: SQLite, w: r, r: r}
	if err := d.Ping(ctx); err != nil {
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return d, nil
}

// IsFileDSN says whether dsn names a database kept in one file (SQLite).
func IsFileDSN(dsn string) bool {
	return !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://")
}

// FilePath is the file a file DSN names.
func FilePath(dsn string) string {
	return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
}

// CheckEngine refuses to load a backup made on another engine: its
// values would be read back with the other engine's types.
func (d *DB) CheckEngine(made string) error {
	if made != string(d.Dialect) {
		return fmt.Errorf("this backup was made on %s and cannot be restored into %s (restore into the engine it was made on)", made, d.Dialect)
	}
	return nil
}

// Empty reports whether the database holds no table at all.
func (d *DB) Empty(ctx context.Context) (bool, error) {
	ts, err := d.Tables(ctx)
	if err != nil {
		return false, err
	}
	return len(ts) == 0, nil
}

// RestoreFile puts the database file src at the file dsn names, which must
// not exist or hold an empty database with nobody using it: written to a
// temporary name, synced, then renamed, so the target never holds half a
// file. The copy is mode 0600 like every database file.
func RestoreFile(ctx context.Context, src, dsn string) error {
	if !IsFileDSN(dsn) {
		return errors.New("this backup is a SQLite database file: restore it into a SQLite file path, not a postgres:// URL")
	}
	path := FilePath(dsn)
	if _, err := os.Stat(path); err == nil {
		// Not immutable: a live database keeps its newest pages in the
		// -wal file, and only a normal reader sees them.
		r, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(10000)")
		if err != nil {
			return fmt.Errorf("restore: the target %s exists and cannot be read: %w", path, err)
		}
		d := &DB{Dialect: SQLite, w: r, r: r}
		empty, err := d.Empty(ctx)
		d.Close()
		if err != nil {
			return fmt.Errorf("restore: the target %s exists and cannot be read: %w", path, err)
		}
		if !empty {
			return fmt.Errorf("restore: the target %s already holds a database: restore only into a new file or an empty database", path)
		}
		for _, p := range append([]string{path}, sidecarPaths(path)...) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("restore: remove the empty target: %w", err)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return fmt.Errorf("restore: create directory: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	tmp := path + ".restoring"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, sqliteFileMode)
	if err != nil {
		return fmt.Errorf("restore: %w (a restore already running, or one interrupted: remove the file)", err)
	}
	_, err = io.Copy(out, ctxReader{ctx, in})
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: copy the database file: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}

// ctxReader stops a long copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Rows hands Load the rows of one table, each as values in the order of
// its Table.Columns (Normalize's forms), calling emit once per row.
type Rows func(t Table, emit func(vals []any) error) error

// Load fills an empty, migrated database with rows in one transaction:
// the rows the migrations inserted are removed first, then every table of
// tables is loaded, parents before the tables that refer to them, and
// sequences (if any) are moved past the loaded values. A failure leaves no
// row behind. PostgreSQL loads with COPY; SQLite with prepared INSERTs,
// foreign keys checked at commit.
func (d *DB) Load(ctx context.Context, tables []Table, rows Rows) error {
	ordered, err := d.loadOrder(ctx, tables)
	if err != nil {
		return err
	}
	if d.Dialect == Postgres {
		return d.loadPostgres(ctx, ordered, rows)
	}
	return d.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return err
		}
		for i := len(ordered) - 1; i >= 0; i-- {
			if _, err := tx.tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(ordered[i].Name)); err != nil {
				return fmt.Errorf("load: empty %s: %w", ordered[i].Name, err)
			}
		}
		for _, t := range ordered {
			cols := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				cols[i] = quoteIdent(c)
			}
			st, err := tx.tx.PrepareContext(ctx, "INSERT INTO "+quoteIdent(t.Name)+" ("+strings.Join(cols, ", ")+") VALUES ("+Placeholders(len(cols))+")")
			if err != nil {
				return fmt.Errorf("load %s: %w", t.Name, err)
			}
			err = rows(t, func(vals []any) error {
				_, err := st.ExecContext(ctx, vals...)
				return err
			})
			st.Close()
			if err != nil {
				return fmt.Errorf("load %s: %w", t.Name, err)
			}
		}
		return nil
	})
}

func (d *DB) loadPostgres(ctx context.Context, tables []Table, rows Rows) error {
	conn, err := d.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		all, err := d.Tables(ctx)
		if err != nil {
			return err
		}
		// Only the few tables the migrations put rows in are emptied: a
		// TRUNCATE makes new files for a table and each of its indexes.
		var names []string
		for _, t := range all {
			var has bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteIdent(t.Name)+")").Scan(&has); err != nil {
				return err
			}
			if has {
				names = append(names, quoteIdent(t.Name))
			}
		}
		if len(names) > 0 {
			if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(names, ", ")+" CASCADE"); err != nil {
				return fmt.Errorf("load: empty the migrated tables: %w", err)
			}
		}
		for _, t := range tables {
			cols := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				cols[i] = quoteIdent(c)
			}
			pr, pw := io.Pipe()
			go func() {
				w := &copyText{w: pw}
				err := rows(t, w.row)
				if err == nil {
					err = w.flush()
				}
				pw.CloseWithError(err)
			}()
			_, err := pc.PgConn().CopyFrom(ctx, pr, "COPY "+quoteIdent(t.Name)+" ("+strings.Join(cols, ", ")+") FROM STDIN")
			pr.CloseWithError(io.ErrClosedPipe) // stop the feeder if COPY ended first
			if err != nil {
				return fmt.Errorf("load %s: %w", t.Name, err)
			}
		}
		// Columns fed by a sequence (serial, identity) continue after the
		// highest value loaded.
		seqs, err := tx.Query(ctx, `SELECT c.relname, a.attname, pg_get_serial_sequence(quote_ident(c.relname), a.attname)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
			WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
			AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`)
		if err != nil {
			return fmt.Errorf("load: sequences: %w", err)
		}
		type seq struct{ table, col, seq string }
		var list []seq
		for seqs.Next() {
			var s seq
			if err := seqs.Scan(&s.table, &s.col, &s.seq); err != nil {
				seqs.Close()
				return err
			}
			list = append(list, s)
		}
		seqs.Close()
		for _, s := range list {
			q := fmt.Sprintf("SELECT setval($1, COALESCE((SELECT max(%s) FROM %s), 0) + 1, false)", quoteIdent(s.col), quoteIdent(s.table))
			if _, err := tx.Exec(ctx, q, s.seq); err != nil {
				return fmt.Errorf("load: sequence %s: %w", s.seq, err)
			}
		}
		return tx.Commit(ctx)
	})
}

// copyText writes rows in COPY's text format, buffered.
type copyText struct {
	w   io.Writer
	buf []byte
}

func (c *copyText) row(vals []any) error {
	for i, v := range vals {
		if i > 0 {
			c.buf = append(c.buf, '\t')
		}
		switch x := v.(type) {
		case nil:
			c.buf = append(c.buf, `\N`...)
		case int64:
			c.buf = strconv.AppendInt(c.buf, x, 10)
		case float64:
			switch {
			case math.IsNaN(x):
				c.buf = append(c.buf, "NaN"...)
			case math.IsInf(x, 1):
				c.buf = append(c.buf, "Infinity"...)
			case math.IsInf(x, -1):
				c.buf = append(c.buf, "-Infinity"...)
			default:
				c.buf = strconv.AppendFloat(c.buf, x, 'g', -1, 64)
			}
		case string:
			c.buf = appendCopyString(c.buf, x)
		case []byte:
			c.buf = append(c.buf, `\\x`...)
			const hexdigits = "0123456789abcdef"
			for _, b := range x {
				c.buf = append(c.buf, hexdigits[b>>4], hexdigits[b&15])
			}
		case time.Time:
			c.buf = x.UTC().AppendFormat(c.buf, "2006-01-02 15:04:05.999999Z07:00")
		default:
			return fmt.Errorf("load: value of type %T", v)
		}
	}
	c.buf = append(c.buf, '\n')
	if len(c.buf) >= 1<<16 {
		return c.flush()
	}
	return nil
}

func (c *copyText) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

func appendCopyString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			b = append(b, `\\`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			b = append(b, ch)
		}
	}
	return b
}

// loadOrder sorts tables so that a table comes after every table its
// foreign keys name (references to itself aside: a COPY checks them at its
// end, SQLite at commit).
func (d *DB) loadOrder(ctx context.Context, tables []Table) ([]Table, error) {
	deps := map[string][]string{}
	for _, t := range tables {
		var q string
		if d.Dialect == Postgres {
			q = `SELECT DISTINCT r.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
				JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1`
		} else {
			q = `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`
		}
		rows, err := d.r.QueryContext(ctx, q, t.Name)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", t.Name, err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			if p != t.Name {
				deps[t.Name] = append(deps[t.Name], p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	byName := map[string]Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	var out []Table
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("tables refer to each other in a cycle: %s", strings.Join(append(path, n), " → "))
		case 2:
			return nil
		}
		state[n] = 1
		for _, p := range deps[n] {
			if _, ok := byName[p]; ok {
				if err := visit(p, append(path, n)); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		out = append(out, byName[n])
		return nil
	}
	for _, t := range tables {
		if err := visit(t.Name, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DropTables removes every table of the database (of its schema on
// PostgreSQL): the clean-up of a restore that failed half way into a
// database that was empty before it.
func (d *DB) DropTables(ctx context.Context) error {
	ts, err := d.Tables(ctx)
	if err != nil || len(ts) == 0 {
		return err
	}
	if d.Dialect == Postgres {
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = quoteIdent(t.Name)
		}
		_, err := d.w.ExecContext(ctx, "DROP TABLE IF EXISTS "+strings.Join(names, ", ")+" CASCADE")
		return err
	}
	if _, err := d.w.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer d.w.ExecContext(ctx, "PRAGMA foreign_keys = ON")
	for _, t := range ts {
		if _, err := d.w.ExecContext(ctx, "DROP TABLE IF EXISTS "+quoteIdent(t.Name)); err != nil {
			return err
		}
	}
	return nil
}

// MigrateTo applies the migrations up to version and no further: a restore
// builds the schema a backup was made with before loading its rows.
func (d *DB) MigrateTo(ctx context.Context, version int) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	if version > ms[len(ms)-1].Version {
		return &StaleError{Have: version, Known: ms[len(ms)-1].Version}
	}
	return d.migrate(ctx, version)
}

// ServerVersion is the engine's version for reports ("15.20", "3.49.1").
func (d *DB) ServerVersion(ctx context.Context) (string, error) {
	q := "SELECT sqlite_version()"
	if d.Dialect == Postgres {
		q = "SHOW server_version"
	}
	var v string
	err := d.r.QueryRowContext(ctx, q).Scan(&v)
	return v, err
}

// CurrentSchema names the PostgreSQL schema the tables live in ("" on
// SQLite), for pg_dump --schema.
func (d *DB) CurrentSchema(ctx context.Context) (string, error) {
	if d.Dialect != Postgres {
		return "", nil
	}
	var s string
	err := d.r.QueryRowContext(ctx, "SELECT current_schema()").Scan(&s)
	return s, err
}
