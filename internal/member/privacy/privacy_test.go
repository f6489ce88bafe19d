package privacy

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/membertest"
	"gonghui/internal/member/membertest/storetest"
	"gonghui/internal/sheet"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// A member sees everything held about them, their own numbers in full, and
// the self-view is audited; consent is recorded on every intake path with
// who collected it, when and for what.
func TestOwnDataAndConsentOnEveryPath(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		staff := member.WithConsent(ctx, member.Collected{CollectorID: 7, Collector: "张干事"})
		m, err := w.S.Create(staff, w.Admin, w.UnionA.ID, member.Person{Name: "陈现场", IDNumber: membertest.IDNumber(t, 11), Mobile: membertest.Mobile(11), JoinedOn: "2021-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		// Online: the applicant's own consent, linked through the application.
		app, err := w.S.Apply(ctx, w.UnionA.ID, member.ApplyInput{Name: "林网上", IDNumber: membertest.IDNumber(t, 12), Mobile: membertest.Mobile(12), EmployerName: "某公司", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.S.Apply(ctx, w.UnionA.ID, member.ApplyInput{Name: "林不同意", IDNumber: membertest.IDNumber(t, 13), Mobile: membertest.Mobile(13), EmployerName: "某公司"}); err == nil {
			t.Fatal("an application without consent was accepted")
		}
		a, err := w.S.Decide(ctx, w.Admin, app.ID, member.Decision{Approve: true})
		if err != nil {
			t.Fatal(err)
		}
		// Import: one consent per imported member, naming the file.
		imp := member.WithConsent(ctx, member.Collected{CollectorID: 7, Collector: "张干事", BatchRef: "roster.xlsx sha256:abc"})
		importRows(t, imp, w, member.Person{Name: "赵导入", IDNumber: membertest.IDNumber(t, 14), Mobile: membertest.Mobile(14)}, member.Person{Name: "钱导入", IDNumber: membertest.IDNumber(t, 15), Mobile: membertest.Mobile(15)})
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM consents WHERE path = 'import' AND batch_ref = 'roster.xlsx sha256:abc' AND collector_id = 7"); n != 2 {
			t.Fatalf("%d import consents, want 2", n)
		}

		mine, err := OwnData(audit.WithActor(ctx, audit.Actor{Name: "member:x"}), w.S, m.ID, "page")
		if err != nil {
			t.Fatal(err)
		}
		if mine.Member.IDNumber != membertest.IDNumber(t, 11) || mine.Member.Mobile != membertest.Mobile(11) || mine.Member.Name != "陈现场" {
			t.Fatalf("own data numbers: %+v", mine.Member)
		}
		if len(mine.History) == 0 || mine.History[0].Kind != member.EventJoined {
			t.Fatalf("own history: %+v", mine.History)
		}
		if len(mine.Consents) != 1 || mine.Consents[0].Path != member.ConsentOnSite || mine.Consents[0].Collector != "张干事" ||
			strings.Join(mine.Consents[0].Purposes, ",") != "membership,services,statistics" || mine.Consents[0].TextVersion != member.ConsentVersion {
			t.Fatalf("on-site consent: %+v", mine.Consents)
		}
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'pii.self_reveal' AND entity_id = ?", db.FormatID(m.ID)); n != 1 {
			t.Fatalf("%d self-reveal audit records, want 1", n)
		}
		online, err := OwnData(ctx, w.S, a.MemberID, "json")
		if err != nil {
			t.Fatal(err)
		}
		if len(online.Consents) != 1 || online.Consents[0].Path != member.ConsentOnline || online.Consents[0].ApplicationID != app.ID || online.Consents[0].Collector != "" {
			t.Fatalf("online consent: %+v", online.Consents)
		}
		if len(online.Applications) != 1 {
			t.Fatalf("own applications: %+v", online.Applications)
		}
	})
}

