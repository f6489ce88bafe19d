package congress

import (
	"context"
	"crypto/rand"
	"strconv"
	"testing"
	"time"

	"gonghui/internal/audit"
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

// world is signuptest's tree with an employer behind each union (甲公司
// organised by UnionA under Dashilan, 乙公司 by UnionB under Xichang), the
// officers of both streets and the store on a clock.
type world struct {
	s              *Store
	d              *db.DB
	tr             *signuptest.Tree
	m              *member.Store
	clock          *signuptest.Clock
	empA, empB     *org.Employer
	street, stWest *auth.Principal
	seq            int
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	w := &world{d: d, m: member.NewStore(d, testkit.Keys(t)), tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, beijing.Zone))}
	w.s = NewStore(d)
	w.s.SetClock(w.clock.Now)
	mk := func(name, code string, u *org.Org) *org.Employer {
		e, err := w.tr.Orgs.CreateEmployer(ctx, w.tr.City, org.EmployerInput{OwnerOrgID: u.ID, Name: name, Category: "110", Employees: 300, CreditCode: code})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.tr.Orgs.LinkEmployer(ctx, w.tr.City, u.ID, e.ID); err != nil {
			t.Fatal(err)
		}
		return e
	}
	w.empA, w.empB = mk("甲公司", "", w.tr.UnionA), mk("乙公司", "", w.tr.UnionB)
	w.street, w.stWest = signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan), signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)
	return w
}

