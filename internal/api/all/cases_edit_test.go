package all_test

// Editing a rights case's workers and claims through the API, and the
// case-specific reveal.

import (
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func TestCaseEditsAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.staff("rights_a", "streetA", auth.RoleRightsOfficer)
		f.signedInMember("m1", "张一", "unionA", "13800000041", 11)
		f.signedInMember("m2", "李二", "unionA", "13800000042", 12)

		var c struct {
			ID      string
			Version int
		}
		f.postJSON("officer_a", "POST", "/api/v1/cases", `{"org_id":"`+f.ids["streetA"]+`","kind":"mediation","channel":"hotline","title":"快递站拖欠工资",
			"facts":"快递站拖欠两名快递员两个月工资。","employer_name":"某快递公司",
			"workers":[{"name":"王五","mobile":"13900000005"}],
			"claims":[{"kind":"wages","amount_fen":1234550}]}`, 201, &c)
		f.ids["case"] = c.ID
		var th struct {
			WorkerList []struct{ ID string } `json:"worker_list"`
			Claims     []struct{ ID string }
		}
		f.getJSON("officer_a", "/api/v1/cases/"+c.ID, &th)
		f.ids["w0"], f.ids["c0"] = th.WorkerList[0].ID, th.Claims[0].ID

		f.run([]Step{
			// Bad input: named fields, nothing changes.
			{name: "bad worker", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/workers", body: `{"name":"","id_number":"123","mobile":"1"}`, status: 422,
				want: []string{`"name"`, `"id_number"`, `"mobile"`}},
			{name: "empty patch", as: "officer_a", method: "PATCH", path: "/api/v1/cases/{case}/workers/{w0}", body: `{}`, status: 422, want: []string{`"name"`}},
			{name: "bad claim", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/claims", body: `{"amount_fen":-1}`, status: 422,
				want: []string{`"kind"`, `"amount"`}},
			{name: "claim too large", as: "officer_a", method: "PUT", path: "/api/v1/cases/{case}/claims/{c0}", body: `{"kind":"wages","amount_fen":1000000000001}`, status: 422,
				want: []string{`"amount":"金额过大。"`}},
			{name: "unchanged", as: "officer_a", method: "GET", path: "/api/v1/cases/{case}", status: 200, want: []string{`"version":1`, `"workers":1`, `"claimed_fen":1234550`}},
			// The last worker stays.
			{name: "last worker", as: "officer_a", method: "DELETE", path: "/api/v1/cases/{case}/workers/{w0}", status: 409, want: []string{"last_worker"}},
			// Scope: another street, a member, a reader.
			{name: "neighbour adds a worker", as: "officer_b", method: "POST", path: "/api/v1/cases/{case}/workers", body: `{"name":"赵六"}`, status: 404},
			{name: "neighbour edits a worker", as: "officer_b", method: "PATCH", path: "/api/v1/cases/{case}/workers/{w0}", body: `{"name":"赵六"}`, status: 404},
			{name: "neighbour removes a worker", as: "officer_b", method: "DELETE", path: "/api/v1/cases/{case}/workers/{w0}", status: 404},
			{name: "neighbour adds a claim", as: "officer_b", method: "POST", path: "/api/v1/cases/{case}/claims", body: `{"kind":"wages","amount_fen":100}`, status: 404},
			{name: "neighbour edits a claim", as: "officer_b", method: "PUT", path: "/api/v1/cases/{case}/claims/{c0}", body: `{"kind":"wages","amount_fen":100}`, status: 404},
			{name: "neighbour removes a claim", as: "officer_b", method: "DELETE", path: "/api/v1/cases/{case}/claims/{c0}", status: 404},
			{name: "neighbour reveals", as: "officer_b", method: "POST", path: "/api/v1/cases/{case}/reveal", body: `{}`, status: 404},
			{name: "member adds a worker", as: "m1", method: "POST", path: "/api/v1/cases/{case}/workers", body: `{"name":"赵六"}`, status: 404},
			{name: "member removes a claim", as: "m1", method: "DELETE", path: "/api/v1/cases/{case}/claims/{c0}", status: 404},
			{name: "leader reads but does not edit", as: "leader_a", method: "POST", path: "/api/v1/cases/{case}/claims", body: `{"kind":"wages","amount_fen":100}`, status: 403},
			// Add m1 by their ID number: they follow the case from now on.
			{name: "m1 not yet", as: "m1", method: "GET", path: "/api/v1/me/cases", status: 200, want: []string{`"items":[]`}},
			{name: "stale add", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/workers", body: `{"name":"张一","version":7}`, status: 409, want: []string{"stale"}},
			{name: "add worker", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/workers",
				body: `{"name":"张一","id_number":"` + idNo(t, 11) + `","mobile":"13800000041","version":1}`, status: 200, want: []string{`"workers":2`, `"version":2`}},
			{name: "m1 follows", as: "m1", method: "GET", path: "/api/v1/me/cases", status: 200, want: []string{`"id":"{case}"`}},
			{name: "m2 does not", as: "m2", method: "GET", path: "/api/v1/me/cases/{case}", status: 404},
			{name: "masked", as: "officer_a", method: "GET", path: "/api/v1/cases/{case}", status: 200,
				want: []string{`"member_id":"{m1}"`, `"kind":"worker_added"`, `"body":"2"`}, not: []string{"13800000041", "张一"}},
			{name: "edit mobile", as: "officer_a", method: "PATCH", path: "/api/v1/cases/{case}/workers/{w0}", body: `{"mobile":"13900000006"}`, status: 200, want: []string{`"version":3`}},
			{name: "remove the first", as: "officer_a", method: "DELETE", path: "/api/v1/cases/{case}/workers/{w0}?version=3", status: 200, want: []string{`"workers":1`}},
			{name: "first worker now m1", as: "officer_a", method: "GET", path: "/api/v1/cases?q=快递", status: 200, want: []string{`"first_worker":"张*"`}},
			// Claims, one at a time.
			{name: "add claim", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/claims", body: `{"kind":"overtime","amount_fen":300000,"note":"周末加班"}`, status: 200,
				want: []string{`"claimed_fen":1534550`}},
			{name: "edit claim", as: "officer_a", method: "PUT", path: "/api/v1/cases/{case}/claims/{c0}", body: `{"kind":"wages","amount_fen":1000000}`, status: 200,
				want: []string{`"claimed_fen":1300000`}},
			{name: "remove claim", as: "officer_a", method: "DELETE", path: "/api/v1/cases/{case}/claims/{c0}", status: 200, want: []string{`"claimed_fen":300000`}},
			{name: "bad version", as: "officer_a", method: "DELETE", path: "/api/v1/cases/{case}/claims/{c0}?version=x", status: 422, want: []string{`"version"`}},
			{name: "gone claim", as: "officer_a", method: "DELETE", path: "/api/v1/cases/{case}/claims/{c0}", status: 404},
			// The rights officer reveals the case's workers, not the registry's members.
			{name: "rights officer reveals", as: "rights_a", method: "POST", path: "/api/v1/cases/{case}/reveal", body: `{"reason":"联系当事人"}`, status: 200,
				want: []string{"13800000041"}},
			{name: "rights officer and the registry", as: "rights_a", method: "POST", path: "/api/v1/members/{m1}/reveal", body: `{"reason":"试"}`, status: 404},
			// Confidential notes: the handler writes, no one else but the supervisor reads.
			{name: "accept", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/accept", body: `{}`, status: 200},
		})
		var n struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/cases/"+c.ID+"/notes", `{"body":"当事人不愿公开身份。","confidential":true}`, 201, &n)
		f.ids["note"] = n.ID
		f.run([]Step{
			{name: "rights officer refused the note", as: "rights_a", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 403},
			{name: "neighbour refused the note", as: "officer_b", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 404},
			{name: "member refused the note", as: "m1", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 404},
			{name: "supervisor reads the note", as: "leader_a", method: "GET", path: "/api/v1/cases/{case}/notes/{note}", status: 200, want: []string{"不愿公开"}},
			{name: "close", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/close", body: `{"outcome":"withdrawn"}`, status: 200},
			{name: "closed: no worker added", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/workers", body: `{"name":"赵六"}`, status: 409},
			{name: "closed: no claim added", as: "officer_a", method: "POST", path: "/api/v1/cases/{case}/claims", body: `{"kind":"wages","amount_fen":100}`, status: 409},
		})
		var audited int
		if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action IN ('case.worker_add', 'case.worker_edit', 'case.worker_remove', 'case.claim_add', 'case.claim_edit', 'case.claim_remove')").Scan(&audited); err != nil || audited != 6 {
			t.Fatalf("%d edits audited (%v)", audited, err)
		}
	})
}
