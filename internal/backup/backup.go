// Package backup makes online backups of a gonghui database, checks them
// and restores them into an empty database: a consistent copy (SQLite's
// VACUUM INTO, or every table read in one PostgreSQL snapshot), a manifest
// with each table's row count and checksum over a canonical encoding of
// its rows, signed with a key derived from the key file, and the key check
// value the backup needs. Keys never travel with a backup: they are
// exported apart, sealed with a passphrase (keyexport.go).
package backup

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/pii"
)

// Options of one backup.
type Options struct {
	// Dir is the directory backups are kept in; each is a directory in it
	// named by its time, gonghui-20260102T030405Z.
	Dir string
	// Keys sign the manifest; they must be the database's.
	Keys *pii.Keyring
	// PgDump also writes pg_dump's archive of the same snapshot (PostgreSQL
	// with pg_dump installed), for operators who prefer pg_restore.
	PgDump bool
	// DSN is the database's address, for pg_dump.
	DSN string
	Now func() time.Time
}

// Result is a finished backup.
type Result struct {
	Path     string
	Manifest *Manifest
}

// Prefix starts the name of every backup directory gonghui makes.
const Prefix = "gonghui-"

const stampLayout = "20060102T150405Z"

// The settings rows naming the keys' check values (see internal/app/keys.go,
// which records them).
const (
	settingKCV      = "keys.check"
	settingKeyCheck = "keys.check."
)

// Create backs d up into a new directory under o.Dir while others keep
// writing. It is written under a hidden temporary name and renamed when
// complete, so a directory named gonghui-… is always a whole backup.
func Create(ctx context.Context, d *db.DB, o Options) (*Result, error) {
	start := time.Now()
	if o.Keys == nil {
		return nil, errors.New("backup: the key file is needed to sign the manifest")
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	at := now().UTC()
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.MkdirTemp(o.Dir, "."+Prefix+at.Format(stampLayout)+"-*.partial")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	m := &Manifest{Format: Format, CreatedAt: at, Engine: d.Engine()}
	if m.EngineVersion, err = d.ServerVersion(ctx); err != nil {
		return nil, fmt.Errorf("backup: engine version: %w", err)
	}
	file := filepath.Join(tmp, DBFile)
	isFile, err := d.SnapshotFile(ctx, file)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if isFile {
		if err := fileSums(ctx, file, m); err != nil {
			return nil, err
		}
	} else if err := rowFiles(ctx, d, tmp, o, m); err != nil {
		return nil, err
	}
	if m.KeyCheck != "" && !pii.EqualCheck(m.KeyCheck, o.Keys.CheckValue()) {
		return nil, fmt.Errorf("backup: the keys given (check value %s) are not the database's (%s)", o.Keys.CheckValue(), m.KeyCheck)
	}
	if m.Files, err = listFiles(tmp); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m.Seconds = time.Since(start).Seconds()
	if err := writeManifest(tmp, m, o.Keys); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	final := filepath.Join(o.Dir, Prefix+at.Format(stampLayout))
	for n := 2; ; n++ {
		if _, err := os.Stat(final); errors.Is(err, fs.ErrNotExist) {
			break
		}
		final = filepath.Join(o.Dir, fmt.Sprintf("%s%s-%d", Prefix, at.Format(stampLayout), n))
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	done = true
	syncDir(o.Dir)
	return &Result{Path: final, Manifest: m}, nil
}

// fileSums fills the manifest from the copied database file itself, so it
// describes exactly what was written.
func fileSums(ctx context.Context, file string, m *Manifest) error {
	if err := os.Chmod(file, 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	src, err := db.OpenFileReadOnly(ctx, file)
	if err != nil {
		return fmt.Errorf("backup: read the copy: %w", err)
	}
	defer src.Close()
	m.Method = MethodFile
	tables, err := src.Tables(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return src.Snapshot(ctx, func(r db.Reader) error {
		if err := describe(ctx, r, m); err != nil {
			return err
		}
		for _, t := range tables {
			s, err := readTable(ctx, src, r, t, nil)
			if err != nil {
				return err
			}
			m.Tables = append(m.Tables, s)
		}
		return nil
	})
}

// rowFiles writes every table's rows, read in one snapshot, each to its
// own compressed file while counting and hashing them.
func rowFiles(ctx context.Context, d *db.DB, tmp string, o Options, m *Manifest) error {
	m.Method = MethodRows
	if err := os.Mkdir(filepath.Join(tmp, TablesDir), 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tables, err := d.Tables(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return d.Snapshot(ctx, func(r db.Reader) error {
		if err := describe(ctx, r, m); err != nil {
			return err
		}
		if o.PgDump {
			out, err := d.PgDump(ctx, r, o.DSN, filepath.Join(tmp, PgDumpFile))
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			m.PgDump = out
		}
		for _, t := range tables {
			s, err := writeTable(ctx, d, r, t, filepath.Join(tmp, filepath.FromSlash(tableFile(t.Name))))
			if err != nil {
				return err
			}
			m.Tables = append(m.Tables, s)
		}
		return nil
	})
}

func writeTable(ctx context.Context, d *db.DB, r db.Reader, t db.Table, path string) (TableSum, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return TableSum{}, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	// Fast compression: sealed numbers do not shrink, names and figures do,
	// and a backup should not take the machine's two cores for long.
	z, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		return TableSum{}, err
	}
	s, err := readTable(ctx, d, r, t, z)
	if err == nil {
		err = z.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return s, fmt.Errorf("backup: table %s: %w", t.Name, err)
	}
	return s, nil
}

// describe reads the schema version and the keys' check values in the
// backup's snapshot.
func describe(ctx context.Context, r db.Reader, m *Manifest) error {
	if err := r.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&m.SchemaVersion); err != nil {
		return fmt.Errorf("backup: schema version: %w", err)
	}
	rows, err := r.QueryContext(ctx, "SELECT name, value FROM settings WHERE name = '"+settingKCV+"' OR name LIKE '"+settingKeyCheck+"%'")
	if err != nil {
		return fmt.Errorf("backup: key check values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			return err
		}
		if n == settingKCV {
			m.KeyCheck = v
		} else if id, ok := strings.CutPrefix(n, settingKeyCheck); ok {
			if m.KeyChecks == nil {
				m.KeyChecks = map[string]string{}
			}
			m.KeyChecks[id] = v
		}
	}
	return rows.Err()
}

// listFiles hashes every file under dir, by slash-separated relative name.
func listFiles(dir string) ([]FileSum, error) {
	var out []FileSum
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		size, sum, err := hashFile(path)
		if err != nil {
			return err
		}
		out = append(out, FileSum{Name: filepath.ToSlash(rel), Bytes: size, SHA256: sum})
		return nil
	})
	return out, err
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		f.Close()
	}
}
