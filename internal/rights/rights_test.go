package rights

import (
	"bytes"
	"context"
	"image"
	"image/png"
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
	"gonghui/internal/workday"
)

var ctx = context.Background()

// world is signuptest's tree (city, Xicheng district, the Dashilan and
// Xichang streets, a union below each) with accounts: a lawyer and a
// mediator (officers) at Dashilan, an officer at Xichang, a leader
// (supervisor) at Xicheng; a member of UnionA; the store on a clock that
// starts on Tuesday 2025-09-30, the eve of the National Day holiday.
type world struct {
	s                      *Store
	d                      *db.DB
	tr                     *signuptest.Tree
	m                      *member.Store
	clock                  *signuptest.Clock
	lawyer, mediator, west *auth.Principal
	chief, cityOfficer     *auth.Principal
	seq                    int
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	keys := testkit.Keys(t)
	w := &world{d: d, m: member.NewStore(d, keys), tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2025, 9, 30, 9, 0, 0, 0, beijing.Zone))}
	w.s = NewStore(d, keys)
	w.s.Calendar = workday.Statutory()
	w.s.SetClock(w.clock.Now)
	svc := auth.NewService(d, keys)
	mk := func(username, name string, o *org.Org, role auth.Role) *auth.Principal {
		t.Helper()
		id, err := svc.Bootstrap(ctx, auth.NewUser{Username: username, Name: name, OrgID: o.ID, Password: "Quiet-River-2024"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{UserID: id, Username: username, Name: name, Kind: auth.KindStaff,
			Grants: []auth.Grant{{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name}}}
	}
	w.lawyer = mk("lawyer", "律师甲", w.tr.Dashilan, auth.RoleOfficer)
	w.mediator = mk("mediator", "调解员乙", w.tr.Dashilan, auth.RoleOfficer)
	w.west = mk("west", "西长安街干事", w.tr.Xichang, auth.RoleOfficer)
	w.chief = mk("chief", "区总工会主席", w.tr.Xicheng, auth.RoleLeader)
	w.cityOfficer = mk("city", "市总干事", w.tr.Root, auth.RoleOfficer)
	return w
}

func (w *world) member(t testing.TB, u *org.Org, name string) (*member.Member, *auth.Principal) {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1980+n%20, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.m.Create(ctx, w.tr.City, u.ID, member.Person{Name: name, IDNumber: id, Mobile: strconv.Itoa(13900000000 + n), JoinedOn: "2020-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	return m, signuptest.Self(m)
}

func idNumber(t testing.TB, n int) string {
	t.Helper()
	id, err := cnid.MakeResidentID("110105", time.Date(1990, 3, n, 0, 0, 0, 0, time.UTC), n)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// collective is a wage dispute of three couriers taken in from the hotline.
func (w *world) collective(t testing.TB, kind Kind) *Case {
	t.Helper()
	c, err := w.s.TakeIn(ctx, w.lawyer, Input{OrgID: w.tr.Dashilan.ID, Kind: kind, Channel: ChannelHotline, Title: "快递站拖欠三名快递员工资",
		Facts: "某快递站自七月起拖欠三名快递员工资，多次催要无果。", EmployerName: "某快递服务有限公司",
		Workers: []WorkerInput{{Name: "王小明", IDNumber: idNumber(t, 1), Mobile: "13811112222"}, {Name: "李四", Mobile: "13811113333"}, {Name: "欧阳娜娜"}},
		Claims:  []ClaimInput{{Kind: ClaimWages, Text: "12,345.50"}, {Kind: ClaimOvertime, AmountFen: 300000}}}, nil)
	if err != nil {
		t.Fatalf("take in: %v", err)
	}
	return c
}

func count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func tinyPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Bad input names its fields and stores nothing.
func TestTakeInRefusesBadInput(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		_, err := w.s.TakeIn(ctx, w.lawyer, Input{OrgID: w.tr.Dashilan.ID, Kind: "lawsuit", Channel: ChannelOnline, Title: " ", Facts: "短",
			CreditCode: "91110000ABCDEFGHIJ",
			Workers:    []WorkerInput{{Name: "", IDNumber: "110105199003010000", Mobile: "12345"}},
			Claims:     []ClaimInput{{Kind: ClaimWages, Text: "-1,000.00"}, {Kind: "bonus", AmountFen: -5}, {Kind: ClaimWages, Text: "12.345"}}},
			[]FileInput{{Name: "a.exe", Data: []byte("MZ\x90\x00")}})
		for field, key := range map[string]string{"kind": "field.invalid_choice", "channel": "field.invalid_choice", "title": "field.required",
			"facts": "field.too_short", "credit_code": "case.credit_code_invalid", "workers.0.name": "field.required",
			"workers.0.id_number": "case.id_number_invalid", "workers.0.mobile": "case.mobile_invalid",
			"claims.0.amount": ErrAmountNegative, "claims.1.kind": "field.invalid_choice", "claims.1.amount": ErrAmountNegative,
			"claims.2.amount": ErrAmountDecimals, "files": "case.file_type"} {
			testkit.WantField(t, err, field, key)
		}
		_, err = w.s.TakeIn(ctx, w.lawyer, Input{OrgID: w.tr.UnionB.ID, Kind: KindMediation, Channel: ChannelWalkIn, Title: "欠薪", Facts: "工资拖欠两个月了，请帮忙。"}, nil)
		testkit.WantField(t, err, "workers", "case.workers_required")
		testkit.WantField(t, err, "employer_name", "case.employer_required")
		// A union outside the caller's subtree is not theirs to take in at.
		_, err = w.s.TakeIn(ctx, w.lawyer, Input{OrgID: w.tr.UnionB.ID, Kind: KindConsultation, Channel: ChannelWalkIn, Title: "咨询", Facts: "想咨询一下试用期的规定。",
			Workers: []WorkerInput{{Name: "张三"}}}, nil)
		testkit.WantField(t, err, "org_id", "field.invalid_id")
		for _, table := range []string{"cases", "case_workers", "case_claims", "case_files", "case_events"} {
			if n := count(t, d, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%s: %d rows after refusals", table, n)
			}
		}
	})
}

// A collective case from intake to closing: personal data sealed and
// masked, the acceptance and mediation deadlines across the National Day
// holiday, scope, confidential notes, transfer up, closing with the money
// recovered, the figures, the member's view and their one rating.
func TestCaseFlow(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindMediation)
		if c.Workers != 3 || c.ClaimedFen != 1234550+300000 || c.Status != StatusNew {
			t.Fatalf("taken in: %+v", c)
		}
		// Accepted within three working days: 9, 10 and 11 October (the make-up Saturday).
		if !c.DueAt.Equal(endOf(2025, 10, 11)) || c.Provisional {
			t.Fatalf("acceptance due %s", c.DueAt.In(beijing.Zone))
		}
		// Sealed at rest, found by hash, masked on screen.
		if n := count(t, d, "SELECT COUNT(*) FROM case_workers WHERE name_sealed LIKE '%王小明%' OR mobile_sealed LIKE '%1381111%'"); n != 0 {
			t.Fatal("a worker's data stored in clear")
		}
		th, err := w.s.Get(ctx, w.lawyer, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := th.WorkerList[0]; got.Name != "王*明" || got.Mobile != "138****2222" || !strings.Contains(got.IDNumber, "*") {
			t.Fatalf("masked worker %+v", got)
		}
		if th.WorkerList[2].Name != "欧**娜" || !th.Can.Accept || th.Can.Assign {
			t.Fatalf("thread %+v", th)
		}
		for _, q := range []string{"13811113333", "王小明", idNumber(t, 1), "快递服务"} {
			if list, _, err := w.s.List(ctx, w.lawyer, Query{Q: q}); err != nil || len(list) != 1 {
				t.Errorf("search %q: %d %v", q, len(list), err)
			}
		}

		// Scope: the other street sees nothing, members' routes refuse staff.
		if _, err := w.s.Get(ctx, w.west, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour read: %v", err)
		}
		if list, _, err := w.s.List(ctx, w.west, Query{}); err != nil || len(list) != 0 {
			t.Fatalf("neighbour list: %d %v", len(list), err)
		}
		if _, err := w.s.Accept(ctx, w.west, c.ID, 0, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour accept: %v", err)
		}
		// Only staff with case.write at the union handle it.
		_, err = w.s.Accept(ctx, w.lawyer, c.ID, w.west.UserID, 0)
		testkit.WantField(t, err, "handler_id", "case.handler_not_eligible")

		// Accepted on 9 October, after the holiday: fifteen calendar days end
		// on Friday 24 October.
		w.clock.Set(day(2025, 10, 9, 10))
		if c, err = w.s.Accept(ctx, w.lawyer, c.ID, w.mediator.UserID, c.Version); err != nil {
			t.Fatal(err)
		}
		if c.Status != StatusHandling || c.HandlerID != w.mediator.UserID || !c.DueAt.Equal(endOf(2025, 10, 24)) {
			t.Fatalf("accepted %+v due %s", c, c.DueAt.In(beijing.Zone))
		}
		// A page shown before the acceptance is stale.
		if _, err := w.s.Assign(ctx, w.lawyer, c.ID, w.lawyer.UserID, c.Version-1); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("stale assign: %v", err)
		}

		// Confidential notes: the handler writes; the other officer of the
		// street may not write or open one; the district's leader may.
		if _, err := w.s.AddNote(ctx, w.lawyer, c.ID, "雇主愿意先付一半。", true); err == nil {
			t.Fatal("a confidential note by someone who is not the handler")
		}
		n, err := w.s.AddNote(ctx, w.mediator, c.ID, "申请人表示如调解不成将申请仲裁。", true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.AddNote(ctx, w.lawyer, c.ID, "已电话通知用人单位到场。", false); err != nil {
			t.Fatal(err)
		}
		if raw := count(t, d, "SELECT COUNT(*) FROM case_notes WHERE body LIKE '%仲裁%' OR sealed LIKE '%仲裁%'"); raw != 0 {
			t.Fatal("a confidential note stored in clear")
		}
		if _, err := w.s.OpenNote(ctx, w.lawyer, c.ID, n.ID); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("the other officer opened it: %v", err)
		}
		if _, err := w.s.OpenNote(ctx, w.west, c.ID, n.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("the neighbour opened it: %v", err)
		}
		for _, pr := range []*auth.Principal{w.mediator, w.chief} {
			got, err := w.s.OpenNote(ctx, pr, c.ID, n.ID)
			if err != nil || !strings.Contains(got.Body, "仲裁") {
				t.Fatalf("%s: %+v %v", pr.Username, got, err)
			}
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.note_read' AND entity_id = ?", db.FormatID(c.ID)); n != 2 {
			t.Fatalf("%d reads audited", n)
		}
		th, _ = w.s.Get(ctx, w.lawyer, c.ID)
		for _, nt := range th.Notes {
			if nt.Confidential && nt.Body != "" {
				t.Fatal("the thread carries a confidential note's words")
			}
		}
		// Reveal: the handler yes (audited), the other officer no.
		if _, err := w.s.Reveal(ctx, w.west, c.ID, ""); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour reveal: %v", err)
		}
		ws, err := w.s.Reveal(ctx, w.mediator, c.ID, "联系当事人")
		if err != nil || ws[0].Name != "王小明" || ws[0].Mobile != "13811112222" {
			t.Fatalf("reveal %+v %v", ws, err)
		}

		// Extended by agreement, once: ten more days from 24 October.
		if c, err = w.s.Extend(ctx, w.mediator, c.ID, 10, "双方同意延长调解期限。", 0); err != nil || !c.DueAt.Equal(endOf(2025, 11, 3)) {
			t.Fatalf("extend: %v due %s", err, c.DueAt.In(beijing.Zone))
		}
		if _, err := w.s.Extend(ctx, w.mediator, c.ID, 5, "再延长。", 0); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("a second extension: %v", err)
		}
		_, err = w.s.Close(ctx, w.mediator, c.ID, CloseInput{Outcome: OutcomeAidGranted, Recovered: "-5"})
		testkit.WantField(t, err, "recovered", ErrAmountNegative)
		_, err = w.s.Close(ctx, w.mediator, c.ID, CloseInput{Outcome: OutcomeAidGranted, Recovered: "100"})
		testkit.WantField(t, err, "outcome", "case.outcome_kind")

		// Closed on 30 October with an agreement: on time.
		w.clock.Set(day(2025, 10, 30, 15))
		if c, err = w.s.Close(ctx, w.mediator, c.ID, CloseInput{Outcome: OutcomeAgreement, Recovered: "15,345.50", Note: "达成调解协议，分两期支付。"}); err != nil {
			t.Fatal(err)
		}
		if !c.OnTime || c.RecoveredFen != 1534550 || c.Status != StatusClosed {
			t.Fatalf("closed %+v", c)
		}
		if _, err := w.s.Close(ctx, w.mediator, c.ID, CloseInput{Outcome: OutcomeAgreement}); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("closed twice: %v", err)
		}
		tot, err := w.s.Totals(ctx, w.chief, Query{})
		if err != nil || tot.Closed != 1 || tot.OnTime != 1 || tot.RecoveredFen != 1534550 || tot.OnTimePercent() != 100 {
			t.Fatalf("totals %+v %v", tot, err)
		}
	})
}

