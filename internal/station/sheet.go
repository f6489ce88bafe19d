package station

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
	"gonghui/internal/signup"
)

// The stations' workbook: one row per station, in the columns staff
// write by hand (Chinese headers; the words for types, amenities and
// status in Chinese, English accepted too). Export writes it; Import
// reads it back, so an exported file re-imports as it was.

// Columns recognises the workbook's headers.
var Columns = sheet.NewColumns(map[string][]string{
	"name":       {"名称", "站点名称", "阵地名称", "name"},
	"type":       {"类型", "阵地类型", "type"},
	"org":        {"所属组织", "所属工会", "组织", "organisation", "org"},
	"address":    {"地址", "详细地址", "address"},
	"lat":        {"纬度", "lat", "latitude"},
	"lng":        {"经度", "lng", "longitude"},
	"system":     {"坐标系", "coordinate system", "system"},
	"amenities":  {"设施", "服务设施", "amenities"},
	"hours.mon":  {"周一", "星期一", "monday", "mon"},
	"hours.tue":  {"周二", "星期二", "tuesday", "tue"},
	"hours.wed":  {"周三", "星期三", "wednesday", "wed"},
	"hours.thu":  {"周四", "星期四", "thursday", "thu"},
	"hours.fri":  {"周五", "星期五", "friday", "fri"},
	"hours.sat":  {"周六", "星期六", "saturday", "sat"},
	"hours.sun":  {"周日", "星期日", "星期天", "sunday", "sun"},
	"exceptions": {"例外日期", "特殊开放日", "exceptions"},
	"phone":      {"电话", "联系电话", "phone"},
	"contact":    {"联系人", "contact"},
	"note":       {"备注", "note"},
	"status":     {"状态", "status"},
})

// ColumnOrder is the order Export writes the columns in.
var ColumnOrder = []string{"name", "type", "org", "address", "lat", "lng", "system", "amenities",
	"hours.mon", "hours.tue", "hours.wed", "hours.thu", "hours.fri", "hours.sat", "hours.sun", "exceptions", "phone", "contact", "note", "status"}

// Words of the workbook.
var (
	typeWords = map[string]string{TypeHome: "职工之家", TypeWarm: "暖心驿站", TypeCentre: "职工服务中心", TypeService: "工会服务站",
		TypeLibrary: "职工书屋", TypeNursing: "母婴关爱室", TypeMediation: "调解中心"}
	typeAliases  = map[string]string{"户外劳动者服务站": TypeWarm, "暖心驿站/户外劳动者服务站": TypeWarm, "爱心驿站": TypeWarm}
	amenityWords = map[Amenity]string{AmWater: "饮水", AmMicrowave: "微波炉", AmCharging: "充电", AmToilet: "卫生间", AmSeats: "休息座椅",
		AmFirstAid: "急救药箱", AmTyrePump: "打气筒", AmWifi: "无线网络", AmAircon: "空调", AmUmbrella: "雨伞", AmBooks: "图书", AmNursing: "哺乳"}
	statusWords = map[Status]string{StatusActive: "开放", StatusClosed: "停用"}
)

// MaxImportRows bounds the stations of one file.
const MaxImportRows = 5000

