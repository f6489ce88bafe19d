package bank

import (
	"context"
	"io"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/sheet"
)

func header() []string {
	out := make([]string, len(ColumnOrder))
	for i, f := range ColumnOrder {
		out[i] = Columns.Name(f)
	}
	return out
}

// sheetRow is q as a row of the layout (ReadSheet reads it back).
func sheetRow(q *Question) []any {
	row := []any{TypeWord(q.Type), q.Stem}
	for i := range MaxOptions {
		o := ""
		if i < len(q.Options) {
			o = q.Options[i]
		}
		row = append(row, o)
	}
	return append(row, KeyText(q), q.Explanation, q.Category, DifficultyWord(q.Difficulty))
}

// Export writes every question of a bank the caller may use as an .xlsx
// in the layout Import reads, in the bank's order.
func (s *Store) Export(ctx context.Context, pr *auth.Principal, bankID int64, out io.Writer) error {
	b, err := s.Bank(ctx, pr, bankID)
	if err != nil {
		return err
	}
	w, err := sheet.NewWriter(b.Name, header())
	if err != nil {
		return errs.Internal(err, "bank: export")
	}
	defer w.Close()
	after := ""
	for {
		qs, next, err := s.Questions(ctx, pr, bankID, QuestionQuery{After: after, Limit: 200})
		if err != nil {
			return err
		}
		for i := range qs {
			if err := w.Row(sheetRow(&qs[i])...); err != nil {
				return errs.Internal(err, "bank: export")
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	_, err = w.WriteTo(out)
	return err
}

// Template writes an empty bank sheet with one example of each type, in
// the layout Import reads; tr names the sheet.
func Template(tr func(string, ...any) string, out io.Writer) error {
	w, err := sheet.NewWriter(tr("bank.template_sheet"), header())
	if err != nil {
		return errs.Internal(err, "bank: template")
	}
	defer w.Close()
	examples := []Question{
		{Type: Single, Stem: "《中华人民共和国工会法》规定，工会的基本职责是什么？", Options: []string{"维护职工合法权益、竭诚服务职工群众", "组织文体活动", "发放福利", "管理企业"}, Key: Key{Choices: []int{0}}, Explanation: "见《工会法》第六条。", Category: "工会法", Difficulty: Easy},
		{Type: Multiple, Stem: "下列属于职工安全生产权利的有（ ）。", Options: []string{"知情权", "建议权", "拒绝违章指挥权", "随意停产权"}, Key: Key{Choices: []int{0, 1, 2}}, Category: "安全生产", Difficulty: Medium},
		{Type: TrueFalse, Stem: "用人单位应当为劳动者提供符合国家规定的劳动安全卫生条件。", Key: Key{True: true}, Category: "劳动法", Difficulty: Easy},
		{Type: Blank, Stem: "中华全国总工会成立于（ ）年，成立地点是（ ）。", Key: Key{Blanks: [][]string{{"1925"}, {"广州", "广东广州"}}}, Explanation: "多个空用“；”分隔，一个空有多个可接受答案时用“|”分隔。", Category: "工会历史", Difficulty: Medium},
		{Type: Short, Stem: "简述工会的四项基本职能。", Key: Key{Outline: "维护职能、建设职能、参与职能、教育职能。"}, Category: "工会知识", Difficulty: Hard},
	}
	for i := range examples {
		if err := w.Row(sheetRow(&examples[i])...); err != nil {
			return errs.Internal(err, "bank: template")
		}
	}
	_, err = w.WriteTo(out)
	return err
}