// A member files from the phone and follows the case: they see their own
// cases only, hear of each change by a notice, and rate once, however many
// ratings arrive at once.
func TestMemberFilesAndFollows(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		_, me := w.member(t, w.tr.UnionA, "赵工人")
		_, other := w.member(t, w.tr.UnionA, "钱工人")
		us, err := w.s.Unions(ctx, me)
		if err != nil || len(us) != 4 || us[0].OrgID != w.tr.UnionA.ID {
			t.Fatalf("unions %+v %v", us, err)
		}
		_, err = w.s.File(ctx, me, Input{OrgID: w.tr.UnionB.ID, Kind: KindComplaint, Title: "加班", Facts: "每天加班到晚上十点没有加班费。", EmployerName: "甲公司",
			Claims: []ClaimInput{{Kind: ClaimOvertime, Text: "-20"}}}, nil)
		testkit.WantField(t, err, "org_id", "case.union_outside")
		testkit.WantField(t, err, "claims.0.amount", ErrAmountNegative)
		c, err := w.s.File(ctx, me, Input{OrgID: w.tr.Dashilan.ID, Kind: KindComplaint, Title: "加班没有加班费", Facts: "每天加班到晚上十点没有加班费。",
			EmployerName: "甲公司", Claims: []ClaimInput{{Kind: ClaimOvertime, Text: "2,400"}}}, []FileInput{{Name: "工资条.png", Data: tinyPNG(t)}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Channel != ChannelOnline || c.ClaimedFen != 240000 {
			t.Fatalf("filed %+v", c)
		}
		if _, err := w.s.Mine(ctx, other, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member read it: %v", err)
		}
		if list, _ := w.s.MineList(ctx, other); len(list) != 0 {
			t.Fatal("another member lists it")
		}
		if _, err := w.s.Get(ctx, me, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a member through the staff read: %v", err)
		}
		if _, err := w.s.Accept(ctx, w.lawyer, c.ID, 0, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.AddNote(ctx, w.lawyer, c.ID, "内部：企业负责人态度强硬。", true); err != nil {
			t.Fatal(err)
		}
		th, err := w.s.Mine(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if th.Status != StatusHandling || len(th.Notes) != 0 || th.Handler != "" || len(th.Files) != 1 || th.Can.Rate {
			t.Fatalf("my case %+v", th)
		}
		for _, e := range th.Events {
			if e.By != "" || strings.Contains(e.Body, "律师甲") {
				t.Fatalf("the worker sees staff: %+v", e)
			}
		}
		if _, err := w.s.Rate(ctx, me, c.ID, RateSatisfied); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("rated before closing: %v", err)
		}
		if _, err := w.s.Close(ctx, w.lawyer, c.ID, CloseInput{Outcome: OutcomeResolved, RecoveredFen: 240000}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM member_notices WHERE member_id = ? AND kind = ? AND about_kind = ? AND about_id = ?",
			me.MemberID, NoticeStatus, AboutCase, c.ID); n != 2 {
			t.Fatalf("%d notices (accepted, closed) about the case", n)
		}
		_, err = w.s.Rate(ctx, me, c.ID, "great")
		testkit.WantField(t, err, "rating", "field.invalid_choice")
		var fns []func() error
		var ok, refused int32
		for range 4 {
			fns = append(fns, func() error {
				_, err := w.s.Rate(ctx, me, c.ID, RateSatisfied)
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.KindConflict):
					refused++
				default:
					return err
				}
				return nil
			})
		}
		signuptest.Together(t, fns)
		if n := count(t, d, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ?", c.ID, EvRated); n != 1 {
			t.Fatalf("%d ratings recorded", n)
		}
	})
}

