package db

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Engine-specific SQL: each is written in one engine's dialect only (or
// means something else on the other), so outside this package it must
// come from a method of DB or Tx. Keywords are matched in capitals, as the
// code writes SQL, so that English text ("check for updates") passes;
// function names are matched in any case.
var engineSQL = []struct {
	what string
	re   *regexp.Regexp
}{
	{"ILIKE (PostgreSQL only; see LikeFold)", regexp.MustCompile(`\bILIKE\b`)},
	{"row locks (see ForUpdate, ForUpdateOf, ForShare, LockRows)", regexp.MustCompile(`\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b`)},
	{"SKIP LOCKED / NOWAIT (see ForUpdateOfSkipLocked)", regexp.MustCompile(`\b(SKIP\s+LOCKED|NOWAIT)\b`)},
	{"isolation levels (see RepeatableRead)", regexp.MustCompile(`\b(ISOLATION\s+LEVEL|REPEATABLE\s+READ|SERIALIZABLE)\b`)},
	{"LOCK TABLE (PostgreSQL only)", regexp.MustCompile(`\bLOCK\s+TABLE\b`)},
	{"VACUUM / ANALYZE (see Analyze, AnalyzeFull)", regexp.MustCompile(`\bVACUUM\b|^\s*ANALYZE\b`)},
	{"PRAGMA and SQLite-only syntax", regexp.MustCompile(`\bPRAGMA\b|\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b|\bINSERT\s+OR\s+(IGNORE|REPLACE)\b|\bAUTOINCREMENT\b|\bWITHOUT\s+ROWID\b`)},
	{"engine-only functions (see Contains, ContainsFold)", regexp.MustCompile(`(?i)\b(strpos|instr|group_concat|string_agg|array_agg|greatest|least|date_trunc|to_char|to_regclass|generate_series|julianday|strftime|datetime|pg_[a-z_]+)\s*\(`)},
	{"catalogues (sqlite_master, pg_catalog, information_schema)", regexp.MustCompile(`(?i)\b(sqlite_(master|schema|sequence)|pg_catalog|information_schema)\b`)},
	{"PostgreSQL casts (use CAST(x AS t))", regexp.MustCompile(`(?i)::\s*(text|bigint|int|integer|int4|int8|numeric|date|timestamp|timestamptz|jsonb?|bytea|regclass|boolean|bool)\b`)},
}

// dialectLeaks lists what in one Go file branches on the engine or holds
// engine-specific SQL: references to the Dialect field, type or method,
// to the constants Postgres and SQLite, comparisons on Engine(), and
// string literals matching engineSQL. Comments are not looked at.
func dialectLeaks(fset *token.FileSet, f *ast.File) []string {
	dbNames := map[string]bool{}
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "gonghui/internal/db" {
			if im.Name != nil {
				dbNames[im.Name.Name] = true
			} else {
				dbNames["db"] = true
			}
		}
	}
	var out []string
	report := func(n ast.Node, msg string) {
		out = append(out, fset.Position(n.Pos()).String()+": "+msg)
	}
	callsEngine := func(e ast.Node) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok && s.Sel.Name == "Engine" {
				found = true
			}
			return !found
		})
		return found
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if n.Sel.Name == "Dialect" {
				report(n, "refers to Dialect: ask package db for the SQL instead")
			}
			if x, ok := n.X.(*ast.Ident); ok && dbNames[x.Name] && (n.Sel.Name == "Postgres" || n.Sel.Name == "SQLite") {
				report(n, "refers to db."+n.Sel.Name+": ask package db for the SQL instead")
			}
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && callsEngine(n) {
				report(n, "compares Engine(): it is for logs only")
			}
		case *ast.SwitchStmt:
			if n.Tag != nil && callsEngine(n.Tag) {
				report(n, "switches on Engine(): it is for logs only")
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				break
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				s = n.Value
			}
			for _, k := range engineSQL {
				if k.re.MatchString(s) {
					report(n, "engine-specific SQL: "+k.what+": "+strconv.Quote(k.re.FindString(s)))
				}
			}
		}
		return true
	})
	return out
}

