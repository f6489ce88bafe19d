package works

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

type world struct {
	s     *Store
	m     *member.Store
	d     *db.DB
	clock *signuptest.Clock
	tr    *signuptest.Tree
	seq   int
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	ms := member.NewStore(d, testkit.Keys(t))
	w := &world{m: ms, d: d, tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, beijing.Zone))}
	w.s = NewStore(d, ms)
	w.s.SetClock(w.clock.Now)
	return w
}

func (w *world) add(t testing.TB, u *org.Org) *member.Member {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1980+n%20, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.m.Create(ctx, w.tr.City, u.ID, member.Person{Name: "作者" + string([]rune("甲乙丙丁戊己庚辛壬癸")[n%10]) + string([]rune("一二三四五六七八九十")[n/10%10]), IDNumber: id, Mobile: strconv.Itoa(13900000000 + n), JoinedOn: "2020-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// judge makes a staff account holding role at o, and its principal.
func (w *world) judge(t testing.TB, name string, role auth.Role, o *org.Org) *auth.Principal {
	t.Helper()
	uid, gid := db.NewID(), db.NewID()
	now := time.Now().UnixMilli()
	if _, err := w.d.Exec(ctx, "INSERT INTO users (id, username, name, kind, org_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		uid, "j"+db.FormatID(uid), name, auth.KindStaff, o.ID, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Exec(ctx, "INSERT INTO grants (id, user_id, role, org_id, created_at) VALUES (?, ?, ?, ?, ?)", gid, uid, role, o.ID, now); err != nil {
		t.Fatal(err)
	}
	p := signuptest.Grant(role, o)
	p.UserID, p.Name = uid, name
	return p
}

func (w *world) input(kind Kind) Input {
	now := w.clock.Now()
	in := Input{OrgID: w.tr.Root.ID, Title: "“劳动最光荣”主题征文", Kind: kind, PerMember: 2,
		OpensAt: now.Add(-time.Hour).Format(time.RFC3339), ClosesAt: now.Add(7 * 24 * time.Hour).Format(time.RFC3339),
		JudgeUntil: now.Add(14 * 24 * time.Hour).Format(time.RFC3339),
		Criteria:   []Criterion{{"主题", 40}, {"文采", 30}, {"创意", 30}},
		Tiers:      []Tier{{"一等奖", 1}, {"二等奖", 1}, {"三等奖", 2}}}
	if kind == KindEssay {
		in.MinChars, in.MaxChars = 10, 500
	} else {
		in.MaxPhotos, in.MaxPhotoKB = 3, 1024
	}
	return in
}

func (w *world) published(t testing.TB, in Input) *Call {
	t.Helper()
	c, err := w.s.Create(ctx, w.tr.City, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if c, err = w.s.Publish(ctx, w.tr.City, c.ID, c.Version); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

func essay(title string) EntryInput {
	return EntryInput{Title: title, Body: strings.Repeat("劳动创造幸福。", 5), Original: true}
}

func code(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		if len(e.Fields) > 0 {
			n := e.FieldNames()[0]
			return n + ":" + e.Fields[n].Key
		}
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestWorksCallInputFieldByField(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(KindEssay)
		in.Title, in.Kind, in.Criteria, in.JudgeUntil = "", "poem", []Criterion{{"主题", 40}, {"文采", 30}}, in.OpensAt
		_, err := w.s.Create(ctx, w.tr.City, in)
		e, _ := errs.As(err)
		if e == nil {
			t.Fatal("accepted a bad call")
		}
		got := map[string]string{}
		for n, f := range e.Fields {
			got[n] = f.Key
		}
		for field, key := range map[string]string{"title": "field.required", "kind": "field.invalid_choice", "criteria": "works.weights_sum",
			"judge_until": "works.judging_before_close"} {
			if got[field] != key {
				t.Errorf("%s: %q, want %q (all: %v)", field, got[field], key, got)
			}
		}
		var n int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM works_calls").Scan(&n)
		if n != 0 {
			t.Fatalf("%d calls saved", n)
		}
	})
}

func TestWorksEntryLimitHoldsUnderConcurrency(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input(KindEssay))
		m := w.add(t, w.tr.UnionA)
		self := signuptest.Self(m)
		const n = 8
		errsCh := make(chan error, n)
		for i := range n {
			go func() {
				_, err := w.s.Submit(ctx, self, c.ID, essay(fmt.Sprintf("作品%d", i)))
				errsCh <- err
			}()
		}
		ok, limited := 0, 0
		for range n {
			switch err := <-errsCh; {
			case err == nil:
				ok++
			case code(err) == "limit":
				limited++
			default:
				t.Errorf("submit: %v", err)
			}
		}
		if ok != 2 || limited != n-2 {
			t.Fatalf("%d accepted, %d refused; want 2 and %d", ok, limited, n-2)
		}
		// Withdrawing frees a slot.
		mc, err := w.s.ForMemberOne(ctx, self, c.ID)
		if err != nil || len(mc.Entries) != 2 || mc.CanSubmit {
			t.Fatalf("member view: %+v %v", mc, err)
		}
		if err := w.s.Withdraw(ctx, self, mc.Entries[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Submit(ctx, self, c.ID, essay("再来一篇")); err != nil {
			t.Fatalf("after withdrawing: %v", err)
		}
		// Another member may not touch it.
		other := signuptest.Self(w.add(t, w.tr.UnionA))
		if _, err := w.s.Edit(ctx, other, mc.Entries[1].ID, essay("改")); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member edited: %v", err)
		}
		// Bad input changes nothing, field by field.
		bad := EntryInput{Title: "", Body: "太短", Original: false}
		_, err = w.s.Edit(ctx, self, mc.Entries[1].ID, bad)
		e, _ := errs.As(err)
		if e == nil || len(e.Fields) != 3 {
			t.Fatalf("bad edit: %v", err)
		}
	})
}

func TestWorksPhotosSealedAndSniffed(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input(KindPhoto))
		m := w.add(t, w.tr.UnionA)
		self := signuptest.Self(m)
		in := EntryInput{Title: "晨光里的建设者", Note: "摄于工地", Original: true, Photos: [][]byte{[]byte("<svg onload=alert(1)>")}}
		if _, err := w.s.Submit(ctx, self, c.ID, in); code(err) != "photos:works.photo_type" {
			t.Fatalf("a script passed as a photo: %v", err)
		}
		img := samplePNG(t, 40, 30)
		in.Photos = [][]byte{img}
		e, err := w.s.Submit(ctx, self, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Photos) != 1 || e.Photos[0].ContentType != "image/png" || e.Photos[0].Width != 40 {
			t.Fatalf("photos: %+v", e.Photos)
		}
		var raw []byte
		d.QueryRow(ctx, "SELECT data FROM works_photos WHERE id = ?", e.Photos[0].ID).Scan(&raw)
		if strings.Contains(string(raw), "PNG") {
			t.Fatal("photo stored in clear")
		}
		ct, data, err := w.s.PhotoData(ctx, self, e.Photos[0].ID, PhotoOriginal)
		if err != nil || ct != "image/png" || string(data) != string(img) {
			t.Fatalf("own photo: %q %v", ct, err)
		}
		if _, _, err := w.s.PhotoData(ctx, signuptest.Self(w.add(t, w.tr.UnionA)), e.Photos[0].ID, PhotoOriginal); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member read it: %v", err)
		}
		if _, _, err := w.s.PhotoData(ctx, signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan), e.Photos[0].ID, PhotoOriginal); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a street officer read the city's entry: %v", err)
		}
		if _, _, err := w.s.PhotoData(ctx, w.tr.City, e.Photos[0].ID, PhotoOriginal); err != nil {
			t.Fatalf("the publisher's staff: %v", err)
		}
		// Too many photos, then removing one and adding two.
		in.Photos = [][]byte{img, img, img}
		if _, err := w.s.Edit(ctx, self, e.ID, in); code(err) != "photos:works.too_many_photos" {
			t.Fatalf("four photos: %v", err)
		}
		in.Photos, in.Remove = [][]byte{img, img}, []int64{e.Photos[0].ID}
		if e, err = w.s.Edit(ctx, self, e.ID, in); err != nil || len(e.Photos) != 2 {
			t.Fatalf("edit: %v %+v", err, e)
		}
	})
}

