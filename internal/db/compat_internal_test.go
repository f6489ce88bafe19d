package db

import (
	"regexp"
	"strings"
	"testing"
)

func TestParseCompat(t *testing.T) {
	cases := []struct {
		sql    string
		oldest int
		why    string
		bad    bool
	}{
		{sql: "-- compat: keeps\nCREATE TABLE t (id INTEGER);", oldest: 0},
		{sql: "-- compat: keeps: fills the new column\n", oldest: 0, why: "fills the new column"},
		{sql: "-- compat: breaks\n", oldest: 50},
		{sql: "-- compat: breaks: renames t\n", oldest: 50, why: "renames t"},
		{sql: "-- compat: breaks before 47: 47 stopped reading t.x\n", oldest: 47, why: "47 stopped reading t.x"},
		{sql: "-- compat:   breaks   before   0047\n", oldest: 47},
		{sql: "CREATE TABLE t (id INTEGER);", bad: true},
		{sql: "-- a comment first\n-- compat: keeps\n", bad: true},
		{sql: "-- compat: keep\n", bad: true},
		{sql: "-- compat: breaks before 50\n", bad: true}, // not earlier than itself
		{sql: "-- compat: breaks before x\n", bad: true},
		{sql: "-- compat: breaks before 0\n", bad: true},
		{sql: "-- compat:\n", bad: true},
	}
	for _, c := range cases {
		oldest, why, err := parseCompat(50, c.sql)
		if c.bad {
			if err == nil {
				t.Errorf("%q: accepted (oldest %d)", c.sql, oldest)
			}
			continue
		}
		if err != nil || oldest != c.oldest || why != c.why {
			t.Errorf("%q: got %d %q %v, want %d %q", c.sql, oldest, why, err, c.oldest, c.why)
		}
	}
}

func TestOldestKnownIsTheHighestBoundApplied(t *testing.T) {
	ms := []Migration{{Version: 1}, {Version: 2, Oldest: 2}, {Version: 3}, {Version: 4, Oldest: 3}, {Version: 5}}
	for v, want := range map[int]int{1: 0, 2: 2, 3: 2, 4: 3, 5: 3} {
		if got := oldestKnown(ms, v); got != want {
			t.Errorf("after %d: %d, want %d", v, got, want)
		}
	}
}

// Statements that take away what an older program reads or writes: such a
// migration must say it breaks (or whom it breaks: "breaks before N").
var destructive = []*regexp.Regexp{
	regexp.MustCompile(`(?is)\bDROP\s+(TABLE|VIEW|COLUMN)\b`),
	dropColumn,
	regexp.MustCompile(`(?is)\bRENAME\b`),
	regexp.MustCompile(`(?is)\bALTER\s+COLUMN\s+\S+\s+(?:SET\s+DATA\s+)?TYPE\b`),
	regexp.MustCompile(`(?is)\bALTER\s+COLUMN\s+\S+\s+SET\s+NOT\s+NULL\b`),
}

// dropColumn is ALTER TABLE t DROP [COLUMN] x; dropping a constraint or a
// default leaves older programs' statements working (dropCheck).
var dropColumn = regexp.MustCompile(`(?is)\bALTER\s+TABLE\s+\S+\s+DROP\s+(?:IF\s+EXISTS\s+)?("?[a-z_]+)`)

func dropCheck(body string) string {
	for _, m := range dropColumn.FindAllStringSubmatch(body, -1) {
		if w := strings.ToUpper(m[1]); w != "CONSTRAINT" && w != "DEFAULT" {
			return m[0]
		}
	}
	return ""
}

// Statements that rewrite rows in place: harmless when they fill what the
// same step adds, breaking when they change what older programs read. A
// "keeps" migration with one must say why it keeps.
var rewrite = regexp.MustCompile(`(?im)^\s*(UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b`)

