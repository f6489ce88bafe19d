package works

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// TestWorksJudgeStandsAside: a judge neither reads nor scores (nor sees
// the photos of) the entries of their own union, nor counts them as to
// do; a judge of a sub-union stands aside from the whole union; a judge
// at a federation only from members registered there.
func TestWorksJudgeStandsAside(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input(KindPhoto))
		sub, err := w.tr.Orgs.Create(ctx, w.tr.City, org.CreateInput{ParentID: w.tr.UnionA.ID, Name: "甲公司工会第一分会", Kind: org.KindSub})
		if err != nil {
			t.Fatal(err)
		}
		pic := samplePNG(t, 30, 20)
		submit := func(u *org.Org, title string) *Entry {
			t.Helper()
			e, err := w.s.Submit(ctx, signuptest.Self(w.add(t, u)), c.ID, EntryInput{Title: title, Original: true, Photos: [][]byte{pic}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Screen(ctx, w.tr.City, e.ID, true, ""); err != nil {
				t.Fatal(err)
			}
			return e
		}
		ofA, ofSub, ofB, ofStreet := submit(w.tr.UnionA, "甲的作品"), submit(sub, "分会的作品"), submit(w.tr.UnionB, "乙的作品"), submit(w.tr.Dashilan, "街道的作品")
		judgeA := w.judge(t, "甲公司评委", auth.RoleOfficer, w.tr.UnionA)
		judgeSub := w.judge(t, "分会评委", auth.RoleOfficer, sub)
		judgeStreet := w.judge(t, "街道评委", auth.RoleLeader, w.tr.Dashilan)
		for _, j := range []*auth.Principal{judgeA, judgeSub, judgeStreet} {
			if err := w.s.AddJudge(ctx, w.tr.City, c.ID, j.UserID); err != nil {
				t.Fatal(err)
			}
		}
		w.clock.Add(8 * 24 * time.Hour)
		for _, tc := range []struct {
			who    string
			j      *auth.Principal
			sees   []*Entry
			asides []*Entry
		}{
			{"the union's judge", judgeA, []*Entry{ofB, ofStreet}, []*Entry{ofA, ofSub}},
			{"the sub-union's judge", judgeSub, []*Entry{ofB, ofStreet}, []*Entry{ofA, ofSub}},
			{"the street's judge", judgeStreet, []*Entry{ofA, ofSub, ofB}, []*Entry{ofStreet}},
		} {
			bl, err := w.s.Blind(ctx, tc.j, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range bl.Entries {
				got = append(got, e.Title)
			}
			if len(bl.Entries) != len(tc.sees) || bl.Recused != len(tc.asides) {
				t.Fatalf("%s reads %v, %d recused", tc.who, got, bl.Recused)
			}
			for _, e := range tc.asides {
				if strings.Contains(strings.Join(got, ","), e.Title) {
					t.Errorf("%s reads %s", tc.who, e.Title)
				}
				if _, err := w.s.Score(ctx, tc.j, e.ID, []int{90, 90, 90}); !errs.Is(err, errs.KindNotFound) {
					t.Errorf("%s scored %s: %v", tc.who, e.Title, err)
				}
				if _, _, err := w.s.PhotoData(ctx, tc.j, e.Photos[0].ID, PhotoThumb); !errs.Is(err, errs.KindNotFound) {
					t.Errorf("%s sees the photo of %s: %v", tc.who, e.Title, err)
				}
			}
			for _, e := range tc.sees {
				if _, err := w.s.Score(ctx, tc.j, e.ID, []int{80, 80, 80}); err != nil {
					t.Errorf("%s may not score %s: %v", tc.who, e.Title, err)
				}
				if _, _, err := w.s.PhotoData(ctx, tc.j, e.Photos[0].ID, PhotoOriginal); err != nil {
					t.Errorf("%s may not see the photo of %s: %v", tc.who, e.Title, err)
				}
			}
			calls, err := w.s.JudgeCalls(ctx, tc.j)
			if err != nil || len(calls) != 1 || calls[0].Entries != 0 {
				t.Errorf("%s has %+v left to score (%v), want none", tc.who, calls, err)
			}
		}
		js, err := w.s.Judges(ctx, w.tr.City, c.ID)
		if err != nil || len(js) != 3 || js[0].Recused != 2 || js[1].Recused != 2 || js[2].Recused != 1 {
			t.Fatalf("the panel's recusals: %+v %v", js, err)
		}
		// The final scores count only the judges who could judge.
		w.clock.Add(7 * 24 * time.Hour)
		if _, err := w.s.Award(ctx, w.tr.City, c.ID); err != nil {
			t.Fatal(err)
		}
		list, _, err := w.s.Entries(ctx, w.tr.City, c.ID, EntryQuery{Status: EntryAccepted})
		if err != nil {
			t.Fatal(err)
		}
		judges := map[string]int{}
		for _, e := range list {
			judges[e.Title] = e.Judges
		}
		if judges["甲的作品"] != 1 || judges["乙的作品"] != 3 || judges["街道的作品"] != 2 {
			t.Fatalf("judges per entry: %v", judges)
		}
	})
}

