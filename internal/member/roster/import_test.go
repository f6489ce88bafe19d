package roster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/member/membertest"
	"gonghui/internal/member/membertest/storetest"
	"gonghui/internal/sheet"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// xlsx writes rows (the first is the header) as an .xlsx file.
func xlsx(t testing.TB, rows ...[]string) []byte {
	t.Helper()
	w, err := sheet.NewWriter("会员", rows[0])
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, r := range rows[1:] {
		vals := make([]any, len(r))
		for i, c := range r {
			vals[i] = c
		}
		if err := w.Row(vals...); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func csvFile(rows ...[]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func importFile(t *testing.T, w *storetest.World, data []byte, mode ImportMode) *ImportReport {
	t.Helper()
	rep, err := Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(data), int64(len(data)), ImportOptions{OrgID: w.UnionA.ID, Mode: mode, Name: "test.xlsx"})
	if err != nil {
		t.Fatalf("import %s: %v", mode, err)
	}
	return rep
}

func errorAt(rep *ImportReport, row int, column string) string {
	for _, e := range rep.Errors {
		if e.Row == row && e.Column == column {
			return e.Code
		}
	}
	return ""
}

func TestImportModes(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		elsewhere := w.Add(t, w.UnionB, "外单位", 900)
		badCheck := membertest.IDNumber(t, 903)
		badCheck = badCheck[:17] + map[bool]string{true: "2", false: "1"}[badCheck[17] == '1'] // a wrong check character
		data := xlsx(t,
			[]string{"甲公司会员花名册", "", "", "", "", ""},
			[]string{"序号", "姓名", "*身份证号码", "手机号", "工作单位", "入会时间"},
			[]string{"1", "张一", membertest.IDNumber(t, 901), membertest.Mobile(901), "甲公司", "2020年3月1日"},
			[]string{"2", "张二", membertest.IDNumber(t, 902), "", "", "2021/4/5"},
			[]string{"3", "张三", badCheck, membertest.Mobile(903), "", ""},
			[]string{"", "", "", "", "", ""},
			[]string{"5", "张五", membertest.IDNumber(t, 901), membertest.Mobile(905), "", ""},
			[]string{"6", "外单位", membertest.IDNumber(t, 900), "", "", ""},
			[]string{"7", "张七", membertest.IDNumber(t, 907), membertest.Mobile(907), "", "2020-13-01"},
		)
		rep := importFile(t, w, data, ImportDryRun)
		if rep.Total != 6 || rep.Valid != 2 || rep.Invalid != 4 || rep.Imported != 0 {
			t.Fatalf("dry run %+v", rep)
		}
		// Row numbers are those a spreadsheet shows (title row 1, header 2,
		// an empty row 8); columns are the file's own headers.
		for _, c := range []struct {
			row    int
			column string
			code   string
		}{{5, "*身份证号码", "id_number_check"}, {7, "*身份证号码", "import_duplicate"}, {8, "*身份证号码", "member_elsewhere"}, {9, "入会时间", "import_date"}} {
			if got := errorAt(rep, c.row, c.column); got != c.code {
				t.Errorf("row %d %s: %q, want %q (%+v)", c.row, c.column, got, c.code, rep.Errors)
			}
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members"); n != 1 {
			t.Fatalf("a dry run wrote: %d members", n)
		}
		rep = importFile(t, w, data, ImportAllOrNothing)
		if rep.Imported != 0 || rep.Invalid != 4 {
			t.Fatalf("all-or-nothing with bad rows %+v", rep)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members"); n != 1 {
			t.Fatalf("all-or-nothing with bad rows wrote: %d members", n)
		}
		rep = importFile(t, w, data, ImportValidRows)
		if rep.Imported != 2 || rep.Invalid != 4 {
			t.Fatalf("valid rows %+v", rep)
		}
		m, _, err := w.S.List(ctx, w.DashilanOfficer, member.Query{Q: "张一"})
		if err != nil || len(m) != 1 || m[0].JoinedOn != "2020-03-01" || m[0].EmployerID != w.EmpA.ID || m[0].Source != member.SourceImport {
			t.Fatalf("imported %+v %v", m, err)
		}
		// Again: nothing new.
		rep = importFile(t, w, data, ImportValidRows)
		if rep.Imported != 0 || rep.Skipped != 2 {
			t.Fatalf("re-import %+v", rep)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members"); n != 3 {
			t.Fatalf("re-import made duplicates: %d members", n)
		}
		_ = elsewhere
		// A clean file imports whole.
		clean := xlsx(t, []string{"姓名", "身份证号", "性别", "标签"},
			[]string{"李一", membertest.IDNumber(t, 911), genderOf(t, 911), "劳模、党员"},
			[]string{"李二", membertest.IDNumber(t, 912), genderOf(t, 912), ""})
		rep = importFile(t, w, clean, ImportAllOrNothing)
		if rep.Imported != 2 || rep.Invalid != 0 {
			t.Fatalf("clean all-or-nothing %+v", rep)
		}
		li, _, _ := w.S.List(ctx, w.DashilanOfficer, member.Query{Q: "李一"})
		if len(li) != 1 || strings.Join(li[0].Tags, ",") != "model_worker,party_member" {
			t.Fatalf("tags %+v", li)
		}
		// A former member in a roster comes back on the same row.
		if _, err := w.S.SetStatus(ctx, w.Admin, li[0].ID, member.StatusChange{Status: member.StatusLeft}); err != nil {
			t.Fatal(err)
		}
		rep = importFile(t, w, clean, ImportValidRows)
		if rep.Imported != 1 || rep.Skipped != 1 {
			t.Fatalf("rejoin by import %+v", rep)
		}
		back, err := w.S.Get(ctx, w.Admin, li[0].ID)
		if err != nil || back.Status != member.StatusActive || back.CardSerial != 2 {
			t.Fatalf("rejoined %+v %v", back, err)
		}
	})
}

