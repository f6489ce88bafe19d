package job

import (
	"context"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

func TestJobsAndUploads(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		rootID, users := seed(t, d, 2)
		s := &Store{DB: d, Keys: testkit.Keys(t)}
		up, err := s.SaveUpload(ctx, users[0], "名册.xlsx", []byte("PK\x03\x04data"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadUpload(ctx, up, users[0])
		if err != nil || string(got.Data) != "PK\x03\x04data" || got.Name != "名册.xlsx" || got.Size != 8 {
			t.Fatalf("upload %+v %v", got, err)
		}
		if _, err := s.LoadUpload(ctx, up, users[1]); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another user's upload: %v", err)
		}
		id, err := s.Start(ctx, "member_import", users[0], rootID, up, "dry-run")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Progress(ctx, id, 50, 200); err != nil {
			t.Fatal(err)
		}
		j, err := s.Get(ctx, id, users[0])
		if err != nil || j.Status != Running || j.Percent() != 25 {
			t.Fatalf("running %+v %v", j, err)
		}
		if _, err := s.Get(ctx, id, users[1]); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another user's job: %v", err)
		}
		if err := s.Finish(ctx, id, map[string]int{"total": 3}, nil); err != nil {
			t.Fatal(err)
		}
		j, _ = s.Get(ctx, id, users[0])
		if j.Status != Done || j.Result != `{"total":3}` || j.Percent() != 100 {
			t.Fatalf("done %+v", j)
		}
		id2, _ := s.Start(ctx, "member_import", users[0], rootID, up, "valid-rows")
		if err := s.Finish(ctx, id2, nil, errs.Fields{"file": {Key: "member.import_columns", Args: []any{"姓名"}}}.Err()); err != nil {
			t.Fatal(err)
		}
		j, _ = s.Get(ctx, id2, users[0])
		if m := j.Failure(); j.Status != Failed || m.Key != "member.import_columns" || len(m.Args) != 1 || j.Result != "" {
			t.Fatalf("failed %+v %+v", j, m)
		}
		// A job that failed after doing part of its work keeps that part.
		id4, _ := s.Start(ctx, "member_import", users[0], rootID, up, "valid-rows")
		if err := s.Finish(ctx, id4, map[string]int{"imported": 2000}, errs.Invalid("sheet_unreadable", "sheet.unreadable")); err != nil {
			t.Fatal(err)
		}
		j, _ = s.Get(ctx, id4, users[0])
		if j.Status != Failed || j.Result != `{"imported":2000}` {
			t.Fatalf("partly done %+v", j)
		}
		// A job whose process went away shows as interrupted.
		id3, _ := s.Start(ctx, "member_import", users[0], rootID, up, "dry-run")
		if _, err := d.Exec(ctx, "UPDATE jobs SET updated_at = ? WHERE id = ?", time.Now().Add(-time.Hour).UnixMilli(), id3); err != nil {
			t.Fatal(err)
		}
		j, _ = s.Get(ctx, id3, users[0])
		if j.Status != Failed || j.Failure().Key != "job.interrupted" {
			t.Fatalf("stale %+v", j)
		}
		// Old uploads go; jobs keep their results.
		if _, err := d.Exec(ctx, "UPDATE uploads SET created_at = ?", time.Now().Add(-48*time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if err := s.Purge(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadUpload(ctx, up, users[0]); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("purged upload: %v", err)
		}
		if j, err := s.Get(ctx, id, users[0]); err != nil || j.UploadID != 0 || j.Status != Done {
			t.Fatalf("job after purge %+v %v", j, err)
		}
	})
}
