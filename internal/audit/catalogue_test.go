package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/i18n"
)

// TestEveryActionHasWords reads the code under internal/ and finds every
// action it can write to the log: the Action of each audit.Event literal
// and each assignment to an event's Action, followed back through local
// variables, constants and the arguments of the function that builds the
// event. Each must be in the catalogue (audit.Areas) with words in both
// languages, so a module that adds an action must add its words. An action
// built as "prefix" + a value the test cannot follow must at least have
// catalogued actions with that prefix; any other form fails: write the
// action so it can be read.
func TestEveryActionHasWords(t *testing.T) {
	sc := scanActions(t, "..")
	if len(sc.actions) < 80 || !sc.actions["pii.reveal"] || !sc.actions["user.reset_password"] || !sc.actions["join.approved"] {
		t.Fatalf("the scan found too little (%d actions): %v", len(sc.actions), sc.actions)
	}
	for _, p := range sc.problems {
		t.Error(p)
	}
	for a := range sc.actions {
		if !audit.Known(a) {
			t.Errorf("the code writes action %q, which is not in audit.Areas (internal/audit/catalogue.go): add it with its words", a)
		}
	}
	for p := range sc.prefixes {
		if !slices.ContainsFunc(catalogued(), func(a string) bool { return strings.HasPrefix(a, p) }) {
			t.Errorf("the code writes actions %q + …, and the catalogue has none with that prefix", p)
		}
	}
	for _, a := range catalogued() {
		if !sc.actions[a] && !hasPrefixIn(a, sc.prefixes) {
			t.Errorf("catalogued action %q is written nowhere: remove it, or the scan lost it", a)
		}
	}
}

// TestCatalogueHasWords: every action, area and kind of object reads in
// both languages.
func TestCatalogueHasWords(t *testing.T) {
	var keys []string
	for _, a := range audit.Areas {
		keys = append(keys, "audit.area."+a.Key, "audit.area_all."+a.Key)
		for _, act := range a.Actions {
			keys = append(keys, "audit.act."+act)
		}
	}
	for _, e := range audit.Entities {
		keys = append(keys, "audit.entity."+e)
	}
	for _, lang := range i18n.Langs {
		have := i18n.Keys(lang)
		for _, k := range keys {
			if _, ok := slices.BinarySearch(have, k); !ok {
				t.Errorf("%s: no words for %s", lang, k)
			}
		}
	}
	seen := map[string]bool{}
	for _, a := range catalogued() {
		if seen[a] {
			t.Errorf("%s is catalogued twice", a)
		}
		seen[a] = true
	}
}

func catalogued() []string {
	var out []string
	for _, a := range audit.Areas {
		out = append(out, a.Actions...)
	}
	return out
}

func hasPrefixIn(a string, prefixes map[string]bool) bool {
	for p := range prefixes {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}

// pkg is one directory's parsed non-test files.
type pkg struct {
	name   string
	files  []*ast.File
	consts map[string]string // package-level string constants
}

type scan struct {
	pkgs     map[string]*pkg // by package name (the import's last element)
	actions  map[string]bool
	prefixes map[string]bool
	problems []string
	fset     *token.FileSet
}

func scanActions(t *testing.T, root string) *scan {
	t.Helper()
	sc := &scan{pkgs: map[string]*pkg{}, actions: map[string]bool{}, prefixes: map[string]bool{}, fset: token.NewFileSet()}
	dirs := map[string]*pkg{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(sc.fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		if dirs[dir] == nil {
			dirs[dir] = &pkg{name: f.Name.Name, consts: map[string]string{}}
		}
		p := dirs[dir]
		p.files = append(p.files, f)
		for _, decl := range f.Decls {
			if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if s, ok := literal(vs.Values[i]); ok {
								p.consts[n.Name] = s
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
	for _, p := range dirs {
		sc.pkgs[p.name] = p
	}
	for _, p := range dirs {
		for _, f := range p.files {
			sc.file(p, f)
		}
	}
	return sc
}

func literal(e ast.Expr) (string, bool) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	return "", false
}

// isEvent reports whether a composite literal's type is audit.Event (or
// Event inside package audit).
func isEvent(p *pkg, typ ast.Expr) bool {
	switch x := typ.(type) {
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && id.Name == "audit" && x.Sel.Name == "Event"
	case *ast.Ident:
		return p.name == "audit" && x.Name == "Event"
	}
	return false
}

func (sc *scan) file(p *pkg, f *ast.File) {
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if !isEvent(p, x.Type) {
					return true
				}
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Action" {
							sc.action(p, fn, kv.Value)
						}
					}
				}
			case *ast.AssignStmt:
				// ev.Action = "…" on an event built above.
				for i, l := range x.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Action" && len(x.Rhs) == len(x.Lhs) {
						if s, ok := literal(x.Rhs[i]); ok && strings.Contains(s, ".") {
							sc.actions[s] = true
						}
					}
				}
			}
			return true
		})
	}
}