func genderOf(t testing.TB, n int) string {
	id := membertest.IDNumber(t, n)
	if (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

func TestImportCSVEncodingsAndHeaders(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		rows := [][]string{{"会员姓名", "公民身份号码", "联系电话", "岗位"}, {"王一", membertest.IDNumber(t, 921), membertest.Mobile(921), "焊工"}}
		utf := csvFile(rows...)
		gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvFile([]string{"姓名", "身份证号"}, []string{"王二", membertest.IDNumber(t, 922)}))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range [][]byte{utf, gb} {
			rep := importFile(t, w, f, ImportValidRows)
			if rep.Imported != 1 || rep.Format != "csv" {
				t.Fatalf("csv %+v", rep)
			}
		}
		got, _, _ := w.S.List(ctx, w.DashilanOfficer, member.Query{Q: "王二"})
		if len(got) != 1 {
			t.Fatal("GB18030 name not read")
		}
		// Required columns missing: a field error, nothing else.
		_, err = Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(csvFile([]string{"名字x", "电话"}, []string{"a", "b"})), 20, ImportOptions{OrgID: w.UnionA.ID, Mode: ImportDryRun})
		membertest.WantKind(t, err, errs.KindInvalid)
		// Another street's union: refused.
		_, err = Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(utf), int64(len(utf)), ImportOptions{OrgID: w.UnionB.ID, Mode: ImportValidRows})
		membertest.WantField(t, err, "org", "field.invalid_id")
		_, err = Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(utf), int64(len(utf)), ImportOptions{OrgID: w.UnionA.ID, Mode: "maybe"})
		membertest.WantField(t, err, "mode", "field.invalid_choice")
		// A formula-looking cell is data, never a formula.
		f := xlsx(t, []string{"姓名", "身份证号", "岗位"}, []string{"赵一", membertest.IDNumber(t, 923), "=HYPERLINK(\"x\")"})
		if rep := importFile(t, w, f, ImportValidRows); rep.Imported != 1 {
			t.Fatalf("formula cell %+v", rep)
		}
		z, _, _ := w.S.List(ctx, w.DashilanOfficer, member.Query{Q: "赵一"})
		if len(z) != 1 || z[0].Job != "=HYPERLINK(\"x\")" {
			t.Fatalf("job %+v", z)
		}
	})
}

// BenchmarkImport100k imports 100,000 generated rows (valid-rows mode) into
// one union and reports rows per second; -benchmem gives the allocations.
// Run: go test -run=^$ -bench=Import100k -benchtime=1x ./internal/member/
func BenchmarkImport100k(b *testing.B) {
	for _, engine := range testkit.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			d := testkit.NewDB(b, engine)
			w := storetest.New(b, d)
			var buf bytes.Buffer
			buf.WriteString("姓名,身份证号,手机号\n")
			g := &generator{regions: []string{"110101", "110102", "110105"}, rng: rand.New(rand.NewPCG(1, 2))}
			for i := range 100_000 {
				id, err := g.idNumber(i)
				if err != nil {
					b.Fatal(err)
				}
				fmt.Fprintf(&buf, "%s,%s,%s\n", g.name(), id.Number, mobileOf(i))
			}
			data := buf.Bytes()
			b.ResetTimer()
			for range b.N {
				rep, err := Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(data), int64(len(data)), ImportOptions{OrgID: w.UnionA.ID, Mode: ImportValidRows})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Imported+rep.Skipped != 100_000 {
					b.Fatalf("imported %d, skipped %d, invalid %d; first errors %+v", rep.Imported, rep.Skipped, rep.Invalid, rep.Errors[:min(5, len(rep.Errors))])
				}
			}
			b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// A city-level roster names each row's union; rows naming a union outside
