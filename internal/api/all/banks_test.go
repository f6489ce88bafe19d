package all_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// bankSheet has three questions; row 3's answer names an option that is
// not there.
const bankSheet = "题型,题干,选项A,选项B,选项C,答案,分类,难度\n" +
	"单选题,工会会员的权利不包括以下哪项？,选举权,表决权,指挥权,C,工会章程,易\n" +
	"单选题,基层工会委员会每届任期为几年？,三年或五年,十年,,D,工会章程,中\n" +
	"判断题,工会经费可以用于职工福利。,,,,对,工会经费,中\n"

// uploadSheet posts a sheet to path as username in a multipart form.
func (f *fixture) uploadSheet(as, path, name, data string) answer {
	f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(data))
	mw.Close()
	return f.send(f.token(as), "POST", path, mw.FormDataContentType(), &buf)
}

type bankJSON struct {
	ID        string
	Name      string
	Version   int
	Questions int
	Writable  bool
}

type questionJSON struct {
	ID      string
	Type    string
	Version int
	Key     struct {
		Choices []int
		Blanks  [][]string
	}
}

func TestBanksAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.staff("officer_city", "root", auth.RoleOfficer)

		var b, city bankJSON
		f.postJSON("officer_a", "POST", "/api/v1/banks", `{"org_id":"{streetA}","name":"安全生产题库","description":"2025 年竞赛"}`, http.StatusCreated, &b)
		f.postJSON("officer_city", "POST", "/api/v1/banks", `{"org_id":"{root}","name":"全市题库"}`, http.StatusCreated, &city)
		f.ids["bank"], f.ids["city"] = b.ID, city.ID
		if !b.Writable || b.Version != 1 {
			t.Fatalf("created: %+v", b)
		}
		var q questionJSON
		f.postJSON("officer_a", "POST", "/api/v1/banks/{bank}/questions",
			`{"type":"multiple","stem":"下列属于劳动者权利的有（ ）。","options":["休息休假","获得劳动报酬","随意旷工"],"key":{"choices":[1,0]},"category":"劳动法"}`, http.StatusCreated, &q)
		f.ids["q"] = q.ID
		if len(q.Key.Choices) != 2 || q.Key.Choices[0] != 0 {
			t.Fatalf("question: %+v", q)
		}
		var blank questionJSON
		f.postJSON("officer_a", "POST", "/api/v1/banks/{bank}/questions",
			`{"type":"blank","stem":"中华全国总工会成立于（ ）年。","key":{"blanks":[["1925","一九二五"]]},"difficulty":3}`, http.StatusCreated, &blank)

		f.run([]Step{
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/banks?sort=name", status: 200,
				want: []string{`"name":"安全生产题库"`, `"name":"全市题库"`, `"total":{"n":2,`, `"writable":false`, `"writable":true`}},
			{name: "list by org", as: "officer_a", method: "GET", path: "/api/v1/banks?org={streetA}&q=安全", status: 200, want: []string{`"total":{"n":1,`}, not: []string{"全市题库"}},
			{name: "bad sort", as: "officer_a", method: "GET", path: "/api/v1/banks?sort=colour", status: 422},
			{name: "leader reads", as: "leader_a", method: "GET", path: "/api/v1/banks/{bank}", status: 200, want: []string{`"writable":false`}},
			{name: "leader cannot create", as: "leader_a", method: "POST", path: "/api/v1/banks", body: `{"org_id":"{streetA}","name":"领导的题库"}`, status: 403},
			{name: "leader cannot add", as: "leader_a", method: "POST", path: "/api/v1/banks/{bank}/questions", body: `{"type":"truefalse","stem":"对吗？","key":{"true":true}}`, status: 403},
			{name: "another street", as: "officer_b", method: "GET", path: "/api/v1/banks/{bank}", status: 404},
			{name: "another street's questions", as: "officer_b", method: "GET", path: "/api/v1/banks/{bank}/questions", status: 404},
			{name: "another street's question", as: "officer_b", method: "GET", path: "/api/v1/questions/{q}", status: 404},
			{name: "the city's bank, read-only", as: "officer_b", method: "GET", path: "/api/v1/banks/{city}", status: 200, want: []string{`"writable":false`}},
			{name: "cannot change the city's", as: "officer_b", method: "PATCH", path: "/api/v1/banks/{city}", body: `{"version":1,"name":"改名"}`, status: 403},
			{name: "no roles", as: "clerk", method: "GET", path: "/api/v1/banks", status: 200, want: []string{`"items":[]`}},
			{name: "missing org", as: "officer_a", method: "POST", path: "/api/v1/banks", body: `{"name":"无主题库"}`, status: 422, want: []string{`"org_id"`}},
			{name: "same name", as: "officer_a", method: "POST", path: "/api/v1/banks", body: `{"org_id":"{streetA}","name":"安全生产题库"}`, status: 422, want: []string{`"fields":{"name"`}},
			{name: "one key for a multiple", as: "officer_a", method: "POST", path: "/api/v1/banks/{bank}/questions",
				body: `{"type":"multiple","stem":"多选？","options":["甲","乙"],"key":{"choices":[0]}}`, status: 422, want: []string{`"key"`}},
			{name: "duplicate", as: "officer_a", method: "POST", path: "/api/v1/banks/{bank}/questions",
				body: `{"type":"blank","stem":"中华全国总工会成立于（ ）年。","key":{"blanks":[["1925"]]}}`, status: 422, want: []string{`"fields":{"stem"`}},
			{name: "questions", as: "leader_a", method: "GET", path: "/api/v1/banks/{bank}/questions", status: 200, want: []string{`"total":{"n":2,`, `"choices":[0,1]`}},
			{name: "questions filtered", as: "officer_a", method: "GET", path: "/api/v1/banks/{bank}/questions?type=blank&difficulty=3&limit=1", status: 200,
				want: []string{`"total":{"n":1,`, `"blanks":[["1925","一九二五"]]`}, not: []string{"劳动者"}},
			{name: "bad type", as: "officer_a", method: "GET", path: "/api/v1/banks/{bank}/questions?type=essay", status: 422},
			{name: "a question", as: "officer_a", method: "GET", path: "/api/v1/questions/{q}", status: 200, want: []string{`"category":"劳动法"`}},
			{name: "patch a question", as: "officer_a", method: "PATCH", path: "/api/v1/questions/{q}", body: `{"version":1,"key":{"choices":[0,1]},"difficulty":1}`, status: 200,
				want: []string{`"version":2`, `"difficulty":1`, `"stem":"下列属于劳动者权利的有（ ）。"`}},
			{name: "stale patch", as: "officer_a", method: "PATCH", path: "/api/v1/questions/{q}", body: `{"version":1,"stem":"旧的"}`, status: 409, want: []string{"stale_version"}},
			{name: "patch without a version", as: "officer_a", method: "PATCH", path: "/api/v1/questions/{q}", body: `{"stem":"旧的"}`, status: 422},
			{name: "patch the bank", as: "officer_a", method: "PATCH", path: "/api/v1/banks/{bank}", body: `{"version":1,"name":"安全生产知识题库"}`, status: 200,
				want: []string{`"version":2`, `"description":"2025 年竞赛"`}},
			{name: "delete a question without a version", as: "officer_a", method: "DELETE", path: "/api/v1/questions/" + blank.ID, status: 422},
			{name: "delete a question", as: "officer_a", method: "DELETE", path: "/api/v1/questions/" + blank.ID + "?version=1", status: 204},
		})

		// Import: a dry run with the bad row, then the good rows.
		res := f.uploadSheet("officer_a", "/api/v1/banks/{bank}/import", "题库.csv", bankSheet)
		if res.status != 200 {
			t.Fatalf("dry run: %d %s", res.status, res.body)
		}
		var rep struct {
			Mode                                     string
			Total, Valid, Invalid, Imported, Skipped int
			Errors                                   []map[string]any
		}
		if err := json.Unmarshal([]byte(res.body), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Mode != "dry-run" || rep.Total != 3 || rep.Valid != 2 || rep.Invalid != 1 || rep.Imported != 0 || len(rep.Errors) != 1 ||
			rep.Errors[0]["row"] != 3.0 || rep.Errors[0]["column"] != "答案" || rep.Errors[0]["message"] == "" || rep.Errors[0]["key"] != nil {
			t.Fatalf("dry run: %s", res.body)
		}
		res = f.uploadSheet("officer_a", "/api/v1/banks/{bank}/import?mode=valid-rows", "题库.csv", bankSheet)
		if res.status != 200 || json.Unmarshal([]byte(res.body), &rep) != nil || rep.Imported != 2 {
			t.Fatalf("valid rows: %d %s", res.status, res.body)
		}
		res = f.uploadSheet("officer_a", "/api/v1/banks/{bank}/import?mode=valid-rows", "题库.csv", bankSheet)
		if json.Unmarshal([]byte(res.body), &rep) != nil || rep.Imported != 0 || rep.Skipped != 2 {
			t.Fatalf("again: %d %s", res.status, res.body)
		}
		f.run([]Step{
			{name: "bad mode", as: "officer_a", method: "POST", path: "/api/v1/banks/{bank}/import?mode=all", status: 422},
			{name: "not multipart", as: "officer_a", method: "POST", path: "/api/v1/banks/{bank}/import", body: `{}`, status: 422},
		})
		if res := f.uploadSheet("leader_a", "/api/v1/banks/{bank}/import", "题库.csv", bankSheet); res.status != 403 {
			t.Fatalf("leader imports: %d", res.status)
		}
		if res := f.uploadSheet("officer_a", "/api/v1/banks/{bank}/import", "名单.csv", "姓名,电话\n张三,1\n"); res.status != 422 {
			t.Fatalf("not a bank sheet: %d %s", res.status, res.body)
		}

		rows := f.workbook("leader_a", "/api/v1/banks/{bank}/export", ".xlsx")
		if len(rows) != 4 || rows[0][1] != "题干" || rows[1][8] != "AB" {
			t.Fatalf("export: %q", rows)
		}
		var got bankJSON
		f.getJSON("officer_a", "/api/v1/banks/{bank}", &got)
		if got.Questions != 3 {
			t.Fatalf("questions after the import: %+v", got)
		}
		f.run([]Step{
			{name: "another street exports", as: "officer_b", method: "GET", path: "/api/v1/banks/{bank}/export", status: 404},
			{name: "stale delete", as: "officer_a", method: "DELETE", path: "/api/v1/banks/{bank}?version=1", status: 409},
			{name: "delete", as: "officer_a", method: "DELETE", path: "/api/v1/banks/{bank}?version=" + strconv.Itoa(got.Version), status: 204},
			{name: "gone", as: "officer_a", method: "GET", path: "/api/v1/banks/{bank}", status: 404},
		})
	})
}
