package mailbox

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"strconv"
	"strings"
	"sync/atomic"
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
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is the tree of signuptest (city, Xicheng district, the Dashilan
// and Xichang streets, a union below each), a member of UnionA and the
// store on a clock that starts on a Tuesday morning.
type world struct {
	s     *Store
	d     *db.DB
	tr    *signuptest.Tree
	m     *member.Store
	clock *signuptest.Clock
	seq   int
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, m: member.NewStore(d, testkit.Keys(t)), tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, beijing.Zone))}
	w.s = NewStore(d, testkit.Keys(t))
	w.s.SetClock(w.clock.Now)
	return w
}

func (w *world) member(t testing.TB, u *org.Org) *auth.Principal {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1980+n%20, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.m.Create(ctx, w.tr.City, u.ID, member.Person{Name: "写信人" + string([]rune("甲乙丙丁戊己庚辛壬癸")[n%10]), IDNumber: id, Mobile: strconv.Itoa(13900000000 + n), JoinedOn: "2020-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	return signuptest.Self(m)
}

func (w *world) write(t testing.TB, pr *auth.Principal, to *org.Org, anonymous bool) *Letter {
	t.Helper()
	l, err := w.s.Write(ctx, pr, Input{OrgID: to.ID, Category: CatWages, Subject: "加班费没有按时发放", Body: "十一月的加班费到现在还没有发，请工会帮忙问问。", Anonymous: anonymous}, nil)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	return l
}

func tinyPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMailboxWriteAndAddressees(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		me := w.member(t, w.tr.UnionA)
		as, err := w.s.Addressees(ctx, me)
		if err != nil {
			t.Fatal(err)
		}
		var levels []string
		for _, a := range as {
			levels = append(levels, string(a.Level))
		}
		if got := strings.Join(levels, ","); got != "own,street,district,city" {
			t.Fatalf("addressees %s", got)
		}
		// Bad input changes nothing and names its fields.
		_, err = w.s.Write(ctx, me, Input{OrgID: w.tr.UnionB.ID, Category: "bogus", Subject: " ", Body: "短"}, [][]byte{[]byte("not a picture")})
		for field, key := range map[string]string{"category": "field.invalid_choice", "subject": "field.required", "body": "field.too_short", "photos": "mailbox.photo_type"} {
			testkit.WantField(t, err, field, key)
		}
		_, err = w.s.Write(ctx, me, Input{OrgID: w.tr.UnionB.ID, Category: CatSafety, Subject: "脚手架", Body: "工地的脚手架没有护栏，很危险。"}, nil)
		testkit.WantField(t, err, "org_id", "mailbox.addressee_outside")
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM letters").Scan(&n); err != nil || n != 0 {
			t.Fatalf("letters after refusals: %d %v", n, err)
		}
		// A letter with a photo: sealed at rest, opened for its readers.
		pic := tinyPNG(t)
		l, err := w.s.Write(ctx, me, Input{OrgID: w.tr.Dashilan.ID, Category: CatSafety, Subject: "脚手架", Body: "工地的脚手架没有护栏，很危险。"}, [][]byte{pic})
		if err != nil {
			t.Fatal(err)
		}
		if !l.DueAt.Equal(time.Date(2026, 12, 23, 0, 0, 0, 0, beijing.Zone)) {
			t.Fatalf("due %v", l.DueAt.In(beijing.Zone))
		}
		var raw []byte
		if err := d.QueryRow(ctx, "SELECT data FROM letter_photos WHERE letter_id = ?", l.ID).Scan(&raw); err != nil || bytes.Contains(raw, pic[:16]) {
			t.Fatalf("photo stored in clear (%v)", err)
		}
		th, err := w.s.Mine(ctx, me, l.ID)
		if err != nil || len(th.PhotoList) != 1 {
			t.Fatalf("mine %v %v", th, err)
		}
		street := signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
		ct, data, err := w.s.PhotoData(ctx, street, l.ID, th.PhotoList[0].ID)
		if err != nil || ct != "image/png" || !bytes.Equal(data, pic) {
			t.Fatalf("photo %s %v", ct, err)
		}
		other := w.member(t, w.tr.UnionA)
		if _, _, err := w.s.PhotoData(ctx, other, l.ID, th.PhotoList[0].ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member's photo read: %v", err)
		}
	})
}

