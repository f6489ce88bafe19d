package all_test

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// A key in the wrong case or a key sent twice is refused with the key named,
// and nothing changes; encoding/json alone would have taken both.
func TestStrictJSONKeys(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		en := map[string]string{"Accept-Language": "en"}
		f.run([]Step{
			{name: "wrong case at sign-in", method: "POST", path: "/api/v1/auth/token", body: `{"USERNAME":"admin","password":"` + password + `"}`,
				status: 400, want: []string{`"code":"bad_json"`, `"fields":{"USERNAME":"此键应写作“username”。"}`}, not: []string{`"token"`}},
			{name: "wrong case, in English", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"Note":"x"}`, hdr: en,
				status: 400, want: []string{`"code":"bad_json"`, `The key \"Note\" must be written exactly \"note\"`, `"fields":{"Note":"Write this key exactly \"note\"."}`}},
			{name: "duplicate key", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"a","note":"b"}`,
				status: 400, want: []string{`"code":"bad_json"`, `"fields":{"note":"此键重复出现。"}`}},
			{name: "duplicate key, in English", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"a","note":"b"}`, hdr: en,
				status: 400, want: []string{`The key \"note\" appears twice`}},
			{name: "a null body is not an empty object", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: ` null `,
				status: 400, want: []string{`"code":"bad_json"`, `不能是 null`}},
			{name: "nothing was changed", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200, not: []string{`"note":"x"`, `"note":"a"`, `"note":"b"`}},
			{name: "exact keys still work", method: "POST", path: "/api/v1/auth/token", body: `{"username":"admin","password":"` + password + `"}`,
				status: 200, want: []string{`"token"`}},
		})
	})
}
