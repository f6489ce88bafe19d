package backup

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/station"
	"gonghui/internal/testkit"
)

// A station's photos (bytes, and an old row without a thumb) and its
// daily counts (a table keyed by two columns) come back from a restore
// as they were.
func TestBackupRestoresStationPhotosAndCounts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		w := newWorld(t, e)
		var orgID int64
		var path string
		if err := w.d.QueryRow(ctx, "SELECT id, path FROM orgs WHERE depth = 0").Scan(&orgID, &path); err != nil {
			t.Fatal(err)
		}
		pr := &auth.Principal{UserID: 1, Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: orgID, OrgPath: path}}}
		s := station.NewStore(w.d)
		lat, lng := 39.8935, 116.3990
		in := station.Input{OrgID: orgID, Type: station.TypeWarm, Name: "前门大街暖心驿站", Address: "北京市西城区前门大街", Lat: &lat, Lng: &lng}
		for i := range station.DayKeys {
			*in.Hours.Day(i) = "24小时"
		}
		st, err := s.Create(ctx, pr, in)
		if err != nil {
			t.Fatal(err)
		}
		var pic bytes.Buffer
		jpeg.Encode(&pic, image.NewGray(image.Rect(0, 0, 64, 48)), nil)
		ps, err := s.AddPhotos(ctx, pr, st.ID, [][]byte{pic.Bytes()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.Exec(ctx, "INSERT INTO station_photos (id, station_id, content_type, size, data, created_at) VALUES (?, ?, 'image/jpeg', 3, ?, 0)",
			db.NewID(), st.ID, []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VisitAnonymous(ctx, st.Code, "device0123456789abcdef"); err != nil {
			t.Fatal(err)
		}
		want, err := s.PhotoData(ctx, pr, st.ID, ps[0].ID, true)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Create(ctx, w.d, Options{Dir: t.TempDir(), Keys: w.keys})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(ctx, RestoreOptions{From: res.Path, DSN: testkit.NewDSN(t, e), Keys: w.keys})
		if err != nil {
			t.Fatal(err)
		}
		defer r.DB.Close()
		got, err := station.NewStore(r.DB).PhotoData(ctx, pr, st.ID, ps[0].ID, true)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("restored thumb: %d bytes, %v", len(got), err)
		}
		var photos, anon int
		if err := r.DB.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM station_photos), (SELECT anonymous FROM station_visit_days WHERE station_id = ?)", st.ID).Scan(&photos, &anon); err != nil {
			t.Fatal(err)
		}
		if photos != 2 || anon != 1 || r.Manifest.Rows("station_visit_days") != 1 {
			t.Fatalf("restored %d photos, %d anonymous visits, manifest %d days", photos, anon, r.Manifest.Rows("station_visit_days"))
		}
	})
}