func TestMailboxScopeAndAnonymity(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		me := w.member(t, w.tr.UnionA)
		anon := w.write(t, me, w.tr.Xicheng, true)
		named := w.write(t, me, w.tr.Xicheng, false)
		district := signuptest.Grant(auth.RoleOfficer, w.tr.Xicheng)
		for _, pr := range []*auth.Principal{signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan), signuptest.Grant(auth.RoleOfficer, w.tr.UnionA),
			signuptest.Grant(auth.RoleOfficer, w.tr.Xichang), w.member(t, w.tr.UnionA)} {
			if _, err := w.s.Get(ctx, pr, anon.ID); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("%v read a letter above them: %v", pr.Grants, err)
			}
			if _, err := w.s.Accept(ctx, pr, anon.ID, ""); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("%v accepted a letter above them: %v", pr.Grants, err)
			}
		}
		if _, err := w.s.Mine(ctx, district, anon.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("staff read through the writer's path: %v", err)
		}
		// Staff reads of the anonymous letter carry nobody.
		th, err := w.s.Get(ctx, district, anon.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := w.s.List(ctx, w.tr.City, Query{})
		if err != nil || len(list) != 2 {
			t.Fatalf("list %d %v", len(list), err)
		}
		var anonRows []Letter
		for _, l := range list {
			if (l.Writer == nil) != l.Anonymous {
				t.Fatalf("letter %d anonymous %v writer %v", l.ID, l.Anonymous, l.Writer)
			}
			if l.Anonymous {
				anonRows = append(anonRows, l)
			} else if l.ID != named.ID || l.Writer.Name == "" || l.Writer.Union != w.tr.UnionA.Name {
				t.Fatalf("the named letter's writer: %+v", l.Writer)
			}
		}
		b, _ := json.Marshal([]any{th, anonRows})
		for _, leak := range []string{"写信人", w.tr.UnionA.Name, w.tr.Dashilan.Name, db.FormatID(me.MemberID)} {
			if strings.Contains(string(b), leak) {
				t.Fatalf("staff read of an anonymous letter names %s: %s", leak, b)
			}
		}
		// The writer's own acts on an anonymous letter are audited without them.
		if _, err := w.s.Answer(ctx, district, anon.ID, "已联系单位，本月底前补发。"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Rate(ctx, me, anon.ID, RateFair); err != nil {
			t.Fatal(err)
		}
		rows, err := d.Query(ctx, "SELECT actor_name, ip, after_json FROM audit_log WHERE entity = 'letter' AND entity_id = ?", db.FormatID(anon.ID))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := 0
		for rows.Next() {
			var actor, ip, after string
			if err := rows.Scan(&actor, &ip, &after); err != nil {
				t.Fatal(err)
			}
			seen++
			if strings.Contains(actor, db.FormatID(me.MemberID)) || strings.Contains(after, db.FormatID(me.MemberID)) || strings.Contains(after, "写信人") {
				t.Fatalf("audit names the writer: %s %s", actor, after)
			}
		}
		if seen != 3 {
			t.Fatalf("audit entries %d", seen)
		}
	})
}

