package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/demo"
	"gonghui/internal/errs"
	"gonghui/internal/member/roster"
	"gonghui/internal/org"
)

// DemoMembers is how many synthetic members the demo world gets.
const DemoMembers = 3000

// LoadDemo fills an empty database with the demo world drawn from the seeds
// and creates the demo accounts. On a database that already has a tree it
// does nothing, so every start with --demo is safe.
func LoadDemo(ctx context.Context, m *Main, out io.Writer) error {
	if _, err := m.Orgs.RootID(ctx); err == nil {
		return nil
	} else if !errs.Is(err, errs.KindNotFound) {
		return err
	}
	nodes, err := org.DemoNodes(demo.World())
	if err != nil {
		return err
	}
	if err := m.Orgs.BulkInsert(ctx, nodes); err != nil {
		if db.IsUnique(err) || errs.Is(err, errs.KindConflict) {
			// Another process loaded it at the same moment.
			slog.Info("demo world loaded by another process")
			return nil
		}
		return fmt.Errorf("insert demo tree: %w", err)
	}
	slog.Info("demo world loaded", "organisations", len(nodes))
	if err := roster.Generate(ctx, m.Members, DemoMembers, 2026, nil); err != nil {
		return fmt.Errorf("demo members: %w", err)
	}
	slog.Info("demo members generated", "members", DemoMembers)
	return createDemoAccounts(ctx, m, nodes, out)
}

// demoAccount is one of the accounts the demo creates, one per role kind, so
// that the separation of duties can be tried out at once.
type demoAccount struct {
	username, name string
	role           auth.Role
	org            string // organisation name; "" = the root
}

var demoAccounts = []demoAccount{
	{"admin", "系统管理员", auth.RoleAdmin, ""},
	{"security", "安全管理员", auth.RoleSecurity, ""},
	{"auditor", "审计管理员", auth.RoleAuditor, ""},
	{"dashilan", "大栅栏街道会籍管理员", auth.RoleOfficer, "北京市西城区大栅栏街道总工会"},
	{"bit", "北京理工大学工会活动专员", auth.RoleOfficer, "北京理工大学工会"},
	{"xicheng", "西城区总工会主席", auth.RoleLeader, "北京市西城区总工会"},
}

func createDemoAccounts(ctx context.Context, m *Main, nodes []org.NewNode, out io.Writer) error {
	password := os.Getenv("GONGHUI_DEMO_PASSWORD")
	printed := password == ""
	if printed {
		// Meets the default policy: upper-case letters and digits from Text,
		// plus lower-case and a symbol.
		password = "gh-" + rand.Text()[:16]
	}
	byName := map[string]int64{}
	for _, n := range nodes {
		if _, ok := byName[n.Name]; !ok {
			byName[n.Name] = n.ID
		}
	}
	for _, a := range demoAccounts {
		orgID := nodes[0].ID
		if a.org != "" {
			id, ok := byName[a.org]
			if !ok {
				slog.Warn("demo: organisation for account not found", "org", a.org)
				continue
			}
			orgID = id
		}
		id, err := m.Auth.Bootstrap(ctx, auth.NewUser{Username: a.username, Name: a.name, OrgID: orgID, Password: password}, a.role)
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.username, err)
		}
		if err := m.Auth.MarkDemoAccount(ctx, id); err != nil {
			return err
		}
	}
	if printed {
		fmt.Fprintf(out, "Demo accounts admin, security, auditor, dashilan, bit and xicheng share the password: %s\n(shown once; set GONGHUI_DEMO_PASSWORD to choose it)\n", password)
	}
	if err := demoActivities(ctx, m, byName); err != nil {
		return err
	}
	if err := demoStations(ctx, m, byName); err != nil {
		return err
	}
	if err := demoCourses(ctx, m, byName); err != nil {
		return err
	}
	if err := demoContracts(ctx, m, byName); err != nil {
		return err
	}
	if err := demoCases(ctx, m, byName); err != nil {
		return err
	}
	return demoCongress(ctx, m, byName)
}
