package all_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

func idNo(t *testing.T, day int) string {
	t.Helper()
	n, err := cnid.MakeResidentID("110102", time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day), 7)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMembersAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.ids["id1"] = idNo(t, 1)
		f.ids["id2"] = idNo(t, 2)
		st, body := f.do(f.token("officer_a"), "POST", "/api/v1/members",
			`{"org_id":"{unionA}","name":"张中喜","id_number":"{id1}","mobile":"13812345678","employer_id":"{empA}","tags":["model_worker"],"joined_on":"2019-06-01"}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("create: %d %s", st, body)
		}
		var m struct {
			ID      string
			Version int
		}
		_ = json.Unmarshal([]byte(body), &m)
		f.ids["m1"] = m.ID
		f.run([]Step{
			{name: "masked", as: "officer_a", method: "GET", path: "/api/v1/members/{m1}", status: 200,
				want: []string{`"mobile":"138****5678"`, `"employer_name":"测试公司A"`, `"tags":["model_worker"]`}, not: []string{"{id1}", "13812345678"}},
			{name: "search by initials", as: "officer_a", method: "GET", path: "/api/v1/members?q=zzx", status: 200, want: []string{`"id":"{m1}"`}},
			{name: "search by ID number", as: "officer_a", method: "GET", path: "/api/v1/members?q={id1}", status: 200, want: []string{`"id":"{m1}"`}},
			{name: "filter by tag", as: "officer_a", method: "GET", path: "/api/v1/members?tag=model_worker&org={unionA}", status: 200, want: []string{`"id":"{m1}"`}},
			{name: "filter by unknown tag", as: "officer_a", method: "GET", path: "/api/v1/members?tag=king", status: 422, want: []string{`"tags"`}},
			{name: "other street sees nothing", as: "admin", method: "GET", path: "/api/v1/members?org={unionB}", status: 200, want: []string{`"items":[]`}},
			{name: "leader reads", as: "leader_a", method: "GET", path: "/api/v1/members/{m1}", status: 200},
			{name: "leader cannot reveal", as: "leader_a", method: "POST", path: "/api/v1/members/{m1}/reveal", body: `{"reason":"x"}`, status: 403},
			{name: "officer reveals", as: "officer_a", method: "POST", path: "/api/v1/members/{m1}/reveal", body: `{"reason":"核对"}`, status: 200,
				want: []string{`"id_number":"{id1}"`, `"mobile":"13812345678"`}},
			{name: "duplicate person", as: "officer_a", method: "POST", path: "/api/v1/members",
				body: `{"org_id":"{unionA}","name":"张中喜","id_number":"{id1}"}`, status: 409, want: []string{`"code":"already_member"`, `"id_number"`}},
			{name: "bad ID", as: "officer_a", method: "POST", path: "/api/v1/members",
				body: `{"org_id":"{unionA}","name":"李四","id_number":"110102198501010000","mobile":"123"}`, status: 422,
				want: []string{`"id_number":"身份证号校验位不正确，请核对。"`, `"mobile"`}},
			{name: "unknown field", as: "officer_a", method: "POST", path: "/api/v1/members",
				body: `{"org_id":"{unionA}","name":"李四","id_number":"{id2}","status":"deceased"}`, status: 400},
			{name: "neighbour's union", as: "officer_a", method: "POST", path: "/api/v1/members",
				body: `{"org_id":"{unionB}","name":"李四","id_number":"{id2}"}`, status: 422, want: []string{`"org_id"`}},
			{name: "history", as: "officer_a", method: "GET", path: "/api/v1/members/{m1}/history", status: 200, want: []string{`"kind":"joined"`}},
			{name: "card", as: "officer_a", method: "GET", path: "/api/v1/members/{m1}/card", status: 200, want: []string{`"payload":"GHC1:`}},
			{name: "card of a neighbour's member", as: "admin", method: "GET", path: "/api/v1/members/{m1}/card", status: 200},
			{name: "public key", method: "GET", path: "/api/v1/cards/public-key", status: 200, want: []string{`ghc1-ed25519:1:`}},
			{name: "verify garbage", method: "POST", path: "/api/v1/cards/verify", body: `{"payload":"hello"}`, status: 422, want: []string{`"payload"`}},
			{name: "transfer", as: "officer_a", method: "POST", path: "/api/v1/transfers", body: `{"member_id":"{m1}","to_org_id":"{unionB}"}`, status: 201,
				want: []string{`"status":"requested"`, `"can_release":true`}},
			{name: "transfers list", as: "officer_a", method: "GET", path: "/api/v1/transfers?direction=out", status: 200, want: []string{`"member_name":"张中喜"`, `"total":{"n":1,"over":false}`}},
			{name: "transfers by member", as: "officer_a", method: "GET", path: "/api/v1/transfers?sort=member", status: 200, want: []string{`"member_name":"张中喜"`, `"total":{"n":1,"over":false}`}},
			{name: "transfers, bad sort", as: "officer_a", method: "GET", path: "/api/v1/transfers?sort=id_number", status: 422, want: []string{`"sort":`}},
			{name: "apply (public)", method: "POST", path: "/api/v1/join-applications",
				body: `{"org_id":"{unionA}","name":"刘强","id_number":"{id2}","mobile":"13900001111","platform_worker":true,"consent":true}`, status: 201,
				want: []string{`"status":"pending"`}},
			{name: "apply without consent", method: "POST", path: "/api/v1/join-applications",
				body: `{"org_id":"{unionA}","name":"刘强","id_number":"{id2}","mobile":"13900001111","platform_worker":true}`, status: 422, want: []string{`"consent"`}},
			{name: "track", method: "POST", path: "/api/v1/join-applications/track", body: `{"mobile":"13900001111","id_number":"{id2}"}`, status: 200,
				want: []string{`"status":"pending"`, `"org_name":"测试公司A工会"`}},
			{name: "queue", as: "officer_a", method: "GET", path: "/api/v1/join-applications?status=pending", status: 200, want: []string{`"name":"刘强"`, `"mobile":"139****1111"`, `"total":{"n":`}},
			{name: "queue by name", as: "officer_a", method: "GET", path: "/api/v1/join-applications?sort=-name", status: 200, want: []string{`"name":"刘强"`, `"total":{"n":`}},
			{name: "queue needs a token", method: "GET", path: "/api/v1/join-applications", status: 401},
		})
		// The card verifies, and its PNG is a PNG.
		st, body = f.do(f.token("officer_a"), "GET", "/api/v1/members/{m1}/card", "", nil)
		var c struct{ Payload string }
		_ = json.Unmarshal([]byte(body), &c)
		st, body = f.do("", "POST", "/api/v1/cards/verify", `{"payload":"`+c.Payload+`"}`, nil)
		if st != 200 || !strings.Contains(body, `"status":"valid"`) || !strings.Contains(body, `"name":"张中喜"`) {
			t.Fatalf("verify: %d %s", st, body)
		}
		st, body = f.do(f.token("officer_a"), "GET", "/api/v1/members/{m1}/card.png", "", nil)
		if st != 200 || !strings.HasPrefix(body, "\x89PNG") {
			t.Fatalf("card.png: %d", st)
		}
	})
}