func (w *world) member(t testing.TB, u *org.Org, employer int64) *member.Member {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1975+n%25, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.m.Create(ctx, w.tr.City, u.ID, member.Person{Name: "代表" + string([]rune("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉")[n%20]) + string([]rune("一二三四五六七八九十")[n/20%10]), IDNumber: id, Mobile: strconv.Itoa(13800000000 + n),
		JoinedOn: "2020-05-01", EmployerID: employer})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (w *world) session(t testing.TB, seconds int) *Session {
	t.Helper()
	ses, err := w.s.CreateSession(ctx, w.street, SessionInput{EmployerID: w.empA.ID, Term: 3, Meeting: 2, HeldOn: "2026-12-10", Place: "职工之家", SecondsNeeded: &seconds})
	if err != nil {
		t.Fatal(err)
	}
	return ses
}

// delegates elects n members of UnionA with the categories given in turn.
func (w *world) delegates(t testing.TB, ses *Session, cats ...Category) []*member.Member {
	t.Helper()
	var out []*member.Member
	for i, c := range cats {
		m := w.member(t, w.tr.UnionA, 0)
		g := "male"
		if i%2 == 1 {
			g = "female"
		}
		if _, err := w.s.AddDelegate(ctx, w.street, ses.ID, DelegateInput{MemberID: m.ID, Category: c, Gender: g, ElectedOn: "2026-11-20"}); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func self(m *member.Member) *auth.Principal { return signuptest.Self(m) }

func count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCongressSessionsAndDelegates(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Bad input names its fields and stores nothing.
		_, err := w.s.CreateSession(ctx, w.street, SessionInput{Term: 0, Meeting: 1, HeldOn: "2026-13-40", Place: "a\nb"})
		for field, key := range map[string]string{"employer_id": "field.required", "term": "field.out_of_range", "held_on": "field.invalid_date", "place": "congress.one_line"} {
			testkit.WantField(t, err, field, key)
		}
		// Another street's employer is not the caller's to run.
		_, err = w.s.CreateSession(ctx, w.street, SessionInput{EmployerID: w.empB.ID, Term: 1, Meeting: 1, HeldOn: "2026-12-10"})
		testkit.WantField(t, err, "employer_id", "congress.employer_outside")
		if n := count(t, d, "SELECT COUNT(*) FROM congress_sessions"); n != 0 {
			t.Fatalf("sessions after refusals: %d", n)
		}
		ses := w.session(t, 2)
		_, err = w.s.CreateSession(ctx, w.street, SessionInput{EmployerID: w.empA.ID, Term: 3, Meeting: 2, HeldOn: "2026-12-11"})
		testkit.WantField(t, err, "meeting", "congress.session_taken")
		if ses.OrgID != w.tr.UnionA.ID || ses.Status != SessionPlanned || ses.SecondsNeeded != 2 {
			t.Fatalf("session %+v", ses)
		}
		emps, err := w.s.Employers(ctx, w.street, "")
		if err != nil || len(emps) != 1 || emps[0].ID != w.empA.ID {
			t.Fatalf("employers %+v %v", emps, err)
		}

		// Scope: the neighbouring street sees nothing of it.
		if _, err := w.s.Session(ctx, w.stWest, ses.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour read: %v", err)
		}
		if _, err := w.s.SetStatus(ctx, w.stWest, ses.ID, SessionHeld); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour change: %v", err)
		}
		list, _, err := w.s.Sessions(ctx, w.stWest, SessionQuery{})
		if err != nil || len(list) != 0 {
			t.Fatalf("neighbour list %v %v", list, err)
		}
		leader := signuptest.Grant(auth.RoleLeader, w.tr.Xicheng)
		if list, _, err = w.s.Sessions(ctx, leader, SessionQuery{Year: 2026, Status: SessionPlanned, Q: "甲公司"}); err != nil || len(list) != 1 {
			t.Fatalf("district leader list %v %v", list, err)
		}
		if _, err := w.s.AddDelegate(ctx, leader, ses.ID, DelegateInput{MemberID: 1, Category: CatLeader, Gender: "male", ElectedOn: "2026-11-20"}); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("leader adds a delegate: %v", err)
		}

		// Delegates come only from the employer's union.
		stranger := w.member(t, w.tr.UnionB, 0)
		_, err = w.s.AddDelegate(ctx, w.street, ses.ID, DelegateInput{MemberID: stranger.ID, Category: CatFrontline, Gender: "male", ElectedOn: "2026-11-20"})
		testkit.WantField(t, err, "member_id", "congress.not_in_union")
		// A joint union's session takes the workers of its own employer
		// only.
		joint, err := w.tr.Orgs.Create(ctx, w.tr.City, org.CreateInput{ParentID: w.tr.Dashilan.ID, Name: "楼宇联合工会", Kind: org.KindJoint})
		if err != nil {
			t.Fatal(err)
		}
		var emps2 []*org.Employer
		for _, name := range []string{"丙公司", "丁公司"} {
			e, err := w.tr.Orgs.CreateEmployer(ctx, w.tr.City, org.EmployerInput{OwnerOrgID: joint.ID, Name: name, Category: "110", Employees: 20})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.tr.Orgs.LinkEmployer(ctx, w.tr.City, joint.ID, e.ID); err != nil {
				t.Fatal(err)
			}
			emps2 = append(emps2, e)
		}
		jointSes, err := w.s.CreateSession(ctx, w.street, SessionInput{EmployerID: emps2[0].ID, Term: 1, Meeting: 1, HeldOn: "2026-12-12"})
		if err != nil {
			t.Fatal(err)
		}
		otherJob := w.member(t, joint, emps2[1].ID)
		_, err = w.s.AddDelegate(ctx, w.street, jointSes.ID, DelegateInput{MemberID: otherJob.ID, Category: CatFrontline, Gender: "male", ElectedOn: "2026-11-20"})
		testkit.WantField(t, err, "member_id", "congress.not_in_union")
		ownJob := w.member(t, joint, emps2[0].ID)
		if _, err = w.s.AddDelegate(ctx, w.street, jointSes.ID, DelegateInput{MemberID: ownJob.ID, Category: CatFrontline, Gender: "male", ElectedOn: "2026-11-20"}); err != nil {
			t.Fatal(err)
		}
		ds := w.delegates(t, ses, CatFrontline, CatFrontline, CatLeader, CatManager, CatTechnician)
		_, err = w.s.AddDelegate(ctx, w.street, ses.ID, DelegateInput{MemberID: ds[0].ID, Category: CatFrontline, Gender: "male", ElectedOn: "2026-11-20"})
		testkit.WantField(t, err, "member_id", "congress.already_delegate")
		_, err = w.s.AddDelegate(ctx, w.street, ses.ID, DelegateInput{MemberID: ds[0].ID, Category: "boss", Gender: "x", ElectedOn: ""})
		testkit.WantField(t, err, "category", "field.invalid_choice")
		testkit.WantField(t, err, "gender", "field.invalid_choice")

		v, err := w.s.SessionPage(ctx, w.street, ses.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := v.Composition
		if c.Total != 5 || c.FrontlinePercent != 40 || c.LeadersPercent != 20 || c.FemalePercent != 40 || !c.FrontlineLow || c.LeadersHigh || c.QuorumNeeded != 4 {
			t.Fatalf("composition %+v", c)
		}
		// Attendance: 3 of 5 is short of two thirds, 4 meets it.
		if ses, err = w.s.SetAttendance(ctx, w.street, ses.ID, []int64{ds[0].ID, ds[1].ID, ds[2].ID}); err != nil || ses.QuorumMet {
			t.Fatalf("attendance 3/5: %+v %v", ses, err)
		}
		_, err = w.s.SetAttendance(ctx, w.street, ses.ID, []int64{stranger.ID})
		testkit.WantField(t, err, "present", "congress.not_delegate")
		if ses, err = w.s.SetAttendance(ctx, w.street, ses.ID, []int64{ds[0].ID, ds[1].ID, ds[2].ID, ds[3].ID}); err != nil || !ses.QuorumMet || ses.Present != 4 {
			t.Fatalf("attendance 4/5: %+v %v", ses, err)
		}
		if err := w.s.RemoveDelegate(ctx, w.street, ses.ID, ds[4].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SetStatus(ctx, w.street, ses.ID, SessionPlanned); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("status back: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'congress.%'"); n < 8 {
			t.Fatalf("audit records: %d", n)
		}
	})
}

func TestCongressVotes(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ses := w.session(t, 2)
		ds := w.delegates(t, ses, CatFrontline, CatFrontline, CatFrontline, CatTechnician, CatLeader, CatManager)
		item, err := w.s.AddAgendaItem(ctx, w.street, ses.ID, AgendaInput{Title: "审议《集体合同（草案）》"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.RecordVote(ctx, w.street, item.ID, VoteInput{For: 4}); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("vote before the session is held: %v", err)
		}
		if _, err := w.s.SetStatus(ctx, w.street, ses.ID, SessionHeld); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, func() error { _, err := w.s.RecordVote(ctx, w.street, item.ID, VoteInput{For: 4}); return err }(), "no_quorum")
		if _, err := w.s.SetAttendance(ctx, w.street, ses.ID, []int64{ds[0].ID, ds[1].ID, ds[2].ID, ds[3].ID, ds[4].ID}); err != nil {
			t.Fatal(err)
		}
		// Counts over the delegates present are refused; negative ones too.
		_, err = w.s.RecordVote(ctx, w.street, item.ID, VoteInput{For: 4, Against: 1, Abstain: 1})
		testkit.WantField(t, err, "for", "congress.votes_over_present")
		_, err = w.s.RecordVote(ctx, w.street, item.ID, VoteInput{For: -1})
		testkit.WantField(t, err, "for", "field.out_of_range")
		// 3 of 6 delegates is not more than half; 4 is.
		it, err := w.s.RecordVote(ctx, w.street, item.ID, VoteInput{For: 3, Against: 1, Abstain: 1})
		if err != nil || it.Passed {
			t.Fatalf("3 of 6: %+v %v", it, err)
		}
		if it, err = w.s.RecordVote(ctx, w.street, item.ID, VoteInput{For: 4, Against: 1}); err != nil || !it.Passed || it.Delegates != 6 {
			t.Fatalf("4 of 6: %+v %v", it, err)
		}
		// A named vote: ballots of present delegates only.
		_, err = w.s.NamedVote(ctx, w.street, item.ID, []Ballot{{MemberID: ds[5].ID, Choice: ChoiceFor}})
		testkit.WantField(t, err, "ballots", "congress.ballot_absent")
		it, err = w.s.NamedVote(ctx, w.street, item.ID, []Ballot{{ds[0].ID, ChoiceFor}, {ds[1].ID, ChoiceFor}, {ds[2].ID, ChoiceFor}, {ds[3].ID, ChoiceAgainst}})
		if err != nil || it.VoteKind != VoteNamed || it.For != 3 || it.Against != 1 || it.Passed {
			t.Fatalf("named vote %+v %v", it, err)
		}
		bs, err := w.s.Ballots(ctx, w.street, item.ID)
		if err != nil || len(bs) != 4 {
			t.Fatalf("ballots %v %v", bs, err)
		}
		if _, err := w.s.Ballots(ctx, w.stWest, item.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour reads ballots: %v", err)
		}
	})
}

