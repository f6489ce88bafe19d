package activities

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/sheet"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// Signing up a list of members at once: staff upload an .xlsx or .csv with
// a 身份证号 or 手机号 column; each row is looked up among the members the
// staff may see (an exact number) and signed up, and the page shows what
// became of each row. It runs in the request: lists for one activity are
// short (importMaxRows).

const (
	importMaxRows  = 2000
	importMaxBytes = 5 << 20
)

// importRow is what became of one row of the list.
type importRow struct {
	Num     int
	Name    string
	Number  string // masked
	OK      bool
	Outcome string
}

// importResult is the page's table of an import.
type importResult struct {
	Rows        []importRow
	OK, Failed  int
	Truncated   bool
	FileName    string
	ColumnLabel string
}

// importColumns finds the columns of a list's header.
func importColumns(header []string) (idCol, mobileCol, nameCol int) {
	idCol, mobileCol, nameCol = -1, -1, -1
	for i, h := range header {
		h = strings.ReplaceAll(h, " ", "")
		switch {
		case idCol < 0 && (strings.Contains(h, "身份证") || strings.Contains(h, "证件号") || strings.EqualFold(h, "id_number")):
			idCol = i
		case mobileCol < 0 && (strings.Contains(h, "手机") || strings.Contains(h, "电话") || strings.EqualFold(h, "mobile")):
			mobileCol = i
		case nameCol < 0 && (strings.Contains(h, "姓名") || strings.EqualFold(h, "name")):
			nameCol = i
		}
	}
	return
}

func maskNumber(s string) string {
	r := []rune(s)
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

func (h *Pages) activityImport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	fail := func(key string, args ...any) {
		h.showFailed(w, r, p, a, "import", errs.Fields{"file": {Key: key, Args: args}}.Err())
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		fail("field.required")
		return nil
	}
	fh := r.MultipartForm.File["file"][0]
	f, err := fh.Open()
	if err != nil {
		fail("upload.unreadable")
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(f, importMaxBytes+1))
	f.Close()
	switch {
	case err != nil:
		fail("upload.unreadable")
		return nil
	case len(data) > importMaxBytes:
		fail("upload.too_large", importMaxBytes>>20)
		return nil
	case len(data) == 0:
		fail("upload.empty")
		return nil
	}
	rd, err := sheet.Open(bytes.NewReader(data), int64(len(data)), sheet.Options{
		Limits: sheet.Limits{MaxBytes: importMaxBytes},
		IsHeader: func(cells []string) bool {
			id, mobile, _ := importColumns(cells)
			return id >= 0 || mobile >= 0
		},
	})
	if err != nil {
		if e, ok := errs.As(err); ok && e.Code == "sheet_no_header" {
			fail("aweb.import.no_column")
			return nil
		}
		h.showFailed(w, r, p, a, "import", errs.Fields{"file": {Key: keyOf(err), Args: argsOf(err)}}.Err())
		return nil
	}
	defer rd.Close()
	idCol, mobileCol, nameCol := importColumns(rd.Header())
	res := &importResult{FileName: fh.Filename}
	if idCol >= 0 {
		res.ColumnLabel = rd.Header()[idCol]
	} else {
		res.ColumnLabel = rd.Header()[mobileCol]
	}
	ctx := r.Context()
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			h.showFailed(w, r, p, a, "import", errs.Fields{"file": {Key: keyOf(err), Args: argsOf(err)}}.Err())
			return nil
		}
		if len(res.Rows) == importMaxRows {
			res.Truncated = true
			break
		}
		out := importRow{Num: row.Num}
		if nameCol >= 0 {
			out.Name = row.Cells[nameCol]
		}
		number := ""
		if idCol >= 0 {
			number = strings.ToUpper(strings.ReplaceAll(row.Cells[idCol], " ", ""))
		}
		if number == "" && mobileCol >= 0 {
			number = strings.ReplaceAll(strings.ReplaceAll(row.Cells[mobileCol], " ", ""), "-", "")
		}
		out.Number = maskNumber(number)
		out.Outcome = h.importOne(ctx, p, lang, a, number, &out)
		if out.OK {
			res.OK++
		} else {
			res.Failed++
		}
		res.Rows = append(res.Rows, out)
	}
	if len(res.Rows) == 0 {
		fail("aweb.import.no_rows")
		return nil
	}
	h.renderActivityShow(w, r, p, a, showState{State: signup.State{Status: http.StatusOK, FormName: "import"}, Import: res})
	return nil
}

// importOne signs up the member of one row and says what happened.
func (h *Pages) importOne(ctx context.Context, p *auth.Principal, lang i18n.Lang, a *activity.Activity, number string, out *importRow) string {
	if number == "" {
		return i18n.T(lang, "aweb.import.no_number")
	}
	if _, ok := h.Members.NumberToken(number); !ok {
		return i18n.T(lang, "aweb.import.bad_number")
	}
	hits, _, err := h.Members.List(ctx, p, member.Query{Q: number, Limit: 2})
	if err != nil {
		return web.ErrMessage(lang, err)
	}
	switch len(hits) {
	case 0:
		return i18n.T(lang, "aweb.import.not_found")
	case 1:
	default:
		return i18n.T(lang, "aweb.import.ambiguous")
	}
	m := hits[0]
	out.Name = m.Name
	reg, made, err := h.Acts.Register(ctx, p, a.ID, m.ID)
	if err != nil {
		return web.ErrMessage(lang, err)
	}
	out.OK = true
	if !made {
		return i18n.T(lang, "aweb.import.already", regStatusLabel(lang, reg.Status))
	}
	return regStatusLabel(lang, reg.Status)
}

func keyOf(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Key
	}
	return "upload.unreadable"
}

func argsOf(err error) []any {
	if e, ok := errs.As(err); ok {
		return e.Args
	}
	return nil
}