// upload posts a file to the import endpoint.
func (f *fixture) upload(token, query, name string, data []byte) (int, string) {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		f.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	res := f.send(token, "POST", "/api/v1/members/import?"+query, mw.FormDataContentType(), &b)
	return res.status, res.body
}

func TestImportExportAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bad := idNo(t, 3)
		bad = bad[:17] + map[bool]string{true: "2", false: "1"}[bad[17] == '1']
		roster := "姓名,身份证号,手机号,岗位\n王一," + idNo(t, 1) + ",13800000001,=cmd|' /C calc'!A0\n王二," + bad + ",13800000002,司机\n"
		tok := f.token("officer_a")
		st, body := f.upload(tok, "org={unionA}&mode=dry-run", "roster.csv", []byte(roster))
		if st != 200 || !strings.Contains(body, `"total":2`) || !strings.Contains(body, `"invalid":1`) || !strings.Contains(body, `"row":3`) ||
			!strings.Contains(body, `"column":"身份证号"`) || !strings.Contains(body, `"message":"身份证号校验位不正确，请核对。"`) {
			t.Fatalf("dry run: %d %s", st, body)
		}
		st, body = f.upload(tok, "org={unionA}&mode=all-or-nothing", "roster.csv", []byte(roster))
		if st != 200 || !strings.Contains(body, `"imported":0`) {
			t.Fatalf("all or nothing: %d %s", st, body)
		}
		st, body = f.upload(tok, "org={unionA}&mode=valid-rows&report=xlsx", "roster.csv", []byte(roster))
		if st != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("valid rows with xlsx report: %d", st)
		}
		if rows := sheetRows(t, body); len(rows) != 2 || rows[1][0] != "3" {
			t.Fatalf("report rows %v", rows)
		}
		st, body = f.upload(tok, "org={unionB}&mode=valid-rows", "roster.csv", []byte(roster))
		if st != 422 {
			t.Fatalf("import into a neighbour's union: %d %s", st, body)
		}
		st, body = f.upload(tok, "org={unionA}&mode=wipe", "roster.csv", []byte(roster))
		if st != 422 || !strings.Contains(body, `"mode"`) {
			t.Fatalf("bad mode: %d %s", st, body)
		}
		// Export: masked, and the formula-looking job is neutralised.
		st, body = f.do(tok, "GET", "/api/v1/members/export?org={unionA}", "", nil)
		if st != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("export: %d", st)
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetList()[0]
		rows, _ := x.GetRows(sheet)
		if len(rows) != 2 || rows[1][0] != "王一" || !strings.Contains(rows[1][1], "*") || rows[1][2] != "138****0001" || !strings.HasPrefix(rows[1][7], "'=") {
			t.Fatalf("export rows %v", rows)
		}
		if formula, _ := x.GetCellFormula(sheet, "H2"); formula != "" {
			t.Fatalf("a formula was exported: %q", formula)
		}
		st, _ = f.do(f.token("leader_a"), "GET", "/api/v1/members/export?reveal=true", "", nil)
		if st != 403 {
			t.Fatalf("reveal export by a leader: %d", st)
		}
		st, body = f.do(tok, "GET", "/api/v1/members/export?reveal=true", "", nil)
		if st != 422 || !strings.Contains(body, `"reason"`) {
			t.Fatalf("reveal export without a reason: %d %s", st, body)
		}
		st, body = f.do(tok, "GET", "/api/v1/members/export?reveal=true&reason=%E6%A0%B8%E5%AF%B9", "", nil)
		if st != 200 {
			t.Fatalf("revealed export: %d %s", st, body)
		}
		if rows = sheetRows(t, body); len(rows) != 2 || rows[1][1] != idNo(t, 1) {
			t.Fatalf("revealed export: %d %v", st, rows)
		}
		var n int
		if err := d.QueryRow(t.Context(), "SELECT count(*) FROM audit_log WHERE action = 'pii.export'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("export reveal audited %d times (%v)", n, err)
		}
	})
}

func TestMemberSignInAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rec := &sms.Recorder{}
		f.auth.SetSMS(rec)
		f.ids["id1"] = idNo(t, 11)
		var m struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/members", `{"org_id":"{unionA}","name":"骑手小王","id_number":"{id1}","mobile":"13700001234"}`, 201, &m)
		f.ids["m"] = m.ID
		f.run([]Step{
			{name: "code", method: "POST", path: "/api/v1/auth/code", body: `{"mobile":"13700001234"}`, status: 202},
			{name: "code again at once", method: "POST", path: "/api/v1/auth/code", body: `{"mobile":"13700001234"}`, status: 429, want: []string{`"code":"code_too_soon"`}},
			{name: "code for a stranger", method: "POST", path: "/api/v1/auth/code", body: `{"mobile":"13700009999"}`, status: 202},
			{name: "bad mobile", method: "POST", path: "/api/v1/auth/code", body: `{"mobile":"abc"}`, status: 422, want: []string{`"mobile"`}},
			{name: "member without a password", method: "POST", path: "/api/v1/auth/token", body: `{"username":"13700001234","password":"whatever-1A"}`, status: 401},
		})
		code := regexp.MustCompile(`\d{6}`).FindString(rec.Last("13700001234"))
		f.tokens["member"] = f.signIn("member by code", `{"username":"13700001234","code":"`+code+`"}`)
		f.run([]Step{
			{name: "me", as: "member", method: "GET", path: "/api/v1/me", status: 200, want: []string{`"member":{`, `"id":"{m}"`, `"mobile":"137****1234"`}},
			{name: "own card", as: "member", method: "GET", path: "/api/v1/me/card", status: 200, want: []string{`"payload":"GHC1:`}},
			{name: "own card png", as: "member", method: "GET", path: "/api/v1/members/{m}/card.png", status: 200},
			{name: "someone else's card", as: "member", method: "GET", path: "/api/v1/members/{unionA}/card.png", status: 404},
			{name: "registry closed to members", as: "member", method: "GET", path: "/api/v1/members", status: 200, want: []string{`"items":[]`}},
			{name: "member record closed", as: "member", method: "GET", path: "/api/v1/members/{m}", status: 404},
			{name: "orgs closed", as: "member", method: "GET", path: "/api/v1/orgs/{unionA}", status: 404},
			{name: "users closed", as: "member", method: "GET", path: "/api/v1/users", status: 200, want: []string{`"items":[]`}},
			{name: "audit closed", as: "member", method: "GET", path: "/api/v1/audit", status: 403},
			{name: "set password", as: "member", method: "PUT", path: "/api/v1/me/password", body: `{"password":"Rider-Pass-2026"}`, status: 204},
			{name: "own transfers", as: "member", method: "GET", path: "/api/v1/me/transfers", status: 200, want: []string{`"items":[]`}},
			{name: "own applications", as: "member", method: "GET", path: "/api/v1/me/applications", status: 200, want: []string{`"items":[]`}},
			{name: "staff has no member card", as: "officer_a", method: "GET", path: "/api/v1/me/card", status: 404},
		})
		f.signIn("member by password", `{"username":"13700001234","password":"Rider-Pass-2026"}`)
	})
}

// The public forms are throttled per address, across processes (the count
// lives in the database).
func TestPublicFormsThrottled(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		last := 0
		for i := range auth.PublicFormLimit + 1 {
			last, _ = f.do("", "POST", "/api/v1/join-applications/track", `{"mobile":"13900001111","id_number":"`+idNo(t, i)+`"}`, nil)
		}
		if last != 429 {
			t.Fatalf("request %d answered %d, want 429", auth.PublicFormLimit+1, last)
		}
	})
}
