package station

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"sync/atomic"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// gpsJPEG is a camera's photo: a JPEG with an EXIF block holding a
// made-up GPS marker text, so that a copy that kept it would show.
func gpsJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	binary.Write(&tiff, binary.BigEndian, uint16(42))
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(0))
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	tiff.WriteString("GPS 39.8970N 116.3980E")
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, b.Bytes()[2:]...)
}

// Staff who keep a station add photos, stored without the camera's
// metadata; bad files, too many and strangers are refused with nothing
// stored; the order is theirs to change; uploads and deletions are
// audited; the public reads them by the poster's code while the station
// is open.
func TestPhotos(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st, err := w.s.Create(ctx, w.east, w.input("前门暖心驿站", 39.897, 116.398))
		if err != nil {
			t.Fatal(err)
		}
		pic := gpsJPEG(t, 300, 200)
		if !bytes.Contains(pic, []byte("GPS 39.8970N")) {
			t.Fatal("the sample carries no marker")
		}
		audited := count(t, d, "audit_log")
		for _, c := range []struct {
			name  string
			files [][]byte
			key   string
		}{
			{"none", nil, "station.photos_required"},
			{"text", [][]byte{pic, []byte("<svg onload=alert(1)>")}, "station.photo_type"},
			{"too large", [][]byte{append(bytes.Clone(pic), make([]byte, MaxPhotoBytes)...)}, "station.photo_size"},
			{"too many", [][]byte{pic, pic, pic, pic, pic, pic, pic}, "station.photos_too_many"},
			{"header only", [][]byte{pic[:len(pic)/3]}, "station.photo_unreadable"},
		} {
			_, err := w.s.AddPhotos(ctx, w.east, st.ID, c.files)
			testkit.WantField(t, err, "photos", c.key)
		}
		_, err = w.s.AddPhotos(ctx, w.west, st.ID, [][]byte{pic})
		testkit.WantKind(t, err, errs.KindNotFound)
		reader := signuptest.Grant(auth.RoleLeader, w.tr.Xicheng)
		_, err = w.s.AddPhotos(ctx, reader, st.ID, [][]byte{pic})
		testkit.WantKind(t, err, errs.KindForbidden)
		if n := count(t, d, "station_photos"); n != 0 {
			t.Fatalf("%d photos stored from refused uploads", n)
		}
		if n := count(t, d, "audit_log"); n != audited {
			t.Fatalf("refused uploads audited: %d entries", n-audited)
		}

		ps, err := w.s.AddPhotos(ctx, w.east, st.ID, [][]byte{pic, gpsJPEG(t, 40, 60)})
		if err != nil || len(ps) != 2 || ps[0].Width != 300 || ps[1].Height != 60 {
			t.Fatalf("added %+v %v", ps, err)
		}
		for _, thumb := range []bool{false, true} {
			b, err := w.s.PublicPhotoData(ctx, st.Code, ps[0].ID, thumb)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("GPS")) || bytes.Contains(b, []byte("Exif")) {
				t.Fatalf("thumb %v: the stored copy keeps the camera's metadata", thumb)
			}
			if in, err := imagefile.Sniff(b); err != nil || in.Type != imagefile.JPEG {
				t.Fatalf("stored copy %+v %v", in, err)
			}
		}
		if _, err := w.s.PhotoData(ctx, w.west, st.ID, ps[0].ID, false); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a stranger reads staff's copy: %v", err)
		}
		// Six at most, counted with those kept.
		_, err = w.s.AddPhotos(ctx, w.east, st.ID, [][]byte{pic, pic, pic, pic, pic})
		testkit.WantField(t, err, "photos", "station.photos_left")
		if got, _ := w.s.Photos(ctx, w.east, st.ID); len(got) != 2 {
			t.Fatalf("%d photos after a refused upload", len(got))
		}
		// Reordering: the second moves first.
		moved, err := w.s.MovePhoto(ctx, w.east, st.ID, ps[1].ID, -1)
		if err != nil || moved[0].ID != ps[1].ID || moved[1].ID != ps[0].ID || moved[0].Position != 1 {
			t.Fatalf("moved %+v %v", moved, err)
		}
		_, err = w.s.MovePhoto(ctx, w.east, st.ID, ps[1].ID, 3)
		testkit.WantField(t, err, "move", "field.invalid_choice")
		if err := w.s.DeletePhoto(ctx, w.west, st.ID, ps[0].ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a stranger deletes: %v", err)
		}
		if err := w.s.DeletePhoto(ctx, w.east, st.ID, ps[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := w.s.DeletePhoto(ctx, w.east, st.ID, ps[0].ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("deleted twice: %v", err)
		}
		pub, err := w.s.PublicPhotos(ctx, st.Code)
		if err != nil || len(pub) != 1 || pub[0].ID != ps[1].ID {
			t.Fatalf("public photos %+v %v", pub, err)
		}
		var acts []string
		rows, err := d.Query(ctx, "SELECT action FROM audit_log WHERE action LIKE 'station.photo%' ORDER BY seq")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			rows.Scan(&a)
			acts = append(acts, a)
		}
		rows.Close()
		if len(acts) != 2 || acts[0] != "station.photo_add" || acts[1] != "station.photo_delete" {
			t.Fatalf("audited %v", acts)
		}
		// A closed station's photos are not public.
		if _, err := w.s.SetStatus(ctx, w.east, st.ID, 0, StatusClosed); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.PublicPhotoData(ctx, st.Code, ps[1].ID, true); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a closed station's photo: %v", err)
		}
	})
}

