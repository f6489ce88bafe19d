package site

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// postFile sends a multipart form with a file, with the token of the page
// at tokenFrom.
func (c *client) postFile(path, tokenFrom string, fields map[string]string, filename string, data []byte) answer {
	c.t.Helper()
	page := c.get(tokenFrom)
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("no csrf token on %s (status %d)", tokenFrom, page.status)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", m[1])
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// waitJob follows a job page until it is no longer running.
func waitJob(t *testing.T, c *client, url string) answer {
	t.Helper()
	for range 200 {
		a := c.get(url)
		if !strings.Contains(a.body, `http-equiv="refresh"`) {
			return a
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s still running", url)
	return answer{}
}

var jobURLRE = regexp.MustCompile(`^/members/import/jobs/\d+$`)

func TestImportPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMemberSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		a := officer.get("/members/import?org=" + id(s.unionE))
		wantStatus(t, "page", a, 200)
		wantBody(t, "page", a, "上传会员名册", "北京排水集团工会", "先检查，不导入", `enctype="multipart/form-data"`)
		bad := idNumber(t, 12)
		bad = bad[:17] + map[bool]string{true: "2", false: "1"}[bad[17] == '1']
		roster := "某公司会员花名册\n姓名,身份证号码（必填）,联系电话,岗位\n王一," + idNumber(t, 11) + "," + mobileNumber(11) + ",焊工\n王二," + bad + ",,司机\n王三," + idNumber(t, 11) + ",,\n"

		// No file: a field error, nothing stored.
		a = officer.postFile("/members/import", "/members/import", map[string]string{"org": id(s.unionE), "mode": "dry-run"}, "", nil)
		wantStatus(t, "no file", a, http.StatusUnprocessableEntity)
		wantBody(t, "no file", a, "必填")
		// Another street's union: refused on the form's union picker, as the
		// picker would not have offered it; no file kept, no job.
		a = west.postFile("/members/import", "/members/import", map[string]string{"org": id(s.unionE), "mode": "dry-run"}, "r.csv", []byte(roster))
		wantOutOfScope(t, "neighbour", a, "org")
		if n := s.count(t, "SELECT count(*) FROM uploads"); n != 0 {
			t.Fatalf("the neighbour's refused file was kept (%d uploads)", n)
		}

		a = officer.postFile("/members/import", "/members/import", map[string]string{"org": id(s.unionE), "mode": "dry-run"}, "花名册.csv", []byte(roster))
		wantStatus(t, "dry run", a, http.StatusSeeOther)
		if !jobURLRE.MatchString(a.location) {
			t.Fatalf("redirect to %q", a.location)
		}
		job := a.location
		// Someone else's job is not found.
		wantStatus(t, "other's job", west.get(job), http.StatusNotFound)
		a = waitJob(t, officer, job)
		wantBody(t, "checked", a, "检查完成", "花名册.csv", "身份证号码（必填）", "身份证号校验位不正确", "只导入正确的 1 行", ">4<", "与本表第 3 行重复")
		if n := s.count(t, "SELECT count(*) FROM members"); n != 0 {
			t.Fatalf("dry run wrote %d members", n)
		}
		// The file waits for the import the dry run offers, sealed: no name,
		// ID number or mobile from it anywhere in the database.
		if n := s.count(t, "SELECT count(*) FROM uploads"); n != 1 {
			t.Fatalf("%d uploads kept after a dry run, want its file", n)
		}
		noneInClear(t, d, "王一", "王二", "王三", idNumber(t, 11), bad, mobileNumber(11))
		rep := officer.get(job + "/report.xlsx")
		wantStatus(t, "report", rep, 200)
		if !strings.HasPrefix(rep.body, "PK") {
			t.Fatal("report is not an xlsx")
		}
		// Importing needs the importer's word that consent was collected.
		a = officer.post(job+"/run", map[string][]string{"mode": {"valid-rows"}}, job)
		wantStatus(t, "run without consent", a, http.StatusUnprocessableEntity)
		if n := s.count(t, "SELECT count(*) FROM members"); n != 0 {
			t.Fatalf("imported %d members without consent", n)
		}
		a = officer.post(job+"/run", map[string][]string{"mode": {"valid-rows"}, "consent": {"1"}}, job)
		wantStatus(t, "run", a, http.StatusSeeOther)
		a = waitJob(t, officer, a.location)
		wantBody(t, "imported", a, "导入完成", "查看会员名册")
		if n := s.count(t, "SELECT count(*) FROM members"); n != 1 {
			t.Fatalf("imported %d members, want 1", n)
		}
		if n := s.count(t, "SELECT count(*) FROM consents WHERE path = 'import' AND member_id IS NOT NULL AND collector_id IS NOT NULL AND batch_ref LIKE 'upload %'"); n != 1 {
			t.Fatalf("%d import consents, want 1", n)
		}
		// The file went with its import: the dry run no longer offers it.
		if n := s.count(t, "SELECT count(*) FROM uploads"); n != 0 {
			t.Fatalf("%d uploads kept after the import ended", n)
		}
		noneInClear(t, d, idNumber(t, 11), bad, mobileNumber(11))
		wantStatus(t, "run a dropped file", officer.post(job+"/run", map[string][]string{"mode": {"valid-rows"}}, job), http.StatusUnprocessableEntity)
		// Again: skipped, no duplicate.
		a = officer.postFile("/members/import", "/members/import", map[string]string{"org": id(s.unionE), "mode": "valid-rows", "consent": "1"}, "花名册.csv", []byte(roster))
		a = waitJob(t, officer, a.location)
		wantBody(t, "again", a, "已是本会会员")
		if n := s.count(t, "SELECT count(*) FROM uploads"); n != 0 {
			t.Fatalf("%d uploads kept after the import ended", n)
		}
		if n := s.count(t, "SELECT count(*) FROM members"); n != 1 {
			t.Fatalf("re-import made %d members", n)
		}
		// The blank roster offered for download checks clean as it is.
		tpl := officer.get("/members/import/template.xlsx")
		wantStatus(t, "template", tpl, 200)
		a = officer.postFile("/members/import", "/members/import", map[string]string{"org": id(s.unionE), "mode": "dry-run"}, "模板.xlsx", []byte(tpl.body))
		a = waitJob(t, officer, a.location)
		wantBody(t, "template checked", a, "全部 1 行都正确")
		// Export, masked.
		ex := officer.get("/members/export?org=" + id(s.unionE))
		wantStatus(t, "export", ex, 200)
		if !strings.HasPrefix(ex.body, "PK") || ex.header.Get("Content-Disposition") == "" {
			t.Fatal("export is not an xlsx attachment")
		}
		// Full numbers go through an export request, which admin may not make.
		adm := s.login("admin", "")
		a = adm.get("/members/export?reveal=1&org=" + id(s.unionE))
		wantStatus(t, "reveal export", a, http.StatusSeeOther)
		if a.location != "/exports/new?org="+id(s.unionE) {
			t.Fatalf("reveal export goes to %q", a.location)
		}
		wantStatus(t, "reveal export by admin", adm.get(a.location), http.StatusForbidden)
	})
}

// noneInClear fails when a value is stored in clear: in any upload's data
// and, on SQLite, anywhere in the database file or its WAL.
func noneInClear(t *testing.T, d *db.DB, values ...string) {
	t.Helper()
	rows, err := d.Query(t.Context(), "SELECT data FROM uploads")
	if err != nil {
		t.Fatal(err)
	}
	var blobs [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, b)
	}
	rows.Close()
	if d.Dialect == db.SQLite {
		var file string
		if err := d.QueryRow(t.Context(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{file, file + "-wal"} {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			blobs = append(blobs, b)
		}
	}
	for _, b := range blobs {
		for _, v := range values {
			if bytes.Contains(b, []byte(v)) {
				t.Fatalf("%q is stored in clear", v)
			}
		}
	}
}

func (s *memberSite) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := s.d.QueryRow(t.Context(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
