package backup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/pii"
)

// Format names the layout of a backup directory; a reader refuses others.
const Format = "gonghui-backup/1"

// The files of a backup directory.
const (
	ManifestFile = "manifest.json"
	MACFile      = "manifest.mac" // HMAC of manifest.json under a key derived from the key file
	DBFile       = "gonghui.db"   // method "file": the SQLite database
	TablesDir    = "tables"       // method "rows": one <table>.rows.gz per table
	PgDumpFile   = "pg_dump.custom"
)

// Methods of taking a backup.
const (
	MethodFile = "file" // a consistent copy of the database file (SQLite VACUUM INTO)
	MethodRows = "rows" // every table's rows in canonical encoding, read in one snapshot
)

// macLabel derives the manifest's MAC key from the key file: whoever can
// write the backup but does not hold the keys cannot make a changed
// manifest pass.
const macLabel = "gonghui backup manifest"

// Manifest describes one backup: what it holds and how to check it.
type Manifest struct {
	Format        string    `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	Engine        string    `json:"engine"`
	EngineVersion string    `json:"engine_version"`
	Method        string    `json:"method"`
	SchemaVersion int       `json:"schema_version"`
	// KeyCheck is the key check value of the key file the data was sealed
	// with (as `gonghui keys check` prints it), KeyChecks each data key's;
	// the keys themselves are never in a backup.
	KeyCheck  string            `json:"key_check"`
	KeyChecks map[string]string `json:"key_checks,omitempty"`
	Tables    []TableSum        `json:"tables"`
	Files     []FileSum         `json:"files"`
	// PgDump says whether pg_dump's archive of the same snapshot is included
	// (for pg_restore; gonghui restore reads the tables' files).
	PgDump  string  `json:"pg_dump,omitempty"`
	Seconds float64 `json:"seconds"`
}

// FileSum is one file of the backup with its size and SHA-256.
type FileSum struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Rows is the number of rows of the named table, -1 when it has none.
func (m *Manifest) Rows(table string) int64 {
	for _, t := range m.Tables {
		if t.Name == table {
			return t.Rows
		}
	}
	return -1
}

func manifestMAC(keys *pii.Keyring, data []byte) string {
	mac := hmac.New(keys.MACHash(), keys.DeriveKey(macLabel))
	mac.Write(data)
	return hex.EncodeToString(mac.Sum(nil))
}

// writeManifest writes manifest.json and its MAC into dir.
func writeManifest(dir string, m *Manifest, keys *pii.Keyring) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := writeFile(filepath.Join(dir, ManifestFile), data); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, MACFile), []byte(manifestMAC(keys, data)+"\n"))
}

// ReadManifest reads dir's manifest and checks its MAC with keys: a
// manifest changed by someone without the key file is refused, and so is
// one made with another installation's keys.
func ReadManifest(dir string, keys *pii.Keyring) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is not a gonghui backup (no %s): a backup still being written has a name starting with a dot", dir, ManifestFile)
	}
	if err != nil {
		return nil, fmt.Errorf("read the manifest: %w", err)
	}
	m, err := parseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if keys == nil {
		return m, nil
	}
	if err := checkKeys(m, keys); err != nil {
		return nil, err
	}
	got, err := os.ReadFile(filepath.Join(dir, MACFile))
	if err != nil {
		return nil, fmt.Errorf("read the manifest's MAC: %w", err)
	}
	if !hmac.Equal([]byte(strings.TrimSpace(string(got))), []byte(manifestMAC(keys, data))) {
		return nil, errors.New("the manifest's MAC does not match: manifest.json was changed after the backup was made")
	}
	return m, nil
}

func parseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("unreadable manifest: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("format %q, this program reads %q", m.Format, Format)
	}
	if m.Method != MethodFile && m.Method != MethodRows {
		return nil, fmt.Errorf("unknown method %q", m.Method)
	}
	return &m, nil
}

// checkKeys refuses keys the backup's data was not sealed with, naming both
// check values so the operator can find the right key file.
func checkKeys(m *Manifest, keys *pii.Keyring) error {
	if m.KeyCheck == "" {
		return nil // a database that never held keys
	}
	if !pii.EqualCheck(m.KeyCheck, keys.CheckValue()) {
		return fmt.Errorf("wrong keys: this backup needs the key file with check value %s, the keys given have %s: give --key-file (or GONGHUI_KEYS) of the installation the backup was made on, or import its export with `gonghui keys import`", m.KeyCheck, keys.CheckValue())
	}
	mine := keys.KeyCheckValues()
	ids := make([]string, 0, len(m.KeyChecks))
	for id := range m.KeyChecks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		got, ok := mine[id]
		if !ok {
			return fmt.Errorf("wrong keys: this backup needs data key %s (check value %s), which the keys given lack: use the key file as it was after the last rotation", id, m.KeyChecks[id])
		}
		if !pii.EqualCheck(got, m.KeyChecks[id]) {
			return fmt.Errorf("wrong keys: data key %s of the keys given is not the one this backup was sealed with (check value %s)", id, m.KeyChecks[id])
		}
	}
	return nil
}

// CheckSchema refuses a backup made by a newer gonghui: an older binary
// does not know its tables.
func CheckSchema(m *Manifest) error {
	ms, err := db.Migrations()
	if err != nil {
		return err
	}
	if known := ms[len(ms)-1].Version; m.SchemaVersion > known {
		return fmt.Errorf("this backup has schema version %d, newer than this program knows (%d): restore it with the gonghui version that made it, or a newer one", m.SchemaVersion, known)
	}
	return nil
}

// CheckFiles compares every file the manifest names with its size and
// checksum, and looks for a table whose data is missing: the check that
// needs no database.
func CheckFiles(dir string, m *Manifest) error {
	var problems []string
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Name] = true
		if strings.Contains(f.Name, "..") || filepath.IsAbs(f.Name) {
			problems = append(problems, fmt.Sprintf("%s: not a name inside the backup", f.Name))
			continue
		}
		size, sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, fmt.Sprintf("%s: missing", f.Name))
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: %v", f.Name, err))
		case size != f.Bytes:
			problems = append(problems, fmt.Sprintf("%s: %d bytes, the manifest says %d", f.Name, size, f.Bytes))
		case sum != f.SHA256:
			problems = append(problems, fmt.Sprintf("%s: checksum differs from the manifest's (the file was changed or damaged)", f.Name))
		}
	}
	switch m.Method {
	case MethodFile:
		if !listed[DBFile] {
			problems = append(problems, DBFile+": not listed in the manifest")
		}
	case MethodRows:
		for _, t := range m.Tables {
			if !listed[tableFile(t.Name)] {
				problems = append(problems, fmt.Sprintf("table %s: its file %s is not listed in the manifest", t.Name, tableFile(t.Name)))
			}
		}
	}
	if len(m.Tables) == 0 {
		problems = append(problems, "the manifest lists no tables")
	}
	if len(problems) > 0 {
		return &Damaged{Problems: problems}
	}
	return nil
}

// Damaged lists what is wrong with a backup's files or tables.
type Damaged struct{ Problems []string }

func (e *Damaged) Error() string {
	return "backup damaged:\n  " + strings.Join(e.Problems, "\n  ")
}

// CompareSums compares the tables of a restored database with the
// manifest's: every table, its columns, row count and checksum.
func CompareSums(m *Manifest, got []TableSum) error {
	have := map[string]TableSum{}
	for _, s := range got {
		have[s.Name] = s
	}
	var problems []string
	for _, want := range m.Tables {
		s, ok := have[want.Name]
		delete(have, want.Name)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("table %s: missing from the restored database", want.Name))
		case strings.Join(s.Columns, ",") != strings.Join(want.Columns, ","):
			problems = append(problems, fmt.Sprintf("table %s: columns %v, the manifest says %v", want.Name, s.Columns, want.Columns))
		case s.Rows != want.Rows:
			problems = append(problems, fmt.Sprintf("table %s: %d rows, the manifest says %d", want.Name, s.Rows, want.Rows))
		case s.SHA256 != want.SHA256:
			problems = append(problems, fmt.Sprintf("table %s: checksum of its rows differs from the manifest's", want.Name))
		}
	}
	extra := make([]string, 0, len(have))
	for n := range have {
		extra = append(extra, n)
	}
	sort.Strings(extra)
	for _, n := range extra {
		problems = append(problems, fmt.Sprintf("table %s: in the restored database but not in the manifest", n))
	}
	if len(problems) > 0 {
		return &Damaged{Problems: problems}
	}
	return nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// writeFile writes data to a new 0600 file and syncs it.
func writeFile(path string, data []byte) error {
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
	return err
}

func tableFile(name string) string { return TablesDir + "/" + name + ".rows.gz" }