// The handler is reminded before the deadline; past it the case goes to
// the supervisors' inbox; the other street's staff see neither.
func TestRemindersAndEscalation(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindConsultation)
		src := w.s.InboxSources()
		countKind := func(key string, pr *auth.Principal) int {
			t.Helper()
			for _, s := range src {
				if s.Kind().Key != key {
					continue
				}
				paths := pr.Paths(s.Kind().Perm)
				if len(paths) == 0 {
					return 0
				}
				n, err := s.Count(ctx, pr, paths)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			t.Fatalf("no kind %s", key)
			return 0
		}
		if countKind("case_new", w.lawyer) != 1 || countKind("case_new", w.west) != 0 {
			t.Fatal("the new case waits in the wrong inboxes")
		}
		w.clock.Set(day(2025, 10, 9, 9))
		if _, err := w.s.Accept(ctx, w.lawyer, c.ID, w.mediator.UserID, 0); err != nil {
			t.Fatal(err)
		}
		// Five working days from 9 Oct: 10, 11 (make-up), 13, 14, 15. Reminded from 14 Oct.
		w.clock.Set(day(2025, 10, 13, 18))
		if countKind("case_due", w.mediator) != 0 || countKind("case_overdue", w.chief) != 0 {
			t.Fatal("reminded too early")
		}
		w.clock.Set(day(2025, 10, 14, 8))
		if countKind("case_due", w.mediator) != 1 || countKind("case_due", w.lawyer) != 0 {
			t.Fatal("the reminder is the handler's alone")
		}
		w.clock.Set(day(2025, 10, 16, 0))
		if countKind("case_due", w.mediator) != 0 || countKind("case_overdue", w.chief) != 1 || countKind("case_overdue", w.west) != 0 {
			t.Fatal("the overdue case is not escalated to the supervisor")
		}
		if list, _, err := w.s.List(ctx, w.chief, Query{Status: StatusHandling, Overdue: true}); err != nil || len(list) != 1 || !list[0].Overdue {
			t.Fatalf("overdue list %d %v", len(list), err)
		}
	})
}

