package report_test

import (
	"bytes"
	"fmt"
	"gonghui/internal/report"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/activity"
	"gonghui/internal/i18n"
)

// fakeTr is a translator with a tiny catalogue of its own; other keys come
// back as "key(args)", so a test sees what was asked for.
func fakeTr(key string, args ...any) string {
	cat := map[string]string{
		"report.date":                "%d/%d/%d",
		"report.s.period":            "P %s..%s",
		"report.s.active":            "asof %s %s active %s",
		"report.s.joined":            "joined %s left %s",
		"report.s.transfers":         "in %s out %s",
		"report.s.tags":              "tags: %s",
		"report.s.joined_tags":       "joined tags: %s",
		"report.s.tag_item":          "%s=%s",
		"report.s.list_sep":          "; ",
		"report.s.pending":           "pending %s",
		"report.s.orgs_employers":    "orgs %s employers %s organised %s rate %s",
		"report.s.orgs":              "orgs %s",
		"report.s.activities":        "held %s reg %s att %s",
		"report.s.top_active":        "of %s top %s %s",
		"report.s.top_joined":        "top joined %s %s",
		"member.tag.platform_worker": "PW",
		"member.tag.model_worker":    "MW",
	}
	if f, ok := cat[key]; ok {
		return fmt.Sprintf(f, args...)
	}
	return fmt.Sprintf("%s%v", key, args)
}

// section is a registered section with figures v.
func section(key string, v any) report.SectionFigures {
	for _, s := range report.Sections() {
		if s.Key() == key {
			return report.SectionFigures{Section: s, Value: v}
		}
	}
	panic("no section " + key)
}

func sampleDashboard() *report.Dashboard {
	return &report.Dashboard{OrgID: 1, OrgName: "北京市总工会", Period: report.Period{From: "2026-01-01", To: "2026-11-24"},
		Orgs: 17, ByKind: map[string]int{"city_federation": 1, "grassroots_union": 16}, Employers: 40, OrganisedEmployers: 25, OrganisingRate: 0.625,
		Members: report.Members{Active: 56789, Joined: 1234, Left: 12, TransferIn: 3, TransferOut: 0, Pending: 7,
			ByStatus:    map[string]int64{"active": 56789, "retired": 100},
			ByTag:       map[string]int64{"model_worker": 2, "platform_worker": 456},
			JoinedByTag: map[string]int64{"platform_worker": 456, "outdoor_worker": 0}},
		Sections: []report.SectionFigures{section("activities", &activity.Figures{Held: 23, Registrations: 1200, Attended: 980})},
		AsOf:     time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC)}
}

func TestSummary(t *testing.T) {
	kids := []report.Child{{OrgName: "甲", Active: 300, Joined: 9}, {OrgName: "乙", Active: 12345, Joined: 2}, {OrgName: "丙", Active: 12345, Joined: 40}}
	got := report.Summary(sampleDashboard(), kids, fakeTr)
	want := []string{
		"P 2026/1/1..2026/11/24",
		"asof 2026/11/24 北京市总工会 active 56,789",
		"joined 1,234 left 12",
		"joined tags: PW=456",
		"in 3 out 0",
		"tags: MW=2; PW=456",
		"pending 7",
		"orgs 17 employers 40 organised 25 rate 62.5%",
		"held 23 reg 1,200 att 980",
		"of 3 top 乙 12,345",
		"top joined 丙 40",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Nothing to say about employers, transfers, tags, applications or
	// children: those sentences are left out.
	d := &report.Dashboard{OrgName: "甲工会", Orgs: 1, Members: report.Members{Active: 5},
		Sections: []report.SectionFigures{section("activities", &activity.Figures{})}}
	got = report.Summary(d, nil, fakeTr)
	want = []string{"report.s.active_now[甲工会 5]", "joined 0 left 0", "orgs 1", "held 0 reg 0 att 0"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if report.Summary(nil, nil, fakeTr) != nil {
		t.Fatal("a summary of nothing")
	}
}

// The real catalogues: the sentences read as the staff expect them.
func TestSummaryInChinese(t *testing.T) {
	tr := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	got := strings.Join(report.Summary(sampleDashboard(), []report.Child{{OrgName: "西城区总工会", Active: 12345}}, tr), "\n")
	for _, want := range []string{
		"截至2026年11月24日，北京市总工会在册会员 56,789 名。",
		"本期新入会 1,234 名，离会 12 名。",
		"新入会会员中有新就业形态劳动者 456 名。",
		"在册会员中有劳模 2 名、新就业形态劳动者 456 名。",
		"本期举办活动 23 场，报名 1,200 人次，参加 980 人。",
		"下属 1 个组织中，在册会员最多的是西城区总工会（12,345 名）。",
		"建会率 62.5%。",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	en := func(key string, args ...any) string { return i18n.T(i18n.EN, key, args...) }
	if s := strings.Join(report.Summary(sampleDashboard(), nil, en), " "); !strings.Contains(s, "As of 2026-11-24, 北京市总工会 has 56,789 active members.") {
		t.Errorf("English: %s", s)
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -56789: "-56,789"} {
		if got := report.Num(n); got != want {
			t.Errorf("report.Num(%d) = %q", n, got)
		}
	}
}

func TestExport(t *testing.T) {
	tr := func(key string, args ...any) string { return i18n.T(i18n.ZH, key, args...) }
	d := sampleDashboard()
	kids := []report.Child{{OrgName: "西城区总工会", Active: 12345, Joined: 7, OrganisingRate: 0.5}}
	sentences := report.Summary(d, kids, tr)
	var buf bytes.Buffer
	if err := report.Export(d, kids, sentences, tr, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	var all []string
	for _, r := range rows {
		if len(r) >= 2 {
			cells[r[0]] = r[1]
		}
		all = append(all, strings.Join(r, "|"))
	}
	text := strings.Join(all, "\n")
	for label, want := range map[string]string{"在册会员": "56789", "本期新入会": "1234", "建会率": "62.5%", "举办活动": "23",
		"在册会员：新就业形态劳动者": "456", "组织数：基层工会": "16", "统计期间": "2026-01-01 – 2026-11-24"} {
		if cells[label] != want {
			t.Errorf("%s: %q, want %q\n%s", label, cells[label], want, text)
		}
	}
	for _, want := range []string{sentences[1], "西城区总工会|12345|7|0|0|0|50.0%|0|0"} {
		if !strings.Contains(text, want) {
			t.Errorf("workbook lacks %q:\n%s", want, text)
		}
	}
}
