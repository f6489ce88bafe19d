package bank

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/sheet"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Fields[field].Key != key {
		t.Fatalf("want %s on %s, got %v", key, field, err)
	}
}

func TestBanksScopeAndQuestions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		tr := signuptest.NewTree(t, org.NewStore(d))
		s := NewStore(d)
		street := signuptest.Grant(auth.RoleOfficer, tr.Dashilan)
		other := signuptest.Grant(auth.RoleOfficer, tr.Xichang)
		leader := signuptest.Grant(auth.RoleLeader, tr.Dashilan)

		city, err := s.CreateBank(ctx, tr.City, BankInput{OrgID: tr.Root.ID, Name: "安全生产知识题库"})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := s.CreateBank(ctx, street, BankInput{OrgID: tr.Dashilan.ID, Name: "大栅栏普法题库"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateBank(ctx, street, BankInput{OrgID: tr.Dashilan.ID, Name: " 大栅栏普法题库 "})
		wantField(t, err, "name", "bank.name_taken")
		_, err = s.CreateBank(ctx, street, BankInput{OrgID: tr.Root.ID, Name: "越权"})
		wantField(t, err, "org_id", "field.invalid_id")
		_, err = s.CreateBank(ctx, street, BankInput{OrgID: tr.Dashilan.ID, Name: ""})
		wantField(t, err, "name", "field.required")

		// A street uses the city's bank but may not change it; a sibling
		// street sees the city's bank and not the other street's.
		if b, err := s.Bank(ctx, street, city.ID); err != nil || b.Writable {
			t.Fatalf("street reads city bank: %+v %v", b, err)
		}
		if _, err := s.UpdateBank(ctx, street, city.ID, city.Version, BankInput{Name: "改名"}); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("street renamed the city's bank: %v", err)
		}
		if _, err := s.Bank(ctx, other, mine.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("sibling street reads another street's bank: %v", err)
		}
		list, _, err := s.Banks(ctx, other, BankQuery{})
		if err != nil || len(list) != 1 || list[0].ID != city.ID {
			t.Fatalf("sibling's banks: %+v %v", list, err)
		}
		list, _, err = s.Banks(ctx, leader, BankQuery{Sort: "name"})
		if err != nil || len(list) != 2 {
			t.Fatalf("leader's banks: %+v %v", list, err)
		}
		if n, err := s.CountBanks(ctx, tr.City, BankQuery{Q: "普法"}); err != nil || n.N != 1 {
			t.Fatalf("city count of 普法: %+v %v", n, err)
		}

		// Questions: a checked one is added, a duplicate stem refused, an
		// edit with a stale version refused.
		q, err := s.AddQuestion(ctx, street, mine.ID, Question{Type: Single, Stem: "工会法第几条规定了工会的基本职责？", Options: []string{"第六条", "第九条"}, Key: Key{Choices: []int{0}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddQuestion(ctx, street, mine.ID, Question{Type: Single, Stem: " 工会法第几条规定了工会的基本职责？ ", Options: []string{"a", "b"}, Key: Key{Choices: []int{1}}})
		wantField(t, err, "stem", "bank.question_duplicate")
		_, err = s.AddQuestion(ctx, street, mine.ID, Question{Type: Multiple, Stem: "x", Options: []string{"a", "b"}, Key: Key{Choices: []int{1}}})
		wantField(t, err, "key", "bank.key_multiple")
		if _, err := s.AddQuestion(ctx, leader, mine.ID, Question{Type: TrueFalse, Stem: "y", Key: Key{True: true}}); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("leader added a question: %v", err)
		}
		q.Key = Key{Choices: []int{1}}
		q2, err := s.UpdateQuestion(ctx, street, q.ID, q.Version, *q)
		if err != nil || q2.Version != 2 || q2.Key.Choices[0] != 1 {
			t.Fatalf("update: %+v %v", q2, err)
		}
		if _, err := s.UpdateQuestion(ctx, street, q.ID, q.Version, *q); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("stale update: %v", err)
		}
		if _, _, err := s.Question(ctx, other, q.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("sibling reads question: %v", err)
		}
		if err := s.DeleteQuestion(ctx, other, q.ID, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("sibling deletes question: %v", err)
		}
		if err := s.DeleteQuestion(ctx, street, q.ID, q2.Version); err != nil {
			t.Fatal(err)
		}
		if b, _ := s.Bank(ctx, street, mine.ID); b.Questions != 0 {
			t.Fatalf("count after delete: %d", b.Questions)
		}
	})
}

