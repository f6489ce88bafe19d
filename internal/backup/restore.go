package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/pii"
)

// Check reads dir's manifest and checks everything that needs no database:
// the manifest's MAC under keys (which must be the ones the backup needs),
// the schema version against this program, every file's size and checksum.
func Check(dir string, keys *pii.Keyring) (*Manifest, error) {
	m, err := ReadManifest(dir, keys)
	if err != nil {
		return nil, err
	}
	if err := CheckSchema(m); err != nil {
		return nil, err
	}
	if err := CheckFiles(dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

// RestoreOptions of one restore.
type RestoreOptions struct {
	From string       // the backup's directory
	DSN  string       // the target: a new SQLite file, or an empty PostgreSQL database
	Keys *pii.Keyring // the keys the backup needs
	Step func(Timing) // told as each step ends (nil: nobody)
	// Checked is the manifest when Check has just passed (not done again).
	Checked *Manifest
}

// Timing is how long one step of a restore or verification took.
type Timing struct {
	Step string
	Took time.Duration
}

// Restored is a database restored from a backup, open, at the backup's
// schema version, every table checked against the manifest. The caller
// migrates it, checks the audit chain and the figures, and closes it.
type Restored struct {
	DB       *db.DB
	Manifest *Manifest
	From     string // the backup's directory
}

// Restore checks the backup at o.From and loads it into the empty
// database o.DSN, then compares every table's rows with the manifest. It
// refuses a target that holds any table, a backup from another engine or a
// newer schema, and keys other than the backup's.
func Restore(ctx context.Context, o RestoreOptions) (*Restored, error) {
	step := func(name string, start time.Time) {
		if o.Step != nil {
			o.Step(Timing{name, time.Since(start)})
		}
	}
	start := time.Now()
	m := o.Checked
	if m == nil {
		var err error
		if m, err = Check(o.From, o.Keys); err != nil {
			return nil, err
		}
		step("check the manifest and files", start)
	}
	start = time.Now()
	var d *db.DB
	var err error
	switch m.Method {
	case MethodFile:
		if err := db.RestoreFile(ctx, filepath.Join(o.From, DBFile), o.DSN); err != nil {
			return nil, err
		}
		if d, err = db.Open(ctx, o.DSN, db.Options{MaxConns: 4}); err != nil {
			return nil, err
		}
		if err := d.CheckEngine(m.Engine); err != nil {
			d.Close()
			return nil, err
		}
	case MethodRows:
		if d, err = loadRows(ctx, o, m); err != nil {
			return nil, err
		}
	}
	step("load the data", start)
	start = time.Now()
	sums, err := Sums(ctx, d)
	if err == nil {
		err = CompareSums(m, sums)
	}
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("restored, but the tables do not match the manifest: %w", err)
	}
	step(fmt.Sprintf("compare %d tables' counts and checksums", len(sums)), start)
	return &Restored{DB: d, Manifest: m, From: o.From}, nil
}

// loadRows builds the backup's schema in the empty target and loads every
// table's file into it; a failure drops what it made.
func loadRows(ctx context.Context, o RestoreOptions, m *Manifest) (*db.DB, error) {
	d, err := db.Open(ctx, o.DSN, db.Options{MaxConns: 4})
	if err != nil {
		return nil, err
	}
	fail := func(err error, clean bool) (*db.DB, error) {
		if clean {
			if cerr := d.DropTables(context.WithoutCancel(ctx)); cerr != nil {
				err = errors.Join(err, fmt.Errorf("and the half-restored tables could not be dropped: %w", cerr))
			}
		}
		d.Close()
		return nil, err
	}
	if err := d.CheckEngine(m.Engine); err != nil {
		return fail(err, false)
	}
	empty, err := d.Empty(ctx)
	if err != nil {
		return fail(err, false)
	}
	if !empty {
		return fail(errors.New("restore: the target database already holds tables: restore only into an empty database (a new one, or a new schema on PostgreSQL)"), false)
	}
	start := time.Now()
	if err := d.MigrateTo(ctx, m.SchemaVersion); err != nil {
		return fail(fmt.Errorf("restore: build the schema of version %d: %w", m.SchemaVersion, err), true)
	}
	built, err := d.Tables(ctx)
	if err != nil {
		return fail(err, true)
	}
	if err := sameTables(m, built); err != nil {
		return fail(err, true)
	}
	if o.Step != nil {
		o.Step(Timing{fmt.Sprintf("build the schema (version %d)", m.SchemaVersion), time.Since(start)})
	}
	tables := make([]db.Table, len(m.Tables))
	for i, t := range m.Tables {
		tables[i] = db.Table{Name: t.Name, Columns: t.Columns}
	}
	err = d.Load(ctx, tables, func(t db.Table, emit func([]any) error) error {
		return readRowsFile(filepath.Join(o.From, filepath.FromSlash(tableFile(t.Name))), len(t.Columns), emit)
	})
	if err != nil {
		return fail(fmt.Errorf("restore: %w", err), true)
	}
	return d, nil
}

// sameTables compares the schema the migrations built with the backup's.
func sameTables(m *Manifest, built []db.Table) error {
	have := map[string][]string{}
	for _, t := range built {
		have[t.Name] = t.Columns
	}
	var problems []string
	for _, t := range m.Tables {
		cols, ok := have[t.Name]
		delete(have, t.Name)
		if !ok {
			problems = append(problems, fmt.Sprintf("table %s: not made by the migrations up to version %d", t.Name, m.SchemaVersion))
		} else if strings.Join(cols, ",") != strings.Join(t.Columns, ",") {
			problems = append(problems, fmt.Sprintf("table %s: columns %v, the backup has %v", t.Name, cols, t.Columns))
		}
	}
	for n := range have {
		problems = append(problems, fmt.Sprintf("table %s: made by the migrations, missing from the backup", n))
	}
	if len(problems) > 0 {
		return &Damaged{Problems: problems}
	}
	return nil
}

// readRowsFile decodes a table's file, calling emit for each row.
func readRowsFile(path string, ncols int, emit func([]any) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r := bufio.NewReaderSize(z, 1<<16)
	for {
		vals, err := decodeRow(r, ncols)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := emit(vals); err != nil {
			return err
		}
	}
}