// action records the actions e can be, or a problem when it cannot tell.
func (sc *scan) action(p *pkg, fn *ast.FuncDecl, e ast.Expr) {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		prefix, ok := literal(b.X)
		if !ok {
			sc.problem(e, "an action built from a non-literal prefix")
			return
		}
		if vals, ok := sc.values(p, fn, b.Y, 0); ok {
			for _, v := range vals {
				sc.actions[prefix+v] = true
			}
		} else {
			sc.prefixes[prefix] = true
		}
		return
	}
	vals, ok := sc.values(p, fn, e, 0)
	if !ok {
		sc.problem(e, "an action the test cannot follow back to string literals")
		return
	}
	for _, v := range vals {
		sc.actions[v] = true
	}
}

func (sc *scan) problem(e ast.Expr, what string) {
	sc.problems = append(sc.problems, sc.fset.Position(e.Pos()).String()+": "+what)
}

// values follows e back to the string literals it can hold.
func (sc *scan) values(p *pkg, fn *ast.FuncDecl, e ast.Expr, depth int) ([]string, bool) {
	if depth > 4 {
		return nil, false
	}
	if s, ok := literal(e); ok {
		return []string{s}, true
	}
	switch x := e.(type) {
	case *ast.CallExpr: // a conversion: string(status), RegStatus(to)
		if len(x.Args) == 1 {
			if _, ok := x.Fun.(*ast.Ident); ok {
				return sc.values(p, fn, x.Args[0], depth+1)
			}
		}
	case *ast.SelectorExpr: // audit.ActionKeyed
		if id, ok := x.X.(*ast.Ident); ok {
			if q := sc.pkgs[id.Name]; q != nil {
				if s, ok := q.consts[x.Sel.Name]; ok {
					return []string{s}, true
				}
			}
		}
	case *ast.Ident:
		if s, ok := p.consts[x.Name]; ok {
			return []string{s}, true
		}
		if i := paramIndex(fn, x.Name); i >= 0 {
			return sc.arguments(p, fn.Name.Name, i, depth)
		}
		return sc.assigned(p, fn, x.Name, depth)
	}
	return nil, false
}

// paramIndex is the position of the parameter name of fn, or -1.
func paramIndex(fn *ast.FuncDecl, name string) int {
	i := 0
	for _, f := range fn.Type.Params.List {
		for _, n := range f.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// arguments collects the values passed at position i to calls of the
// function named name in package p.
func (sc *scan) arguments(p *pkg, name string, i, depth int) ([]string, bool) {
	var out []string
	ok := true
	calls := 0
	for _, f := range p.files {
		for _, decl := range f.Decls {
			caller, isFn := decl.(*ast.FuncDecl)
			if !isFn || caller.Body == nil {
				continue
			}
			ast.Inspect(caller.Body, func(n ast.Node) bool {
				c, isCall := n.(*ast.CallExpr)
				if !isCall || calleeName(c) != name || i >= len(c.Args) {
					return true
				}
				calls++
				vals, good := sc.values(p, caller, c.Args[i], depth+1)
				ok = ok && good
				out = append(out, vals...)
				return true
			})
		}
	}
	return out, ok && calls > 0
}

func calleeName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// assigned collects what the local variable name is set to in fn.
func (sc *scan) assigned(p *pkg, fn *ast.FuncDecl, name string, depth int) ([]string, bool) {
	var out []string
	ok, found := true, false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		a, isAssign := n.(*ast.AssignStmt)
		if !isAssign {
			return true
		}
		for i, l := range a.Lhs {
			id, isID := l.(*ast.Ident)
			if !isID || id.Name != name {
				continue
			}
			found = true
			if len(a.Rhs) != len(a.Lhs) {
				ok = false
				continue
			}
			vals, good := sc.values(p, fn, a.Rhs[i], depth+1)
			ok = ok && good
			out = append(out, vals...)
		}
		return true
	})
	return out, ok && found
}