func TestWorksScreeningBlindJudgingAndAwards(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input(KindEssay))
		var entries []*Entry
		for i := range 5 {
			m := w.add(t, []*org.Org{w.tr.UnionA, w.tr.UnionB}[i%2])
			e, err := w.s.Submit(ctx, signuptest.Self(m), c.ID, essay(fmt.Sprintf("作品%d", i)))
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		// Scope: another subtree's officer finds nothing.
		street := signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
		if _, err := w.s.Get(ctx, street, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("street officer read the city's call: %v", err)
		}
		if _, err := w.s.Screen(ctx, street, entries[0].ID, true, ""); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("street officer screened: %v", err)
		}
		if _, err := w.s.Screen(ctx, w.tr.City, entries[4].ID, false, ""); code(err) != "reason:works.reason_required" {
			t.Fatalf("reject without a reason: %v", err)
		}
		if _, err := w.s.Screen(ctx, w.tr.City, entries[4].ID, false, "字数不符合要求"); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries[:4] {
			if _, err := w.s.Screen(ctx, w.tr.City, e.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		// The panel: five judges from the city and below; a member-only
		// account of another kind is not eligible.
		var judges []*auth.Principal
		for i := range 5 {
			o := []*org.Org{w.tr.Root, w.tr.Xicheng, w.tr.Dashilan}[i%3]
			j := w.judge(t, fmt.Sprintf("评委%d", i), auth.RoleLeader, o)
			if err := w.s.AddJudge(ctx, w.tr.City, c.ID, j.UserID); err != nil {
				t.Fatalf("add judge %d: %v", i, err)
			}
			judges = append(judges, j)
		}
		if err := w.s.AddJudge(ctx, w.tr.City, c.ID, judges[0].UserID); code(err) != "user_id:works.already_judge" {
			t.Fatalf("twice on the panel: %v", err)
		}
		auditor := w.judge(t, "审计员", auth.RoleAuditor, w.tr.Root)
		if err := w.s.AddJudge(ctx, w.tr.City, c.ID, auditor.UserID); code(err) != "user_id:works.not_eligible" {
			t.Fatalf("auditor on the panel: %v", err)
		}
		// Not yet judging.
		if _, err := w.s.Score(ctx, judges[0], entries[0].ID, []int{80, 80, 80}); code(err) != "not_judging" {
			t.Fatalf("scored while entries came in: %v", err)
		}
		w.clock.Add(8 * 24 * time.Hour)
		// The blind view: titles and texts, never the author.
		bl, err := w.s.Blind(ctx, judges[2], c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(bl.Entries) != 4 || !bl.CanScore {
			t.Fatalf("blind: %d entries, can score %v", len(bl.Entries), bl.CanScore)
		}
		for _, e := range bl.Entries {
			if strings.Contains(fmt.Sprintf("%+v", e), "作者") || strings.Contains(fmt.Sprintf("%+v", e), "公司工会") {
				t.Fatalf("a judge sees the author: %+v", e)
			}
		}
		if _, err := w.s.Blind(ctx, street, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("non-judge reads the blind view: %v", err)
		}
		if _, err := w.s.Score(ctx, judges[0], entries[4].ID, []int{80, 80, 80}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("scored a rejected entry: %v", err)
		}
		if _, err := w.s.Score(ctx, judges[0], entries[0].ID, []int{80, 101}); code(err) != "marks:works.marks_count" {
			t.Fatalf("two marks for three criteria: %v", err)
		}
		// Entry 0: judges give 60, 70, 80, 90, 100 -> trimmed mean of 70, 80, 90 = 80.
		// Entry 1: all 90. Entry 2: all 70; entry 3: only one judge, 50.
		for i, j := range judges {
			v := 60 + 10*i
			if _, err := w.s.Score(ctx, j, entries[0].ID, []int{v, v, v}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Score(ctx, j, entries[1].ID, []int{90, 90, 90}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Score(ctx, j, entries[2].ID, []int{0, 0, 0}); err != nil {
				t.Fatal(err)
			}
			// Revised: one score per judge and entry.
			if _, err := w.s.Score(ctx, j, entries[2].ID, []int{70, 70, 70}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.s.Score(ctx, judges[0], entries[3].ID, []int{50, 50, 50}); err != nil {
			t.Fatal(err)
		}
		var scores int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM works_scores").Scan(&scores)
		if scores != 16 {
			t.Fatalf("%d scores, want 16", scores)
		}
		if _, err := w.s.Award(ctx, w.tr.City, c.ID); code(err) != "not_judged" {
			t.Fatalf("awarded while judging: %v", err)
		}
		w.clock.Add(7 * 24 * time.Hour)
		if _, err := w.s.Score(ctx, judges[1], entries[3].ID, []int{50, 50, 50}); code(err) != "not_judging" {
			t.Fatalf("scored after judging closed: %v", err)
		}
		if _, err := w.s.Award(ctx, w.tr.City, c.ID); err != nil {
			t.Fatal(err)
		}
		list, total, err := w.s.Entries(ctx, w.tr.City, c.ID, EntryQuery{Status: EntryAccepted})
		if err != nil || total.N != 4 {
			t.Fatalf("entries: %v %+v", err, total)
		}
		want := []struct {
			id    int64
			score float64
			award string
		}{{entries[1].ID, 90, "一等奖"}, {entries[0].ID, 80, "二等奖"}, {entries[2].ID, 70, "三等奖"}, {entries[3].ID, 50, "三等奖"}}
		for i, wnt := range want {
			got := list[i]
			if got.ID != wnt.id || got.Score == nil || *got.Score != wnt.score || got.Award != wnt.award || got.Place != i+1 {
				t.Errorf("place %d: %s %v %q %d, want %v", i+1, got.Title, got.Score, got.Award, got.Place, wnt)
			}
		}
		// Members see the winners only once published.
		author := signuptest.Self(&member.Member{ID: entries[1].MemberID})
		mc, err := w.s.ForMemberOne(ctx, author, c.ID)
		if err != nil || len(mc.Winners) != 0 || mc.Entries[0].Award != "" {
			t.Fatalf("before results: %+v %v", mc, err)
		}
		if _, err := w.s.PublishResults(ctx, w.tr.City, c.ID); err != nil {
			t.Fatal(err)
		}
		mc, err = w.s.ForMemberOne(ctx, author, c.ID)
		if err != nil || len(mc.Winners) != 4 || mc.Winners[0].Award != "一等奖" || mc.Winners[0].Union == "" || mc.Entries[0].Award != "一等奖" {
			t.Fatalf("results: %+v %v", mc, err)
		}
		if _, err := w.s.Screen(ctx, w.tr.City, entries[3].ID, false, "晚了"); code(err) != "frozen" {
			t.Fatalf("screened after results: %v", err)
		}
	})
}

func TestWorksFinalScore(t *testing.T) {
	for _, c := range []struct {
		totals  []int
		want    int
		trimmed bool
	}{
		{nil, 0, false},
		{[]int{8000}, 8000, false},
		{[]int{8000, 9000, 7001}, 8000, false},
		{[]int{6000, 10000, 7000, 9000, 8000}, 8000, true},
		{[]int{0, 10000, 10000, 10000, 10000, 0}, 7500, true},
	} {
		got, trimmed := Final(c.totals)
		if got != c.want || trimmed != c.trimmed {
			t.Errorf("Final(%v) = %d %v, want %d %v", c.totals, got, trimmed, c.want, c.trimmed)
		}
	}
	if got := Weighted([]Criterion{{"主题", 40}, {"文采", 30}, {"创意", 30}}, []int{90, 80, 70}); got != 8100 {
		t.Errorf("Weighted = %d, want 8100", got)
	}
}