// TestWorksWinnersForTheAudience: once the results are out, the call's
// audience reads the winners with their photos, as copies for phones
// only; not before, not the others' entries, not outside the audience.
// Staff export the awards (audited) and list them for honours.
func TestWorksWinnersForTheAudience(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(KindPhoto)
		in.OrgID, in.Tiers = w.tr.Dashilan.ID, []Tier{{"一等奖", 1}}
		c, err := w.s.Create(ctx, w.tr.City, in)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = w.s.Publish(ctx, w.tr.City, c.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		var jb bytes.Buffer
		jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 1600, 1200)), nil)
		pic := withOrientation(t, jb.Bytes(), 1)
		winner, other := w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionA)
		reader, outsider := w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionB)
		e1, err := w.s.Submit(ctx, signuptest.Self(winner), c.ID, EntryInput{Title: "晨光", Original: true, Photos: [][]byte{pic}})
		if err != nil {
			t.Fatal(err)
		}
		e2, err := w.s.Submit(ctx, signuptest.Self(other), c.ID, EntryInput{Title: "夜色", Original: true, Photos: [][]byte{pic}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []*Entry{e1, e2} {
			if _, err := w.s.Screen(ctx, w.tr.City, e.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		j := w.judge(t, "评委", auth.RoleLeader, w.tr.Dashilan)
		if err := w.s.AddJudge(ctx, w.tr.City, c.ID, j.UserID); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(8 * 24 * time.Hour)
		w.s.Score(ctx, j, e1.ID, []int{90, 90, 90})
		w.s.Score(ctx, j, e2.ID, []int{70, 70, 70})
		w.clock.Add(7 * 24 * time.Hour)
		if _, err := w.s.Award(ctx, w.tr.City, c.ID); err != nil {
			t.Fatal(err)
		}
		photo := e1.Photos[0].ID
		if _, _, err := w.s.PhotoData(ctx, signuptest.Self(reader), photo, PhotoThumb); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a winner's photo before the results: %v", err)
		}
		aw, err := w.s.Awards(ctx, w.tr.City, c.ID)
		if err != nil || len(aw) != 1 || aw[0].EntryID != e1.ID || aw[0].MemberID != winner.ID || aw[0].UnionID != w.tr.UnionA.ID ||
			aw[0].Union != "甲公司工会" || aw[0].Score == nil || *aw[0].Score != 90 || aw[0].Judges != 1 || aw[0].Award != "一等奖" {
			t.Fatalf("awards: %+v %v", aw, err)
		}
		if _, err := w.s.Awards(ctx, signuptest.Grant(auth.RoleOfficer, w.tr.Xichang), c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another street's awards: %v", err)
		}
		if _, err := w.s.PublishResults(ctx, w.tr.City, c.ID); err != nil {
			t.Fatal(err)
		}
		mc, err := w.s.ForMemberOne(ctx, signuptest.Self(reader), c.ID)
		if err != nil || len(mc.Winners) != 1 || len(mc.Winners[0].Photos) != 1 || mc.Winners[0].Photos[0].ID != photo {
			t.Fatalf("the winners as members read them: %+v %v", mc, err)
		}
		ct, data, err := w.s.PhotoData(ctx, signuptest.Self(reader), photo, PhotoOriginal)
		if err != nil || ct != ThumbType || bytes.Contains(data, []byte("Exif")) {
			t.Fatalf("the audience's copy: %q %v", ct, err)
		}
		if m, _, err := image.Decode(bytes.NewReader(data)); err != nil || m.Bounds().Dx() != ThumbSide {
			t.Fatalf("the audience's copy is not sized for a phone: %v", err)
		}
		if _, data, err := w.s.PhotoData(ctx, signuptest.Self(winner), photo, PhotoOriginal); err != nil || !bytes.Equal(data, pic) {
			t.Fatalf("the author's original: %v", err)
		}
		if _, _, err := w.s.PhotoData(ctx, signuptest.Self(reader), e2.Photos[0].ID, PhotoThumb); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a photo that won nothing: %v", err)
		}
		if _, _, err := w.s.PhotoData(ctx, signuptest.Self(outsider), photo, PhotoThumb); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a member outside the audience: %v", err)
		}
		// A photo kept before copies were made gets one on first request.
		if _, err := d.Exec(ctx, "UPDATE works_photos SET thumb = NULL WHERE id = ?", photo); err != nil {
			t.Fatal(err)
		}
		if ct, _, err := w.s.PhotoData(ctx, signuptest.Self(reader), photo, PhotoThumb); err != nil || ct != ThumbType {
			t.Fatalf("a copy made late: %q %v", ct, err)
		}
		var kept []byte
		d.QueryRow(ctx, "SELECT thumb FROM works_photos WHERE id = ?", photo).Scan(&kept)
		if len(kept) == 0 || bytes.Contains(kept, []byte("JFIF")) {
			t.Fatalf("the late copy is not kept sealed (%d bytes)", len(kept))
		}
		// The workbook, audited.
		var out bytes.Buffer
		tr := func(k string, a ...any) string { return k }
		if err := w.s.ExportAwards(ctx, w.tr.City, c.ID, tr, &out); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(rows) != 2 || fmt.Sprint(rows[1]) != "[1 一等奖 晨光 "+winner.Name+" 甲公司工会 90]" {
			t.Fatalf("the workbook: %v %v", rows, err)
		}
		var n int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = ?", "works.export").Scan(&n)
		if n != 1 {
			t.Fatalf("%d audit entries for the export", n)
		}
		if err := w.s.ExportAwards(ctx, signuptest.Self(reader), c.ID, tr, &out); err == nil {
			t.Fatal("a member exported the awards")
		}
	})
}