// Transfer up to the district, where it waits; the street then sees it
// no more; the district accepts it.
func TestTransferUpAndDown(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindLegalAid)
		_, err := w.s.Transfer(ctx, w.lawyer, c.ID, w.tr.UnionB.ID, "", 0)
		testkit.WantField(t, err, "org_id", "case.transfer_outside")
		if c, err = w.s.Transfer(ctx, w.lawyer, c.ID, w.tr.Xicheng.ID, "集体争议，请区总工会法律服务中心办理。", 0); err != nil {
			t.Fatal(err)
		}
		if c.Status != StatusTransferred || c.OrgID != w.tr.Xicheng.ID {
			t.Fatalf("transferred %+v", c)
		}
		if _, err := w.s.Get(ctx, w.lawyer, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("the street still reads it: %v", err)
		}
		if _, err := w.s.Accept(ctx, w.cityOfficer, c.ID, 0, 0); err != nil {
			t.Fatal(err)
		}
		// Down again to the street, by the city's officer.
		if c, err = w.s.Transfer(ctx, w.cityOfficer, c.ID, w.tr.Dashilan.ID, "", 0); err != nil || c.OrgID != w.tr.Dashilan.ID {
			t.Fatalf("down: %v", err)
		}
		th, err := w.s.Get(ctx, w.lawyer, c.ID)
		if err != nil || len(th.Events) != 4 {
			t.Fatalf("timeline %v %d", err, len(th.Events))
		}
		st := count(t, d, "SELECT COUNT(*) FROM stat_log WHERE metric = ?", StatReceived)
		if st == 0 {
			t.Fatal("no figures logged")
		}
	})
}

// Two officers assigning one case from the same page: one wins, the other
// is told the case changed; never both.
func TestAssignRace(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindMediation)
		c, err := w.s.Accept(ctx, w.lawyer, c.ID, w.lawyer.UserID, 0)
		if err != nil {
			t.Fatal(err)
		}
		v := c.Version
		var won, stale int32
		fns := []func() error{}
		for _, to := range []int64{w.mediator.UserID, w.cityOfficer.UserID, w.mediator.UserID} {
			fns = append(fns, func() error {
				_, err := w.s.Assign(ctx, w.lawyer, c.ID, to, v)
				switch {
				case err == nil:
					won++
				case errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindInvalid):
					stale++
				default:
					return err
				}
				return nil
			})
		}
		signuptest.Together(t, fns)
		if won != 1 || count(t, d, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ?", c.ID, EvAssigned) != 1 {
			t.Fatalf("%d assignments won", won)
		}
	})
}
