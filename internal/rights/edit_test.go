package rights

import (
	"strings"
	"sync"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

func strp(s string) *string { return &s }

// lastEvent is the newest timeline entry of case id as staff see it.
func (w *world) lastEvent(t *testing.T, id int64) Event {
	t.Helper()
	th, err := w.s.Get(ctx, w.lawyer, id)
	if err != nil {
		t.Fatal(err)
	}
	return th.Events[len(th.Events)-1]
}

func audits(t *testing.T, d *db.DB, action string, id int64) int {
	t.Helper()
	return count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity_id = ?", action, db.FormatID(id))
}

// Workers are added, edited and removed after intake by staff who may act
// on the case, sealed and linked as at intake; the timeline and the audit
// log name them by their place, never by what they hold.
func TestEditWorkers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindMediation)
		// A member of the registry, to be linked by their ID number.
		memberID := idNumber(t, 20)
		m, err := w.m.Create(ctx, w.tr.City, w.tr.UnionA.ID, member.Person{Name: "孙会员", IDNumber: memberID, Mobile: "13900009999", JoinedOn: "2020-05-01"})
		if err != nil {
			t.Fatal(err)
		}
		self := signuptest.Self(m)
		if list, _ := w.s.MineList(ctx, self); len(list) != 0 {
			t.Fatal("the member sees the case before being named in it")
		}

		// Bad input names its field and changes nothing.
		_, err = w.s.AddWorker(ctx, w.lawyer, c.ID, WorkerInput{Name: " ", IDNumber: "110105199003010000", Mobile: "12345"}, 0)
		for field, key := range map[string]string{"name": "field.required", "id_number": "case.id_number_invalid", "mobile": "case.mobile_invalid"} {
			testkit.WantField(t, err, field, key)
		}
		_, err = w.s.AddWorker(ctx, w.lawyer, c.ID, WorkerInput{Name: strings.Repeat("长", MaxName+1)}, 0)
		testkit.WantField(t, err, "name", "field.too_long")
		if n := count(t, d, "SELECT COUNT(*) FROM case_workers WHERE case_id = ?", c.ID); n != 3 {
			t.Fatalf("%d workers after refusals", n)
		}

		// Scope: the neighbouring street, a member and a reader get nothing.
		if _, err := w.s.AddWorker(ctx, w.west, c.ID, WorkerInput{Name: "赵六"}, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour adds: %v", err)
		}
		if _, err := w.s.AddWorker(ctx, self, c.ID, WorkerInput{Name: "赵六"}, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("member adds: %v", err)
		}
		if _, err := w.s.AddWorker(ctx, w.chief, c.ID, WorkerInput{Name: "赵六"}, 0); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("a reader adds: %v", err)
		}
		// A page older than the case is stale.
		if _, err := w.s.AddWorker(ctx, w.lawyer, c.ID, WorkerInput{Name: "赵六"}, c.Version+1); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("stale add: %v", err)
		}

		got, err := w.s.AddWorker(ctx, w.lawyer, c.ID, WorkerInput{Name: "孙会员", IDNumber: memberID, Mobile: "139 0000 9999"}, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		if got.Workers != 4 || got.Version != c.Version+1 {
			t.Fatalf("added: %+v", got)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM case_workers WHERE case_id = ? AND name_sealed LIKE '%孙%'", c.ID); n != 0 {
			t.Fatal("an added worker stored in clear")
		}
		if n := count(t, d, "SELECT COUNT(*) FROM case_workers WHERE case_id = ? AND member_id = ? AND position = 3", c.ID, m.ID); n != 1 {
			t.Fatal("the added worker is not linked to the member by their ID number")
		}
		if list, _ := w.s.MineList(ctx, self); len(list) != 1 {
			t.Fatal("the linked member does not see the case")
		}
		ev := w.lastEvent(t, c.ID)
		if ev.Kind != EvWorkerAdded || ev.Body != "4" || ev.By != w.lawyer.Name || ev.Worker || ev.System {
			t.Fatalf("timeline %+v", ev)
		}
		th, _ := w.s.Get(ctx, w.lawyer, c.ID)
		added := th.WorkerList[3]
		if added.Name != "孙*员" || added.Mobile != "139****9999" || added.MemberID != m.ID {
			t.Fatalf("added worker as shown %+v", added)
		}
		if found, _, _ := w.s.List(ctx, w.lawyer, Query{Q: "13900009999"}); len(found) != 1 {
			t.Fatal("the added worker's mobile does not find the case")
		}

		// Edit: only the fields given change; an unchanged edit is refused.
		_, err = w.s.EditWorker(ctx, w.lawyer, c.ID, added.ID, WorkerEdit{}, 0)
		testkit.WantField(t, err, "name", "case.worker_no_change")
		_, err = w.s.EditWorker(ctx, w.lawyer, c.ID, added.ID, WorkerEdit{Mobile: strp("13900009999")}, 0)
		testkit.WantField(t, err, "name", "case.worker_no_change")
		_, err = w.s.EditWorker(ctx, w.lawyer, c.ID, added.ID, WorkerEdit{Mobile: strp("abc"), Name: strp("")}, 0)
		testkit.WantField(t, err, "mobile", "case.mobile_invalid")
		testkit.WantField(t, err, "name", "field.required")
		if _, err := w.s.EditWorker(ctx, w.lawyer, c.ID, th.WorkerList[0].ID, WorkerEdit{Name: strp("x")}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.EditWorker(ctx, w.west, c.ID, added.ID, WorkerEdit{Name: strp("x")}, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour edits: %v", err)
		}
		other := w.collective(t, KindConsultation)
		if _, err := w.s.EditWorker(ctx, w.lawyer, other.ID, added.ID, WorkerEdit{Name: strp("x")}, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a worker of another case edited through this one: %v", err)
		}
		// Clearing the ID number unlinks the member; the mobile changes.
		if _, err := w.s.EditWorker(ctx, w.lawyer, c.ID, added.ID, WorkerEdit{IDNumber: strp(""), Mobile: strp("13700001111")}, 0); err != nil {
			t.Fatal(err)
		}
		ws, err := w.s.Reveal(ctx, w.lawyer, c.ID, "核对")
		if err != nil {
			t.Fatal(err)
		}
		if ws[0].Name != "x" || ws[3].Name != "孙会员" || ws[3].IDNumber != "" || ws[3].Mobile != "13700001111" || ws[3].MemberID != 0 {
			t.Fatalf("after edits %+v", ws)
		}
		if list, _ := w.s.MineList(ctx, self); len(list) != 0 {
			t.Fatal("the unlinked member still sees the case")
		}
		ev = w.lastEvent(t, c.ID)
		if ev.Kind != EvWorkerEdited || ev.Body != "4" {
			t.Fatalf("timeline %+v", ev)
		}
		var after string
		if err := d.QueryRow(ctx, "SELECT after_json FROM audit_log WHERE action = 'case.worker_edit' AND entity_id = ? ORDER BY seq DESC LIMIT 1", db.FormatID(c.ID)).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(after, "id_number") || !strings.Contains(after, "mobile") || strings.Contains(after, "1370000") {
			t.Fatalf("audit of an edit: %s", after)
		}

		// Remove: the others close ranks; the last one stays.
		th, _ = w.s.Get(ctx, w.lawyer, c.ID)
		if _, err := w.s.RemoveWorker(ctx, w.lawyer, c.ID, th.WorkerList[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		th, _ = w.s.Get(ctx, w.lawyer, c.ID)
		if th.Workers != 3 || len(th.WorkerList) != 3 || th.WorkerList[0].Name != "李*" {
			t.Fatalf("after removing the first: %d %+v", th.Workers, th.WorkerList)
		}
		list, _, _ := w.s.List(ctx, w.lawyer, Query{Kind: KindMediation})
		if len(list) != 1 || list[0].ID != c.ID || list[0].FirstWorker != "李*" {
			t.Fatalf("the list's first worker after a removal: %+v", list)
		}
		for _, wk := range th.WorkerList[1:] {
			if _, err := w.s.RemoveWorker(ctx, w.lawyer, c.ID, wk.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.s.RemoveWorker(ctx, w.lawyer, c.ID, th.WorkerList[0].ID, 0); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("the last worker removed: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM case_workers WHERE case_id = ?", c.ID); n != 1 {
			t.Fatalf("%d workers left", n)
		}
		for action, n := range map[string]int{"case.worker_add": 1, "case.worker_edit": 2, "case.worker_remove": 3} {
			if got := audits(t, d, action, c.ID); got != n {
				t.Errorf("%s audited %d times, want %d", action, got, n)
			}
		}
		// No personal data in the timeline.
		for _, e := range w.lastEvents(t, c.ID) {
			for _, bad := range []string{"孙", "王小明", "1370000", memberID} {
				if strings.Contains(e.Body, bad) {
					t.Fatalf("the timeline carries %q: %+v", bad, e)
				}
			}
		}

		// Closed: nothing changes any more.
		if _, err := w.s.Close(ctx, w.lawyer, c.ID, CloseInput{Outcome: OutcomeNotAccepted, Note: "不属于受理范围。"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.AddWorker(ctx, w.lawyer, c.ID, WorkerInput{Name: "赵六"}, 0); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("a worker added to a closed case: %v", err)
		}
		if _, err := w.s.EditWorker(ctx, w.lawyer, c.ID, th.WorkerList[0].ID, WorkerEdit{Name: strp("赵六")}, 0); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("a worker edited on a closed case: %v", err)
		}
		if th, _ := w.s.Get(ctx, w.lawyer, c.ID); th.Can.Workers || th.Can.Claims {
			t.Fatal("a closed case offers edits")
		}
	})
}

func (w *world) lastEvents(t *testing.T, id int64) []Event {
	t.Helper()
	th, err := w.s.Get(ctx, w.lawyer, id)
	if err != nil {
		t.Fatal(err)
	}
	return th.Events
}

// Claims are added, edited and removed one at a time, each checked field
// by field; the total follows.
func TestEditClaims(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindMediation)
		th, _ := w.s.Get(ctx, w.lawyer, c.ID)
		if len(th.Claims) != 2 || th.Claims[0].ID == 0 {
			t.Fatalf("claims %+v", th.Claims)
		}
		_, err := w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Text: "-5"}, 0)
		testkit.WantField(t, err, "kind", "field.required")
		testkit.WantField(t, err, "amount", ErrAmountNegative)
		_, err = w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Kind: "bonus", Text: "20,000,000,000"}, 0)
		testkit.WantField(t, err, "kind", "field.invalid_choice")
		testkit.WantField(t, err, "amount", ErrAmountTooLarge)
		_, err = w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Kind: ClaimWages, AmountFen: MaxFen + 1}, 0)
		testkit.WantField(t, err, "amount", ErrAmountTooLarge)
		_, err = w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Kind: ClaimWages}, 0)
		testkit.WantField(t, err, "amount", "field.required")
		_, err = w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Kind: ClaimWages, Text: "1.234"}, 0)
		testkit.WantField(t, err, "amount", ErrAmountDecimals)
		_, err = w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Kind: ClaimWages, Text: "100", Note: strings.Repeat("注", MaxEmployer+1)}, 0)
		testkit.WantField(t, err, "note", "field.too_long")
		if _, err := w.s.AddClaim(ctx, w.west, c.ID, ClaimInput{Kind: ClaimWages, Text: "100"}, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour adds a claim: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM case_claims WHERE case_id = ?", c.ID); n != 2 {
			t.Fatalf("%d claims after refusals", n)
		}

		got, err := w.s.AddClaim(ctx, w.lawyer, c.ID, ClaimInput{Kind: ClaimInjury, Text: "￥8,000", Note: "工伤医疗费"}, c.Version)
		if err != nil || got.ClaimedFen != 1234550+300000+800000 {
			t.Fatalf("add: %+v %v", got, err)
		}
		if ev := w.lastEvent(t, c.ID); ev.Kind != EvClaimAdded || ev.Body != FormatFen(got.ClaimedFen) {
			t.Fatalf("timeline %+v", ev)
		}
		_, err = w.s.EditClaim(ctx, w.lawyer, c.ID, th.Claims[0].ID, ClaimInput{Kind: ClaimWages, Text: "12,345.50"}, 0)
		testkit.WantField(t, err, "amount", "case.claim_no_change")
		_, err = w.s.EditClaim(ctx, w.lawyer, c.ID, th.Claims[0].ID, ClaimInput{Kind: ClaimWages, Text: "abc"}, 0)
		testkit.WantField(t, err, "amount", ErrAmountFormat)
		if got, err = w.s.EditClaim(ctx, w.lawyer, c.ID, th.Claims[0].ID, ClaimInput{Kind: ClaimWages, Text: "10,000"}, 0); err != nil || got.ClaimedFen != 1000000+300000+800000 {
			t.Fatalf("edit: %+v %v", got, err)
		}
		other := w.collective(t, KindConsultation)
		if _, err := w.s.EditClaim(ctx, w.lawyer, other.ID, th.Claims[0].ID, ClaimInput{Kind: ClaimWages, Text: "1"}, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a claim of another case edited through this one: %v", err)
		}
		if got, err = w.s.RemoveClaim(ctx, w.lawyer, c.ID, th.Claims[1].ID, 0); err != nil || got.ClaimedFen != 1000000+800000 {
			t.Fatalf("remove: %+v %v", got, err)
		}
		th, _ = w.s.Get(ctx, w.lawyer, c.ID)
		if len(th.Claims) != 2 || th.Claims[0].AmountFen != 1000000 || th.Claims[1].Kind != ClaimInjury || th.ClaimedFen != 1800000 {
			t.Fatalf("claims now %+v (%d)", th.Claims, th.ClaimedFen)
		}
		for action, n := range map[string]int{"case.claim_add": 1, "case.claim_edit": 1, "case.claim_remove": 1} {
			if got := audits(t, d, action, c.ID); got != n {
				t.Errorf("%s audited %d times, want %d", action, got, n)
			}
		}
		// Closed: the claims stand as they are.
		if _, err := w.s.Close(ctx, w.lawyer, c.ID, CloseInput{Outcome: OutcomeNotAccepted, Note: "不属于受理范围。"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.RemoveClaim(ctx, w.lawyer, c.ID, th.Claims[0].ID, 0); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("a claim removed from a closed case: %v", err)
		}
	})
}

