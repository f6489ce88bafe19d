package rights

import (
	"strings"
	"testing"
	"time"

	"gonghui/internal/i18n"
	"gonghui/internal/rights"
)

// The timeline's new entries read as sentences in both languages: the
// escalation as the system's, a worker by their place, a claim by the new
// total; no key or bare number reaches the page.
func TestEventWords(t *testing.T) {
	at := time.Date(2025, 10, 16, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang       i18n.Lang
		e          rights.Event
		what, by   string
		bodyIsGone bool
	}{
		{i18n.ZH, rights.Event{Kind: rights.EvEscalated, System: true, At: at}, "已超过办理期限，提请督办", "系统", true},
		{i18n.EN, rights.Event{Kind: rights.EvEscalated, System: true, At: at}, "Past its deadline: sent to the supervisors", "the system", true},
		{i18n.ZH, rights.Event{Kind: rights.EvWorkerAdded, Body: "3", By: "律师甲", OrgName: "大栅栏街道总工会", At: at}, "添加了第 3 位劳动者", "律师甲 · 大栅栏街道总工会", true},
		{i18n.EN, rights.Event{Kind: rights.EvWorkerRemoved, Body: "2", By: "Lawyer", OrgName: "Dashilan", At: at}, "Worker 2 removed", "Lawyer · Dashilan", true},
		{i18n.ZH, rights.Event{Kind: rights.EvClaimEdited, Body: "13,000.00", By: "律师甲", OrgName: "大栅栏街道总工会", At: at}, "修改了一项诉求，诉求合计 13,000.00 元", "律师甲 · 大栅栏街道总工会", true},
	} {
		got := eventOf(tc.lang, &tc.e, true)
		if got.What != tc.what || got.By != tc.by || (tc.bodyIsGone && got.Body != "") {
			t.Errorf("%s %s: %+v", tc.lang, tc.e.Kind, got)
		}
		if strings.Contains(got.What, "case.") || strings.Contains(got.What, "%!") {
			t.Errorf("%s %s: raw words %q", tc.lang, tc.e.Kind, got.What)
		}
	}
}