func TestCongressMotions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ses := w.session(t, 2)
		ds := w.delegates(t, ses, CatFrontline, CatFrontline, CatFrontline, CatLeader)
		outsider := w.member(t, w.tr.UnionA, 0)
		in := MotionInput{Title: "改善一线职工食堂伙食", Reason: "夜班职工反映食堂晚餐品种少、价格偏高。", Proposal: "增加夜班餐品种，给予一线职工餐费补贴。"}
		if _, err := w.s.Submit(ctx, self(outsider), ses.ID, in); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a non-delegate files: %v", err)
		}
		_, err := w.s.Submit(ctx, self(ds[0]), ses.ID, MotionInput{Title: "", Reason: "短", Proposal: ""})
		testkit.WantField(t, err, "title", "field.required")
		testkit.WantField(t, err, "reason", "field.too_short")
		m, err := w.s.Submit(ctx, self(ds[0]), ses.ID, in)
		if err != nil || m.Status != MotionSeconding {
			t.Fatalf("submit %+v %v", m, err)
		}
		// Staff enter one on a delegate's behalf.
		onBehalf, err := w.s.Submit(ctx, w.street, ses.ID, MotionInput{MemberID: ds[3].ID, Title: "设立职工书屋", Reason: "职工业余学习没有场所。", Proposal: "利用三楼会议室设立职工书屋。"})
		if err != nil || onBehalf.EnteredBy == "" || onBehalf.MemberID != ds[3].ID {
			t.Fatalf("on behalf %+v %v", onBehalf, err)
		}
		_, err = w.s.Submit(ctx, w.street, ses.ID, MotionInput{MemberID: outsider.ID, Title: "x", Reason: "一二三四五六七八九十", Proposal: "一二三四五六七八九十"})
		testkit.WantField(t, err, "member_id", "congress.not_delegate")

		// Seconds: not one's own, once each; the second one sends it to review.
		testkit.WantCode(t, func() error { _, err := w.s.Second(ctx, self(ds[0]), m.ID); return err }(), "own_motion")
		if _, err := w.s.Second(ctx, self(outsider), m.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("outsider seconds: %v", err)
		}
		if m, err = w.s.Second(ctx, self(ds[1]), m.ID); err != nil || m.Status != MotionSeconding || m.Seconds != 1 {
			t.Fatalf("first second %+v %v", m, err)
		}
		testkit.WantCode(t, func() error { _, err := w.s.Second(ctx, self(ds[1]), m.ID); return err }(), "already_seconded")
		if m, err = w.s.Second(ctx, self(ds[2]), m.ID); err != nil || m.Status != MotionReview || m.Seconds != 2 {
			t.Fatalf("second second %+v %v", m, err)
		}
		reg := w.s.InboxSources()
		if n, err := reg[0].Count(ctx, w.street, []string{w.tr.Dashilan.Path}); err != nil || n != 1 {
			t.Fatalf("inbox review %d %v", n, err)
		}

		// Review: a rejection needs its reason; acceptance tells the delegate.
		_, err = w.s.Review(ctx, w.street, m.ID, ReviewInput{Outcome: OutcomeReject})
		testkit.WantField(t, err, "note", "field.required")
		if _, err := w.s.Review(ctx, w.stWest, m.ID, ReviewInput{Outcome: OutcomeAccept}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour reviews: %v", err)
		}
		if m, err = w.s.Review(ctx, w.street, m.ID, ReviewInput{Outcome: OutcomeAccept}); err != nil || m.Status != MotionAccepted {
			t.Fatalf("accept %+v %v", m, err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM member_notices WHERE member_id = ? AND kind = ? AND body = ? AND about_kind = ? AND about_id = ?",
			ds[0].ID, NoticeAccepted, in.Title, AboutMotion, m.ID); n != 1 {
			t.Fatalf("notices of acceptance: %d", n)
		}
		_, err = w.s.Assign(ctx, w.street, m.ID, AssignInput{Handler: "后勤保障部", DueOn: "2026-11-30"})
		testkit.WantField(t, err, "due_on", "congress.due_past")
		if m, err = w.s.Assign(ctx, w.street, m.ID, AssignInput{Handler: "后勤保障部", DueOn: "2026-12-20"}); err != nil || m.Status != MotionAssigned {
			t.Fatalf("assign %+v %v", m, err)
		}
		// Past its due day it is overdue in the inbox.
		w.clock.Set(time.Date(2026, 12, 21, 9, 0, 0, 0, beijing.Zone))
		if n, err := reg[1].Count(ctx, w.street, []string{w.tr.Dashilan.Path}); err != nil || n != 1 {
			t.Fatalf("inbox overdue %d %v", n, err)
		}
		if m, err = w.s.Answer(ctx, w.street, m.ID, "已增加夜班餐两个品种，一线职工每餐补贴5元。"); err != nil || m.Status != MotionAnswered {
			t.Fatalf("answer %+v %v", m, err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM member_notices WHERE member_id = ? AND kind = ?", ds[0].ID, NoticeAnswered); n != 1 {
			t.Fatalf("notices of the answer: %d", n)
		}
		// Only its delegate rates; not satisfied sends it back once.
		if _, err := w.s.Rate(ctx, self(ds[1]), m.ID, RateSatisfied); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another delegate rates: %v", err)
		}
		if m, err = w.s.Rate(ctx, self(ds[0]), m.ID, RateDissatisfied); err != nil || m.Status != MotionAssigned {
			t.Fatalf("not satisfied %+v %v", m, err)
		}
		if m, err = w.s.Answer(ctx, w.street, m.ID, "补贴提高到每餐8元，下月起执行。"); err != nil || m.Answers != 2 || m.FirstRating != RateDissatisfied {
			t.Fatalf("second answer %+v %v", m, err)
		}
		if m, err = w.s.Rate(ctx, self(ds[0]), m.ID, RateDissatisfied); err != nil || m.Status != MotionAnswered {
			t.Fatalf("not satisfied again stays answered: %+v %v", m, err)
		}
		testkit.WantCode(t, func() error { _, err := w.s.Rate(ctx, self(ds[0]), m.ID, RateSatisfied); return err }(), "rated")

		// The member's view, and the figures.
		mine, err := w.s.Mine(ctx, self(ds[1]))
		if err != nil || len(mine.Sessions) != 1 || len(mine.ToSecond) != 1 || mine.ToSecond[0].ID != onBehalf.ID {
			t.Fatalf("mine %+v %v", mine, err)
		}
		st := stats.NewStore(d)
		if err := st.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		f, err := st.Read(ctx, w.tr.Xicheng.ID)
		if err != nil {
			t.Fatal(err)
		}
		fig := FiguresFrom(f, "", "")
		if fig.Motions != 2 || fig.Answered != 1 {
			t.Fatalf("figures %+v", fig)
		}
		bad, err := st.Check(ctx, StatSource())
		testkit.Recounted(t, "after the flow", bad, err)
	})
}

