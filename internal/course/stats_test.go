package course

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/stats"
)

// wantFigures folds the log, checks the courses' figures against a recount
// from the enrolments and attendances, and returns those of org o's
// subtree.
func wantFigures(t *testing.T, d *db.DB, o *org.Org) *Figures {
	t.Helper()
	st := stats.NewStore(d)
	bad, err := st.Check(ctx, StatSource())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("%d figures differ from a recount, e.g. %+v", len(bad), bad[0])
	}
	f, err := st.Read(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return FiguresFrom(f, "", "")
}