// Past its deadline a case's timeline says it went to the supervisors,
// once, however many processes sweep at once; a new deadline is escalated
// again when it passes; the member does not see it.
func TestEscalationOnce(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		_, me := w.member(t, w.tr.UnionA, "赵工人")
		c, err := w.s.File(ctx, me, Input{OrgID: w.tr.Dashilan.ID, Kind: KindConsultation, Title: "咨询加班费", Facts: "每天加班到晚上十点没有加班费。"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		escalated := func() int {
			return count(t, d, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ?", c.ID, EvEscalated)
		}
		if n, err := w.s.Escalate(ctx); err != nil || n != 0 || escalated() != 0 {
			t.Fatalf("escalated before the deadline: %d %v", n, err)
		}
		// Acceptance due 11 October; on the 12th, eight sweeping processes.
		w.clock.Set(day(2025, 10, 12, 9))
		stores := make([]*Store, 8)
		for i := range stores {
			stores[i] = NewStore(d, w.s.Keys)
			stores[i].Calendar = w.s.Calendar
			stores[i].SetClock(w.clock.Now)
		}
		var wg sync.WaitGroup
		total := make([]int, len(stores))
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.Escalate(ctx)
				if err != nil {
					t.Error(err)
				}
				total[i] = n
			}()
		}
		wg.Wait()
		sum := 0
		for _, n := range total {
			sum += n
		}
		if sum != 1 || escalated() != 1 {
			t.Fatalf("escalated %d times (%d entries)", sum, escalated())
		}
		if n, _ := w.s.Escalate(ctx); n != 0 || escalated() != 1 {
			t.Fatal("escalated again")
		}
		// The handler (staff) sees it as the system's; the member does not.
		ev := w.lastEvent(t, c.ID)
		if ev.Kind != EvEscalated || !ev.System || ev.Worker || ev.By != "" {
			t.Fatalf("escalation entry %+v", ev)
		}
		mine, err := w.s.Mine(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range mine.Events {
			if e.Kind == EvEscalated {
				t.Fatal("the member sees the escalation")
			}
		}
		// Accepted late: the handling deadline is new and escalates once
		// more when it passes, not before.
		if _, err := w.s.Accept(ctx, w.lawyer, c.ID, 0, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := w.s.Escalate(ctx); n != 0 {
			t.Fatal("a fresh deadline escalated")
		}
		w.clock.Set(day(2025, 10, 31, 9))
		if n, _ := w.s.Escalate(ctx); n != 1 || escalated() != 2 {
			t.Fatalf("the handling deadline escalated %d", escalated())
		}
		// A case closed before its deadline passes is never escalated.
		c2 := w.collective(t, KindConsultation)
		if _, err := w.s.Close(ctx, w.lawyer, c2.ID, CloseInput{Outcome: OutcomeNotAccepted, Note: "重复来访。"}); err != nil {
			t.Fatal(err)
		}
		w.clock.Set(day(2025, 12, 31, 9))
		if _, err := w.s.Escalate(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ?", c2.ID, EvEscalated); n != 0 {
			t.Fatal("a closed case escalated")
		}
	})
}

// case.reveal: a rights officer reveals a case's workers without the
// registry's member.reveal; an officer (both) still does; a membership
// officer (member.reveal only) reveals no case.
func TestRevealNarrowed(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.collective(t, KindMediation)
		svc := auth.NewService(d, w.s.Keys)
		mk := func(username string, role auth.Role) *auth.Principal {
			id, err := svc.Bootstrap(ctx, auth.NewUser{Username: username, Name: username, OrgID: w.tr.Dashilan.ID, Password: "Quiet-River-2024"}, role)
			if err != nil {
				t.Fatal(err)
			}
			return &auth.Principal{UserID: id, Username: username, Name: username, Kind: auth.KindStaff,
				Grants: []auth.Grant{{Role: role, OrgID: w.tr.Dashilan.ID, OrgPath: w.tr.Dashilan.Path}}}
		}
		rights := mk("rights", auth.RoleRightsOfficer)
		if rights.Can(auth.PermMemberReveal) || !auth.RoleRightsOfficer.GrantedBySecurity() {
			t.Fatal("the rights officer's role")
		}
		ws, err := w.s.Reveal(ctx, rights, c.ID, "联系当事人")
		if err != nil || ws[0].Name != "王小明" {
			t.Fatalf("rights officer reveal: %+v %v", ws, err)
		}
		if th, _ := w.s.Get(ctx, rights, c.ID); !th.Can.Reveal || !th.Can.Workers {
			t.Fatalf("rights officer's actions %+v", th.Can)
		}
		if _, err := w.m.Reveal(ctx, rights, 1, "试试"); err == nil {
			t.Fatal("the rights officer revealed a member of the registry")
		}
		// The officers of the street keep revealing (case.reveal in their role).
		if _, err := w.s.Reveal(ctx, w.mediator, c.ID, ""); err != nil {
			t.Fatalf("officer reveal: %v", err)
		}
		if _, err := w.s.Reveal(ctx, mk("huiji", auth.RoleMembershipOfficer), c.ID, ""); err == nil {
			t.Fatal("member.reveal alone revealed a case's workers")
		}
		if _, err := w.s.Reveal(ctx, w.west, c.ID, ""); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another street's officer: %v", err)
		}
		if n := audits(t, d, "case.reveal", c.ID); n != 2 {
			t.Fatalf("%d reveals audited", n)
		}
	})
}
