package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// The alert rules shipped in deploy/prometheus/alerts.yml watch series a
// server really exports, with labels it really carries: a rule naming a
// renamed or misspelt metric would never fire, silently. The test scrapes
// a server's /metrics (after a few requests, so the per-route series
// exist) and checks every metric name and label matcher in every rule's
// expression, and every $labels.x an annotation shows.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}

	exported := scrapeSeries(t)
	// Series Prometheus makes itself for every target, not the server.
	builtin := map[string][]string{"up": {"job", "instance"}}

	rules, used := 0, map[string]bool{}
	for _, g := range file.Groups {
		if g.Name == "" || len(g.Rules) == 0 {
			t.Errorf("a group without a name or rules: %+v", g)
		}
		for _, r := range g.Rules {
			rules++
			if r.Alert == "" || strings.TrimSpace(r.Expr) == "" || r.Annotations["summary"] == "" || r.Labels["severity"] == "" {
				t.Errorf("rule %q: needs alert, expr, a severity label and a summary", r.Alert)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("rule %s: for %q: %v", r.Alert, r.For, err)
				}
			}
			sels := selectors(r.Expr)
			if len(sels) == 0 {
				t.Errorf("rule %s: no series found in %q", r.Alert, r.Expr)
			}
			labelsOf := map[string]bool{"instance": true, "job": true}
			for _, s := range sels {
				used[s.name] = true
				have, ok := exported[s.name]
				if !ok {
					if b, isBuiltin := builtin[s.name]; isBuiltin {
						have = map[string]bool{}
						for _, l := range b {
							have[l] = true
						}
					} else {
						t.Errorf("rule %s: the server exports no series %s", r.Alert, s.name)
						continue
					}
				}
				for l := range have {
					labelsOf[l] = true
				}
				for _, l := range s.labels {
					if !have[l] && l != "job" && l != "instance" {
						t.Errorf("rule %s: series %s has no label %q (it has %v)", r.Alert, s.name, l, sortedKeys(have))
					}
				}
			}
			for _, a := range r.Annotations {
				for _, m := range regexp.MustCompile(`\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)`).FindAllStringSubmatch(a, -1) {
					if !labelsOf[m[1]] {
						t.Errorf("rule %s: an annotation shows $labels.%s, which none of its series carries", r.Alert, m[1])
					}
				}
			}
		}
	}
	// The parse found what the file is for.
	for _, want := range []string{"gonghui_backup_last_success_timestamp_seconds", "gonghui_http_requests_total", "gonghui_http_request_duration_seconds_bucket"} {
		if !used[want] {
			t.Errorf("no rule watches %s", want)
		}
	}
	if rules < 5 {
		t.Errorf("only %d rules read", rules)
	}
}

// scrapeSeries serves a test server's /metrics, with the series every
// serving process registers, and returns each sample name with its label
// names.
func scrapeSeries(t *testing.T) map[string]map[string]bool {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := openTestMain(t, Config{MetricsToken: metricsToken})
	h, err := m.Handler(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.startBackups(ctx); err != nil { // registers the backup metric
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/healthz", "/no-such-page"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	st, body := getMetrics(t, srv.URL+"/metrics", metricsToken)
	if st != http.StatusOK {
		t.Fatalf("GET /metrics: %d", st)
	}
	out := map[string]map[string]bool{}
	sample := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? `)
	label := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="`)
	for _, line := range strings.Split(body, "\n") {
		mm := sample.FindStringSubmatch(line)
		if mm == nil {
			continue
		}
		if out[mm[1]] == nil {
			out[mm[1]] = map[string]bool{}
		}
		for _, l := range label.FindAllStringSubmatch(mm[3], -1) {
			out[mm[1]][l[1]] = true
		}
	}
	if len(out) < 20 {
		t.Fatalf("scraped only %d series:\n%s", len(out), body)
	}
	return out
}

// selector is a series an expression reads, with the labels it matches on.
type selector struct {
	name   string
	labels []string
}

// promKeywords are PromQL words that are not series: operators and the
// modifiers whose parenthesised lists hold label names.
var promKeywords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true,
	"group_right": true, "and": true, "or": true, "unless": true, "bool": true, "offset": true, "inf": true, "nan": true}

// selectors finds the series an expression reads: every identifier that
// is neither a function or aggregation (followed by "("), a keyword, a
// label list after a modifier, part of a number or duration ("5m",
// "1.5e9"), nor inside a string.
func selectors(expr string) []selector {
	s := regexp.MustCompile(`"(?:[^"\\]|\\.)*"`).ReplaceAllString(expr, `""`)
	isIdent := func(c byte, first bool) bool {
		return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
	}
	skipSpace := func(i int) int {
		for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t') {
			i++
		}
		return i
	}
	var out []selector
	for i := 0; i < len(s); {
		if !isIdent(s[i], true) || i > 0 && (isIdent(s[i-1], false) || s[i-1] == '.') {
			i++
			continue
		}
		j := i
		for j < len(s) && isIdent(s[j], false) {
			j++
		}
		word := s[i:j]
		k := skipSpace(j)
		switch {
		case promKeywords[strings.ToLower(word)]:
			i = j
			if k < len(s) && s[k] == '(' { // by (le): label names, not series
				if end := strings.IndexByte(s[k:], ')'); end >= 0 {
					i = k + end + 1
				}
			}
			continue
		case k < len(s) && s[k] == '(':
			i = k + 1 // a function or an aggregation
			continue
		case strings.HasPrefix(s[k:], "by") || strings.HasPrefix(s[k:], "without"):
			i = k // an aggregation with its modifier first: sum by (le) (…)
			continue
		}
		sel := selector{name: word}
		if k < len(s) && s[k] == '{' {
			end := strings.IndexByte(s[k:], '}')
			if end < 0 {
				end = len(s) - k
			}
			for _, m := range strings.Split(s[k+1:k+end], ",") {
				parts := strings.FieldsFunc(m, func(r rune) bool { return r == '=' || r == '!' || r == '~' })
				if len(parts) > 0 && strings.TrimSpace(parts[0]) != "" {
					sel.labels = append(sel.labels, strings.TrimSpace(parts[0]))
				}
			}
			j = k + end
		}
		out = append(out, sel)
		i = j + 1
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The expression reader itself, on the shapes the rules use.
func TestSelectors(t *testing.T) {
	for expr, want := range map[string]string{
		`up{job="gonghui"} == 0`: `up[job]`,
		`time() - max(gonghui_backup_last_success_timestamp_seconds) > 26 * 3600`:                              `gonghui_backup_last_success_timestamp_seconds[]`,
		`sum(rate(a_total{code=~"5..", route!="x{y}"}[5m])) / sum by (le, route) (rate(b_bucket[1h])) > 1.5e9`: `a_total[code route] b_bucket[]`,
		`histogram_quantile(0.95, sum without (instance) (rate(c[5m]))) and on (job) d offset 5m`:              `c[] d[]`,
		`absent(e) or changes(process_start_time_seconds[30m]) > 3`:                                            `e[] process_start_time_seconds[]`,
	} {
		var got []string
		for _, s := range selectors(expr) {
			got = append(got, s.name+"["+strings.Join(s.labels, " ")+"]")
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: read %v, want %s", expr, got, want)
		}
	}
}
