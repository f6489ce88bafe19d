package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// `gonghui members anonymise` counts with --dry-run and anonymises
// without, on a database whose members were written with the same key.
func TestMembersAnonymiseCommand(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		keyFile := t.TempDir() + "/k.key"
		m, err := Open(ctx, Config{DB: dsn, KeyFile: keyFile, KeyProfile: "standard", MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		orgs := org.NewStore(m.DB)
		root, err := orgs.CreateRoot(ctx, "北京市总工会", org.KindCity, "110000")
		if err != nil {
			t.Fatal(err)
		}
		admin := &auth.Principal{UserID: 1, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: root.ID, OrgPath: root.Path}}}
		u, err := orgs.Create(ctx, admin, org.CreateInput{ParentID: root.ID, Name: "甲公司工会", Kind: org.KindGrassroots})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := cnid.MakeResidentID("110102", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 1)
		x, err := m.Members.Create(ctx, admin, u.ID, member.Person{Name: "欧阳旧", IDNumber: id, JoinedOn: "2000-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Members.SetStatus(ctx, admin, x.ID, member.StatusChange{Status: member.StatusRetired, On: "2015-01-01"}); err != nil {
			t.Fatal(err)
		}
		m.Close()

		var out, errOut bytes.Buffer
		if code := RunCommand(ctx, []string{"members", "anonymise", "--dry-run", "--db", dsn, "--key-file", keyFile}, nil, &out, &errOut); code != 0 {
			t.Fatalf("dry run: exit %d: %s", code, errOut.String())
		}
		if !strings.HasPrefix(out.String(), "1 memberships") {
			t.Fatalf("dry run said %q", out.String())
		}
		out.Reset()
		if code := RunCommand(ctx, []string{"members", "anonymise", "--db", dsn, "--key-file", keyFile, "--retention-years", "3"}, nil, &out, &errOut); code != 0 {
			t.Fatalf("anonymise: exit %d: %s", code, errOut.String())
		}
		if !strings.HasPrefix(out.String(), "anonymised 1 ") {
			t.Fatalf("anonymise said %q", out.String())
		}
		d, err := db.Open(ctx, dsn, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM members WHERE name = '欧阳旧'").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d members still named (%v)", n, err)
		}
	})
}
