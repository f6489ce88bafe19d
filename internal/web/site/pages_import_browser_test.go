package site

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserImport uploads a roster in a real browser: the dry run lists
// the bad row with its spreadsheet row number, then the good rows are
// imported from the same upload.
func TestBrowserImport(t *testing.T) {
	skipBrowser(t)
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	bad := idNumber(t, 52)
	bad = bad[:17] + map[bool]string{true: "2", false: "1"}[bad[17] == '1']
	roster := "姓名,身份证号,手机号,岗位,入会时间\n孙一," + idNumber(t, 51) + "," + mobileNumber(51) + ",焊工,2021年3月1日\n孙二," + bad + ",,司机,\n孙三," + idNumber(t, 53) + ",,电工,2022/5/6\n"
	file := filepath.Join(t.TempDir(), "花名册.csv")
	if err := os.WriteFile(file, []byte(roster), 0o600); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan")
	b.open("/members/import?org="+id(s.unionE), "#f-file")
	b.shot("import-form-1280")
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/members/import"] .form-actions .btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".import-choice")),
	)
	b.shot("import-checked-1280")
	b.expect("dry run page", "身份证号校验位不正确", "花名册.csv")
	b.do(
		chromedp.Click(chromedp.CSS(`.import-choice input[name="consent"]`)),
		chromedp.Click(chromedp.CSS(`.import-choice button[value="valid-rows"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/members?org="]`)),
	)
	b.shot("import-done-1280")
	if n := s.count(t, "SELECT count(*) FROM members"); n != 2 {
		t.Fatalf("imported %d members, want 2", n)
	}
	b.phone()
	b.do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".stats")))
	b.shot("import-done-390")
}
