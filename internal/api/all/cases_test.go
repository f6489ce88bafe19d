package all_test

// The rights cases' API. (rights_test.go holds the members' data rights,
// an older capability of the same word.)

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// sendFiles posts evidence files (name -> bytes) as key to path.
func (f *fixture) sendFiles(key, path string, files map[string][]byte) answer {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, data := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	return f.send(f.token(key), "POST", f.expand(path), mw.FormDataContentType(), &b)
}

var tinyPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func TestCasesAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.staff("officer_a2", "streetA", auth.RoleOfficer)
		f.signedInMember("m1", "张一", "unionA", "13800000041", 11)
		f.signedInMember("m2", "李二", "unionA", "13800000042", 12)

		// Bad input: named fields, nothing stored.
		f.run([]Step{
			{name: "bad intake", as: "officer_a", method: "POST", path: "/api/v1/cases", status: 422,
				body: `{"org_id":"{streetA}","kind":"mediation","channel":"hotline","title":"欠薪","facts":"工资拖欠两个月。","employer_name":"某公司",
					"workers":[{"name":"王五","id_number":"123"}],"claims":[{"kind":"wages","amount_fen":-100}]}`,
				want: []string{`"claims.0.amount"`, `"workers.0.id_number"`, `"facts"`}},
			{name: "nothing stored", as: "officer_a", method: "GET", path: "/api/v1/cases", status: 200, want: []string{`"items":[]`}},
		})

		// A collective case from the hotline; m1's ID number links them.
		var c struct {
			ID      string
			Status  string
			Version int
			Workers int
		}
		f.postJSON("officer_a", "POST", "/api/v1/cases", `{"org_id":"`+f.ids["streetA"]+`","kind":"mediation","channel":"hotline","title":"快递站拖欠工资",
			"facts":"快递站拖欠两名快递员两个月工资。","employer_name":"某快递公司",
			"workers":[{"name":"张一","id_number":"`+idNo(t, 11)+`","mobile":"13800000041"},{"name":"王五","mobile":"13900000005"}],
			"claims":[{"kind":"wages","amount_fen":1234550}]}`, 201, &c)
		f.ids["case"] = c.ID
		if c.Status != "new" || c.Workers != 2 {
			t.Fatalf("taken in %+v", c)
		}
		var users struct {
			Items []struct {
				UserID string `json:"user_id"`
			}
		}
		f.getJSON("officer_a", "/api/v1/cases/"+c.ID+"/handlers", &users)
		if len(users.Items) < 2 {
			t.Fatalf("handlers %+v", users)
		}

		f.run([]Step{
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/cases?status=new", status: 200,
				want: []string{`"id":"{case}"`, `"first_worker":"张*"`, `"total":{"n":1`}, not: []string{"13800000041", "王五"}},
			{name: "read masked", as: "officer_a", method: "GET", path: "/api/v1/cases/{case}", status: 200,
				want: []string{`"can":{"accept":true`, `"mobile":"138****0041"`, `"member_id":"{m1}"`}, not: []string{"13800000041"}},
			{name: "neighbour street", as: "officer_b", method: "GET", path: "/api/v1/cases/{case}", status: 404},
			{name: "neighbour list", as: "officer_b", method: "GET", path: "/api/v1/cases", status: 200, want: []string{`"items":[]`}},
			{name: "neighbour accept", as: "officer_b", method: "POST", path: "/api/v1/cases/{case}/accept", body: `{}`, status: 404},
			{name: "member through staff routes", as: "m1", method: "GET", path: "/api/v1/cases/{case}", status: 404},
			{name: "accept", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/accept", body: `{"handler_id":"{user:officer_a2}","version":1}`, status: 200,
				want: []string{`"status":"handling"`}},
			{name: "stale accept", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/assign", body: `{"handler_id":"{user:officer_a}","version":1}`, status: 409},
			{name: "confidential by non-handler", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/notes", body: `{"body":"雇主愿意付一半","confidential":true}`, status: 422,
				want: []string{`"confidential"`}},
		})
		var n struct{ ID string }
		f.postJSON("officer_a2", "POST", "/api/v1/cases/"+c.ID+"/notes", `{"body":"当事人不愿公开身份。","confidential":true}`, 201, &n)
		f.ids["note"] = n.ID
		f.run([]Step{
			{name: "thread hides the note", as: "officer_a", method: "GET", path: "/api/v1/cases/{case}", status: 200, not: []string{"不愿公开"}},
			{name: "others refused", as: "officer_a", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 403},
			{name: "the supervisor reads", as: "leader_a", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 200, want: []string{"不愿公开"}},
			{name: "the handler reads", as: "officer_a2", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 200, want: []string{"不愿公开"}},
			{name: "reveal by an officer (case.reveal)", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/reveal", body: `{"reason":"核对"}`, status: 200,
				want: []string{"13800000041", "王五"}},
			{name: "reveal by the supervising leader", as: "leader_a", method: "POST", path: "/api/v1/cases/{case}/reveal", body: `{}`, status: 200},
			{name: "negative recovered", as: "officer_a2", method: "POST", path: "/api/v1/cases/{case}/close", body: `{"outcome":"agreement","recovered_fen":-1}`, status: 422,
				want: []string{`"recovered"`}},
			{name: "wrong outcome", as: "officer_a2", method: "POST", path: "/api/v1/cases/{case}/close", body: `{"outcome":"aid_granted"}`, status: 422, want: []string{`"outcome"`}},
		})
		var audited int
		if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = 'case.note_read'").Scan(&audited); err != nil || audited != 2 {
			t.Fatalf("%d note reads audited (%v)", audited, err)
		}

		// Evidence: type from the bytes.
		if a := f.sendFiles("officer_a2", "/api/v1/cases/{case}/files", map[string][]byte{"x.pdf": []byte("MZ not a pdf")}); a.status != 422 || !strings.Contains(a.body, `"files"`) {
			t.Fatalf("bad file: %d %s", a.status, a.body)
		}
		if a := f.sendFiles("m1", "/api/v1/me/cases/{case}/files", map[string][]byte{"工资条.pdf": tinyPDF}); a.status != 200 {
			t.Fatalf("member's file: %d %s", a.status, a.body)
		}
		var th struct {
			Files []struct{ ID string }
		}
		f.getJSON("officer_a", "/api/v1/cases/"+c.ID, &th)
		if len(th.Files) != 1 {
			t.Fatalf("files %+v", th)
		}
		f.ids["file"] = th.Files[0].ID
		f.run([]Step{
			{name: "file for staff", as: "officer_a", method: "GET", path: "/api/v1/cases/{case}/files/{file}", status: 200, want: []string{"%PDF-1.4"}},
			{name: "file for another member", as: "m2", method: "GET", path: "/api/v1/cases/{case}/files/{file}", status: 404},
			{name: "close", as: "officer_a2", method: "POST", path: "/api/v1/cases/{case}/close", body: `{"outcome":"agreement","recovered_fen":1000000,"note":"达成协议"}`, status: 200,
				want: []string{`"status":"closed"`, `"recovered_fen":1000000`, `"on_time":true`}},
			{name: "totals", as: "leader_a", method: "GET", path: "/api/v1/cases/totals", status: 200, want: []string{`"closed":1`, `"recovered_fen":1000000`}},
			// The member linked by ID number follows it; the other member sees nothing.
			{name: "my cases", as: "m1", method: "GET", path: "/api/v1/me/cases", status: 200, want: []string{`"id":"{case}"`}, not: []string{`"handler"`}},
			{name: "my case", as: "m1", method: "GET", path: "/api/v1/me/cases/{case}", status: 200, want: []string{`"status":"closed"`, `"notes":[]`}, not: []string{"不愿公开", "测试officer"}},
			{name: "not theirs", as: "m2", method: "GET", path: "/api/v1/me/cases/{case}", status: 404},
			{name: "their list", as: "m2", method: "GET", path: "/api/v1/me/cases", status: 200, want: []string{`"items":[]`}},
			// Only the one who filed online rates; m1 was named by staff.
			{name: "rating by a named worker", as: "m1", method: "POST", path: "/api/v1/me/cases/{case}/rating", body: `{"rating":"satisfied"}`, status: 403},
		})

		// A member files online and rates once.
		f.run([]Step{
			{name: "unions", as: "m2", method: "GET", path: "/api/v1/me/cases/unions", status: 200, want: []string{`{unionA}`, `{streetA}`, `{root}`}},
			{name: "file outside", as: "m2", method: "POST", path: "/api/v1/me/cases", status: 422,
				body: `{"org_id":"{streetB}","kind":"consultation","title":"试用期","facts":"试用期可以延长吗？想咨询一下。","claims":[{"kind":"wages","amount_fen":-5}]}`,
				want: []string{`"org_id"`, `"claims.0.amount"`}},
		})
		var mine struct{ ID string }
		f.postJSON("m2", "POST", "/api/v1/me/cases", `{"org_id":"`+f.ids["streetA"]+`","kind":"consultation","title":"试用期","facts":"试用期可以延长吗？想咨询一下。"}`, 201, &mine)
		f.ids["mine"] = mine.ID
		f.run([]Step{
			{name: "answered", as: "officer_a", method: "POST", path: "/api/v1/cases/{mine}/accept", body: `{}`, status: 200},
			{name: "closed", as: "officer_a", method: "POST", path: "/api/v1/cases/{mine}/close", body: `{"outcome":"answered","note":"已电话答复"}`, status: 200},
			{name: "rated", as: "m2", method: "POST", path: "/api/v1/me/cases/{mine}/rating", body: `{"rating":"fair"}`, status: 200, want: []string{`"rating":"fair"`}},
			{name: "rated twice", as: "m2", method: "POST", path: "/api/v1/me/cases/{mine}/rating", body: `{"rating":"satisfied"}`, status: 409},
			{name: "overdue filter", as: "officer_a", method: "GET", path: "/api/v1/cases?overdue=true", status: 200, want: []string{`"items":[]`}},
			{name: "unions above", as: "officer_a", method: "GET", path: "/api/v1/cases/{mine}/above", status: 200, want: []string{`{root}`}, not: []string{`{streetA}`}},
		})
		// The export: officers hold case.reveal, so their rows are in full; audited.
		rows := f.workbook("officer_a", "/api/v1/cases/export", "cases.xlsx")
		if len(rows) != 3 || !strings.Contains(strings.Join(rows[2], " "), "13900000005") {
			t.Fatalf("export rows %v", rows)
		}
		var after string
		if err := d.QueryRow(t.Context(), "SELECT after_json FROM audit_log WHERE action = 'case.export'").Scan(&after); err != nil || !strings.Contains(after, `"full":2`) {
			t.Fatalf("export audited as %q (%v)", after, err)
		}
	})
}