func splitWords(s string) []string {
	s = strings.NewReplacer("，", ",", "、", ",", ";", ",", "；", ",", "/", ",", "|", ",").Replace(s)
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func parseAmenities(s string) ([]Amenity, bool) {
	out := []Amenity{}
	for _, w := range splitWords(s) {
		found := false
		for a, word := range amenityWords {
			if strings.EqualFold(w, word) || strings.EqualFold(w, string(a)) {
				out, found = append(out, a), true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, true
}

// parseExceptions reads "2026-10-01 休息; 2026-10-02 09:00-12:00".
func parseExceptions(s string) []ExceptionText {
	var out []ExceptionText
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		date, hours, _ := strings.Cut(part, " ")
		out = append(out, ExceptionText{Date: date, Hours: strings.TrimSpace(hours)})
	}
	return out
}

func exceptionsText(es []ExceptionText) string {
	parts := make([]string, len(es))
	for i, e := range es {
		h := e.Hours
		if h == "" {
			h = "休息"
		}
		parts[i] = e.Date + " " + h
	}
	return strings.Join(parts, "; ")
}

// Row is one row read from a workbook.
type Row struct {
	Num      int
	OrgName  string
	TypeWord string
	Input    Input
}

// ReadSheet reads a stations workbook (.xlsx, or .csv) into rows, with
// every problem found without the database in rep.
func ReadSheet(src io.ReaderAt, size int64) ([]Row, *sheet.ImportReport, error) {
	rd, err := sheet.Open(src, size, sheet.Options{Limits: sheet.Limits{MaxBytes: 16 << 20, MaxRows: MaxImportRows},
		IsHeader: func(cells []string) bool { return Columns.IsHeader(cells, 3, "name") }})
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	header := rd.Header()
	at := Columns.Map(header)
	rep := &sheet.ImportReport{Format: rd.Format(), Encoding: rd.Encoding(), Errors: []sheet.ImportError{}}
	for _, need := range []string{"name", "address", "lat", "lng"} {
		if _, ok := at[need]; !ok {
			return nil, nil, signup.FieldErr("file", "station.import_missing_column", Columns.Name(need))
		}
	}
	colName := func(field string) string {
		if i, ok := at[field]; ok {
			return header[i]
		}
		return ""
	}
	var rows []Row
	seen := map[string]int{}
	for {
		r, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		rep.Total++
		cell := func(field string) string {
			if i, ok := at[field]; ok && i < len(r.Cells) {
				return r.Cells[i]
			}
			return ""
		}
		row := Row{Num: r.Num, OrgName: cell("org"), TypeWord: cell("type")}
		in := Input{Name: cell("name"), Address: cell("address"), LatText: cell("lat"), LngText: cell("lng"),
			Phone: cell("phone"), Contact: cell("contact"), Note: cell("note")}
		in.Hours.Exceptions = parseExceptions(cell("exceptions"))
		for i, k := range DayKeys {
			*in.Hours.Day(i) = cell("hours." + k)
		}
		bad := errs.Fields{}
		switch sys := strings.ToLower(strings.ReplaceAll(cell("system"), "-", "")); sys {
		case "", "wgs84", "gps":
			in.System = WGS84
		case "gcj02", "火星坐标", "高德", "腾讯":
			in.System = GCJ02
		default:
			bad.Add("system", "field.invalid_choice")
		}
		var ok bool
		if in.Amenities, ok = parseAmenities(cell("amenities")); !ok {
			bad.Add("amenities", "station.amenity_unknown")
		}
		switch st := cell("status"); st {
		case "", statusWords[StatusActive], string(StatusActive):
			in.Status = StatusActive
		case statusWords[StatusClosed], string(StatusClosed):
			in.Status = StatusClosed
		default:
			bad.Add("status", "field.invalid_choice")
		}
		// The organisation and the type are resolved against the
		// database; a placeholder lets validate check the rest.
		in.OrgID, in.Type = 1, "home"
		_, f := in.validate()
		for k, v := range f {
			bad.Add(k, v.Key, v.Args...)
		}
		key := row.OrgName + "\x00" + strings.TrimSpace(in.Name)
		if prev, dup := seen[key]; dup && in.Name != "" {
			bad.Add("name", "station.import_duplicate", prev)
		} else {
			seen[key] = r.Num
		}
		if len(bad) > 0 {
			rep.Invalid++
			names := make([]string, 0, len(bad))
			for k := range bad {
				names = append(names, k)
			}
			slices.SortFunc(names, func(a, b string) int {
				return slices.Index(ColumnOrder, colField(a)) - slices.Index(ColumnOrder, colField(b))
			})
			for _, k := range names {
				rep.Fail(r.Num, colName(colField(k)), bad[k].Key, bad[k].Args...)
			}
			continue
		}
		in.OrgID, in.Type = 0, ""
		row.Input = in
		rows = append(rows, row)
	}
	rep.Valid = len(rows)
	return rows, rep, nil
}

// colField is the column a field error belongs to.
func colField(field string) string {
	if strings.HasPrefix(field, "exceptions") {
		return "exceptions"
	}
	return field
}

// ImportOptions configure Import.
type ImportOptions struct {
	Mode  sheet.ImportMode
	OrgID int64  // the organisation of rows that name none
	Name  string // the file's name, for the audit log
}

// Import reads a stations workbook into the caller's subtrees: each row's
// organisation is the one it names (by name, where the caller keeps
// stations) or opt.OrgID. A station already there (same organisation and
// name) is skipped, so a file imported twice adds nothing. A dry run
// changes nothing; all-or-nothing imports every row or, if any is bad,
// none; valid-rows exactly the good rows. One transaction either way.
func (s *Store) Import(ctx context.Context, pr *auth.Principal, src io.ReaderAt, size int64, opt ImportOptions) (*sheet.ImportReport, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: import")
	}
	f := errs.Fields{}
	f.Check(opt.Mode.Valid(), "mode", "field.invalid_choice")
	f.Check(opt.OrgID != 0, "org_id", "field.required")
	if err := f.Err(); err != nil {
		return nil, err
	}
	home, err := signup.SeenOrg(ctx, s.DB, rule, pr, opt.OrgID, "org_id")
	if err != nil {
		return nil, err
	}
	if !rule.CanWrite(pr, home) {
		return nil, signup.FieldErr("org_id", "station.org_not_writable")
	}
	rows, rep, err := ReadSheet(src, size)
	if err != nil {
		return nil, err
	}
	rep.Mode = opt.Mode
	types, err := s.Types(ctx)
	if err != nil {
		return nil, err
	}
	colName := func(field string) string { return Columns.Name(field) }
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var good []Row
		var goodParsed []*parsed
		for _, r := range rows {
			in := r.Input
			in.OrgID = opt.OrgID
			if r.OrgName != "" {
				id, ok, err := writableOrgNamed(ctx, tx, pr, r.OrgName)
				if err != nil {
					return err
				}
				if !ok {
					rep.Invalid++
					rep.Valid--
					rep.Fail(r.Num, colName("org"), "station.import_org_unknown", r.OrgName)
					continue
				}
				in.OrgID = id
			}
			if in.Type = typeOf(types, r.TypeWord); in.Type == "" {
				rep.Invalid++
				rep.Valid--
				rep.Fail(r.Num, colName("type"), "station.type_unknown", r.TypeWord)
				continue
			}
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM stations WHERE org_id = ? AND name = ?", in.OrgID, strings.TrimSpace(in.Name)).Scan(&n); err != nil {
				return errs.Internal(err, "station: import")
			}
			if n > 0 {
				rep.Skipped++
				continue
			}
			p, bad := in.validate()
			if len(bad) > 0 {
				rep.Invalid++
				rep.Valid--
				for k, v := range bad {
					rep.Fail(r.Num, colName(colField(k)), v.Key, v.Args...)
				}
				continue
			}
			good, goodParsed = append(good, r), append(goodParsed, p)
		}
		write := opt.Mode == sheet.ImportValidRows || opt.Mode == sheet.ImportAllOrNothing && rep.Invalid == 0
		if !write || len(good) == 0 {
			return nil
		}
		for _, p := range goodParsed {
			if err := s.insert(ctx, tx, pr, db.NewID(), p); err != nil {
				return err
			}
			rep.Imported++
		}
		return audit.Record(ctx, tx, audit.Event{Action: "station.import", Entity: "org", EntityID: db.FormatID(opt.OrgID), OrgPath: home,
			After: map[string]any{"file": opt.Name, "mode": opt.Mode, "imported": rep.Imported, "skipped": rep.Skipped, "invalid": rep.Invalid}})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// writableOrgNamed finds the organisation of that exact name where pr
// keeps stations.
func writableOrgNamed(ctx context.Context, tx *db.Tx, pr *auth.Principal, name string) (int64, bool, error) {
	paths := pr.Paths(auth.PermStationWrite)
	if len(paths) == 0 {
		return 0, false, nil
	}
	in, args := scope.SQL("path", paths)
	var id int64
	rows, err := tx.Query(ctx, "SELECT id FROM orgs WHERE (name = ? OR short_name = ?) AND "+in+" ORDER BY depth, id LIMIT 1", append([]any{name, name}, args...)...)
	if err != nil {
		return 0, false, errs.Internal(err, "station: import org")
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, false, rows.Err()
	}
	err = rows.Scan(&id)
	return id, err == nil, err
}

// typeOf is the type a workbook's word names: a built-in's Chinese or
// English word, a staff-added type's name; "" none. Empty is 暖心驿站,
// the commonest.
func typeOf(types []Type, w string) string {
	w = strings.TrimSpace(w)
	if w == "" {
		return TypeWarm
	}
	if t, ok := typeAliases[w]; ok {
		return t
	}
	for _, t := range types {
		if t.Builtin && (typeWords[t.Code] == w || strings.EqualFold(t.Code, w)) || !t.Builtin && t.Name == w {
			return t.Code
		}
	}
	return ""
}

func typeWord(st *Station) string {
	if w, ok := typeWords[st.Type]; ok {
		return w
	}
	return st.TypeName
}

// sheetRow is st in the workbook's layout.
func sheetRow(st *Station) []any {
	words := make([]string, len(st.Amenities))
	for i, a := range st.Amenities {
		words[i] = amenityWords[a]
	}
	row := []any{st.Name, typeWord(st), st.OrgName, st.Address, strconv.FormatFloat(st.Location.Lat, 'f', 6, 64),
		strconv.FormatFloat(st.Location.Lng, 'f', 6, 64), "WGS-84", strings.Join(words, "、")}
	for i := range DayKeys {
		h := *st.Hours.Day(i)
		if h == "" {
			h = "休息"
		}
		row = append(row, h)
	}
	return append(row, exceptionsText(st.Hours.Exceptions), st.Phone, st.Contact, st.Note, statusWords[st.Status])
}

// Export writes the stations q selects (every page of them) as an .xlsx
// in the layout Import reads; audited.
func (s *Store) Export(ctx context.Context, pr *auth.Principal, q Query, out io.Writer) (int, error) {
	if pr == nil {
		return 0, scope.NilPrincipal("station: export")
	}
	head := make([]string, len(ColumnOrder))
	for i, f := range ColumnOrder {
		head[i] = Columns.Name(f)
	}
	w, err := sheet.NewWriter("服务阵地", head)
	if err != nil {
		return 0, errs.Internal(err, "station: export")
	}
	defer w.Close()
	q.After, q.Offset, q.Limit, q.Sort = "", 0, scope.MaxPage, "name"
	n := 0
	for {
		list, next, err := s.List(ctx, pr, q)
		if err != nil {
			return 0, err
		}
		for i := range list {
			if err := w.Row(sheetRow(&list[i])...); err != nil {
				return 0, errs.Internal(err, "station: export")
			}
			n++
		}
		if next == "" {
			break
		}
		q.After = next
	}
	paths, _ := rule.Paths(pr)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "station.export", Entity: "station", OrgPath: firstOr(paths),
			After: map[string]any{"rows": n, "q": q.Q, "type": q.Type}})
	})
	if err != nil {
		return 0, err
	}
	if _, err := w.WriteTo(out); err != nil {
		return 0, errs.Internal(err, "station: export")
	}
	return n, nil
}

func firstOr(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	return paths[0]
}
