package bank

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

// A bank sheet from outside: never a panic; every question it yields
// passes the rules again, and written back as a row it reads as the same
// question.
func FuzzReadSheet(f *testing.F) {
	f.Add([]byte(bankCSV))
	var tpl bytes.Buffer
	if err := Template(func(k string, _ ...any) string { return k }, &tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add([]byte("题型,题干,答案\n填空题,x,；|；\n判断题,y,Ｔ\n多选题,z,Ａ，Ｂ\n"))
	f.Add([]byte("题型,题干,选项A,选项B,答案,难度\n单选题,\"多\n行\",a,a,A,3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, rep, err := ReadSheet(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("an error without a message: %v", err)
			}
			return
		}
		if rep.Valid != len(qs) || rep.Valid+rep.Invalid != rep.Total {
			t.Fatalf("report %+v for %d questions", rep, len(qs))
		}
		for _, q := range qs {
			g := errs.Fields{}
			again := *q
			again.Check(g)
			if len(g) > 0 {
				t.Fatalf("%+v passed, then failed %v", q, g)
			}
			cells := map[string]string{}
			for i, v := range sheetRow(q) {
				cells[ColumnOrder[i]] = v.(string)
			}
			g = errs.Fields{}
			back := ParseRow(cells, g)
			if len(g) > 0 || back.Stem != q.Stem || KeyText(&back) != KeyText(q) {
				t.Fatalf("%+v written back reads as %+v (%v)", q, back, g)
			}
		}
	})
}

// A taker's answer as the phone sends it: decoded, checked and graded
// without a panic; a checked answer grades to one of the credits.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{`{"choices":[0,2]}`, `{"true":false}`, `{"blanks":["１９２５"," 广州 "]}`, `{"text":"维护职能"}`, `{"choices":[-1,99]}`, `{"blanks":null}`, `[]`} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	questions := []*Question{
		{Type: Single, Options: []string{"a", "b", "c"}, Key: Key{Choices: []int{1}}},
		{Type: Multiple, Options: []string{"a", "b", "c", "d"}, Key: Key{Choices: []int{0, 2}}},
		{Type: TrueFalse, Key: Key{True: true}},
		{Type: Blank, Key: Key{Blanks: [][]string{{"1925"}, {"广州", "Guangzhou"}}}},
		{Type: Short, Key: Key{Outline: "x"}},
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		q := questions[int(which)%len(questions)]
		var a Answer
		if json.NewDecoder(strings.NewReader(body)).Decode(&a) != nil {
			return
		}
		if err := CheckAnswer(q, &a); err != nil {
			if e, ok := errs.As(err); !ok || len(e.Fields) == 0 {
				t.Fatalf("refusal without a field: %v", err)
			}
			return
		}
		for _, partial := range []bool{false, true} {
			switch c := Grade(q, a, partial); {
			case c < Wrong || c > Manual:
				t.Fatalf("credit %d", c)
			case c == Partial && (!partial || q.Type != Multiple):
				t.Fatalf("partial credit for %s (partial=%v)", q.Type, partial)
			case c == Manual && q.Type != Short:
				t.Fatalf("manual grading for %s", q.Type)
			}
		}
		_ = Normalise(body)
	})
}
