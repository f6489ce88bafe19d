package contract

import (
	"archive/zip"
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
	"gonghui/internal/scope"
)

// Content types of a contract's text.
const (
	TypePDF  = "application/pdf"
	TypeDOC  = "application/msword"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// SniffText names a PDF, a Word 97–2003 document or a Word document
// (.docx) by its bytes; "" for anything else. What the client claims the
// type or the name is never counts.
func SniffText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return TypeDOC
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		// A .docx is a zip with the main document part; other zips
		// (spreadsheets, archives) are refused.
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return ""
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				return TypeDOCX
			}
		}
	}
	return ""
}

// extOf is the file name's ending a type is saved with.
var extOf = map[string]string{TypePDF: ".pdf", TypeDOC: ".doc", TypeDOCX: ".docx"}

// cleanName keeps the base of an uploaded file's name, without control
// characters or path, ending as its type does.
func cleanName(name, ct string) string {
	name = path.Base(strings.ReplaceAll(cleanText(name), "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r == '"' || r == '\n' || r == '\t' || r == '/' {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSuffix(name, path.Ext(name))
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	if name == "" || name == "." {
		name = "contract"
	}
	return name + extOf[ct]
}

// FileAAD binds a sealed text to its row.
func FileAAD(id int64) string { return "contract_file.data:" + db.FormatID(id) }

// Upload stores the contract's text (PDF or Word, up to MaxFileBytes),
// sealed, in place of the one before.
func (s *Store) Upload(ctx context.Context, pr *auth.Principal, id int64, name string, data []byte) (*File, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: upload")
	}
	f := errs.Fields{}
	ct := ""
	switch {
	case len(data) == 0:
		f.Add("file", "field.required")
	case len(data) > MaxFileBytes:
		f.Add("file", "contract.file_size", MaxFileBytes>>20)
	default:
		ct = SniffText(data)
		f.Check(ct != "", "file", "contract.file_type")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if s.Keys == nil {
		return nil, errs.Internal(errors.New("no keys to seal files with"), "contract: upload")
	}
	out := &File{Name: cleanName(name, ct), ContentType: ct, Size: len(data)}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lock(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		fid := db.NewID()
		sealed, err := s.Keys.Seal(data, FileAAD(fid))
		if err != nil {
			return errs.Internal(err, "contract: seal file")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM contract_files WHERE contract_id = ?", id); err != nil {
			return errs.Internal(err, "contract: replace file")
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, "INSERT INTO contract_files (id, contract_id, name, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			fid, id, out.Name, ct, len(data), []byte(sealed), scope.Millis(now)); err != nil {
			return errs.Internal(err, "contract: save file")
		}
		if err := addEvent(ctx, tx, id, Event{Kind: EvFile, Body: out.Name}, pr, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.file", Entity: "contract", EntityID: db.FormatID(id), OrgPath: c.path,
			After: map[string]any{"name": out.Name, "size": len(data), "type": ct}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FileData returns the contract's text, opened, to staff who may see it.
func (s *Store) FileData(ctx context.Context, pr *auth.Principal, id int64) (*File, []byte, error) {
	if _, err := s.Get(ctx, pr, id); err != nil {
		return nil, nil, err
	}
	var f File
	var fid int64
	var sealed []byte
	err := s.DB.QueryRow(ctx, "SELECT id, name, content_type, size, data FROM contract_files WHERE contract_id = ? ORDER BY id DESC LIMIT 1", id).
		Scan(&fid, &f.Name, &f.ContentType, &f.Size, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.NotFound("file")
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "contract: file")
	}
	if s.Keys == nil {
		return nil, nil, errs.Internal(errors.New("no keys to open files with"), "contract: file")
	}
	data, err := s.Keys.Open(string(sealed), FileAAD(fid))
	if err != nil {
		return nil, nil, errs.Internal(err, "contract: open file")
	}
	return &f, data, nil
}