// TestWorksMigrationSeatsOldJudges: judges seated before the own-union
// rule get their range from the migration: the topmost union above their
// organisation with its subtree, or a federation alone.
func TestWorksMigrationSeatsOldJudges(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input(KindEssay))
		sub, err := w.tr.Orgs.Create(ctx, w.tr.City, org.CreateInput{ParentID: w.tr.UnionA.ID, Name: "甲公司工会第一分会", Kind: org.KindSub})
		if err != nil {
			t.Fatal(err)
		}
		judgeSub := w.judge(t, "分会评委", auth.RoleOfficer, sub)
		judgeStreet := w.judge(t, "街道评委", auth.RoleLeader, w.tr.Dashilan)
		for _, j := range []*auth.Principal{judgeSub, judgeStreet} {
			if err := w.s.AddJudge(ctx, w.tr.City, c.ID, j.UserID); err != nil {
				t.Fatal(err)
			}
		}
		seated := func(uid int64) (string, string) {
			var p, e string
			if err := d.QueryRow(ctx, "SELECT own_path, own_end FROM works_judges WHERE user_id = ?", uid).Scan(&p, &e); err != nil {
				t.Fatal(err)
			}
			return p, e
		}
		wantSub, wantSubEnd := seated(judgeSub.UserID)
		if wantSub != w.tr.UnionA.Path || wantSubEnd == "" {
			t.Fatalf("a sub-union's judge seated at %q–%q, want the union %q", wantSub, wantSubEnd, w.tr.UnionA.Path)
		}
		if p, e := seated(judgeStreet.UserID); p != w.tr.Dashilan.Path || e != "" {
			t.Fatalf("a street's judge seated at %q–%q", p, e)
		}
		if _, err := d.Exec(ctx, "UPDATE works_judges SET own_path = '', own_end = ''"); err != nil {
			t.Fatal(err)
		}
		ms, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, m := range ms {
			if m.Version != 34 {
				continue
			}
			for _, st := range strings.Split(m.SQL, ";") {
				var lines []string
				for _, l := range strings.Split(st, "\n") {
					if !strings.HasPrefix(strings.TrimSpace(l), "--") {
						lines = append(lines, l)
					}
				}
				if q := strings.TrimSpace(strings.Join(lines, "\n")); strings.HasPrefix(q, "UPDATE") {
					if _, err := d.Exec(ctx, q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
					ran++
				}
			}
		}
		if ran != 3 {
			t.Fatalf("%d backfill statements ran", ran)
		}
		if p, e := seated(judgeSub.UserID); p != wantSub || e != wantSubEnd {
			t.Errorf("the migration seats a sub-union's judge at %q–%q, want %q–%q", p, e, wantSub, wantSubEnd)
		}
		if p, e := seated(judgeStreet.UserID); p != w.tr.Dashilan.Path || e != "" {
			t.Errorf("the migration seats a street's judge at %q–%q", p, e)
		}
	})
}

