package rights

import (
	"slices"
	"testing"
	"unicode/utf8"

	"gonghui/internal/errs"
)

// FuzzCheckEdits feeds a claim's and a worker's edit forms whatever a
// page or an API client might send: the checks never panic; an accepted
// claim has a known kind, an amount above 0 and at most MaxFen and a note
// within its length; an accepted worker's edit has a name of 1..MaxName
// characters and an ID or mobile number that is empty or normalised.
func FuzzCheckEdits(f *testing.F) {
	f.Add("wages", "1,234.50", int64(0), "周末加班", "王小明", "110105199003010016", "13811112222")
	f.Add("", "-5", int64(-1), "", "", "123", "abc")
	f.Add("bonus", "", int64(1_000_000_000_001), "\x00\x7f", "\n\t", " ", "+86 138 1111 2222")
	f.Add("injury", "１２，３４５．６", int64(5), "注", "欧阳娜娜", "11010519900301001X", "")
	f.Fuzz(func(t *testing.T, kind, text string, fen int64, note, name, idn, mobile string) {
		cl, err := checkOne(ClaimInput{Kind: ClaimKind(kind), Text: text, AmountFen: fen, Note: note})
		if err == nil {
			if !slices.Contains(ClaimKinds, cl.Kind) || cl.AmountFen <= 0 || cl.AmountFen > MaxFen || utf8.RuneCountInString(cl.Note) > MaxEmployer {
				t.Fatalf("accepted claim %+v", cl)
			}
		} else if _, ok := errs.As(err); !ok {
			t.Fatalf("not a field error: %v", err)
		}
		in := WorkerEdit{Name: &name, IDNumber: &idn, Mobile: &mobile}
		fs := errs.Fields{}
		checkEdit(fs, &in)
		if fs.Err() == nil {
			if n := utf8.RuneCountInString(*in.Name); n < 1 || n > MaxName {
				t.Fatalf("accepted name %q", *in.Name)
			}
			if *in.IDNumber != "" && len(*in.IDNumber) != 18 {
				t.Fatalf("accepted ID number %q", *in.IDNumber)
			}
			if *in.Mobile != "" && len(*in.Mobile) != 11 {
				t.Fatalf("accepted mobile %q", *in.Mobile)
			}
		}
	})
}
