package scope_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/testkit"
)

var members = scope.Rule{Entity: "member", Read: auth.PermMemberRead, Write: auth.PermMemberWrite}

func principal(grants ...auth.Grant) *auth.Principal {
	return &auth.Principal{UserID: 1, Kind: auth.KindStaff, Grants: grants}
}

func TestRule(t *testing.T) {
	// A leader reads the city; a membership officer changes one district.
	p := principal(
		auth.Grant{Role: auth.RoleLeader, OrgPath: "/1/2/"},
		auth.Grant{Role: auth.RoleMembershipOfficer, OrgPath: "/1/2/3/"},
		auth.Grant{Role: auth.RoleAuditor, OrgPath: "/1/"},
	)
	cases := []struct {
		path     string
		read     bool
		write    bool
		writeErr errs.Kind // when write is false
	}{
		{"/1/2/3/7/", true, true, 0},
		{"/1/2/3/", true, true, 0},
		{"/1/2/4/", true, false, errs.KindForbidden},
		{"/1/20/", false, false, errs.KindNotFound}, // a sibling sharing the prefix digits
		{"/1/", false, false, errs.KindNotFound},    // org.read there, not member.read
	}
	for _, c := range cases {
		if got := members.CanRead(p, c.path); got != c.read {
			t.Errorf("CanRead(%s) = %v", c.path, got)
		}
		if got := members.CanWrite(p, c.path); got != c.write {
			t.Errorf("CanWrite(%s) = %v", c.path, got)
		}
		err := members.Readable(p, c.path)
		if c.read != (err == nil) || (err != nil && !errs.Is(err, errs.KindNotFound)) {
			t.Errorf("Readable(%s) = %v", c.path, err)
		}
		err = members.Writable(p, c.path)
		if c.write && err != nil || !c.write && !errs.Is(err, c.writeErr) {
			t.Errorf("Writable(%s) = %v, want kind %d", c.path, err, c.writeErr)
		}
	}
	if e, ok := errs.As(members.Readable(p, "/9/")); !ok || e.Err.Error() != "member not found" {
		t.Errorf("NotFound names the rule's entity: %v", e)
	}
	paths, err := members.Paths(p)
	if err != nil || !reflect.DeepEqual(paths, []string{"/1/2/"}) {
		t.Errorf("Paths = %v, %v (nested grant removed)", paths, err)
	}
	// Write alone also lets a caller see, and list.
	writer := principal(auth.Grant{Role: auth.RoleAdmin, OrgPath: "/1/5/"})
	writeOnly := scope.Rule{Entity: "x", Read: auth.PermAuditRead, Write: auth.PermOrgWrite}
	if paths, _ := writeOnly.Paths(writer); !reflect.DeepEqual(paths, []string{"/1/5/"}) || writeOnly.Readable(writer, "/1/5/6/") != nil {
		t.Errorf("write implies read: %v", paths)
	}
	if paths, err := members.Paths(principal()); err != nil || len(paths) != 0 {
		t.Errorf("no grants: %v, %v", paths, err)
	}
}

