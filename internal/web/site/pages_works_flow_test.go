package site

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

// worksKeyRE finds a key of the works catalogue shown as text.
var worksKeyRE = keyRE("works")

// rawJSONRE finds a JSON object or an ID-looking number shown as text.
var rawJSONRE = regexp.MustCompile(`>\s*[\[{]"|>\s*\d{15,}\s*<`)

// wantWorksPage wants a whole 200 page with wants on it and nothing raw.
func wantWorksPage(t *testing.T, what string, a answer, wants ...string) {
	t.Helper()
	wantStatus(t, what, a, 200)
	wantWorksAnswer(t, what, a, wants...)
}

// wantWorksAnswer wants a whole page of any status with wants on it and
// no message key, JSON or ID shown as text.
func wantWorksAnswer(t *testing.T, what string, a answer, wants ...string) {
	t.Helper()
	if !strings.Contains(a.body, "</html>") {
		t.Errorf("%s: page cut short", what)
	}
	wantNoKeys(t, what, a, worksKeyRE, portalRawKeyRE, memberRawKeyRE, rawKeyRE)
	wantBody(t, what, a, wants...)
	if m := rawJSONRE.FindString(a.body); m != "" {
		t.Errorf("%s: raw JSON or ID shown: %q", what, m)
	}
}

