package congress

import (
	"net/url"
	"testing"

	"gonghui/internal/errs"
)

// FuzzParseBallots feeds the named-vote form's parser any query string: it
// answers ballots of valid choices for positive member IDs, each once, or
// a "ballots" field error, and never panics.
func FuzzParseBallots(f *testing.F) {
	for _, seed := range []string{
		"ballot.12=for&ballot.13=against&ballot.14=", "ballot.1=abstain&csrf_token=x", "ballot.x=for", "ballot.-3=for",
		"ballot.5=for&ballot.5=against", "ballot.5=for&ballot.05=against", "ballot.7=maybe", "ballot.=for", "ballot.99999999999999999999=for", "%zz", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		bs, err := ParseBallots(form)
		if err != nil {
			e, ok := errs.As(err)
			if !ok || e.Fields["ballots"].Key == "" {
				t.Fatalf("error %v is not the ballots field's", err)
			}
			return
		}
		seen := map[int64]bool{}
		for _, b := range bs {
			if b.MemberID <= 0 || !validIn(Choices, b.Choice) || seen[b.MemberID] {
				t.Fatalf("bad ballot %+v from %q", b, raw)
			}
			seen[b.MemberID] = true
		}
	})
}