// stripComments drops -- comments, so that words in them are not linted.
func stripComments(sql string) string {
	var b strings.Builder
	for _, l := range strings.Split(sql, "\n") {
		if i := strings.Index(l, "--"); i >= 0 {
			l = l[:i]
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// lintCompat checks a migration's header against what its SQL does.
func lintCompat(m Migration) string {
	body := stripComments(m.SQL)
	for _, re := range destructive {
		s := re.FindString(body)
		if re == dropColumn {
			s = dropCheck(body)
		}
		if s != "" && m.Oldest == 0 {
			return "drops, renames or retypes (" + strings.Join(strings.Fields(s), " ") + ") but says it keeps older programs working: mark it \"-- compat: breaks\" (or \"breaks before N\", N the first release that stopped using it)"
		}
	}
	if s := rewrite.FindString(body); s != "" && m.Oldest == 0 && m.Why == "" {
		return "rewrites rows (" + strings.TrimSpace(s) + ") and says it keeps older programs working without saying why: \"-- compat: keeps: <why>\" or \"-- compat: breaks\""
	}
	return ""
}

// TestEveryMigrationDeclaresCompat: every migration carries the header
// (Migrations fails otherwise), and one that drops or renames is breaking.
func TestEveryMigrationDeclaresCompat(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if msg := lintCompat(m); msg != "" {
			t.Errorf("migration %s %s", m.Name, msg)
		}
	}
}

// TestCompatLintCatches: the lint flags what it is meant to and passes the
// additive and the declared.
func TestCompatLintCatches(t *testing.T) {
	bad := []string{
		"-- compat: keeps\nALTER TABLE members DROP COLUMN nickname;",
		"-- compat: keeps\nALTER TABLE members DROP nickname;",
		"-- compat: keeps\nDROP TABLE old_things;",
		"-- compat: keeps\nALTER TABLE members RENAME COLUMN a TO b;",
		"-- compat: keeps\nALTER TABLE a RENAME TO b;",
		"-- compat: keeps\nALTER TABLE members ALTER COLUMN a TYPE BIGINT;",
		"-- compat: keeps\nALTER TABLE members ALTER COLUMN a SET NOT NULL;",
		"-- compat: keeps\nUPDATE members SET status = 'x';",
		"-- compat: keeps\n  delete from uploads;",
	}
	for _, sql := range bad {
		oldest, why, err := parseCompat(60, sql)
		if err != nil {
			t.Fatal(err)
		}
		if lintCompat(Migration{Version: 60, Name: "x", SQL: sql, Oldest: oldest, Why: why}) == "" {
			t.Errorf("lint passed %q", sql)
		}
	}
	good := []string{
		"-- compat: keeps\nCREATE TABLE t (id INTEGER);\nALTER TABLE t ADD COLUMN x TEXT;\nDROP INDEX t_x;",
		"-- compat: keeps\n-- we never DROP TABLE or RENAME here\nCREATE INDEX t_y ON t (y);",
		"-- compat: keeps: fills the column it adds\nALTER TABLE t ADD COLUMN x TEXT;\nUPDATE t SET x = '';",
		"-- compat: breaks\nALTER TABLE members DROP COLUMN nickname;",
		"-- compat: breaks before 55: 55 stopped reading it\nALTER TABLE members DROP COLUMN nickname;",
		"-- compat: keeps\nALTER TABLE r DROP CONSTRAINT r_pkey;\nALTER TABLE r ALTER COLUMN x DROP DEFAULT;",
		"-- compat: keeps\n-- postgres only\nALTER TABLE members ALTER COLUMN org_path SET STATISTICS 1000;",
	}
	for _, sql := range good {
		oldest, why, err := parseCompat(60, sql)
		if err != nil {
			t.Fatal(err)
		}
		if msg := lintCompat(Migration{Version: 60, Name: "x", SQL: sql, Oldest: oldest, Why: why}); msg != "" {
			t.Errorf("lint refused %q: %s", sql, msg)
		}
	}
}
