package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gonghui/internal/activity"
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// A section's figures are written under its key between members and
// as_of, as a field of the dashboard would be; a child's columns after
// left; and the documented types carry the same properties.
func TestSectionsInTheJSON(t *testing.T) {
	b, err := json.Marshal(sampleDashboard())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	m, a, as := strings.Index(s, `"members":`), strings.Index(s, `,"activities":{"held":23,"cancelled":0,"registrations":1200,"attended":980},`), strings.Index(s, `"as_of":`)
	if m < 0 || a < m || as < a || !json.Valid(b) {
		t.Fatalf("sections misplaced: %s", s)
	}
	c, err := json.Marshal(report.Child{OrgName: "甲", Left: 4, Extra: map[string]int64{"activities": 3, "attended": 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(c), `"left":4,"activities":3,"attended":2}`) {
		t.Fatalf("child: %s", c)
	}
	if f, ok := report.DashboardType().FieldByName("Xactivities"); !ok || f.Type != report.Sections()[0].Type() || f.Tag.Get("json") != "activities" {
		t.Fatalf("documented dashboard: %v", report.DashboardType())
	}
	if _, ok := report.ChildType().FieldByName("Xattended"); !ok {
		t.Fatalf("documented child: %v", report.ChildType())
	}
}

// A key already taken, by a dashboard's field or another section, is
// refused.
func TestRegisterRefusesTakenKeys(t *testing.T) {
	for _, key := range []string{"members", "activities", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("key %q accepted", key)
				}
			}()
			report.Register(report.SectionOf[*activity.Figures]{Name: key, Read: func(*stats.Figures, string, string) *activity.Figures { return nil }})
		}()
	}
}
