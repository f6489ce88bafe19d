package rights

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path"
	"strings"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

var errNoKeys = errors.New("no keys to seal with")

// SniffEvidence names an evidence file by its bytes: a JPEG, PNG or WebP
// picture whose header decodes to a sensible size (the shared check,
// imagefile.Type), or a PDF document (its "%PDF-" signature and
// an end-of-file marker near its end, so that a truncated or disguised
// file is refused); "" for anything else. What the client claims never
// counts.
func SniffEvidence(b []byte) string {
	if ct := imagefile.Type(b); ct != "" {
		return ct
	}
	if len(b) >= 16 && bytes.HasPrefix(b, []byte("%PDF-")) && b[5] >= '1' && b[5] <= '2' && b[6] == '.' {
		tail := b[max(0, len(b)-1024):]
		if bytes.Contains(tail, []byte("%%EOF")) {
			return "application/pdf"
		}
	}
	return ""
}

// checkFiles checks evidence files, as the field "files".
func checkFiles(f errs.Fields, files []FileInput) []string {
	if !f.Check(len(files) <= MaxFiles, "files", "case.files_too_many", MaxFiles) {
		return nil
	}
	types := make([]string, len(files))
	for i, fl := range files {
		if !f.Check(len(fl.Data) > 0 && len(fl.Data) <= MaxFileSize, "files", "case.file_size", MaxFileSize>>20) {
			return nil
		}
		if types[i] = SniffEvidence(fl.Data); !f.Check(types[i] != "", "files", "case.file_type") {
			return nil
		}
	}
	return types
}

// fileName keeps a file's base name, printable and short, for the list.
func fileName(name, ct string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, path.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == "/" {
		name = ""
	}
	if utf8.RuneCountInString(name) > MaxFileName {
		name = string([]rune(name)[:MaxFileName])
	}
	if name == "" {
		name = "evidence" + map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}[ct]
	}
	return name
}

// FileAAD binds a sealed evidence file to its row.
func FileAAD(id int64) string { return "case_file.data:" + db.FormatID(id) }

func (s *Store) saveFiles(ctx context.Context, tx *db.Tx, caseID int64, files []FileInput, types []string, byWorker bool, at int64) error {
	for i, fl := range files {
		if s.Keys == nil {
			return errs.Internal(errNoKeys, "rights: save file")
		}
		id := db.NewID()
		sealed, err := s.Keys.Seal(fl.Data, FileAAD(id))
		if err != nil {
			return errs.Internal(err, "rights: seal file")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO case_files (id, case_id, name, content_type, size, data, by_worker, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			id, caseID, fileName(fl.Name, types[i]), types[i], len(fl.Data), []byte(sealed), boolInt(byWorker), at); err != nil {
			return errs.Internal(err, "rights: save file")
		}
	}
	return nil
}

func (s *Store) files(ctx context.Context, caseID int64) ([]File, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, name, content_type, size, by_worker, created_at FROM case_files WHERE case_id = ? ORDER BY id", caseID)
	return signup.All(rows, err, "rights: files", func(sc signup.Scanner) (File, error) {
		var fl File
		var by int
		var at int64
		err := sc.Scan(&fl.ID, &fl.Name, &fl.ContentType, &fl.Size, &by, &at)
		fl.ByWorker, fl.CreatedAt = by == 1, scope.FromMillis(at)
		return fl, err
	})
}

// FileData returns an evidence file, opened, to staff who may see the
// case or to a worker whose case it is.
func (s *Store) FileData(ctx context.Context, pr *auth.Principal, caseID, fileID int64) (name, ct string, data []byte, err error) {
	if _, err := s.readable(ctx, pr, caseID); err != nil {
		return "", "", nil, err
	}
	var sealed []byte
	err = s.DB.QueryRow(ctx, "SELECT name, content_type, data FROM case_files WHERE id = ? AND case_id = ?", fileID, caseID).Scan(&name, &ct, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, errs.NotFound("file")
	}
	if err != nil {
		return "", "", nil, errs.Internal(err, "rights: file")
	}
	if s.Keys == nil {
		return "", "", nil, errs.Internal(errNoKeys, "rights: file")
	}
	data, err = s.Keys.Open(string(sealed), FileAAD(fileID))
	if err != nil {
		return "", "", nil, errs.Internal(err, "rights: open file")
	}
	return name, ct, data, nil
}

// AddFiles adds evidence to an open case: staff who may act on it, or the
// member who filed it (or is named in it).
func (s *Store) AddFiles(ctx context.Context, pr *auth.Principal, id int64, files []FileInput) (*Case, error) {
	f := errs.Fields{}
	if len(files) == 0 {
		f.Add("files", "field.required")
	}
	types := checkFiles(f, files)
	if err := f.Err(); err != nil {
		return nil, err
	}
	fn := func(tx *db.Tx, c *Case, now int64) (Event, map[string]any, error) {
		if err := s.saveFiles(ctx, tx, c.ID, files, types, pr.Kind == auth.KindMember, now); err != nil {
			return Event{}, nil, err
		}
		return Event{Kind: EvEvidence, Body: fileNames(files, types)}, map[string]any{"files": len(files)}, nil
	}
	if pr != nil && pr.Kind == auth.KindMember {
		return s.workerAct(ctx, pr, id, "case.evidence", Open, fn)
	}
	return s.staffAct(ctx, pr, id, "case.evidence", Open, 0, func(tx *db.Tx, c *Case, now int64) (Event, map[string]any, error) {
		return fn(tx, c, now)
	})
}

func fileNames(files []FileInput, types []string) string {
	names := make([]string, len(files))
	for i, fl := range files {
		names[i] = fileName(fl.Name, types[i])
	}
	return strings.Join(names, "、")
}

// audited is a helper for reads that leave a record of their own.
func (s *Store) audited(ctx context.Context, ev audit.Event) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error { return audit.Record(ctx, tx, ev) })
}