func TestCongressAffairs(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		worker := w.member(t, w.tr.UnionA, w.empA.ID)
		other := w.member(t, w.tr.UnionB, 0)
		_, err := w.s.Publish(ctx, w.street, AffairInput{EmployerID: w.empA.ID, Category: "gossip", Title: "", Body: ""})
		testkit.WantField(t, err, "category", "field.invalid_choice")
		testkit.WantField(t, err, "title", "field.required")
		_, err = w.s.Publish(ctx, w.stWest, AffairInput{EmployerID: w.empA.ID, Category: AffairWages, Title: "2026年调薪方案", Body: "全员基本工资上调3%。"})
		testkit.WantField(t, err, "employer_id", "congress.employer_outside")
		a, err := w.s.Publish(ctx, w.street, AffairInput{EmployerID: w.empA.ID, Category: AffairWages, Title: "2026年调薪方案", Body: "全员基本工资上调3%。"})
		if err != nil {
			t.Fatal(err)
		}
		list, err := w.s.MyAffairs(ctx, self(worker))
		if err != nil || len(list) != 1 || list[0].Read {
			t.Fatalf("worker's items %+v %v", list, err)
		}
		if list, err = w.s.MyAffairs(ctx, self(other)); err != nil || len(list) != 0 {
			t.Fatalf("another union's worker sees %+v %v", list, err)
		}
		if _, err := w.s.ReadAffair(ctx, self(other), a.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another union's worker reads: %v", err)
		}
		for range 2 {
			if _, err := w.s.ReadAffair(ctx, self(worker), a.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := w.s.Affair(ctx, w.street, a.ID); err != nil || got.Reads != 1 {
			t.Fatalf("reads %+v %v", got, err)
		}
		if _, err := w.s.Affair(ctx, w.stWest, a.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour reads: %v", err)
		}
		if _, err := w.s.Withdraw(ctx, w.street, a.ID); err != nil {
			t.Fatal(err)
		}
		if list, err = w.s.MyAffairs(ctx, self(worker)); err != nil || len(list) != 0 {
			t.Fatalf("withdrawn still shown %+v %v", list, err)
		}
		st := stats.NewStore(d)
		bad, err := st.Check(ctx, StatSource())
		testkit.Recounted(t, "after withdrawing", bad, err)
	})
}

