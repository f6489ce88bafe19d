package all_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// writeLetter posts a letter as member key with the given fields and
// photos (name -> bytes).
func (f *fixture) writeLetter(key string, fields map[string]string, photos ...[]byte) answer {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, f.expand(v))
	}
	for _, p := range photos {
		fw, _ := mw.CreateFormFile("photo", "p.png")
		fw.Write(p)
	}
	mw.Close()
	return f.send(f.token(key), "POST", "/api/v1/me/letters", mw.FormDataContentType(), &b)
}

func TestMailboxAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.staff("officer_root", "root", auth.RoleOfficer)
		f.signedInMember("m1", "张一", "unionA", "13800000031", 31)
		var pic bytes.Buffer
		png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 2, 2)))

		// The member's choices: their union and each one above it.
		f.run([]Step{
			{name: "addressees", as: "m1", method: "GET", path: "/api/v1/me/letters/addressees", status: 200,
				want: []string{`"level":"own"`, `"level":"street"`, `"level":"city"`, `{unionA}`}},
			{name: "staff may not use the member's routes", as: "officer_a", method: "GET", path: "/api/v1/me/letters", status: 404},
		})

		// Bad input: named fields, nothing written.
		res := f.writeLetter("m1", map[string]string{"org_id": "{unionB}", "category": "nope", "subject": "", "body": "短"}, []byte("<html>"))
		if res.status != 422 || !strings.Contains(res.body, `"category"`) || !strings.Contains(res.body, `"subject"`) || !strings.Contains(res.body, `"photos"`) {
			t.Fatalf("bad letter: %d %s", res.status, res.body)
		}
		res = f.writeLetter("m1", map[string]string{"org_id": "{unionB}", "category": "wages", "subject": "工资", "body": "工资拖欠两个月了，请帮忙。"})
		if res.status != 422 || !strings.Contains(res.body, `"org_id"`) {
			t.Fatalf("letter outside: %d %s", res.status, res.body)
		}

		// An anonymous letter to the street, with a photo.
		res = f.writeLetter("m1", map[string]string{"org_id": "{streetA}", "category": "safety", "subject": "车间通风差", "body": "车间夏天闷热，通风设备坏了一个月。", "anonymous": "true"}, pic.Bytes())
		var l struct {
			ID     string
			Status string
			Photos int
		}
		if res.status != 201 || json.Unmarshal([]byte(res.body), &l) != nil || l.Status != "new" || l.Photos != 1 {
			t.Fatalf("write: %d %s", res.status, res.body)
		}
		f.ids["letter"] = l.ID

		// Staff of the street see it without its writer; the neighbour street and the union below do not.
		f.run([]Step{
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/letters?status=new", status: 200,
				want: []string{`"id":"{letter}"`, `"anonymous":true`, `"total":{"n":1`}, not: []string{"张一", "测试公司A工会", `"writer"`}},
			{name: "read", as: "officer_a", method: "GET", path: "/api/v1/letters/{letter}", status: 200,
				want: []string{`"can":{"accept":true`, `"photo_list":[{`}, not: []string{"张一", "测试公司A工会", "{m1}"}},
			{name: "neighbour", as: "officer_b", method: "GET", path: "/api/v1/letters/{letter}", status: 404},
			{name: "neighbour list", as: "officer_b", method: "GET", path: "/api/v1/letters", status: 200, want: []string{`"items":[]`}},
			{name: "bad filter", as: "officer_a", method: "GET", path: "/api/v1/letters?status=lost", status: 422, want: []string{`"status"`}},
			{name: "totals", as: "officer_a", method: "GET", path: "/api/v1/letters/totals", status: 200, want: []string{`"new":1`, `"all":1`}},
			{name: "a leader reads but may not act", as: "leader_a", method: "POST", path: "/api/v1/letters/{letter}/accept", body: `{}`, status: 403},
			{name: "accept", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/accept", body: `{"handler":"李干事"}`, status: 200, want: []string{`"status":"accepted"`, `"handler":"李干事"`}},
			{name: "accept twice", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/accept", body: `{}`, status: 409, want: []string{`wrong_status`}},
			{name: "answer needs text", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/answer", body: `{"text":" "}`, status: 422, want: []string{`"text"`}},
			{name: "forward outside reach", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/forward", body: `{"org_id":"{unionB}"}`, status: 422, want: []string{`"org_id"`}},
			{name: "forward down", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/forward", body: `{"org_id":"{unionA}","note":"请企业工会核实"}`, status: 200, want: []string{`"status":"forwarded"`}},
			{name: "forward up by the city", as: "officer_root", method: "POST", path: "/api/v1/letters/{letter}/forward", body: `{"org_id":"{streetA}"}`, status: 200},
			{name: "bulk accept", as: "officer_a", method: "POST", path: "/api/v1/letters/accept", body: `{"ids":["{letter}","{letter}"]}`, status: 200, want: []string{`"accepted":1`}},
			{name: "answer", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/answer", body: `{"text":"已联系企业，本周内修好通风设备。"}`, status: 200, want: []string{`"status":"answered"`}},
			{name: "photo for staff", as: "officer_a", method: "GET", path: "/api/v1/letters/{letter}", status: 200},
		})
		var th struct {
			PhotoList []struct{ ID string } `json:"photo_list"`
		}
		f.getJSON("officer_a", "/api/v1/letters/"+l.ID, &th)
		ph := f.request(f.token("m1"), "GET", "/api/v1/letters/"+l.ID+"/photos/"+th.PhotoList[0].ID, "", nil, nil)
		if ph.status != 200 || ph.header.Get("Content-Type") != "image/png" || ph.body != pic.String() {
			t.Fatalf("the writer's photo: %d %v", ph.status, ph.header)
		}
		if st, _ := f.do(f.token("officer_b"), "GET", "/api/v1/letters/"+l.ID+"/photos/"+th.PhotoList[0].ID, "", nil); st != 404 {
			t.Fatalf("the neighbour's photo: %d", st)
		}

		// The writer follows it: the answer, no staff names; rates; follows up once.
		f.run([]Step{
			{name: "mine", as: "m1", method: "GET", path: "/api/v1/me/letters", status: 200, want: []string{`"status":"answered"`}},
			{name: "my letter", as: "m1", method: "GET", path: "/api/v1/me/letters/{letter}", status: 200,
				want: []string{"已联系企业，本周内修好通风设备。", `"rate":true`}, not: []string{`"by":`, "李干事\",\"received"}},
			{name: "bad rating", as: "m1", method: "POST", path: "/api/v1/me/letters/{letter}/rating", body: `{"rating":"great"}`, status: 422, want: []string{`"rating"`}},
			{name: "rate", as: "m1", method: "POST", path: "/api/v1/me/letters/{letter}/rating", body: `{"rating":"satisfied"}`, status: 200, want: []string{`"rating":"satisfied"`}},
			{name: "follow up", as: "m1", method: "POST", path: "/api/v1/me/letters/{letter}/follow-up", body: `{"text":"设备修好了，但噪音很大。"}`, status: 200, want: []string{`"status":"accepted"`}},
			{name: "follow up again", as: "m1", method: "POST", path: "/api/v1/me/letters/{letter}/follow-up", body: `{"text":"再问一次。"}`, status: 409},
			{name: "close only when answered", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/close", body: `{}`, status: 409},
			{name: "decline", as: "officer_a", method: "POST", path: "/api/v1/letters/{letter}/decline", body: `{"reason":"噪音问题请向环保部门反映。"}`, status: 200, want: []string{`"status":"declined"`}},
			{name: "staff may not read as the writer", as: "officer_a", method: "GET", path: "/api/v1/me/letters/{letter}", status: 404},
		})

		// The daily limit: 3 a day.
		for i := range 2 {
			if res := f.writeLetter("m1", map[string]string{"org_id": "{unionA}", "category": "other", "subject": "建议", "body": "希望食堂增加晚餐供应。"}); res.status != 201 {
				t.Fatalf("letter %d: %d %s", i, res.status, res.body)
			}
		}
		if res := f.writeLetter("m1", map[string]string{"org_id": "{unionA}", "category": "other", "subject": "建议", "body": "希望食堂增加晚餐供应。"}); res.status != 409 || !strings.Contains(res.body, "daily_limit") {
			t.Fatalf("fourth letter: %d %s", res.status, res.body)
		}

		// The inbox counts the new letters for the street's officer.
		got := f.inbox("officer_a", nil)
		if len(got.Groups) == 0 || got.Groups[len(got.Groups)-1].Kind != "letter_new" || got.Groups[len(got.Groups)-1].Count != 2 {
			t.Fatalf("inbox: %+v", got)
		}
		if st, _ := f.do(f.token("officer_a"), "GET", "/api/v1/letters?overdue=maybe", "", nil); st != http.StatusUnprocessableEntity {
			t.Fatalf("bad flag: %d", st)
		}
	})
}