func TestMailboxStatuses(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		me := w.member(t, w.tr.UnionA)
		l := w.write(t, me, w.tr.Dashilan, false)
		street := signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
		leader := signuptest.Grant(auth.RoleLeader, w.tr.Dashilan)
		if _, err := w.s.Get(ctx, leader, l.ID); err != nil {
			t.Fatalf("a leader reads: %v", err)
		}
		if _, err := w.s.Accept(ctx, leader, l.ID, ""); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("a leader accepted: %v", err)
		}
		if _, err := w.s.Close(ctx, street, l.ID, ""); err == nil {
			t.Fatal("closed a new letter")
		}
		if _, err := w.s.Rate(ctx, me, l.ID, RateSatisfied); err == nil {
			t.Fatal("rated before any answer")
		}
		a, err := w.s.Accept(ctx, street, l.ID, "张干事")
		if err != nil || a.Status != StatusAccepted || a.Handler != "张干事" {
			t.Fatalf("accept %+v %v", a, err)
		}
		if _, err := w.s.Accept(ctx, street, l.ID, ""); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("accepted twice: %v", err)
		}
		_, err = w.s.Answer(ctx, street, l.ID, " ")
		testkit.WantField(t, err, "text", "field.required")
		if _, err := w.s.Answer(ctx, street, l.ID, "已督促企业发放。"); err != nil {
			t.Fatal(err)
		}
		mine, err := w.s.Mine(ctx, me, l.ID)
		if err != nil || !mine.Can.Rate || !mine.Can.FollowUp {
			t.Fatalf("writer's view %+v %v", mine, err)
		}
		for _, e := range mine.Events {
			if e.By != "" {
				t.Fatalf("the writer sees a staff name: %+v", e)
			}
		}
		if mine.Events[len(mine.Events)-1].Body != "已督促企业发放。" {
			t.Fatalf("the writer does not see the answer: %+v", mine.Events)
		}
		if _, err := w.s.Rate(ctx, me, l.ID, RateDissatisfied); err != nil {
			t.Fatal(err)
		}
		// The follow-up reopens it, once.
		f, err := w.s.FollowUp(ctx, me, l.ID, "钱还是没有到账。")
		if err != nil || f.Status != StatusAccepted || f.Rating != "" {
			t.Fatalf("follow-up %+v %v", f, err)
		}
		if _, err := w.s.Answer(ctx, street, l.ID, "企业已于今日补发。"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.FollowUp(ctx, me, l.ID, "再问一次"); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("second follow-up: %v", err)
		}
		if _, err := w.s.Rate(ctx, me, l.ID, RateSatisfied); err != nil {
			t.Fatal(err)
		}
		c, err := w.s.Close(ctx, street, l.ID, "")
		if err != nil || c.Status != StatusClosed {
			t.Fatalf("close %+v %v", c, err)
		}
		// Decline needs a reason.
		l2 := w.write(t, me, w.tr.Dashilan, true)
		_, err = w.s.Decline(ctx, street, l2.ID, "")
		testkit.WantField(t, err, "reason", "field.required")
		if _, err := w.s.Decline(ctx, street, l2.ID, "不属于工会职责范围，请向劳动监察部门反映。"); err != nil {
			t.Fatal(err)
		}
		th, err := w.s.Mine(ctx, me, l2.ID)
		if err != nil || th.Status != StatusDeclined || th.Can.Rate || th.Can.FollowUp {
			t.Fatalf("declined %+v %v", th, err)
		}
		// Figures: two received, one answered in time, closed, rated satisfied.
		if err := stats.NewStore(d).FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		fig, err := stats.NewStore(d).Read(ctx, w.tr.Dashilan.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := FiguresFrom(fig, "", "")
		if *got != (Figures{Received: 2, Answered: 1, OnTime: 1, Closed: 1, Rated: 1, Satisfied: 1}) || got.SatisfiedPercent() != 100 {
			t.Fatalf("figures %+v", got)
		}
		bad, err := stats.NewStore(d).Check(ctx, StatSource())
		if err != nil || len(bad) != 0 {
			t.Fatalf("recount differs: %v %v", bad, err)
		}
	})
}

func TestMailboxForwardWithinReach(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		me := w.member(t, w.tr.UnionA)
		l := w.write(t, me, w.tr.Dashilan, false)
		street := signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
		district := signuptest.Grant(auth.RoleOfficer, w.tr.Xicheng)
		// The street cannot send it up (not its reach) nor sideways.
		_, err := w.s.Forward(ctx, street, l.ID, w.tr.Xicheng.ID, "")
		testkit.WantField(t, err, "org_id", "field.invalid_id")
		_, err = w.s.Forward(ctx, district, l.ID, w.tr.UnionB.ID, "")
		testkit.WantField(t, err, "org_id", "mailbox.forward_outside")
		_, err = w.s.Forward(ctx, street, l.ID, w.tr.Dashilan.ID, "")
		testkit.WantField(t, err, "org_id", "mailbox.forward_same")
		// Down, within the street's reach.
		f, err := w.s.Forward(ctx, street, l.ID, w.tr.UnionA.ID, "请企业工会核实")
		if err != nil || f.Status != StatusForwarded || f.OrgID != w.tr.UnionA.ID {
			t.Fatalf("forward down %+v %v", f, err)
		}
		unionA := signuptest.Grant(auth.RoleOfficer, w.tr.UnionA)
		if _, err := w.s.Get(ctx, unionA, l.ID); err != nil {
			t.Fatalf("the new addressee reads: %v", err)
		}
		// Up, by the district, which reaches both.
		if f, err = w.s.Forward(ctx, district, l.ID, w.tr.Xicheng.ID, ""); err != nil || f.OrgID != w.tr.Xicheng.ID {
			t.Fatalf("forward up %+v %v", f, err)
		}
		if _, err := w.s.Get(ctx, unionA, l.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("the old addressee still reads: %v", err)
		}
		th, err := w.s.Get(ctx, district, l.ID)
		if err != nil || len(th.Events) != 3 || th.Events[1].ToOrg != w.tr.UnionA.Name {
			t.Fatalf("history %+v %v", th, err)
		}
		// The figures moved with the letter.
		if err := stats.NewStore(d).FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		fig, _ := stats.NewStore(d).Read(ctx, w.tr.Dashilan.ID)
		if got := FiguresFrom(fig, "", ""); got.Received != 0 {
			t.Fatalf("the street still counts the letter: %+v", got)
		}
	})
}

