package all_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func TestContractsAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, beijing.Zone)
		f.ctr.SetClock(func() time.Time { return now })
		good := `{"org_id":"{streetA}","title":"大栅栏街道区域性集体合同","kind":"comprehensive","coverage":"employer","union_rep":"李主席","employer_rep":"王经理",
			"signed_on":"2026-02-20","starts_on":"2026-03-01","ends_on":"2029-02-28","wage_increase":350,"employers":[{"employer_id":"{empA}","workers":25}]}`
		f.run([]Step{
			{name: "ends before it starts", as: "officer_a", method: "POST", path: "/api/v1/contracts", status: 422,
				body: strings.Replace(good, `"ends_on":"2029-02-28"`, `"ends_on":"2026-01-31"`, 1), want: []string{`"ends_on"`}},
			{name: "another street's employer", as: "officer_a", method: "POST", path: "/api/v1/contracts", status: 422,
				body: strings.Replace(good, "{empA}", "{empB}", 1), want: []string{`"employers.0.employer_id"`}},
			{name: "nothing stored", as: "officer_a", method: "GET", path: "/api/v1/contracts", status: 200, want: []string{`"items":[]`}},
			{name: "choices", as: "officer_a", method: "GET", path: "/api/v1/contracts/employers", status: 200, want: []string{"测试公司A"}, not: []string{"测试公司B"}},
			{name: "choices by initials", as: "officer_a", method: "GET", path: "/api/v1/contracts/employers?q=csgs", status: 200, want: []string{"测试公司A"}, not: []string{"测试公司B"}},
			{name: "no choice matches", as: "officer_a", method: "GET", path: "/api/v1/contracts/employers?q=%E6%97%A0%E6%AD%A4", status: 200, want: []string{`"items":[]`}},
			{name: "search too long", as: "officer_a", method: "GET", path: "/api/v1/contracts/employers?q=" + strings.Repeat("x", 101), status: 422, want: []string{`"q"`}},
		})
		res := f.send(f.token("officer_a"), "POST", "/api/v1/contracts", "application/json", strings.NewReader(f.expand(good)))
		var c struct{ ID, Status string }
		if res.status != 201 || json.Unmarshal([]byte(res.body), &c) != nil || c.Status != "draft" {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		f.ids["contract"] = c.ID
		f.run([]Step{
			{name: "other street", as: "officer_b", method: "GET", path: "/api/v1/contracts/{contract}", status: 404},
			{name: "other street submits", as: "officer_b", method: "POST", path: "/api/v1/contracts/{contract}/submit", body: `{}`, status: 404},
			{name: "a leader reads", as: "leader_a", method: "GET", path: "/api/v1/contracts/{contract}", status: 200, want: []string{`"can":{"edit":false`}},
			{name: "a leader may not submit", as: "leader_a", method: "POST", path: "/api/v1/contracts/{contract}/submit", body: `{}`, status: 403},
			{name: "submit in the future", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/submit", body: `{"submitted_on":"2026-03-11"}`, status: 422, want: []string{`"submitted_on"`}},
			{name: "an overlapping second", as: "officer_a", method: "POST", path: "/api/v1/contracts", status: 422,
				body: strings.Replace(good, `"starts_on":"2026-03-01"`, `"starts_on":"2026-06-01"`, 1), want: []string{`"employers.0.employer_id"`, "重叠"}},
			{name: "submit", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/submit", body: `{"submitted_on":"2026-03-01"}`, status: 200,
				want: []string{`"status":"review"`, `"review_ends_on":"2026-03-16"`, `"effective_on":"2026-03-17"`}},
			{name: "no edits once submitted", as: "officer_a", method: "PUT", path: "/api/v1/contracts/{contract}", body: `{"version":2}`, status: 422},
			{name: "renew under review", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/renew", status: 409},
			{name: "object", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/object", body: `{"reason":"工资增幅低于本市指导线下限"}`, status: 200, want: []string{`"status":"draft"`}},
			{name: "submit again", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/submit", body: `{}`, status: 200, want: []string{`"effective_on":"2026-03-26"`}},
			{name: "review list", as: "officer_a", method: "GET", path: "/api/v1/contracts?status=review", status: 200, want: []string{`"id":"{contract}"`, `"total":{"n":1`}},
			{name: "bad filter", as: "officer_a", method: "GET", path: "/api/v1/contracts?status=lost", status: 422, want: []string{`"status"`}},
		})
		now = time.Date(2026, 3, 26, 0, 30, 0, 0, beijing.Zone)
		f.run([]Step{
			{name: "in force", as: "officer_a", method: "GET", path: "/api/v1/contracts/{contract}", status: 200, want: []string{`"status":"in_force"`, `"renew":true`}},
			{name: "totals", as: "officer_a", method: "GET", path: "/api/v1/contracts/totals", status: 200, want: []string{`"in_force":1`, `"employers":1`, `"workers":25`, `"registry":1`}},
			{name: "object too late", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/object", body: `{"reason":"迟到"}`, status: 409, want: []string{`in_force`}},
			{name: "export", as: "officer_a", method: "GET", path: "/api/v1/contracts/export.xlsx?status=in_force", status: 200},
		})
		res = f.send(f.token("officer_a"), "POST", "/api/v1/contracts/"+c.ID+"/renew", "application/json", strings.NewReader(`{}`))
		var r struct {
			ID       string
			StartsOn string `json:"starts_on"`
			Previous string `json:"previous_id"`
		}
		if res.status != 201 || json.Unmarshal([]byte(res.body), &r) != nil || r.Previous != c.ID || r.StartsOn != "2029-03-01" {
			t.Fatalf("renew: %d %s", res.status, res.body)
		}
		f.run([]Step{
			{name: "renew twice", as: "officer_a", method: "POST", path: "/api/v1/contracts/{contract}/renew", body: `{}`, status: 409, want: []string{`renewed`}},
			{name: "the chain", as: "officer_a", method: "GET", path: "/api/v1/contracts/{contract}", status: 200, want: []string{`"chain":[{`, `"starts_on":"2029-03-01"`}},
		})

		// The text: sealed, read back as stored; anything else refused.
		upload := func(name string, data []byte) answer {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			return f.send(f.token("officer_a"), "PUT", "/api/v1/contracts/"+c.ID+"/file", mw.FormDataContentType(), &b)
		}
		if res := upload("x.pdf", []byte("<html>")); res.status != 422 || !strings.Contains(res.body, `"file"`) {
			t.Fatalf("not a text: %d %s", res.status, res.body)
		}
		pdf := []byte("%PDF-1.4\n集体合同\n%%EOF")
		if res := upload("合同.pdf", pdf); res.status != 200 || !strings.Contains(res.body, `"content_type":"application/pdf"`) {
			t.Fatalf("upload: %d %s", res.status, res.body)
		}
		got := f.request(f.token("officer_a"), "GET", "/api/v1/contracts/"+c.ID+"/file", "", nil, nil)
		if got.status != 200 || got.header.Get("Content-Type") != "application/pdf" || got.body != string(pdf) {
			t.Fatalf("read back: %d %v", got.status, got.header)
		}
		if st, _ := f.do(f.token("officer_b"), "GET", "/api/v1/contracts/"+c.ID+"/file", "", nil); st != 404 {
			t.Fatalf("other street's text: %d", st)
		}
	})
}
