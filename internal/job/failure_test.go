package job

import (
	"context"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

// TestFailureWithSeveralBadFields: a job refused on several fields records
// the same one message every time (the first field's by name), not one
// picked by a map's random order.
func TestFailureWithSeveralBadFields(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		rootID, users := seed(t, d, 1)
		userID := users[0]
		s := &Store{DB: d, Keys: testkit.Keys(t)}
		up, err := s.SaveUpload(ctx, userID, "名册.xlsx", []byte("PK\x03\x04data"))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 30; i++ {
			id, err := s.Start(ctx, "member_import", userID, rootID, up, "dry-run")
			if err != nil {
				t.Fatal(err)
			}
			f := errs.Fields{}
			f.Add("union", "member.import_union")
			f.Add("file", "member.import_columns", "姓名")
			f.Add("mode", "field.invalid_choice")
			f.Add("sheet", "sheet.unreadable")
			if err := s.Finish(ctx, id, nil, f.Err()); err != nil {
				t.Fatal(err)
			}
			j, err := s.Get(ctx, id, userID)
			if err != nil {
				t.Fatal(err)
			}
			if m := j.Failure(); m.Key != "member.import_columns" {
				t.Fatalf("job %d: failure %+v, want the file's (first by name)", i, m)
			}
		}
	})
}