// TestWorksPhotosTooBigOrBroken: a picture too large to decode, or whose
// header reads but whose pixels do not, is refused on its field, and
// nothing is kept.
func TestWorksPhotosTooBigOrBroken(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input(KindPhoto))
		self := signuptest.Self(w.add(t, w.tr.UnionA))
		// A PNG's header claiming 8000×7000 pixels.
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr[0:], 8000)
		binary.BigEndian.PutUint32(ihdr[4:], 7000)
		ihdr[8], ihdr[9] = 8, 2
		var huge bytes.Buffer
		huge.WriteString("\x89PNG\r\n\x1a\n")
		binary.Write(&huge, binary.BigEndian, uint32(13))
		chunk := append([]byte("IHDR"), ihdr...)
		huge.Write(chunk)
		binary.Write(&huge, binary.BigEndian, crc32.ChecksumIEEE(chunk))
		if _, err := w.s.Submit(ctx, self, c.ID, EntryInput{Title: "巨幅", Original: true, Photos: [][]byte{huge.Bytes()}}); code(err) != "photos:works.photo_pixels" {
			t.Fatalf("56 megapixels: %v", err)
		}
		noisy := image.NewRGBA(image.Rect(0, 0, 400, 300))
		for i := range noisy.Pix {
			noisy.Pix[i] = uint8(i * 7919 % 251)
		}
		var jb bytes.Buffer
		jpeg.Encode(&jb, noisy, nil)
		broken := jb.Bytes()[:jb.Len()/2]
		if _, err := imagefile.Sniff(broken); err != nil {
			t.Fatal("the cut JPEG's header does not read")
		}
		if _, err := w.s.Submit(ctx, self, c.ID, EntryInput{Title: "残缺", Original: true, Photos: [][]byte{broken}}); code(err) != "photos:works.photo_unreadable" {
			t.Fatalf("a cut JPEG: %v", err)
		}
		var n int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM works_entries").Scan(&n)
		if n != 0 {
			t.Fatalf("%d entries kept", n)
		}
	})
}
