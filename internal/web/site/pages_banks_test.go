package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// bankSite is the member site with the question banks behind its pages,
// a leader of the eastern street (reads, cannot change) and a bank of the
// city federation that the streets use read-only.
type bankSite struct {
	*memberSite
	banks *bank.Store
	city  *bank.Bank
	staff *auth.Principal // an officer of the city federation, for the setup
}

func newBankSite(t *testing.T, d *db.DB) *bankSite {
	t.Helper()
	ctx := context.Background()
	ms := newMemberSite(t, d)
	s := &bankSite{memberSite: ms, banks: bank.NewStore(d)}
	if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "lingdao", Name: "测试lingdao", OrgID: s.east.ID, Password: testPassword}, auth.RoleLeader); err != nil {
		t.Fatal(err)
	}
	s.staff = &auth.Principal{Kind: "staff", Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.root.ID, OrgPath: s.root.Path, OrgName: s.root.Name}}}
	var err error
	if s.city, err = s.banks.CreateBank(ctx, s.staff, bank.BankInput{OrgID: s.root.ID, Name: "全市工会知识题库"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.banks.AddQuestion(ctx, s.staff, s.city.ID, bank.Question{Type: bank.TrueFalse, Stem: "工会是职工自愿结合的工人阶级群众组织。", Key: bank.Key{True: true}}); err != nil {
		t.Fatal(err)
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Banks: s.banks}))
	return s
}

var bankRawKeyRE = keyRE("bweb|bank|sheet|upload|flash|list")

func wantNoBankKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, bankRawKeyRE, rawKeyRE)
}

var bankPathRE = regexp.MustCompile(`^/banks/(\d+)$`)

// bankCSV is a sheet of four questions, the third (row 4) with an answer
// naming an option that is not there.
const bankCSV = "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度\n" +
	"单选题,工会会员的权利不包括以下哪项？,选举权,被选举权,表决权,指挥权,D,,工会章程,易\n" +
	"判断题,工会经费可以用于职工福利。,,,,,对,,工会经费,中\n" +
	"单选题,基层工会委员会每届任期为几年？,一年,两年,,,C,,工会章程,中\n" +
	"填空题,职工代表大会的代表由（ ）选举产生。,,,,,职工|全体职工,,民主管理,难\n"

func TestBankPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newBankSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		leader := s.login("lingdao", "")
		var bankURL string

		t.Run("nav and list", func(t *testing.T) {
			a := officer.get("/banks")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, `href="/banks" aria-current="page"`, "全市工会知识题库", "共 1 个", "只读", `href="/banks/new"`, "新建题库")
			wantNoBankKeys(t, "list", a)
			wantStatus(t, "admin without contest roles", s.login("admin", "").get("/banks"), http.StatusForbidden)
			wantBody(t, "leader's list", leader.get("/banks"), "全市工会知识题库")
			wantNoBody(t, "leader's list", leader.get("/banks"), `href="/banks/new"`)
			wantStatus(t, "leader's form", leader.get("/banks/new"), http.StatusForbidden)
		})

		t.Run("create with field errors, then saved", func(t *testing.T) {
			a := officer.get("/banks/new")
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="org_id" value="`+id(s.east)+`" data-picker-value`, `name="name"`)
			wantNoBankKeys(t, "form", a)
			a = officer.post("/banks/new", url.Values{"org_id": {id(s.east)}, "name": {""}}, "/banks/new")
			wantStatus(t, "no name", a, http.StatusUnprocessableEntity)
			wantBody(t, "no name", a, `id="f-name-error"`)
			a = officer.post("/banks/new", url.Values{"org_id": {id(s.west)}, "name": {"西边的题库"}}, "/banks/new")
			wantStatus(t, "another street", a, http.StatusUnprocessableEntity)
			wantBody(t, "another street", a, `id="f-org_id-error"`)
			a = officer.post("/banks/new", url.Values{"org_id": {id(s.east)}, "name": {"安全生产知识题库"}, "description": {"2025 年安全生产月竞赛用"}}, "/banks/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			if !bankPathRE.MatchString(a.location) || flashSet(a) != "flash.bweb.bank_created" {
				t.Fatalf("create goes to %q with flash %q", a.location, flashSet(a))
			}
			bankURL = a.location
			a = officer.get(bankURL)
			wantStatus(t, "bank page", a, 200)
			wantBody(t, "bank page", a, "题库已创建。", "安全生产知识题库", "2025 年安全生产月竞赛用", "这个题库还没有题目。", "添加题目", "导入题目", "导出 Excel", "下载模板")
			wantNoBankKeys(t, "bank page", a)
			a = officer.post("/banks/new", url.Values{"org_id": {id(s.east)}, "name": {"安全生产知识题库"}}, "/banks/new")
			wantStatus(t, "same name", a, http.StatusUnprocessableEntity)
			wantBody(t, "same name", a, "本单位已有同名题库。")
		})

		t.Run("questions through the form", func(t *testing.T) {
			form := bankURL + "/questions/new"
			a := officer.get(form)
			wantStatus(t, "question form", a, 200)
			wantBody(t, "question form", a, `name="options.5"`, `name="key_single"`, `name="key_multiple"`, `name="key_true"`, `name="key_blanks"`, `name="key_outline"`, "单选题", "简答题")
			wantNoBankKeys(t, "question form", a)
			// A multiple choice with one right option: the key's error, the values kept.
			q := url.Values{"type": {"multiple"}, "stem": {"下列属于劳动者权利的有（ ）。"}, "options.0": {"休息休假"}, "options.1": {"获得劳动报酬"},
				"options.2": {"随意旷工"}, "key_multiple": {"0"}, "difficulty": {"2"}, "category": {"劳动法"}}
			a = officer.post(form, q, form)
			wantStatus(t, "one key", a, http.StatusUnprocessableEntity)
			wantBody(t, "one key", a, `id="f-key-error"`, "多选题至少要有两个正确答案", `value="获得劳动报酬"`, `id="f-key-multiple-0" name="key_multiple" value="0" checked`)
			wantNoBankKeys(t, "one key", a)
			q["key_multiple"] = []string{"0", "1"}
			a = officer.post(form, q, form)
			wantStatus(t, "multiple", a, http.StatusSeeOther)
			wantBody(t, "multiple saved", officer.get(bankURL), "下列属于劳动者权利的有（ ）。", "多选题", `class="is-right"`, "AB", "劳动法")
			// A blank with two blanks, the second with two answers.
			a = officer.post(form, url.Values{"type": {"blank"}, "stem": {"中华全国总工会成立于（ ）年，地点是（ ）。"}, "key_blanks": {"1925；广州|广东广州"}, "difficulty": {"3"}}, form)
			wantStatus(t, "blank", a, http.StatusSeeOther)
			a = officer.get(bankURL + "?type=blank")
			wantBody(t, "blank saved", a, "第1空：1925；第2空：广州 或 广东广州", "填空题", "难", "共 1 道题")
			wantNoBody(t, "filtered", a, "下列属于劳动者权利的有")
			wantNoBankKeys(t, "filtered", a)
		})

		t.Run("edit and delete a question", func(t *testing.T) {
			qs, _, err := s.banks.Questions(context.Background(), s.staff, bankID(t, bankURL), bank.QuestionQuery{Type: bank.Blank})
			if err != nil || len(qs) != 1 {
				t.Fatalf("questions: %v %v", qs, err)
			}
			qid := db.FormatID(qs[0].ID)
			edit := "/questions/" + qid + "/edit"
			a := officer.get(edit)
			wantStatus(t, "edit form", a, 200)
			wantBody(t, "edit form", a, `value="1925；广州|广东广州"`, `name="version" value="1"`)
			a = officer.post(edit, url.Values{"version": {"1"}, "type": {"blank"}, "stem": {"中华全国总工会成立于（ ）年。"}, "key_blanks": {"1925"}, "difficulty": {"2"}}, edit)
			wantStatus(t, "edit", a, http.StatusSeeOther)
			a = officer.post(edit, url.Values{"version": {"1"}, "type": {"blank"}, "stem": {"旧的版本"}, "key_blanks": {"1925"}}, edit)
			wantStatus(t, "stale edit", a, http.StatusConflict)
			wantBody(t, "stale edit", a, "已被他人修改")
			wantStatus(t, "leader edits", leader.get(edit), http.StatusForbidden)
			wantStatus(t, "west edits", west.get(edit), http.StatusNotFound)
			a = officer.post("/questions/"+qid+"/delete", url.Values{"version": {"2"}}, bankURL)
			wantStatus(t, "delete", a, http.StatusSeeOther)
			wantNoBody(t, "deleted", officer.get(bankURL), "中华全国总工会成立于")
		})

		t.Run("import: dry run with a bad row, then the good rows", func(t *testing.T) {
			imp := bankURL + "/import"
			a := officer.get(imp)
			wantStatus(t, "import form", a, 200)
			wantBody(t, "import form", a, `value="dry-run" checked`, "题型", "仅检查，不导入")
			wantNoBankKeys(t, "import form", a)
			a = officer.upload(imp, url.Values{"mode": {"dry-run"}}, "file", "题库.csv", []byte(bankCSV), imp)
			wantStatus(t, "dry run", a, http.StatusSeeOther)
			report := a.location
			a = officer.get(report)
			wantStatus(t, "dry run report", a, 200)
			wantBody(t, "dry run report", a, "仅检查，不导入", "题库.csv", `<span class="stat-value">4</span>`, `<span class="stat-value">3</span>`,
				"答案里的字母超出了已填写的选项", `<th scope="row" class="nowrap">第 4 行</th>`, "下载错误清单", `value="valid-rows" checked`)
			wantNoBankKeys(t, "dry run report", a)
			if n := bankQuestions(t, s, bankURL); n != 1 {
				t.Fatalf("a dry run changed the bank: %d questions", n)
			}
			x := officer.get(report + "/errors.xlsx")
			wantStatus(t, "errors workbook", x, 200)
			rows := xlsxRows(t, x.body)
			if len(rows) != 2 || rows[1][0] != "4" || !strings.Contains(rows[1][2], "答案里的字母超出了已填写的选项") {
				t.Fatalf("errors workbook: %q", rows)
			}
			wantStatus(t, "another's report", west.get(report), http.StatusNotFound)

			a = officer.upload(imp, url.Values{"mode": {"valid-rows"}}, "file", "题库.csv", []byte(bankCSV), imp)
			wantStatus(t, "valid rows", a, http.StatusSeeOther)
			if flashSet(a) != "flash.bweb.imported:3" {
				t.Errorf("flash %q", flashSet(a))
			}
			a = officer.get(a.location)
			wantBody(t, "valid rows report", a, "已导入 3 道题目。")
			if n := bankQuestions(t, s, bankURL); n != 4 {
				t.Fatalf("after the import: %d questions", n)
			}
			a = officer.get(bankURL)
			wantBody(t, "summary", a, "题目构成", "工会章程", "民主管理", "共 4 道题", "第1空：职工 或 全体职工", "对")

			a = officer.upload(imp, url.Values{"mode": {"dry-run"}}, "file", "名单.csv", []byte("姓名,电话\n张三,1\n"), imp)
			wantStatus(t, "not a bank", a, http.StatusUnprocessableEntity)
			wantBody(t, "not a bank", a, `id="f-file-error"`)
			wantNoBankKeys(t, "not a bank", a)
			wantStatus(t, "leader imports", leader.get(imp), http.StatusForbidden)
		})

		t.Run("export and template", func(t *testing.T) {
			x := officer.get(bankURL + "/export.xlsx")
			wantStatus(t, "export", x, 200)
			rows := xlsxRows(t, x.body)
			if len(rows) != 5 || rows[0][0] != "题型" || rows[1][1] != "下列属于劳动者权利的有（ ）。" {
				t.Fatalf("export: %q", rows)
			}
			x = leader.get("/banks/template.xlsx")
			wantStatus(t, "template", x, 200)
			if rows := xlsxRows(t, x.body); len(rows) != 6 {
				t.Fatalf("template: %d rows", len(rows))
			}
		})

		t.Run("scope", func(t *testing.T) {
			wantStatus(t, "west opens east's bank", west.get(bankURL), http.StatusNotFound)
			wantStatus(t, "west exports east's bank", west.get(bankURL+"/export.xlsx"), http.StatusNotFound)
			wantNoBody(t, "west's list", west.get("/banks"), "安全生产知识题库")
			a := leader.get(bankURL)
			wantStatus(t, "leader reads", a, 200)
			wantBody(t, "leader reads", a, "安全生产知识题库", "导出 Excel")
			wantNoBody(t, "leader reads", a, "添加题目", "导入题目", "/edit\"")
			wantStatus(t, "leader edits the bank", leader.get(bankURL+"/edit"), http.StatusForbidden)
			city := "/banks/" + db.FormatID(s.city.ID)
			a = officer.get(city)
			wantStatus(t, "the city's bank", a, 200)
			wantBody(t, "the city's bank", a, "只读", "工会是职工自愿结合的工人阶级群众组织。")
			wantNoBody(t, "the city's bank", a, "添加题目")
			wantStatus(t, "edit the city's bank", officer.get(city+"/edit"), http.StatusForbidden)
			a = officer.get("/banks?org=" + id(s.east))
			wantBody(t, "filtered by org", a, "安全生产知识题库", "共 1 个")
			wantNoBody(t, "filtered by org", a, "全市工会知识题库")
			a = officer.get("/banks?q=" + url.QueryEscape("全市"))
			wantBody(t, "searched", a, "全市工会知识题库")
			wantNoBody(t, "searched", a, "安全生产知识题库")
			wantNoBankKeys(t, "searched", a)
		})

		t.Run("the audit log names banks and questions by the bank's page", func(t *testing.T) {
			// Auditors hold no contest role (三员分立), so the log's link is
			// checked where it is made: the names of the objects.
			ctx := context.Background()
			b := s.bankOf(t, bankURL)
			qs, _, err := s.banks.Questions(ctx, s.staff, b.ID, bank.QuestionQuery{Limit: 1})
			if err != nil || len(qs) == 0 {
				t.Fatalf("questions: %v", err)
			}
			refs := []audit.Ref{{Kind: "question_bank", ID: db.FormatID(b.ID)}, {Kind: "question", ID: db.FormatID(qs[0].ID)}}
			names, err := audit.Names(ctx, d, []string{s.east.Path}, refs)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				if n := names[r]; n.Page != "bank" || n.PageID != b.ID || !n.Found {
					t.Errorf("%s: %+v", r.Kind, n)
				}
			}
		})

		t.Run("edit and delete the bank", func(t *testing.T) {
			edit := bankURL + "/edit"
			a := officer.get(edit)
			wantStatus(t, "edit form", a, 200)
			wantBody(t, "edit form", a, "大栅栏街道总工会", "题库建立后不能更换所属组织", `name="version" value="`, "删除题库")
			wantNoBody(t, "edit form", a, `name="org_id"`)
			b := s.bankOf(t, bankURL)
			v := db.FormatID(int64(b.Version))
			a = officer.post(edit, url.Values{"version": {v}, "name": {"安全生产题库"}}, edit)
			wantStatus(t, "rename", a, http.StatusSeeOther)
			a = officer.get(bankURL + "/delete")
			wantStatus(t, "delete page", a, 200)
			wantBody(t, "delete page", a, "确定删除题库“安全生产题库”吗？", "其中的 4 道题目会一并删除")
			wantNoBankKeys(t, "delete page", a)
			a = officer.post(bankURL+"/delete", url.Values{"version": {v}}, bankURL+"/delete")
			wantStatus(t, "stale delete", a, http.StatusConflict)
			wantBody(t, "stale delete", a, "已被他人修改")
			wantStatus(t, "leader deletes", leader.post(bankURL+"/delete", url.Values{"version": {v}}, "/banks"), http.StatusForbidden)
			b = s.bankOf(t, bankURL)
			a = officer.post(bankURL+"/delete", url.Values{"version": {db.FormatID(int64(b.Version))}}, bankURL+"/delete")
			wantStatus(t, "delete", a, http.StatusSeeOther)
			if a.location != "/banks" || flashSet(a) != "flash.bweb.bank_deleted" {
				t.Fatalf("delete goes to %q with %q", a.location, flashSet(a))
			}
			wantStatus(t, "deleted", officer.get(bankURL), http.StatusNotFound)
		})

		t.Run("in English", func(t *testing.T) {
			en := s.login("dashilan", "en")
			a := en.get("/banks")
			wantBody(t, "list", a, "Question banks", "1 bank in all", "Read-only")
			wantNoBankKeys(t, "list", a)
			a = en.get("/banks/" + db.FormatID(s.city.ID))
			wantBody(t, "bank", a, "True/false", "Medium", "1 question in all")
			wantNoBankKeys(t, "bank", a)
		})
	})
}

func bankID(t *testing.T, path string) int64 {
	t.Helper()
	m := bankPathRE.FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("not a bank's page: %q", path)
	}
	n, _ := db.ParseID(m[1])
	return n
}

func (s *bankSite) bankOf(t *testing.T, path string) *bank.Bank {
	t.Helper()
	b, err := s.banks.Bank(context.Background(), s.staff, bankID(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bankQuestions(t *testing.T, s *bankSite, path string) int {
	t.Helper()
	return s.bankOf(t, path).Questions
}

// xlsxRows reads the rows of a workbook's first sheet.
func xlsxRows(t *testing.T, body string) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
