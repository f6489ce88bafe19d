package roster

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
)

// The import's modes and report are those of every sheet import.
type (
	ImportMode   = sheet.ImportMode
	ImportError  = sheet.ImportError
	ImportReport = sheet.ImportReport
)

const (
	ImportDryRun       = sheet.ImportDryRun
	ImportAllOrNothing = sheet.ImportAllOrNothing
	ImportValidRows    = sheet.ImportValidRows
	MaxImportErrors    = sheet.MaxImportErrors
)

// importBatch is how many rows are checked against the registry and
// written together.
const importBatch = 2000

// Columns of a roster, recognised by the headers people write.
var columnNames = map[string][]string{
	"name":      {"姓名", "名字", "会员姓名", "职工姓名", "员工姓名", "name"},
	"id_number": {"身份证号", "身份证号码", "身份证", "公民身份号码", "公民身份证号码", "居民身份证号码", "证件号码", "身份证件号码", "id_number", "idnumber"},
	"mobile":    {"手机号", "手机号码", "手机", "联系电话", "电话", "联系方式", "移动电话", "mobile", "phone"},
	"employer":  {"单位", "工作单位", "所在单位", "单位名称", "用人单位", "employer"},
	"job":       {"岗位", "职务", "工种", "职位", "岗位职务", "job"},
	"joined_on": {"入会时间", "入会日期", "加入工会时间", "入会年月", "joined_on", "joined"},
	"tags":      {"标签", "身份", "人员类别", "类别", "tags"},
	"gender":    {"性别", "gender"},
	"union":     {"所在工会", "工会", "工会名称", "所属工会", "union"},
}

var columns = sheet.NewColumns(columnNames)

// isHeader: a row naming the person's name or ID column and one more known
// column is the header; the title rows above it are not.
func isHeader(cells []string) bool { return columns.IsHeader(cells, 2, "name", "id_number") }

// tagLabels maps the Chinese words of a tags column to tags.
var tagLabels = map[string]member.Tag{
	"劳模": member.TagModelWorker, "劳动模范": member.TagModelWorker, "工匠": member.TagCraftsman, "党员": member.TagPartyMember, "中共党员": member.TagPartyMember,
	"困难职工": member.TagHardship, "困难": member.TagHardship, "新就业形态": member.TagPlatformWorker, "新就业形态劳动者": member.TagPlatformWorker,
	"户外劳动者": member.TagOutdoorWorker, "户外": member.TagOutdoorWorker,
}

func parseTags(s string) ([]string, bool) {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，、;；/ ", r) }) {
		if t, ok := tagLabels[part]; ok {
			out = append(out, string(t))
		} else if member.Tag(part).Bit() != 0 {
			out = append(out, part)
		} else {
			return nil, false
		}
	}
	return out, true
}

