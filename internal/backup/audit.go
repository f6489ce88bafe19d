package backup

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
)

// Backups, their verifications and restores, and key exports leave entries
// in the audit log: each is a copy of everyone's personal data made,
// checked or brought back, and an auditor must see when, by whom and how
// it ended. Which database an entry goes to matters:
//
//   - a backup (from the command line or scheduled): the database backed
//     up, after the copy is complete, so the backup does not hold its own
//     entry; a failed one too, with the error;
//   - a verification: the installation's database when the command is told
//     which it is (the scratch copy it checks is thrown away);
//   - a restore: the restored database, after it passed every check, as its
//     newest entry, chained to the backup's last one, so its chain stays
//     intact and `audit verify` passes on it. A failed restore leaves no
//     database to write in: the command's exit status and message are its
//     record.
//
// The database must have its audit chain keyed (audit.Attach) before one
// of these is recorded, or the entry is unkeyed and `audit verify` reports
// it.

// Run is who ran a backup, verification or restore, and how.
type Run struct {
	// Command is the command without secrets, e.g. "gonghui backup --to
	// /backup/gonghui" or "gonghui serve --backup-every 24h".
	Command string
	// By is who ran it: the operating-system account and host of a command,
	// or the server process that took the turn of a scheduled backup.
	By string
}

func (r Run) fields(m map[string]any) map[string]any {
	m["command"] = r.Command
	if r.By != "" {
		m["run_by"] = r.By
	}
	return m
}

// Summary is what an audit entry says about a backup: its name, when it
// was made, the engine and schema, and its counts.
func summary(path string, m *Manifest) map[string]any {
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	return map[string]any{
		"backup": filepath.Base(path), "made_at": m.CreatedAt.UTC().Format(time.RFC3339), "engine": m.Engine,
		"schema_version": m.SchemaVersion, "tables": len(m.Tables), "rows": rows, "members": m.Rows("members"),
		"key_check": m.KeyCheck,
	}
}

// rootPath is the path of the tree's root: entries about the whole
// database are for the auditors of the whole city ("" before a tree exists).
func rootPath(ctx context.Context, tx *db.Tx) (string, error) {
	var root string
	err := tx.QueryRow(ctx, "SELECT path FROM orgs WHERE depth = 0 ORDER BY id LIMIT 1").Scan(&root)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return root, err
}

func recordTx(ctx context.Context, tx *db.Tx, ev audit.Event) error {
	root, err := rootPath(ctx, tx)
	if err != nil {
		return err
	}
	ev.OrgPath = root
	return audit.Record(ctx, tx, ev)
}

// RecordMade records a backup made from d: res is the backup.
func RecordMade(ctx context.Context, d *db.DB, run Run, res *Result) error {
	return d.Tx(ctx, func(tx *db.Tx) error { return recordMadeTx(ctx, tx, run, res) })
}

func recordMadeTx(ctx context.Context, tx *db.Tx, run Run, res *Result) error {
	after := run.fields(summary(res.Path, res.Manifest))
	after["dir"] = filepath.Dir(res.Path)
	after["seconds"] = roundSeconds(res.Manifest.Seconds)
	return recordTx(ctx, tx, audit.Event{Action: "backup.create", Entity: "backup", EntityID: filepath.Base(res.Path), After: after})
}

// RecordFailed records a backup of d into dir that failed with cause.
func RecordFailed(ctx context.Context, d *db.DB, run Run, dir string, cause error) error {
	after := run.fields(map[string]any{"dir": dir, "error": cause.Error()})
	return d.Tx(ctx, func(tx *db.Tx) error {
		return recordTx(ctx, tx, audit.Event{Action: "backup.create_failed", Entity: "backup", After: after})
	})
}

// RecordVerified records in d, the installation's database, that the
// backup at path (manifest m) passed `backup verify`; checks says what
// was checked (e.g. the audit entries and figures) and took how long.
func RecordVerified(ctx context.Context, d *db.DB, run Run, path string, m *Manifest, checks map[string]any) error {
	after := run.fields(summary(path, m))
	after["dir"] = filepath.Dir(path)
	for k, v := range checks {
		after[k] = v
	}
	return d.Tx(ctx, func(tx *db.Tx) error {
		return recordTx(ctx, tx, audit.Event{Action: "backup.verify", Entity: "backup", EntityID: filepath.Base(path), After: after})
	})
}

// RecordVerifyFailed records in d that the backup at path failed `backup
// verify` with cause.
func RecordVerifyFailed(ctx context.Context, d *db.DB, run Run, path string, cause error) error {
	after := run.fields(map[string]any{"backup": filepath.Base(path), "dir": filepath.Dir(path), "error": cause.Error()})
	return d.Tx(ctx, func(tx *db.Tx) error {
		return recordTx(ctx, tx, audit.Event{Action: "backup.verify_failed", Entity: "backup", EntityID: filepath.Base(path), After: after})
	})
}

// RecordRestored records in the restored database r, once it has passed
// every check, that it was restored: from which backup, by whom, what was
// checked. It is the restored chain's newest entry.
func RecordRestored(ctx context.Context, r *Restored, run Run, checks map[string]any) error {
	after := run.fields(summary(r.From, r.Manifest))
	after["dir"] = filepath.Dir(r.From)
	for k, v := range checks {
		after[k] = v
	}
	return r.DB.Tx(ctx, func(tx *db.Tx) error {
		return recordTx(ctx, tx, audit.Event{Action: "backup.restore", Entity: "backup", EntityID: filepath.Base(r.From), After: after})
	})
}

// RecordKeys records a key export or import ("keys.export", "keys.import")
// in d: the file written or read and the keys' check value, never a key.
func RecordKeys(ctx context.Context, d *db.DB, run Run, export bool, file, check string) error {
	after := run.fields(map[string]any{"file": file, "key_check": check})
	ev := audit.Event{Action: "keys.import", Entity: "key", After: after}
	if export {
		ev = audit.Event{Action: "keys.export", Entity: "key", After: after}
	}
	return d.Tx(ctx, func(tx *db.Tx) error { return recordTx(ctx, tx, ev) })
}

func roundSeconds(s float64) float64 { return float64(int64(s*10+0.5)) / 10 }
