package bank

import (
	"reflect"
	"slices"
	"testing"

	"gonghui/internal/errs"
)

func row(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestParseRow(t *testing.T) {
	cases := []struct {
		name   string
		cells  map[string]string
		want   Key
		typ    Type
		errors map[string]string // field -> message key
	}{
		{"single", row("type", "单选题", "stem", "工会法何时施行？", "option_a", "1992年", "option_b", "2001年", "key", "Ａ"), Key{Choices: []int{0}}, Single, nil},
		{"multiple with separators", row("type", " 多项选择题 ", "stem", "哪些是工会的基本职责？", "option_a", "维权", "option_b", "服务", "option_c", "炒股", "key", "A、b"), Key{Choices: []int{0, 1}}, Multiple, nil},
		{"true/false words", row("type", "判断", "stem", "工会会员享有选举权。", "key", "√"), Key{True: true}, TrueFalse, nil},
		{"true/false over options", row("type", "判断题", "stem", "职工可以不参加工会。", "option_a", "正确", "option_b", "错误", "key", "B"), Key{True: false}, TrueFalse, nil},
		{"blanks and alternatives", row("type", "填空题", "stem", "中华全国总工会成立于（ ）年，地点（ ）。", "key", "1925；广州|广东广州"), Key{Blanks: [][]string{{"1925"}, {"广州", "广东广州"}}}, Blank, nil},
		{"short with outline", row("type", "简答", "stem", "简述工会的四项基本职能。", "key", "维护、建设、参与、教育"), Key{Outline: "维护、建设、参与、教育"}, Short, nil},
		{"short without outline", row("type", "问答题", "stem", "谈谈你对劳模精神的理解。"), Key{}, Short, nil},
		{"unknown type", row("type", "连线题", "stem", "x", "key", "A"), Key{}, "", map[string]string{"type": "bank.type"}},
		{"missing stem and key", row("type", "单选题", "option_a", "a", "option_b", "b"), Key{}, Single, map[string]string{"stem": "field.required", "key": "field.required"}},
		{"key letter beyond options", row("type", "单选题", "stem", "s", "option_a", "a", "option_b", "b", "key", "C"), Key{}, Single, map[string]string{"key": "bank.key_option"}},
		{"single with two letters", row("type", "单选题", "stem", "s", "option_a", "a", "option_b", "b", "key", "AB"), Key{}, Single, map[string]string{"key": "bank.key_single"}},
		{"multiple with one letter", row("type", "多选题", "stem", "s", "option_a", "a", "option_b", "b", "key", "A"), Key{}, Multiple, map[string]string{"key": "bank.key_multiple"}},
		{"key not letters", row("type", "单选题", "stem", "s", "option_a", "a", "option_b", "b", "key", "第一个"), Key{}, Single, map[string]string{"key": "bank.key_format_single"}},
		{"one option", row("type", "单选题", "stem", "s", "option_a", "a", "key", "A"), Key{}, Single, map[string]string{"option_a": "bank.option_count"}},
		{"gap in options", row("type", "单选题", "stem", "s", "option_a", "a", "option_c", "c", "key", "A"), Key{}, Single, map[string]string{"option_b": "field.required"}},
		{"duplicate options", row("type", "单选题", "stem", "s", "option_a", "同", "option_b", "同", "key", "A"), Key{}, Single, map[string]string{"option_b": "bank.option_duplicate"}},
		{"bad difficulty", row("type", "判断题", "stem", "s", "key", "对", "difficulty", "极难"), Key{True: true}, TrueFalse, map[string]string{"difficulty": "bank.difficulty"}},
		{"true/false nonsense", row("type", "判断题", "stem", "s", "key", "也许"), Key{}, TrueFalse, map[string]string{"key": "bank.key_format_truefalse"}},
		{"options on a blank", row("type", "填空题", "stem", "s", "option_a", "a", "key", "x"), Key{}, Blank, map[string]string{"option_a": "bank.options_unexpected"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := errs.Fields{}
			q := ParseRow(c.cells, f)
			got := map[string]string{}
			for k, v := range f {
				got[k] = v.Key
			}
			if len(c.errors) == 0 && len(got) > 0 || len(c.errors) > 0 && !reflect.DeepEqual(got, c.errors) {
				t.Fatalf("errors %v, want %v", got, c.errors)
			}
			if len(c.errors) > 0 {
				return
			}
			if q.Type != c.typ || !reflect.DeepEqual(q.Key, c.want) {
				t.Fatalf("type %s key %+v, want %s %+v", q.Type, q.Key, c.typ, c.want)
			}
			if q.Difficulty != Medium {
				t.Fatalf("difficulty %d, want medium by default", q.Difficulty)
			}
			// The export's answer column reads back as the same key.
			if back, ok := ParseKey(q.Type, KeyText(&q), q.Options); !ok || !reflect.DeepEqual(back, q.Key) {
				t.Fatalf("KeyText %q reads back as %+v", KeyText(&q), back)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	yes, no := true, false
	multi := &Question{Type: Multiple, Options: []string{"a", "b", "c", "d"}, Key: Key{Choices: []int{0, 2}}}
	blank := &Question{Type: Blank, Key: Key{Blanks: [][]string{{"1925"}, {"广州", "Guangzhou"}}}}
	tf := &Question{Type: TrueFalse, Key: Key{True: false}}
	cases := []struct {
		q       *Question
		a       Answer
		partial bool
		want    Credit
	}{
		{multi, Answer{Choices: []int{2, 0}}, false, Right},
		{multi, Answer{Choices: []int{0}}, false, Wrong},
		{multi, Answer{Choices: []int{0}}, true, Partial},
		{multi, Answer{Choices: []int{0, 1}}, true, Wrong},
		{multi, Answer{}, true, Wrong},
		{blank, Answer{Blanks: []string{"１９２５", " guangzhou。"}}, false, Right},
		{blank, Answer{Blanks: []string{"1925", "广 州"}}, false, Right},
		{blank, Answer{Blanks: []string{"1925"}}, false, Wrong},
		{blank, Answer{Blanks: []string{"1925", ""}}, false, Wrong},
		{tf, Answer{True: &no}, false, Right},
		{tf, Answer{True: &yes}, false, Wrong},
		{tf, Answer{}, false, Wrong},
		{&Question{Type: Short}, Answer{Text: "…"}, false, Manual},
	}
	for i, c := range cases {
		a := c.a
		if err := CheckAnswer(c.q, &a); err != nil {
			t.Fatalf("%d: CheckAnswer: %v", i, err)
		}
		if got := Grade(c.q, a, c.partial); got != c.want {
			t.Errorf("%d: %s %+v partial=%v: %v, want %v", i, c.q.Type, c.a, c.partial, got, c.want)
		}
	}
}

func TestCheckAnswerRefuses(t *testing.T) {
	yes := true
	single := &Question{Type: Single, Options: []string{"a", "b"}, Key: Key{Choices: []int{1}}}
	for i, a := range []Answer{
		{Choices: []int{2}},
		{Choices: []int{-1}},
		{Choices: []int{0, 1}},
		{True: &yes},
		{Blanks: []string{"x"}},
	} {
		if err := CheckAnswer(single, &a); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("%d: %+v accepted (%v)", i, a, err)
		}
	}
	blank := &Question{Type: Blank, Key: Key{Blanks: [][]string{{"x"}}}}
	if err := CheckAnswer(blank, &Answer{Blanks: []string{"a", "b"}}); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("two blanks to a one-blank question accepted")
	}
}

func TestIsHeader(t *testing.T) {
	if IsHeader([]string{"2026年安全生产知识竞赛题库"}) {
		t.Error("a title row taken for the header")
	}
	if !IsHeader([]string{"序号", "*题型", "题干（必填）", "选项A", "选项B", "正确答案", "答案解析"}) {
		t.Error("a header with variants not recognised")
	}
	got := Columns.Map([]string{"题目", "A", "B", "标准答案", "试题类型"})
	for _, f := range []string{"stem", "option_a", "option_b", "key", "type"} {
		if _, ok := got[f]; !ok {
			t.Errorf("%s not found in %v", f, got)
		}
	}
	if !slices.Equal(ColumnOrder[:2], []string{"type", "stem"}) {
		t.Error("template order changed")
	}
}