// bankCSV is a bank sheet as another program writes it: a title row, the
// headers' variants, a bad row among good ones.
const bankCSV = "2026年安全生产月知识竞赛题库,,,,,,,\n" +
	"题型,题目,A,B,C,D,正确答案,答案解析,知识点,难易程度\n" +
	"单选题,发现安全隐患应当向谁报告？,班组长或安全员,不用报告,朋友,家人,A,,安全生产,易\n" +
	"多选题,职工的安全生产权利有（ ）。,知情权,建议权,拒绝违章指挥权,随意停产权,ABC,,安全生产,中\n" +
	"判断题,安全帽可以不系下颌带。,,,,,错,,安全生产,\n" +
	"填空题,《安全生产法》自（ ）年起施行。,,,,,2002,,法律,难\n" +
	"单选题,这一行的答案超出选项,甲,乙,,,C,,安全生产,易\n" +
	"单选题,发现安全隐患应当向谁报告？,甲,乙,,,A,,安全生产,易\n" +
	"连线题,不认识的题型,,,,,A,,,\n"

func TestImportModesAndReimport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		tr := signuptest.NewTree(t, org.NewStore(d))
		s := NewStore(d)
		street := signuptest.Grant(auth.RoleOfficer, tr.Dashilan)
		b, err := s.CreateBank(ctx, street, BankInput{OrgID: tr.Dashilan.ID, Name: "安全生产月"})
		if err != nil {
			t.Fatal(err)
		}
		src := strings.NewReader(bankCSV)
		imp := func(mode sheet.ImportMode) *sheet.ImportReport {
			t.Helper()
			rep, err := s.Import(ctx, street, b.ID, src, int64(len(bankCSV)), ImportOptions{Mode: mode, Name: "题库.csv"})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		rep := imp(sheet.ImportDryRun)
		if rep.Total != 7 || rep.Valid != 4 || rep.Invalid != 3 || rep.Imported != 0 {
			t.Fatalf("dry run: %+v", rep)
		}
		got := map[int]string{}
		for _, e := range rep.Errors {
			got[e.Row] += e.Column + ":" + e.Key + " "
		}
		want := map[int]string{7: "正确答案:bank.key_option ", 8: "题目:bank.import_duplicate ", 9: "题型:bank.type "}
		for row, w := range want {
			if got[row] != w {
				t.Errorf("row %d: %q, want %q", row, got[row], w)
			}
		}
		if rep := imp(sheet.ImportAllOrNothing); rep.Imported != 0 {
			t.Fatalf("all-or-nothing with bad rows imported %d", rep.Imported)
		}
		if rep := imp(sheet.ImportValidRows); rep.Imported != 4 {
			t.Fatalf("valid rows: %+v", rep)
		}
		if rep := imp(sheet.ImportValidRows); rep.Imported != 0 || rep.Skipped != 4 {
			t.Fatalf("re-import: %+v", rep)
		}
		cats, err := s.Categories(ctx, street, b.ID)
		if err != nil || len(cats) != 4 {
			t.Fatalf("categories: %+v %v", cats, err)
		}
		if n, _ := s.CountQuestions(ctx, street, b.ID, QuestionQuery{Type: Multiple}); n.N != 1 {
			t.Fatalf("multiple-choice count %d", n.N)
		}

		// The export reads back as the same questions, in order.
		var buf bytes.Buffer
		if err := s.Export(ctx, street, b.ID, &buf); err != nil {
			t.Fatal(err)
		}
		back, rep2, err := ReadSheet(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil || rep2.Invalid != 0 || len(back) != 4 {
			t.Fatalf("export read back: %+v %v", rep2, err)
		}
		qs, _, _ := s.Questions(ctx, street, b.ID, QuestionQuery{})
		for i := range qs {
			if back[i].Stem != qs[i].Stem || KeyText(back[i]) != KeyText(&qs[i]) || back[i].Difficulty != qs[i].Difficulty {
				t.Errorf("question %d: %+v read back as %+v", i, qs[i], back[i])
			}
		}
		var tpl bytes.Buffer
		if err := Template(func(k string, _ ...any) string { return k }, &tpl); err != nil {
			t.Fatal(err)
		}
		if ex, rep3, err := ReadSheet(bytes.NewReader(tpl.Bytes()), int64(tpl.Len())); err != nil || rep3.Invalid != 0 || len(ex) != len(Types) {
			t.Fatalf("template: %d questions, %+v %v", len(ex), rep3, err)
		}

		// A file without the needed columns says which.
		bad := "姓名,身份证号\n张三,1\n"
		_, err = s.Import(ctx, street, b.ID, strings.NewReader(bad), int64(len(bad)), ImportOptions{Mode: sheet.ImportDryRun})
		wantField(t, err, "file", "bank.import_no_header")
		partial := "题干,答案\n题一,A\n"
		_, err = s.Import(ctx, street, b.ID, strings.NewReader(partial), int64(len(partial)), ImportOptions{Mode: sheet.ImportDryRun})
		wantField(t, err, "file", "bank.import_no_header")
	})
}