// moduleRoot is the directory holding go.mod, above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// TestDialectStaysInPackageDB keeps every difference between SQLite and
// PostgreSQL in this package: no other package's code (tests and the test
// kit aside, which run each engine on purpose) may branch on the engine or
// hold SQL that only one engine speaks.
func TestDialectStaysInPackageDB(t *testing.T) {
	root := moduleRoot(t)
	allowed := []string{filepath.Join("internal", "db"), filepath.Join("internal", "testkit")}
	fset := token.NewFileSet()
	files := 0
	var leaks []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if e.IsDir() {
			name := e.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			for _, a := range allowed {
				if rel == a {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, l := range dialectLeaks(fset, f) {
			leaks = append(leaks, strings.TrimPrefix(l, root+string(filepath.Separator)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d Go files found under %s: is the walk looking in the right place?", files, root)
	}
	for _, l := range leaks {
		t.Error(l)
	}
}

// TestDialectLeaksAreFound shows what the boundary test catches and what
// it lets through, on the shapes the code used before the shim held them.
func TestDialectLeaksAreFound(t *testing.T) {
	caught := map[string]string{
		"tx.Dialect()":  `func f(tx *db.Tx) bool { return tx.Dialect() == "" }`,
		"d.Dialect":     `func f(d *db.DB) bool { return d.Dialect == d.Dialect }`,
		"db.Postgres":   `var e = db.Postgres`,
		"aliased db":    `var e = store.SQLite`,
		"Engine ==":     `func f(d *db.DB) bool { return d.Engine() == "postgres" }`,
		"Engine switch": `func f(d *db.DB) { switch d.Engine() { } }`,
		"FOR SHARE":     `const q = "SELECT 1 FROM orgs WHERE id = ? FOR SHARE"`,
		"FOR UPDATE OF": "var q = ` FOR UPDATE OF ` + alias",
		"FOR UPDATE":    `const q = "SELECT id FROM orgs WHERE path >= ? FOR UPDATE"`,
		"SKIP LOCKED":   `const q = " FOR UPDATE OF n SKIP LOCKED"`,
		"REPEATABLE":    `const q = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"`,
		"ILIKE":         "const q = `name ILIKE ? ESCAPE '\\'`",
		"strpos":        `const q = "strpos(lower(m.name), ?) > 0"`,
		"VACUUM":        `const q = "VACUUM ANALYZE"`,
		"ANALYZE":       `const q = "ANALYZE"`,
		"PRAGMA":        `const q = "PRAGMA optimize"`,
		"cast":          `const q = "SELECT id::text FROM orgs"`,
		"sqlite_master": `const q = "SELECT name FROM sqlite_master"`,
		"pg function":   `const q = "SELECT pg_advisory_lock(1)"`,
		"OR IGNORE":     `const q = "INSERT OR IGNORE INTO settings VALUES (?, ?)"`,
	}
	for name, src := range caught {
		if n := leaksIn(t, src); n == 0 {
			t.Errorf("%s: not caught in %s", name, src)
		}
	}
	passed := []string{
		`func f(tx *db.Tx) string { return "SELECT id FROM orgs WHERE id = ?" + tx.ForShare() }`,
		`func f(d *db.DB) { slog.Info("listening", "db", d.Engine()) }`,
		"// ILIKE and FOR UPDATE in a comment are fine\nvar x = 1",
		`const msg = "check for updates, then analyze the figures"`,
		`const q = "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING name"`,
		`const q = "UPDATE orgs SET path = CAST(? AS TEXT) || substr(path, ?)"`,
		`const addr = "[::1]:8080"`,
	}
	for _, src := range passed {
		if n := leaksIn(t, src); n != 0 {
			t.Errorf("caught %d times, but fine: %s", n, src)
		}
	}
}

func leaksIn(t *testing.T, body string) int {
	t.Helper()
	src := "package p\n\nimport (\n\t\"log/slog\"\n\t\"gonghui/internal/db\"\n\tstore \"gonghui/internal/db\"\n)\n\nvar _ = slog.Info\nvar _ db.DB\nvar _ store.DB\nvar alias string\n\n" + body + "\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("%v in\n%s", err, src)
	}
	return len(dialectLeaks(fset, f))
}