// the caller's reach, or none, are refused.
func TestImportUnionColumn(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		data := csvFile([]string{"姓名", "身份证号", "所在工会"},
			[]string{"赵甲", membertest.IDNumber(t, 931), "甲公司工会"},
			[]string{"赵乙", membertest.IDNumber(t, 932), db.FormatID(w.SubA.ID)},
			[]string{"赵丙", membertest.IDNumber(t, 933), "乙公司工会"},
			[]string{"赵丁", membertest.IDNumber(t, 934), ""},
			[]string{"赵戊", membertest.IDNumber(t, 935), "大栅栏街道总工会"},
		)
		rep, err := Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(data), int64(len(data)), ImportOptions{Mode: ImportValidRows})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Imported != 3 || rep.Invalid != 2 || errorAt(rep, 4, "所在工会") != "import_union_unknown" || errorAt(rep, 5, "所在工会") != "import_union_missing" {
			t.Fatalf("report %+v", rep)
		}
		for name, u := range map[string]int64{"赵甲": w.UnionA.ID, "赵乙": w.SubA.ID, "赵戊": w.Dashilan.ID} {
			got, _, _ := w.S.List(ctx, w.Admin, member.Query{Q: name})
			if len(got) != 1 || got[0].OrgID != u {
				t.Fatalf("%s: %+v", name, got)
			}
		}
		// Neither a default union nor a union column: refused at once.
		plain := csvFile([]string{"姓名", "身份证号"}, []string{"钱甲", membertest.IDNumber(t, 936)})
		_, err = Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(plain), int64(len(plain)), ImportOptions{Mode: ImportDryRun})
		membertest.WantField(t, err, "org", "member.import_union_required")
	})
}

// A valid-rows import that breaks off mid-file keeps the batches committed
// before and says how many, together with the error.
func TestImportBreaksOffMidFile(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		var b bytes.Buffer
		b.WriteString("姓名,身份证号\n")
		g := &generator{regions: []string{"110101"}, rng: rand.New(rand.NewPCG(3, 4))}
		for i := range importBatch + 10 {
			id, err := g.idNumber(i)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s,%s\n", g.name(), id.Number)
		}
		// An unclosed quote swallows the rest of the file into one record,
		// more than the reader takes.
		b.WriteString("\"" + strings.Repeat("x", 9<<20) + "\n")
		data := b.Bytes()
		rep, err := Import(ctx, w.S, w.DashilanOfficer, bytes.NewReader(data), int64(len(data)), ImportOptions{OrgID: w.UnionA.ID, Mode: ImportValidRows})
		if err == nil {
			t.Fatal("a broken file imported without an error")
		}
		if rep == nil || rep.Imported != importBatch {
			t.Fatalf("report %+v, want %d imported", rep, importBatch)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members"); n != importBatch {
			t.Fatalf("%d members stored", n)
		}
	})
}

// Point 12: the import dry run says only that a person is a member
// elsewhere, never where.
func TestImportDryRunDoesNotNameTheUnion(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		m := w.Add(t, w.UnionA, "甲会员", 1500)
		data := csvFile([]string{"姓名", "身份证号", "手机号"}, []string{"甲会员", membertest.IDNumber(t, 1500), ""})
		rep, err := Import(ctx, w.S, w.XichangOf, bytes.NewReader(data), int64(len(data)), ImportOptions{OrgID: w.UnionB.ID, Mode: ImportDryRun, Name: "r.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Code != "member_elsewhere" {
			t.Fatalf("report %+v", rep)
		}
		b, _ := json.Marshal(rep)
		for _, leak := range []string{w.UnionA.Name, w.Dashilan.Name, db.FormatID(w.UnionA.ID), db.FormatID(m.ID)} {
			if strings.Contains(string(b), leak) {
				t.Fatalf("dry run names %q: %s", leak, b)
			}
		}
	})
}
