package db

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// The SQLite file holds the whole registry (ID numbers sealed, but names,
// mobiles, addresses and the audit log in clear), so no other account on
// the machine may read it. The modes are set by Chmod after creating, so
// they do not depend on the process's umask.
const (
	sqliteFileMode fs.FileMode = 0o600
	sqliteDirMode  fs.FileMode = 0o700
)

// sidecars are the files SQLite keeps beside the database. It creates them
// with the database file's own mode, so a 0600 database gets 0600 sidecars;
// ones left by an earlier run are corrected below like the database.
var sidecars = []string{"-wal", "-shm", "-journal"}

// prepareSQLiteFile makes sure path exists with mode 0600 before the driver
// opens it, creating its directory 0700 when missing. An existing database
// that others may read is narrowed to 0600, with a warning: an operator
// should know that the file was exposed until now.
func prepareSQLiteFile(path string) error {
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return fmt.Errorf("open sqlite: create directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, sqliteFileMode)
	switch {
	case err == nil:
		err = f.Chmod(sqliteFileMode)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("open sqlite: create %s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("open sqlite: create %s: %w", path, err)
	}
	for _, p := range append([]string{path}, sidecarPaths(path)...) {
		if err := narrowMode(p); err != nil {
			return fmt.Errorf("open sqlite: %w", err)
		}
	}
	return nil
}

func sidecarPaths(path string) []string {
	out := make([]string, len(sidecars))
	for i, s := range sidecars {
		out[i] = path + s
	}
	return out
}

// narrowMode takes away group and other access from p, if it exists.
func narrowMode(p string) error {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(p, st.Mode().Perm()&^0o077); err != nil {
		return fmt.Errorf("restrict %s to its owner (mode %v): %w", p, st.Mode().Perm(), err)
	}
	slog.Warn("database file was readable by other accounts; restricted to its owner",
		"path", p, "was", st.Mode().Perm().String(), "now", (st.Mode().Perm() &^ 0o077).String())
	return nil
}

// mkdirPrivate creates dir and any missing parents with mode 0700. An
// existing directory is left as it is: it may be shared (the working
// directory, /var/lib), and the files in it are private anyway.
func mkdirPrivate(dir string) error {
	if dir == "." || dir == "" {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := mkdirPrivate(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(dir, sqliteDirMode); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // another process made it meanwhile
		}
		return err
	}
	return os.Chmod(dir, sqliteDirMode)
}