// testPicture is a small real picture: PNG, or JPEG when asked.
func testPicture(t *testing.T, asJPEG bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		img.Set(x, 3, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, img, nil)
	} else {
		err = png.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type upFile struct {
	name string
	data []byte
}

// uploadMany posts a multipart form with files under "photos", with the
// form token of the page at tokenFrom.
func (c *client) uploadMany(path string, fields url.Values, files []upFile, tokenFrom string) answer {
	c.t.Helper()
	page := c.get(tokenFrom)
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("no csrf token on %s (status %d)", tokenFrom, page.status)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", m[1])
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("photos", f.name)
		fw.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var (
	mEntryRE  = regexp.MustCompile(`href="/m/works/entries/(\d+)"`)
	screenRE  = regexp.MustCompile(`action="/works/entries/(\d+)/screen"`)
	judgeOpRE = regexp.MustCompile(`<option value="(\d+)">测试pingwei`)
	scoreRE   = regexp.MustCompile(`action="/judging/entries/(\d+)"`)
)

// TestWorksFlowPages walks a photo call through every page: staff create
// and publish it and seat a judge; members hand in entries (bad uploads
// refused field by field, nothing saved), see and edit them; staff screen
// them; the judge scores blind; staff award and publish the results; the
// members read them.
func TestWorksFlowPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newPortalSite(t, d)
		store := works.NewStore(d, s.members)
		var mu sync.Mutex
		now := time.Now()
		store.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Works: store}))
		// The judge works at another union under the street: nothing on
		// their pages names the authors' union.
		bus, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京公交集团工会", Kind: org.KindGrassroots})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "pingwei", Name: "测试pingwei", OrgID: bus.ID, Password: testPassword}, auth.RoleOfficer); err != nil {
			t.Fatal(err)
		}
		s.add(t, s.unionE, "王小明", 1, "2020-01-01")
		s.add(t, s.unionE, "李晓红", 2, "2021-01-01")
		officer := s.login("dashilan", "")
		judge := s.login("pingwei", "")

		// Staff: create, publish, seat the judge.
		form := url.Values{"org_id": {id(s.east)}, "title": {"“我身边的劳动者”摄影比赛"}, "kind": {"photo"}, "max_photos": {"2"}, "max_photo_kb": {"100"},
			"per_member": {"1"}, "opens_at": {localIn(-time.Hour)}, "closes_at": {localIn(7 * 24 * time.Hour)}, "judge_until": {localIn(14 * 24 * time.Hour)},
			"criteria.0.name": {"主题"}, "criteria.0.weight": {"60"}, "criteria.1.name": {"构图"}, "criteria.1.weight": {"40"},
			"tiers.0.name": {"一等奖"}, "tiers.0.count": {"1"}}
		wantWorksPage(t, "new form", officer.get("/works/new"), "新建", `name="criteria.0.weight"`)
		a := officer.post("/works/new", form, "/works/new")
		m := worksPathRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("create: %d %s", a.status, a.body)
		}
		callID, callURL := m[1], a.location
		wantWorksPage(t, "edit form", officer.get(callURL+"/edit"), "“我身边的劳动者”摄影比赛")
		wantStatus(t, "publish", officer.post(callURL+"/publish", url.Values{"version": {"1"}}, callURL), 303)
		a = officer.get(callURL)
		wantWorksPage(t, "show", a, "征集中", "测试pingwei")
		jm := judgeOpRE.FindStringSubmatch(a.body)
		if jm == nil {
			t.Fatalf("the judge is not offered:\n%s", a.body)
		}
		wantStatus(t, "add judge", officer.post(callURL+"/judges", url.Values{"user_id": {jm[1]}}, callURL), 303)
		wantWorksPage(t, "list", officer.get("/works"), "“我身边的劳动者”摄影比赛")

		// A member hands in an entry.
		wang := s.memberLogin(t, mobileNumber(1))
		wantWorksPage(t, "member list", wang.get("/m/works"), "作品征集", "“我身边的劳动者”摄影比赛", "征集中")
		mURL := "/m/works/" + callID
		wantWorksPage(t, "member call", wang.get(mURL), "“我身边的劳动者”摄影比赛", "您还没有提交作品。", `enctype="multipart/form-data"`, `multiple accept="image/jpeg,image/png,image/webp"`)
		pic, pic2 := testPicture(t, false), testPicture(t, true)
		entry := url.Values{"title": {"清晨的环卫工"}, "note": {"摄于前门大街"}, "original": {"1"}}
		for _, bad := range []struct {
			what   string
			fields url.Values
			files  []upFile
			want   string
		}{
			{"text named png", entry, []upFile{{"a.png", []byte("not a picture at all")}}, "只收 JPEG、PNG 或 WebP 格式的照片。"},
			{"too many photos", entry, []upFile{{"a.png", pic}, {"b.jpg", pic2}, {"c.png", pic}}, "每件作品最多 2 张照片。"},
			{"no title", url.Values{"title": {"  "}, "original": {"1"}, "note": {"摄于前门大街"}}, []upFile{{"a.png", pic}}, "必填。"},
			{"no photo", entry, nil, "请至少上传一张照片。"},
		} {
			a = wang.uploadMany(mURL, bad.fields, bad.files, mURL)
			wantStatus(t, bad.what, a, 422)
			wantWorksAnswer(t, bad.what, a, bad.want, `id="f-`, "摄于前门大街")
			if n := countRows(t, d, "works_entries"); n != 0 {
				t.Fatalf("%s: %d entries saved", bad.what, n)
			}
		}
		a = wang.uploadMany(mURL, entry, []upFile{{"a.png", pic}}, mURL)
		wantStatus(t, "submit", a, 303)
		a = wang.get(a.location)
		wantWorksPage(t, "after submit", a, "作品已提交。", "清晨的环卫工", "待初审")
		em := mEntryRE.FindStringSubmatch(a.body)
		if em == nil {
			t.Fatalf("no entry link:\n%s", a.body)
		}
		eURL := "/m/works/entries/" + em[1]
		wantWorksPage(t, "entry", wang.get(eURL), "清晨的环卫工", `name="remove"`)
		a = wang.uploadMany(eURL, url.Values{"title": {"清晨的环卫工人"}, "original": {"1"}}, []upFile{{"b.jpg", pic2}}, eURL)
		wantStatus(t, "edit", a, 303)
		a = wang.get(a.location)
		wantWorksPage(t, "after edit", a, "清晨的环卫工人")
		if n := strings.Count(a.body, `name="remove"`); n != 2 {
			t.Errorf("after edit: %d photos, want 2", n)
		}
		photo := regexp.MustCompile(`src="(/m/works/photos/\d+)\?size=thumb"`).FindStringSubmatch(a.body)
		if photo == nil {
			t.Fatal("no photo shown")
		}
		if p := wang.get(photo[1]); p.status != 200 || p.header.Get("Content-Type") != "image/png" || p.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("photo: %d %q", p.status, p.header.Get("Content-Type"))
		}
		li := s.memberLogin(t, mobileNumber(2))
		wantStatus(t, "second entry", li.uploadMany(mURL, url.Values{"title": {"夜班公交"}, "original": {"1"}}, []upFile{{"c.jpg", pic2}}, mURL), 303)

		// Staff screen: one accepted, the other returned with a reason.
		entriesURL := callURL + "/entries"
		a = officer.get(entriesURL)
		wantWorksPage(t, "entries", a, "共 2 件", "清晨的环卫工人", "王小明", "夜班公交", "李晓红")
		var wangEntry, liEntry string
		for _, sm := range screenRE.FindAllStringSubmatch(a.body, -1) {
			if sm[1] == em[1] {
				wangEntry = sm[1]
			} else {
				liEntry = sm[1]
			}
		}
		if wangEntry == "" || liEntry == "" {
			t.Fatalf("screen forms: %q %q", wangEntry, liEntry)
		}
		a = officer.post("/works/entries/"+liEntry+"/screen", url.Values{"decision": {"reject"}}, entriesURL)
		wantStatus(t, "reject without a reason", a, 422)
		wantWorksAnswer(t, "reject without a reason", a, "退回作品须写明原因。")
		wantStatus(t, "accept", officer.post("/works/entries/"+wangEntry+"/screen", url.Values{"decision": {"accept"}}, entriesURL), 303)
		wantStatus(t, "reject", officer.post("/works/entries/"+liEntry+"/screen", url.Values{"decision": {"reject"}, "reason": {"照片模糊"}}, entriesURL), 303)
		wantWorksPage(t, "entries screened", officer.get(entriesURL), "已入围", "已退回", "照片模糊")
		wantWorksPage(t, "returned", li.get(mURL), "已退回", "照片模糊")

		// Judging opens: the judge scores blind.
		advance(8 * 24 * time.Hour)
		a = judge.get("/judging")
		wantWorksPage(t, "judge list", a, "我的评审", "“我身边的劳动者”摄影比赛")
		jURL := "/judging/" + callID
		a = judge.get(jURL)
		wantWorksPage(t, "judging", a, "清晨的环卫工人", `name="mark.0"`)
		wantNoBody(t, "judging", a, "王小明", "李晓红", "夜班公交", "北京排水集团工会")
		if sm := scoreRE.FindStringSubmatch(a.body); sm == nil || sm[1] != wangEntry {
			t.Fatalf("score form: %v", sm)
		}
		wantStatus(t, "staff page hidden from the judge", judge.get(callURL), 404)
		a = judge.post("/judging/entries/"+wangEntry, url.Values{"call": {callID}, "mark.0": {"101"}, "mark.1": {"80"}}, jURL)
		wantStatus(t, "mark over 100", a, 422)
		wantWorksAnswer(t, "mark over 100", a, "应在 0 到 100 之间。")
		wantNoBody(t, "mark over 100", a, "王小明")
		a = judge.post("/judging/entries/"+wangEntry, url.Values{"call": {callID}, "mark.0": {"90"}, "mark.1": {"80"}}, jURL)
		wantStatus(t, "score", a, 303)
		a = judge.get(jURL)
		wantWorksPage(t, "scored", a, "我的评分 86.00")
		wantNoBody(t, "scored", a, "王小明")

		// Judging closes: staff award and publish.
		advance(7 * 24 * time.Hour)
		wantWorksPage(t, "judged", officer.get(callURL), "评审结束")
		wantStatus(t, "award", officer.post(callURL+"/award", url.Values{}, callURL), 303)
		wantStatus(t, "results", officer.post(callURL+"/results", url.Values{}, callURL), 303)
		wantWorksPage(t, "results", officer.get(callURL), "获奖作品", "一等奖", "王小明")
		wantWorksPage(t, "member results", wang.get(mURL), "已公布结果", "获奖作品", "一等奖", "清晨的环卫工人")
		wantWorksPage(t, "member list after", wang.get("/m/works"), "已公布结果")

		// The results reach the whole audience with the winner's photo, as
		// the copy for phones only; staff export the awards (audited).
		a = li.get(mURL)
		wantWorksPage(t, "results for another member", a, "获奖作品", "清晨的环卫工人", "王小明 · 北京排水集团工会")
		wp := regexp.MustCompile(`<img src="(/m/works/photos/\d+)\?size=thumb"`).FindStringSubmatch(a.body)
		if wp == nil {
			t.Fatalf("no winner's photo for another member:\n%s", a.body)
		}
		if p := li.get(wp[1]); p.status != 200 || p.header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("the winner's photo for the audience: %d %q", p.status, p.header.Get("Content-Type"))
		}
		a = officer.get(callURL)
		wantWorksPage(t, "results with the export", a, "导出获奖名单", `href="`+callURL+`/awards.xlsx"`)
		x := officer.get(callURL + "/awards.xlsx")
		if x.status != 200 || !strings.Contains(x.header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("the awards workbook: %d %v", x.status, x.header)
		}
		if rows := xlsxRows(t, x.body); len(rows) != 2 || strings.Join(rows[1], "|") != "1|一等奖|清晨的环卫工人|王小明|北京排水集团工会|86" {
			t.Fatalf("the awards workbook: %v", rows)
		}
		var exports int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'works.export'").Scan(&exports)
		if exports != 1 {
			t.Fatalf("%d audit entries for the awards workbook", exports)
		}
		wantStatus(t, "the judge may not export", judge.get(callURL+"/awards.xlsx"), 404)
	})
}