// Uploads racing for the last places: the station's row lock keeps it
// at MaxPhotos.
func TestPhotosLimitUnderRace(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st, err := w.s.Create(ctx, w.east, w.input("前门暖心驿站", 39.897, 116.398))
		if err != nil {
			t.Fatal(err)
		}
		pic := gpsJPEG(t, 32, 32)
		var ok, full atomic.Int32
		var fns []func() error
		for range 10 {
			fns = append(fns, func() error {
				_, err := w.s.AddPhotos(ctx, w.east, st.ID, [][]byte{pic})
				if err == nil {
					ok.Add(1)
					return nil
				}
				if e, isE := errs.As(err); isE && e.Fields["photos"].Key == "station.photos_left" {
					full.Add(1)
					return nil
				}
				return err
			})
		}
		signuptest.Together(t, fns)
		if ok.Load() != MaxPhotos || full.Load() != 10-MaxPhotos || count(t, d, "station_photos") != MaxPhotos {
			t.Fatalf("%d added, %d refused, %d stored", ok.Load(), full.Load(), count(t, d, "station_photos"))
		}
	})
}

// Visits from many workers and devices at once are counted exactly in
// the daily counts, which the station's page, the busiest and the list's
// sort by visits read.
func TestVisitDaysCountExactly(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st, err := w.s.Create(ctx, w.east, w.input("前门暖心驿站", 39.897, 116.398))
		if err != nil {
			t.Fatal(err)
		}
		quiet, err := w.s.Create(ctx, w.east, w.input("煤市街驿站", 39.893, 116.393))
		if err != nil {
			t.Fatal(err)
		}
		const members, devices = 8, 16
		var ps []*auth.Principal
		for i := range members {
			ps = append(ps, w.member(t, i+1, w.tr.UnionA))
		}
		var fns []func() error
		for _, p := range ps {
			for range 3 { // each scans three times: one visit
				fns = append(fns, func() error { _, err := w.s.Visit(ctx, p, st.Code); return err })
			}
			fns = append(fns, func() error { _, err := w.s.Claim(ctx, p, st.Code, AmWater); return err })
		}
		for i := range devices {
			dev := "device" + string(rune('a'+i)) + "0123456789abcdef"
			fns = append(fns, func() error { _, err := w.s.VisitAnonymous(ctx, st.Code, dev); return err })
		}
		signuptest.Together(t, fns)
		var visits, anon, claims int
		if err := d.QueryRow(ctx, "SELECT visits, anonymous, claims FROM station_visit_days WHERE station_id = ?", st.ID).Scan(&visits, &anon, &claims); err != nil {
			t.Fatal(err)
		}
		if visits != members || anon != devices || claims != members {
			t.Fatalf("counted %d visits, %d anonymous, %d claims; want %d, %d, %d", visits, anon, claims, members, devices, members)
		}
		// Yesterday's visit counts in the week and the month, not today.
		w.clock.Add(-24 * time.Hour)
		if _, err := w.s.Visit(ctx, ps[0], quiet.Code); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Visit(ctx, ps[0], st.Code); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(24 * time.Hour)
		c, err := w.s.Counts(ctx, w.east, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Today.Total() != members+devices || c.Week.Total() != members+devices+1 || c.Month.Visits != members+1 || c.Today.Claims != members {
			t.Fatalf("counts %+v", c)
		}
		if len(c.Services) != 2 || c.Services[0].Service != AmWater || c.Services[0].Today != members || c.Services[1].Service != AmCharging || c.Services[1].Month != 0 {
			t.Fatalf("claims by service %+v", c.Services)
		}
		if _, err := w.s.Counts(ctx, w.west, st.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a stranger reads the counts: %v", err)
		}
		list, _, err := w.s.List(ctx, w.east, Query{Sort: "-visits"})
		if err != nil || len(list) != 2 || list[0].ID != st.ID || list[0].Visits30 != members+devices+1 || list[1].Visits30 != 1 {
			t.Fatalf("by visits %+v %v", list, err)
		}
		// The second page by the cursor of the first.
		first, next, err := w.s.List(ctx, w.east, Query{Sort: "visits", Limit: 1})
		if err != nil || len(first) != 1 || first[0].ID != quiet.ID || next == "" {
			t.Fatalf("first page %+v %q %v", first, next, err)
		}
		second, _, err := w.s.List(ctx, w.east, Query{Sort: "visits", Limit: 1, After: next})
		if err != nil || len(second) != 1 || second[0].ID != st.ID {
			t.Fatalf("second page %+v %v", second, err)
		}
		busy, err := w.s.Busiest(ctx, w.east, BusyQuery{From: "2026-09-27", To: "2026-09-28"})
		if err != nil || len(busy) != 2 || busy[0].ID != st.ID || busy[0].Visits != members+1 || busy[0].Anonymous != devices || busy[0].Claims != members {
			t.Fatalf("busiest %+v %v", busy, err)
		}
	})
}
