package bank

import (
	"cmp"
	"context"
	"io"
	"maps"
	"slices"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/sheet"
)

// MaxImportRows bounds the questions of one file.
const MaxImportRows = 20000

// ImportOptions configure Import.
type ImportOptions struct {
	Mode sheet.ImportMode
	Name string // the file's name, for the audit log
}

// fieldOrder is the order a row's problems are reported in: the columns'.
var fieldOrder = append([]string{"row"}, ColumnOrder...)

func orderOf(field string) int {
	if i := slices.Index(fieldOrder, field); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

// Import reads a bank sheet (.xlsx, or .csv in UTF-8 or GB18030) into a
// bank the caller may change. Every row is checked on its own and against
// the rows above it; a question already in the bank (same type and stem)
// is skipped, so importing a file twice adds nothing. A dry run changes
// nothing; all-or-nothing imports every row or, if any is bad, none;
// valid-rows imports exactly the good rows. One transaction either way.
func (s *Store) Import(ctx context.Context, pr *auth.Principal, bankID int64, src io.ReaderAt, size int64, opt ImportOptions) (*sheet.ImportReport, error) {
	if !opt.Mode.Valid() {
		f := errs.Fields{}
		f.Add("mode", "field.invalid_choice")
		return nil, f.Err()
	}
	b, err := s.Bank(ctx, pr, bankID)
	if err != nil {
		return nil, err
	}
	if !b.Writable {
		return nil, errs.Forbidden()
	}
	qs, rep, err := ReadSheet(src, size)
	if err != nil {
		return nil, err
	}
	rep.Mode = opt.Mode
	write := opt.Mode == sheet.ImportValidRows || opt.Mode == sheet.ImportAllOrNothing && rep.Invalid == 0
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		b, err := s.lockBank(ctx, tx, pr, bankID, 0)
		if err != nil {
			return err
		}
		have, err := stemKeys(ctx, tx, bankID)
		if err != nil {
			return err
		}
		for _, q := range qs {
			if have[StemKey(q.Type, q.Stem)] {
				rep.Skipped++
			}
		}
		if !write || len(qs) == rep.Skipped {
			return nil
		}
		if rep.Imported, err = s.insert(ctx, tx, b, qs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.bank_import", Entity: "question_bank", EntityID: db.FormatID(bankID),
			OrgPath: b.OrgPath, After: map[string]any{"file": opt.Name, "mode": opt.Mode, "imported": rep.Imported, "skipped": rep.Skipped, "invalid": rep.Invalid}})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// ReadSheet reads a bank sheet into checked questions and the report of
// its rows (Total, Valid, Invalid, Errors); nothing is stored. A file that
// is not a bank sheet at all (no header naming the stem and the answer,
// unreadable, too large) is an error of field "file".
func ReadSheet(src io.ReaderAt, size int64) ([]*Question, *sheet.ImportReport, error) {
	r, err := sheet.Open(src, size, sheet.Options{IsHeader: IsHeader, Limits: sheet.Limits{MaxRows: MaxImportRows, MaxBytes: 16 << 20}})
	if e, ok := errs.As(err); ok && e.Code == "sheet_no_header" {
		// The sheet's own message names a roster's columns.
		f := errs.Fields{}
		f.Add("file", "bank.import_no_header")
		return nil, nil, f.Err()
	}
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	header := r.Header()
	col := Columns.Map(header)
	var missing []string
	for _, f := range []string{"type", "stem", "key"} {
		if _, ok := col[f]; !ok {
			missing = append(missing, Columns.Name(f))
		}
	}
	if len(missing) > 0 {
		f := errs.Fields{}
		f.Add("file", "bank.import_columns", strings.Join(missing, "、"))
		return nil, nil, f.Err()
	}
	rep := &sheet.ImportReport{Errors: []sheet.ImportError{}, Format: r.Format(), Encoding: r.Encoding()}
	seen := map[string]int{} // StemKey -> first row
	var out []*Question
	cells := map[string]string{}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		rep.Total++
		clear(cells)
		for field, i := range col {
			cells[field] = row.Cells[i]
		}
		f := errs.Fields{}
		q := ParseRow(cells, f)
		if row.Truncated {
			f.Add("row", "bank.import_truncated")
		}
		if len(f) == 0 {
			k := StemKey(q.Type, q.Stem)
			if first, dup := seen[k]; dup {
				f.Add("stem", "bank.import_duplicate", first)
			} else {
				seen[k] = row.Num
			}
		}
		if len(f) > 0 {
			rep.Invalid++
			// In the columns' order; a problem of no column after them.
			names := slices.SortedFunc(maps.Keys(f), func(a, b string) int {
				return cmp.Or(cmp.Compare(orderOf(a), orderOf(b)), strings.Compare(a, b))
			})
			for _, name := range names {
				e := f[name]
				column := ""
				if i, ok := col[name]; ok {
					column = header[i]
				} else if name != "row" {
					column = Columns.Name(name)
				}
				rep.Fail(row.Num, column, e.Key, e.Args...)
			}
			continue
		}
		rep.Valid++
		out = append(out, &q)
	}
	return out, rep, nil
}
