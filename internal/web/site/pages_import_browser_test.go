package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	if testing.Short() {
		t.Skip("browser test")
	}
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	bad := idNumber(t, 52)
	bad = bad[:17] + map[bool]string{true: "2", false: "1"}[bad[17] == '1']
	roster := "姓名,身份证号,手机号,岗位,入会时间\n孙一," + idNumber(t, 51) + "," + mobileNumber(51) + ",焊工,2021年3月1日\n孙二," + bad + ",,司机,\n孙三," + idNumber(t, 53) + ",,电工,2022/5/6\n"
	file := filepath.Join(t.TempDir(), "花名册.csv")
	if err := os.WriteFile(file, []byte(roster), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	base := s.srv.URL
	browserLogin(t, ctx, base, "dashilan")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/members/import?org="+id(s.unionE)),
		chromedp.WaitVisible(chromedp.CSS("#f-file")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "import-form-1280")
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/members/import"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".import-choice")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "import-checked-1280")
	if text := bodyText(t, ctx); !strings.Contains(text, "身份证号校验位不正确") || !strings.Contains(text, "花名册.csv") {
		t.Fatalf("dry run page: %s", text)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.import-choice input[name="consent"]`)),
		chromedp.Click(chromedp.CSS(`.import-choice button[value="valid-rows"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/members?org="]`)),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "import-done-1280")
	if n := s.count(t, "SELECT count(*) FROM members"); n != 2 {
		t.Fatalf("imported %d members, want 2", n)
	}
	phone(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".stats"))); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "import-done-390")
}
