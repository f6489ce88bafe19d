package bank

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"gonghui/internal/errs"
	"gonghui/internal/sheet"
)

// The layout unions already use for banks, recognised by the headers
// people write (the first of each is what an export and the template
// write). A title row above the header is skipped.
var columnNames = map[string][]string{
	"type":        {"题型", "试题类型", "题目类型", "类型", "type"},
	"stem":        {"题干", "题目", "试题", "题目内容", "试题内容", "问题", "stem", "question"},
	"option_a":    {"选项A", "A", "A选项", "option_a"},
	"option_b":    {"选项B", "B", "B选项", "option_b"},
	"option_c":    {"选项C", "C", "C选项", "option_c"},
	"option_d":    {"选项D", "D", "D选项", "option_d"},
	"option_e":    {"选项E", "E", "E选项", "option_e"},
	"option_f":    {"选项F", "F", "F选项", "option_f"},
	"key":         {"答案", "正确答案", "标准答案", "参考答案", "answer", "key"},
	"explanation": {"解析", "答案解析", "试题解析", "题目解析", "explanation"},
	"category":    {"分类", "类别", "题目分类", "知识点", "category"},
	"difficulty":  {"难度", "难易度", "难易程度", "difficulty"},
}

// Columns recognises a bank sheet's columns.
var Columns = sheet.NewColumns(columnNames)

// ColumnOrder is the order of a template's and an export's columns.
var ColumnOrder = []string{"type", "stem", "option_a", "option_b", "option_c", "option_d", "option_e", "option_f", "key", "explanation", "category", "difficulty"}

// IsHeader: a row naming the stem, the answer and one more known column.
func IsHeader(cells []string) bool {
	return Columns.IsHeader(cells, 3, "stem") && Columns.IsHeader(cells, 3, "key")
}

// typeWords are the words a type column holds.
var typeWords = map[string]Type{
	"单选": Single, "单选题": Single, "单项选择": Single, "单项选择题": Single, "单择题": Single, "single": Single,
	"多选": Multiple, "多选题": Multiple, "多项选择": Multiple, "多项选择题": Multiple, "不定项选择": Multiple, "不定项选择题": Multiple, "multiple": Multiple,
	"判断": TrueFalse, "判断题": TrueFalse, "是非题": TrueFalse, "对错题": TrueFalse, "truefalse": TrueFalse, "true/false": TrueFalse,
	"填空": Blank, "填空题": Blank, "blank": Blank,
	"简答": Short, "简答题": Short, "问答题": Short, "主观题": Short, "论述题": Short, "short": Short,
}

// ParseType reads a type column.
func ParseType(s string) (Type, bool) {
	t, ok := typeWords[strings.ToLower(compact(s))]
	return t, ok
}

// TypeWord is what a template and an export write for t.
func TypeWord(t Type) string {
	return map[Type]string{Single: "单选题", Multiple: "多选题", TrueFalse: "判断题", Blank: "填空题", Short: "简答题"}[t]
}

var difficultyWords = map[string]Difficulty{
	"易": Easy, "简单": Easy, "容易": Easy, "低": Easy, "1": Easy, "easy": Easy,
	"中": Medium, "中等": Medium, "一般": Medium, "适中": Medium, "2": Medium, "medium": Medium,
	"难": Hard, "困难": Hard, "较难": Hard, "高": Hard, "3": Hard, "hard": Hard,
}

// ParseDifficulty reads a difficulty column; empty is medium.
func ParseDifficulty(s string) (Difficulty, bool) {
	s = strings.ToLower(compact(s))
	if s == "" {
		return Medium, true
	}
	d, ok := difficultyWords[s]
	return d, ok
}

// DifficultyWord is what an export writes for d.
func DifficultyWord(d Difficulty) string {
	return map[Difficulty]string{Easy: "易", Medium: "中", Hard: "难"}[d]
}

var trueWords = map[string]bool{
	"对": true, "正确": true, "是": true, "√": true, "✓": true, "✔": true, "t": true, "true": true, "y": true, "yes": true,
	"错": false, "错误": false, "否": false, "×": false, "x": false, "✗": false, "✘": false, "f": false, "false": false, "n": false, "no": false,
}