func TestMailboxDailyLimitUnderConcurrency(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		me := w.member(t, w.tr.UnionA)
		var ok, refused atomic.Int32
		fns := make([]func() error, 12)
		for i := range fns {
			fns[i] = func() error {
				_, err := w.s.Write(ctx, me, Input{OrgID: w.tr.UnionA.ID, Category: CatOther, Subject: "意见" + strconv.Itoa(i), Body: "食堂的饭菜可以再丰富一些。"}, nil)
				switch {
				case err == nil:
					ok.Add(1)
				case errs.Is(err, errs.KindConflict):
					refused.Add(1)
				default:
					return err
				}
				return nil
			}
		}
		signuptest.Together(t, fns)
		if ok.Load() != DefaultPerDay || refused.Load() != int32(len(fns)-DefaultPerDay) {
			t.Fatalf("written %d, refused %d", ok.Load(), refused.Load())
		}
		// The next Beijing day brings a new allowance.
		w.clock.Add(24 * time.Hour)
		w.write(t, me, w.tr.UnionA, false)
	})
}

func TestMailboxInboxAndOverdue(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		me := w.member(t, w.tr.UnionA)
		a := w.write(t, me, w.tr.Dashilan, true)
		w.write(t, me, w.tr.Xicheng, true)
		street := signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
		src := w.s.InboxSources()
		count := func(i int, pr *auth.Principal) int {
			t.Helper()
			n, err := src[i].Count(ctx, pr, pr.Paths(auth.PermLetterWrite))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(0, street) != 1 || count(0, signuptest.Grant(auth.RoleOfficer, w.tr.Xicheng)) != 2 {
			t.Fatal("new letters counted wrong")
		}
		items, err := src[0].Oldest(ctx, street, street.Paths(auth.PermLetterWrite), 10)
		if err != nil || len(items) != 1 || strings.Contains(items[0].Title, "写信人") {
			t.Fatalf("items %+v %v", items, err)
		}
		if _, err := w.s.Accept(ctx, street, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		if count(0, street) != 0 || count(1, street) != 0 {
			t.Fatal("accepted letter still waiting")
		}
		w.clock.Add(30 * 24 * time.Hour)
		if count(1, street) != 1 {
			t.Fatal("overdue letter not counted")
		}
		list, _, err := w.s.List(ctx, street, Query{Overdue: true})
		if err != nil || len(list) != 1 || !list[0].Overdue {
			t.Fatalf("overdue filter %v %v", list, err)
		}
		tot, err := w.s.Totals(ctx, w.tr.City, Query{})
		if err != nil || tot.All != 2 || tot.Overdue != 2 || tot.ByStatus[StatusAccepted] != 1 {
			t.Fatalf("totals %+v %v", tot, err)
		}
		// Bulk accept: one taken, one already accepted, one out of reach.
		done, failed, err := w.s.BulkAccept(ctx, signuptest.Grant(auth.RoleOfficer, w.tr.Xicheng), []int64{a.ID, list[0].ID + 1})
		if err != nil || done != 0 || len(failed) != 2 {
			t.Fatalf("bulk %d %v %v", done, failed, err)
		}
	})
}

func TestDueAfterSkipsWeekends(t *testing.T) {
	fri := time.Date(2026, 12, 4, 16, 0, 0, 0, beijing.Zone)
	if got := DueAfter(fri, 1); !got.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, beijing.Zone)) {
		t.Fatalf("a Friday's next working day ends %v", got.In(beijing.Zone))
	}
}