var dateForms = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?$`)

// parseImportDate reads the dates people type: 2020-01-02, 2020/1/2,
// 2020.1.2, 2020年1月2日, 20200102, a month alone (2020-01, 2020年1月: the
// first), or an Excel serial number.
func parseImportDate(r *sheet.Reader, s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		t, err := time.Parse("20060102", s)
		return t.Format(time.DateOnly), err == nil
	}
	if m := dateForms.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d := 1
		if m[3] != "" {
			d, _ = strconv.Atoi(m[3])
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false
		}
		return t.Format(time.DateOnly), true
	}
	if t, ok := r.Date(s); ok && strings.Trim(s, "0123456789.") == "" {
		return t.Format(time.DateOnly), true
	}
	return "", false
}

// importer holds one import's state.
type importer struct {
	s       *member.Store
	ctx     context.Context
	pr      *auth.Principal
	u       *member.Union // the default union; nil when every row names its own
	r       *sheet.Reader
	col     map[string]int // field -> column index
	header  []string       // the file's headers
	unions  map[string]*unionRef
	seenID  map[[16]byte]int // id hash prefix -> first row
	seenMob map[[16]byte]int // mobile hash prefix -> first row
	rep     *ImportReport
}

// unionRef is a union named in a roster's union column, resolved once.
type unionRef struct {
	u         *member.Union
	employers map[string]int64 // its employers by name
	key       string           // when u is nil, why: the message key
}

// union resolves the union a row joins: the one its union column names (by
// name, among the unions the caller may write members into, or by id), or
// the import's default.
func (im *importer) union(name string) *unionRef {
	if ref, ok := im.unions[name]; ok {
		return ref
	}
	ref := &unionRef{}
	im.unions[name] = ref
	var u *member.Union
	var err error
	switch {
	case name == "" && im.u == nil:
		ref.key = "member.import_union_missing"
		return ref
	case name == "":
		u = im.u
	default:
		u, err = im.s.FindUnion(im.ctx, im.pr, name)
		if err != nil {
			ref.key = "member.import_union_unknown"
			if e, ok := errs.As(err); ok && e.Code == "ambiguous" {
				ref.key = "member.import_union_ambiguous"
			}
			return ref
		}
	}
	if ref.employers, err = im.s.UnionEmployers(im.ctx, u); err != nil {
		ref.key = "member.import_union_unknown"
		return ref
	}
	ref.u = u
	return ref
}

// fail records a problem of one row (the row is counted once, by the caller).
func (im *importer) fail(num int, field, key string, args ...any) {
	column := ""
	if i, ok := im.col[fieldColumn(field)]; ok {
		column = im.header[i]
	}
	im.rep.Fail(num, column, key, args...)
}

// fieldColumn maps a person field to the roster column that carries it.
func fieldColumn(field string) string {
	if field == "employer_name" || field == "employer_id" {
		return "employer"
	}
	return field
}

func (im *importer) cell(row sheet.Row, field string) string {
	if i, ok := im.col[field]; ok {
		return row.Cells[i]
	}
	return ""
}

func hashKey(h string) [16]byte {
	var k [16]byte
	b, _ := hex.DecodeString(h[:32])
	copy(k[:], b)
	return k
}

// check validates one row on its own and against the rows before it.
func (im *importer) check(row sheet.Row) member.Row {
	out := member.Row{Num: row.Num}
	f := errs.Fields{}
	in := member.Person{Name: im.cell(row, "name"), IDNumber: im.cell(row, "id_number"), Mobile: im.cell(row, "mobile"),
		Job: im.cell(row, "job")}
	if d := im.cell(row, "joined_on"); d != "" {
		if v, ok := parseImportDate(im.r, d); ok {
			in.JoinedOn = v
		} else {
			f.Add("joined_on", "member.import_date")
		}
	}
	if t := im.cell(row, "tags"); t != "" {
		if tags, ok := parseTags(t); ok {
			in.Tags = tags
		} else {
			f.Add("tags", "member.import_tags")
		}
	}
	ref := im.union(im.cell(row, "union"))
	if ref.u == nil {
		f.Add("union", ref.key)
	}
	emp := im.cell(row, "employer")
	if id, ok := ref.employers[emp]; ok && emp != "" {
		in.EmployerID = id
	}
	in.EmployerName = emp
	p := im.s.Check(in, f)
	if g := im.cell(row, "gender"); g != "" && p.IDKey() != "" {
		male := g == "男" || strings.EqualFold(g, "male") || strings.EqualFold(g, "m")
		female := g == "女" || strings.EqualFold(g, "female") || strings.EqualFold(g, "f")
		if !male && !female || male != p.Male() {
			f.Add("gender", "member.import_gender")
		}
	}
	if row.Truncated {
		f.Add("row", "member.import_truncated")
	}
	if p.IDKey() != "" {
		k := hashKey(p.IDKey())
		if first, dup := im.seenID[k]; dup {
			f.Add("id_number", "member.import_duplicate", first)
		} else {
			im.seenID[k] = row.Num
		}
	}
	if p.MobileKey() != "" {
		k := hashKey(p.MobileKey())
		if first, dup := im.seenMob[k]; dup {
			f.Add("mobile", "member.import_duplicate", first)
		} else {
			im.seenMob[k] = row.Num
		}
	}
	if len(f) > 0 {
		im.rep.Invalid++
		for _, name := range sortedFields(f) {
			im.fail(row.Num, name, f[name].Key, f[name].Args...)
		}
		return out
	}
	out.Person, out.Union, out.OK = p, ref.u, true
	return out
}

// sortedFields orders a row's problems as the columns usually stand.
func sortedFields(f errs.Fields) []string {
	order := []string{"row", "union", "name", "id_number", "gender", "mobile", "employer_name", "employer_id", "job", "joined_on", "tags"}
	var out []string
	for _, n := range order {
		if _, ok := f[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// tally adds a checked batch's verdicts to the report.
func (im *importer) tally(batch []member.Row, vs []member.Verdict, written bool) {
	for i, r := range batch {
		if !r.OK {
			continue
		}
		switch v := vs[i]; {
		case v.Field != "":
			im.rep.Invalid++
			im.fail(r.Num, v.Field, v.Key)
		case v.Skip:
			im.rep.Valid++
			im.rep.Skipped++
		default:
			im.rep.Valid++
			if written {
				im.rep.Imported++
			}
		}
	}
}

// ImportOptions configure Import.
type ImportOptions struct {
	OrgID    int64 // the default union; 0 when the roster names each row's
	Mode     ImportMode
	Name     string // the file's name, for the audit log
	Progress func(done, total int64)
}

// Import reads a roster (.xlsx, or .csv in UTF-8 or GB18030) into union
// OrgID, or, row by row, into the union a "工会" column names (by exact
// name or id, among the unions the caller may write members into). Every row is checked: the rules of a member's record, duplicates
// within the file, and what the registry holds. A dry run changes nothing;
// all-or-nothing imports in one transaction, rolled back if any row is bad;
// valid-rows imports the good rows, a batch per transaction. A person
// already a member of this union is skipped, so importing the same file
// twice adds nothing. The file is streamed: memory does not grow with its
// length (beyond 32 bytes per row to find duplicates within the file). When
// a valid-rows import fails after some batches were committed, it answers
// the report so far together with the error.
func Import(ctx context.Context, s *member.Store, pr *auth.Principal, src io.ReaderAt, size int64, opt ImportOptions) (*ImportReport, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("member")
	}
	if !opt.Mode.Valid() {
		return nil, fieldErr("mode", "field.invalid_choice")
	}
	var u *member.Union
	var err error
	if opt.OrgID != 0 {
		if u, err = s.TargetUnion(ctx, pr, opt.OrgID); err != nil {
			return nil, err
		}
	}
	r, err := sheet.Open(src, size, sheet.Options{IsHeader: isHeader})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	im := &importer{s: s, ctx: ctx, pr: pr, u: u, r: r, col: columns.Map(r.Header()), header: r.Header(), unions: map[string]*unionRef{},
		seenID: map[[16]byte]int{}, seenMob: map[[16]byte]int{},
		rep: &ImportReport{Mode: opt.Mode, Errors: []ImportError{}, Format: r.Format(), Encoding: r.Encoding()}}
	var missing []string
	for _, f := range []string{"name", "id_number"} {
		if _, ok := im.col[f]; !ok {
			missing = append(missing, columns.Name(f))
		}
	}
	if len(missing) > 0 {
		return nil, fieldErr("file", "member.import_columns", strings.Join(missing, "、"))
	}
	if _, ok := im.col["union"]; !ok && u == nil {
		// No union to import into, and the rows name none.
		return nil, fieldErr("org", "member.import_union_required")
	}
	// The audit record goes to the default union, or to the caller's home.
	auditID, auditPath := pr.OrgID, pr.OrgPath
	if u != nil {
		auditID, auditPath = u.ID, u.Path
	}
	// each reads the file in batches and hands each to fn.
	each := func(fn func(batch []member.Row) error) error {
		batch := make([]member.Row, 0, importBatch)
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			im.rep.Total++
			batch = append(batch, im.check(row))
			if len(batch) == importBatch {
				if err := fn(batch); err != nil {
					return err
				}
				batch = batch[:0]
				if opt.Progress != nil {
					opt.Progress(r.Progress())
				}
			}
		}
		if len(batch) > 0 {
			if err := fn(batch); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(r.Progress())
		}
		return ctx.Err()
	}
	record := func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "member.import", Entity: "org", EntityID: db.FormatID(auditID), OrgPath: auditPath,
			After: map[string]any{"file": opt.Name, "mode": opt.Mode, "total": im.rep.Total, "imported": im.rep.Imported,
				"skipped": im.rep.Skipped, "invalid": im.rep.Invalid}})
	}
	switch opt.Mode {
	case ImportDryRun:
		err = each(func(batch []member.Row) error {
			vs, err := s.Registry(ctx, nil, batch)
			if err == nil {
				im.tally(batch, vs, false)
			}
			return err
		})
	case ImportValidRows:
		err = each(func(batch []member.Row) error {
			var vs []member.Verdict
			err := s.DB.Tx(ctx, func(tx *db.Tx) error {
				var err error
				if vs, err = s.Registry(ctx, tx, batch); err != nil {
					return err
				}
				return s.Write(ctx, tx, batch, vs)
			})
			if db.IsUnique(err) {
				// Someone added one of these people since the check (on
				// PostgreSQL the check cannot lock rows that do not exist
				// yet): check again, now seeing them.
				err = s.DB.Tx(ctx, func(tx *db.Tx) error {
					var err error
					if vs, err = s.Registry(ctx, tx, batch); err != nil {
						return err
					}
					return s.Write(ctx, tx, batch, vs)
				})
			}
			if err != nil {
				return importWriteErr(err)
			}
			im.tally(batch, vs, true)
			return nil
		})
		if err == nil && im.rep.Imported > 0 {
			err = s.DB.Tx(ctx, record)
		}
	case ImportAllOrNothing:
		attempts := 0
		err = s.DB.Tx(ctx, func(tx *db.Tx) error {
			// The file is a stream: a transaction the database asks to
			// retry cannot be replayed, so the import says so instead.
			if attempts++; attempts > 1 {
				return errs.Conflict("import_race", "member.import_race")
			}
			err := each(func(batch []member.Row) error {
				vs, err := s.Registry(ctx, tx, batch)
				if err != nil {
					return err
				}
				clean := im.rep.Invalid == 0
				im.tally(batch, vs, clean)
				if clean && im.rep.Invalid == 0 {
					return importWriteErr(s.Write(ctx, tx, batch, vs))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if im.rep.Invalid > 0 {
				return errRollback
			}
			if im.rep.Imported == 0 {
				return nil
			}
			return record(tx)
		})
		if errors.Is(err, errRollback) {
			im.rep.Imported = 0
			err = nil
		}
	}
	if err != nil && opt.Mode == ImportValidRows && im.rep.Imported > 0 {
		// Batches committed before the failure stay: say how far it got.
		return im.rep, err
	}
	if err != nil {
		return nil, err
	}
	return im.rep, nil
}

func importWriteErr(err error) error {
	if err == nil {
		return nil
	}
	if db.IsUnique(err) {
		return errs.Conflict("import_race", "member.import_race")
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	return errs.Internal(err, "member: import write")
}

var errRollback = errors.New("member: import has bad rows; rolled back")

// fieldErr is a validation error on one field.
func fieldErr(field, key string, args ...any) error {
	f := errs.Fields{}
	f.Add(field, key, args...)
	return f.Err()
}