// TestCongressSecondsAcrossProcesses: two handles on one database (two
// server processes) take seconds of the same motion at once; each
// delegate's second counts once however often it is sent.
func TestCongressSecondsAcrossProcesses(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		a, b := testkit.OpenDSN(t, dsn), testkit.OpenDSN(t, dsn)
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		for _, d := range []*db.DB{a, b} {
			if _, err := audit.Attach(d, audit.Options{Key: key}); err != nil {
				t.Fatal(err)
			}
		}
		w := newWorld(t, a)
		other := NewStore(b)
		other.SetClock(w.clock.Now)
		ses := w.session(t, 3)
		ds := w.delegates(t, ses, CatFrontline, CatFrontline, CatFrontline, CatFrontline)
		m, err := w.s.Submit(ctx, self(ds[0]), ses.ID, MotionInput{Title: "增设职工休息室", Reason: "一线职工午休没有地方。", Proposal: "在车间旁增设休息室。"})
		if err != nil {
			t.Fatal(err)
		}
		var fns []func() error
		for i := range 12 {
			st := w.s
			if i%2 == 1 {
				st = other
			}
			who := ds[1+i%3]
			fns = append(fns, func() error {
				_, err := st.Second(ctx, self(who), m.ID)
				if e, ok := errs.As(err); ok && e.Code == "already_seconded" {
					return nil
				}
				return err
			})
		}
		signuptest.Together(t, fns)
		if n := count(t, a, "SELECT COUNT(*) FROM congress_seconds WHERE motion_id = ?", m.ID); n != 3 {
			t.Fatalf("seconds stored: %d", n)
		}
		v, err := w.s.Motion(ctx, w.street, m.ID)
		if err != nil || v.Seconds != 3 || v.Status != MotionReview || len(v.Seconders) != 3 {
			t.Fatalf("motion %+v %v", v, err)
		}
	})
}