// ParseKey reads the answer column of a question of type t whose options
// are options: letters for choices (A, ACD, A,C,D, A、C、D, full-width
// too), 对/错 (and √/×, 正确/错误, T/F; A/B when the options are
// 正确/错误) for true/false; for blanks, the blanks separated by ; or ；
// and each blank's accepted answers by | or ｜; a short answer's column
// holds the reference answer. The key is not checked against the options
// here (Question.Check does).
func ParseKey(t Type, s string, options []string) (Key, bool) {
	s = strings.TrimSpace(s)
	switch t {
	case Single, Multiple:
		var k Key
		for _, r := range width.Fold.String(s) {
			switch {
			case r >= 'A' && r <= 'Z':
				k.Choices = append(k.Choices, int(r-'A'))
			case r >= 'a' && r <= 'z':
				k.Choices = append(k.Choices, int(r-'a'))
			case unicode.IsSpace(r) || strings.ContainsRune(",，、;；/|", r):
			default:
				return Key{}, false
			}
		}
		return k, len(k.Choices) > 0
	case TrueFalse:
		w := strings.ToLower(compact(s))
		if v, ok := trueWords[w]; ok {
			return Key{True: v}, true
		}
		// A and B over options 正确 and 错误 (or the other way round).
		if (w == "a" || w == "b") && len(options) >= 2 {
			i := int(w[0] - 'a')
			if v, ok := trueWords[strings.ToLower(compact(options[i]))]; ok {
				return Key{True: v}, true
			}
		}
		return Key{}, false
	case Blank:
		var k Key
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
			k.Blanks = append(k.Blanks, strings.FieldsFunc(part, func(r rune) bool { return r == '|' || r == '｜' }))
		}
		return k, len(k.Blanks) > 0
	case Short:
		return Key{Outline: s}, true
	}
	return Key{}, false
}

// KeyText is the answer column an export writes for q (ParseKey reads it
// back).
func KeyText(q *Question) string {
	switch q.Type {
	case Single, Multiple:
		var b strings.Builder
		for _, c := range q.Key.Choices {
			b.WriteString(Letter(c))
		}
		return b.String()
	case TrueFalse:
		if q.Key.True {
			return "对"
		}
		return "错"
	case Blank:
		parts := make([]string, len(q.Key.Blanks))
		for i, alts := range q.Key.Blanks {
			parts[i] = strings.Join(alts, "|")
		}
		return strings.Join(parts, "；")
	case Short:
		return q.Key.Outline
	}
	return ""
}

// ParseRow reads one row of a bank sheet (cells by field) into a checked
// question; problems go to f under the columns' fields (type, stem,
// option_a…, key, explanation, category, difficulty).
func ParseRow(cells map[string]string, f errs.Fields) Question {
	var q Question
	t, ok := ParseType(cells["type"])
	switch {
	case strings.TrimSpace(cells["type"]) == "":
		f.Add("type", "field.required")
	case !ok:
		f.Add("type", "bank.type")
	}
	q.Type = t
	q.Stem = cells["stem"]
	q.Explanation = cells["explanation"]
	q.Category = cells["category"]
	if d, ok := ParseDifficulty(cells["difficulty"]); ok {
		q.Difficulty = d
	} else {
		f.Add("difficulty", "bank.difficulty")
	}
	for i := range MaxOptions {
		q.Options = append(q.Options, cells["option_"+strings.ToLower(Letter(i))])
	}
	if !t.Choice() {
		q.Options = trimEmpty(q.Options)
	}
	if ok {
		if k, good := ParseKey(t, cells["key"], q.Options); good {
			q.Key = k
		} else if strings.TrimSpace(cells["key"]) == "" && t != Short {
			f.Add("key", "field.required")
		} else {
			f.Add("key", "bank.key_format_"+string(t))
		}
	}
	if t == TrueFalse {
		q.Options = nil
	}
	g := errs.Fields{}
	q.Check(g)
	for name, e := range g {
		// options.N is the Nth option column.
		if rest, ok := strings.CutPrefix(name, "options."); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				name = "option_" + strings.ToLower(Letter(n))
			}
		} else if name == "options" {
			name = "option_a"
		}
		f.Add(name, e.Key, e.Args...)
	}
	return q
}

func trimEmpty(ss []string) []string {
	for len(ss) > 0 && strings.TrimSpace(ss[len(ss)-1]) == "" {
		ss = ss[:len(ss)-1]
	}
	return ss
}

// compact drops white space (of every width) from s.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