func TestNilPrincipal(t *testing.T) {
	for name, err := range map[string]error{
		"Readable": members.Readable(nil, "/1/"),
		"Writable": members.Writable(nil, "/1/"),
		"Paths":    func() error { _, err := members.Paths(nil); return err }(),
		"direct":   scope.NilPrincipal("member"),
	} {
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.KindInternal || e.Key != "error.internal" || !strings.HasPrefix(e.Err.Error(), "member: ") {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.Contains(err.Error(), scope.ErrNilPrincipal.Error()) {
			t.Errorf("%s does not wrap ErrNilPrincipal: %v", name, err)
		}
	}
	if members.CanRead(nil, "/1/") || members.CanWrite(nil, "/1/") {
		t.Error("a nil principal may do nothing")
	}
}

func TestSQL(t *testing.T) {
	where, args := scope.SQL("m.org_path", []string{"/1/2/", "/1/5/"})
	if where != "((m.org_path >= ? AND m.org_path < ?) OR (m.org_path >= ? AND m.org_path < ?))" {
		t.Errorf("SQL: %s", where)
	}
	if !reflect.DeepEqual(args, []any{"/1/2/", "/1/20", "/1/5/", "/1/50"}) {
		t.Errorf("SQL args: %v", args)
	}
	parts, args := scope.Ranges("t.to_path", []string{"/1/"})
	if !reflect.DeepEqual(parts, []string{"(t.to_path >= ? AND t.to_path < ?)"}) || !reflect.DeepEqual(args, []any{"/1/", "/10"}) {
		t.Errorf("Ranges: %v %v", parts, args)
	}
	where, args, ok := scope.After("path", []string{"/1/2/", "/1/5/", "/1/7/"}, "/1/5/6/")
	if !ok || where != "((path > ? AND path < ?) OR (path >= ? AND path < ?))" || !reflect.DeepEqual(args, []any{"/1/5/6/", "/1/50", "/1/7/", "/1/70"}) {
		t.Errorf("After: %s %v %v", where, args, ok)
	}
	if _, _, ok := scope.After("path", []string{"/1/2/"}, "/1/3/"); ok {
		t.Error("After past every range should leave nothing")
	}
}

// TestSQLOnDatabase runs the ranges on each engine: a subtree is exactly its
// rows, never a sibling whose ID starts with the same digits.
func TestSQLOnDatabase(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tree := map[int64]string{1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 20: "/1/20/", 21: "/1/20/21/", 4: "/1/4/", 200: "/1/2/200/"}
		ids := make([]int64, 0, len(tree))
		for id := range tree {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			path := tree[id]
			var parent any
			if id != 1 {
				parent = int64(1)
			}
			if _, err := d.Exec(ctx, "INSERT INTO orgs (id, parent_id, path, depth, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'federation', 0, 0)",
				id, parent, path, strings.Count(path, "/")-2, path); err != nil {
				t.Fatal(err)
			}
		}
		query := func(where string, args []any) []string {
			t.Helper()
			rows, err := d.Query(ctx, "SELECT path FROM orgs WHERE "+where+" ORDER BY path", args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var p string
				if err := rows.Scan(&p); err != nil {
					t.Fatal(err)
				}
				out = append(out, p)
			}
			return out
		}
		where, args := scope.SQL("path", []string{"/1/2/", "/1/4/"})
		if got := query(where, args); !reflect.DeepEqual(got, []string{"/1/2/", "/1/2/200/", "/1/2/3/", "/1/4/"}) {
			t.Errorf("SQL: %v", got)
		}
		where, args, _ = scope.After("path", []string{"/1/2/", "/1/20/"}, "/1/2/200/")
		if got := query(where, args); !reflect.DeepEqual(got, []string{"/1/2/3/", "/1/20/", "/1/20/21/"}) {
			t.Errorf("After: %v", got)
		}
	})
}

func TestPageLimitAndMillis(t *testing.T) {
	for in, want := range map[int]int{-1: 50, 0: 50, 1: 1, 200: 200, 201: 200} {
		if got := scope.PageLimit(in); got != want {
			t.Errorf("PageLimit(%d) = %d", in, got)
		}
	}
	at := time.Date(2026, 12, 1, 9, 30, 0, 123456789, time.FixedZone("x", 3600))
	ms := scope.Millis(at)
	if ms != at.UnixMilli() || !scope.FromMillis(ms).Equal(at.Truncate(time.Millisecond)) || scope.FromMillis(ms).Location() != time.UTC {
		t.Errorf("millis: %d %v", ms, scope.FromMillis(ms))
	}
}

// TestNoCopies keeps the scope helpers in one place: no other package
// defines its own readable, writable, page limit or millisecond conversion.
func TestNoCopies(t *testing.T) {
	banned := map[string]bool{"readable": true, "writable": true, "readScope": true, "canRead": true, "pageLimit": true,
		"millis": true, "fromMillis": true, "scopeSQL": true, "scopeAfter": true, "errNilPrincipal": true}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.Dir(path) == filepath.Join(root, "internal", "scope") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && banned[d.Name.Name] {
					t.Errorf("%s: func %s: use internal/scope", path, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if v, ok := s.(*ast.ValueSpec); ok {
						for _, n := range v.Names {
							if banned[n.Name] {
								t.Errorf("%s: %s: use internal/scope", path, n.Name)
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