// A member asks for a correction with field-level checks; staff of the
// member's union see it, approve (the record changes through Edit) or
// reject with a reason; staff elsewhere see nothing.
func TestCorrectionRequests(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		m := w.Add(t, w.UnionA, "张三", 21)
		_, err := RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "salary", Value: "x"})
		membertest.WantField(t, err, "field", "field.invalid_choice")
		_, err = RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "id_number", Value: "110101199001011234"})
		membertest.WantField(t, err, "value", "")
		_, err = RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "name", Value: "张三"})
		membertest.WantField(t, err, "value", "rights.correct.same")
		_, err = RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "mobile", Value: "12"})
		membertest.WantField(t, err, "value", "field.mobile.invalid")
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM correction_requests"); n != 0 {
			t.Fatalf("bad requests stored %d rows", n)
		}
		c, err := RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "name", Value: "张叁", Note: "身份证上是叁"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != CorrectionPending || c.Value != "张叁" {
			t.Fatalf("request: %+v", c)
		}
		_, err = RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "name", Value: "张仨"})
		membertest.WantKind(t, err, errs.KindConflict)
		mob, err := RequestCorrection(ctx, w.S, m.ID, CorrectionInput{Field: "mobile", Value: membertest.Mobile(99)})
		if err != nil {
			t.Fatal(err)
		}
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM correction_requests WHERE value_sealed LIKE ?", "%"+membertest.Mobile(99)+"%"); n != 0 {
			t.Fatal("a requested mobile number is stored in clear")
		}

		// Staff of another street neither list nor decide it.
		other, err := PendingCorrections(ctx, w.S, w.XichangOf)
		if err != nil || len(other) != 0 {
			t.Fatalf("neighbour sees %d requests (%v)", len(other), err)
		}
		_, err = DecideCorrection(ctx, w.S, w.XichangOf, c.ID, CorrectionDecision{Approve: true})
		membertest.WantKind(t, err, errs.KindNotFound)
		list, err := PendingCorrections(ctx, w.S, w.DashilanOfficer)
		if err != nil || len(list) != 2 {
			t.Fatalf("street sees %d requests (%v)", len(list), err)
		}
		for _, x := range list {
			if x.Field == "mobile" && x.Value == membertest.Mobile(99) {
				t.Fatal("staff listing shows a requested number in full")
			}
		}
		_, err = DecideCorrection(ctx, w.S, w.DashilanOfficer, mob.ID, CorrectionDecision{})
		membertest.WantField(t, err, "reason", "field.required")
		if _, err := DecideCorrection(ctx, w.S, w.DashilanOfficer, mob.ID, CorrectionDecision{Reason: "号码无法核实"}); err != nil {
			t.Fatal(err)
		}
		done, err := DecideCorrection(ctx, w.S, w.DashilanOfficer, c.ID, CorrectionDecision{Approve: true})
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != CorrectionApproved {
			t.Fatalf("decided: %+v", done)
		}
		_, err = DecideCorrection(ctx, w.S, w.DashilanOfficer, c.ID, CorrectionDecision{Approve: true})
		membertest.WantKind(t, err, errs.KindConflict)
		got, _ := w.S.Get(ctx, w.Admin, m.ID)
		if got.Name != "张叁" {
			t.Fatalf("name after approval: %s", got.Name)
		}
		rev, err := w.S.Reveal(ctx, w.Admin, m.ID, "")
		if err == nil && rev.Mobile != membertest.Mobile(21) {
			t.Fatalf("rejected mobile applied: %s", rev.Mobile)
		}
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.update' AND entity_id = ?", db.FormatID(m.ID)); n != 1 {
			t.Fatalf("%d update audit records, want 1", n)
		}
		own, err := OwnCorrections(ctx, w.S, m.ID)
		if err != nil || len(own) != 2 || own[0].Status != CorrectionRejected || own[0].Reason != "号码无法核实" || own[0].Value != membertest.Mobile(99) {
			t.Fatalf("member's view: %+v %v", own, err)
		}
	})
}

// After the retention period an ended membership is anonymised everywhere;
// an active member and one who left recently are untouched, the figures do
// not move, and the person may join again.
func TestAnonymiseAfterRetention(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		st := stats.NewStore(d)
		// The old member joined online (an application with their name) and
		// set a password; they left in 2020.
		app, err := w.S.Apply(ctx, w.UnionA.ID, member.ApplyInput{Name: "欧阳旧", IDNumber: membertest.IDNumber(t, 31), Mobile: membertest.Mobile(31), EmployerName: "某公司", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		a, err := w.S.Decide(ctx, w.Admin, app.ID, member.Decision{Approve: true})
		if err != nil {
			t.Fatal(err)
		}
		old := a.MemberID
		if _, err := d.Exec(ctx, "INSERT INTO member_credentials (member_id, password_hash, updated_at) VALUES (?, 'x', 1)", old); err != nil {
			t.Fatal(err)
		}
		if _, err := RequestCorrection(ctx, w.S, old, CorrectionInput{Field: "job", Value: "欧阳旧的岗位"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.S.SetStatus(ctx, w.Admin, old, member.StatusChange{Status: member.StatusLeft, On: "2020-06-30", Note: "欧阳旧本人申请"}); err != nil {
			t.Fatal(err)
		}
		recent := w.Add(t, w.UnionA, "司马近", 32, "model_worker")
		if _, err := w.S.SetStatus(ctx, w.Admin, recent.ID, member.StatusChange{Status: member.StatusLeft}); err != nil {
			t.Fatal(err)
		}
		active := w.Add(t, w.UnionA, "诸葛在", 33)
		before, err := st.Read(ctx, w.Root.ID)
		if err != nil {
			t.Fatal(err)
		}

		dry, err := Anonymise(ctx, w.S, 3, true)
		if err != nil || dry.Due != 1 || dry.Anonymised != 0 || len(dry.IDs) != 1 || dry.IDs[0] != old {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM members WHERE name = '欧阳旧'"); n != 1 {
			t.Fatal("the dry run changed the registry")
		}
		rep, err := Anonymise(ctx, w.S, 3, false)
		if err != nil || rep.Anonymised != 1 {
			t.Fatalf("sweep: %+v %v", rep, err)
		}

		// Searching by the old name, ID or mobile finds nothing.
		for _, q := range []string{"欧阳旧", "欧阳", membertest.IDNumber(t, 31), membertest.Mobile(31)} {
			ms, _, err := w.S.List(ctx, w.Admin, member.Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 0 {
				t.Fatalf("search %q still finds %+v", q, ms)
			}
		}
		// The raw rows hold no trace of the name or the numbers.
		for _, q := range []string{
			"SELECT COUNT(*) FROM members WHERE name LIKE '%欧阳%' OR id_sealed <> '' AND id = ? OR mobile_sealed <> '' AND id = ? OR birth_date <> '' AND id = ?",
		} {
			if n := membertest.Count(t, d, q, old, old, old); n != 0 {
				t.Fatalf("members still hold the person: %s", q)
			}
		}
		for table, q := range map[string]string{
			"member_grams":        "SELECT COUNT(*) FROM member_grams WHERE member_id = ?",
			"join_applications":   "SELECT COUNT(*) FROM join_applications WHERE name LIKE '%欧阳%' OR (member_id = ? AND (id_sealed <> '' OR mobile_sealed <> ''))",
			"member_events":       "SELECT COUNT(*) FROM member_events WHERE detail LIKE '%欧阳%' AND member_id = ?",
			"member_credentials":  "SELECT COUNT(*) FROM member_credentials WHERE member_id = ?",
			"correction_requests": "SELECT COUNT(*) FROM correction_requests WHERE value_sealed <> '' AND member_id = ?",
		} {
			if n := membertest.Count(t, d, q, old); n != 0 {
				t.Fatalf("%s still holds the person", table)
			}
		}
		if n := membertest.Count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.anonymise' AND entity_id = ? AND after_json NOT LIKE '%欧阳%'", db.FormatID(old)); n != 1 {
			t.Fatalf("%d anonymise audit records, want 1", n)
		}
		// Figures: unchanged, and a recount agrees.
		after, err := st.Read(ctx, w.Root.ID)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range before.Levels {
			if after.Levels[k] != v {
				t.Fatalf("level %s moved %d -> %d", k, v, after.Levels[k])
			}
		}
		if after.Flow(member.StatLeft, "", "") != before.Flow(member.StatLeft, "", "") || after.Flow(member.StatJoined, "", "") != before.Flow(member.StatJoined, "", "") {
			t.Fatal("flows moved")
		}
		bad, err := st.Check(ctx, member.StatSource())
		testkit.Recounted(t, "after anonymising", bad, err)
		// Exports hold no trace either.
		var book bytes.Buffer
		if _, err := exports.Export(ctx, w.S, w.Admin, member.Query{}, exports.ExportOptions{}, func(k string, _ ...any) string { return k }, &book); err != nil {
			t.Fatal(err)
		}
		r, err := sheet.Open(bytes.NewReader(book.Bytes()), int64(book.Len()), sheet.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rowsSeen := 0
		for {
			row, err := r.Next()
			if err != nil {
				break
			}
			rowsSeen++
			if strings.Contains(strings.Join(row.Cells, "|"), "欧阳") {
				t.Fatalf("the export still names the person: %v", row.Cells)
			}
		}
		r.Close()
		if rowsSeen < 3 {
			t.Fatalf("the export has %d rows", rowsSeen)
		}
		// The others are untouched.
		for id, name := range map[int64]string{recent.ID: "司马近", active.ID: "诸葛在"} {
			got, err := w.S.Get(ctx, w.Admin, id)
			if err != nil || got.Name != name || strings.Contains(got.IDNumber, "****************") {
				t.Fatalf("%s touched: %+v %v", name, got, err)
			}
		}
		if ms, _, _ := w.S.List(ctx, w.Admin, member.Query{Q: "诸葛"}); len(ms) != 1 {
			t.Fatal("the active member is no longer found")
		}
		// Nothing more to do; the person may join again as anyone new.
		again, err := Anonymise(ctx, w.S, 3, false)
		if err != nil || again.Due != 0 {
			t.Fatalf("second sweep: %+v %v", again, err)
		}
		back, err := w.S.Create(ctx, w.Admin, w.UnionB.ID, member.Person{Name: "欧阳旧", IDNumber: membertest.IDNumber(t, 31), Mobile: membertest.Mobile(31), JoinedOn: time.Now().Format(time.DateOnly)})
		if err != nil || back.ID == old {
			t.Fatalf("rejoin after anonymising: %+v %v", back, err)
		}
		if _, err := Anonymise(ctx, w.S, 0, false); err == nil {
			t.Fatal("a retention of 0 years was accepted")
		}
	})
}

// One process at a time holds the sweep: a second claim within the lease
// fails, one after it succeeds.
func TestClaimSweep(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := member.NewStore(d, testkit.Keys(t))
		b := member.NewStore(d, testkit.Keys(t))
		now := time.Now()
		a.SetClock(func() time.Time { return now })
		b.SetClock(func() time.Time { return now.Add(time.Minute) })
		if ok, err := ClaimSweep(ctx, a, 30*time.Minute); err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, err := ClaimSweep(ctx, b, 30*time.Minute); err != nil || ok {
			t.Fatalf("second claim within the lease: %v %v", ok, err)
		}
		b.SetClock(func() time.Time { return now.Add(31 * time.Minute) })
		if ok, err := ClaimSweep(ctx, b, 30*time.Minute); err != nil || !ok {
			t.Fatalf("claim after the lease: %v %v", ok, err)
		}
	})
}

// importRows writes people into unionA as a roster import does (see
// internal/member/roster): checked, looked up in the registry and written
// in one transaction.
func importRows(t *testing.T, ctx context.Context, w *storetest.World, people ...member.Person) {
	t.Helper()
	u, err := w.S.TargetUnion(ctx, w.Admin, w.UnionA.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]member.Row, len(people))
	for i, p := range people {
		f := errs.Fields{}
		rows[i] = member.Row{Num: i + 2, Person: w.S.Check(p, f), Union: u, OK: len(f) == 0}
		if len(f) > 0 {
			t.Fatalf("row %d: %v", i, f.Err())
		}
	}
	err = w.S.DB.Tx(ctx, func(tx *db.Tx) error {
		vs, err := w.S.Registry(ctx, tx, rows)
		if err != nil {
			return err
		}
		for i, v := range vs {
			if v.Skip || v.Field != "" {
				t.Errorf("row %d: %+v", i, v)
			}
		}
		return w.S.Write(ctx, tx, rows, vs)
	})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
}
