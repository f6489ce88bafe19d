package station

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// The stations' figures (see internal/stats), at the keeping
// organisation's path:
//
//	station.n             active stations (a level)
//	station.type.<type>   of them, of each built-in type; staff-added
//	                      types together as station.type.other
//	station.visits        visits by signed-in workers, by the month (Beijing)
//	station.anon          anonymous visits (a device, not a person)
//	station.claims        services claimed (a drink, a charge, …)
const (
	StatPrefix = "station."
	StatN      = StatPrefix + "n"
	StatVisits = StatPrefix + "visits"
	StatAnon   = StatPrefix + "anon"
	StatClaims = StatPrefix + "claims"
	typeOther  = "other"
)

// StatType is the level of active stations of type t.
func StatType(t string) string {
	if !slices.Contains(BuiltinTypes, t) {
		t = typeOther
	}
	return StatPrefix + "type." + t
}

// levelChanges are what one station of type t and status st adds to the
// levels at path (sign +1) or takes away (-1).
func levelChanges(path, t string, st Status, sign int64) []stats.Change {
	if st != StatusActive {
		return nil
	}
	return []stats.Change{{OrgPath: path, Metric: StatN, Delta: sign}, {OrgPath: path, Metric: StatType(t), Delta: sign}}
}

// StatSource recounts the stations' figures from their rows.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, "SELECT org_path, type FROM stations WHERE status = ?", StatusActive)
		if err != nil {
			return fmt.Errorf("station: recount: %w", err)
		}
		for rows.Next() {
			var path, t string
			if err := rows.Scan(&path, &t); err != nil {
				rows.Close()
				return fmt.Errorf("station: recount: %w", err)
			}
			for _, c := range levelChanges(path, t, StatusActive, 1) {
				emit(c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("station: recount: %w", err)
		}
		for _, c := range []struct{ sql, metric string }{
			{"SELECT org_path, day FROM station_visits WHERE member_id IS NOT NULL", StatVisits},
			{"SELECT org_path, day FROM station_visits WHERE member_id IS NULL", StatAnon},
			{"SELECT org_path, day FROM station_claims", StatClaims}} {
			if err := eachDay(ctx, q, c.sql, c.metric, emit); err != nil {
				return err
			}
		}
		return nil
	}}
}

func eachDay(ctx context.Context, q stats.Queryer, query, metric string, emit func(stats.Change)) error {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return fmt.Errorf("station: recount %s: %w", metric, err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, d string
		if err := rows.Scan(&path, &d); err != nil {
			return fmt.Errorf("station: recount %s: %w", metric, err)
		}
		emit(stats.Change{OrgPath: path, Metric: metric, Month: d[:7], Delta: 1})
	}
	return rows.Err()
}

// TypeCount is how many active stations of one type a subtree has.
type TypeCount struct {
	Type  string `json:"type"` // a built-in type, or "other": the staff-added types together
	Count int    `json:"count"`
}

// Figures are the stations' figures of a subtree: its active stations
// now, by type, and the visits and claims of a period.
type Figures struct {
	Stations  int         `json:"stations"`
	ByType    []TypeCount `json:"by_type"`
	Visits    int         `json:"visits"`    // by signed-in workers
	Anonymous int         `json:"anonymous"` // by devices, not signed in
	Claims    int         `json:"claims"`    // services claimed
}

// FiguresFrom reads the stations' figures of a subtree for the months
// from … to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	out := &Figures{Stations: int(f.Levels[StatN]), ByType: []TypeCount{},
		Visits: int(f.Flow(StatVisits, from, to)), Anonymous: int(f.Flow(StatAnon, from, to)), Claims: int(f.Flow(StatClaims, from, to))}
	for _, t := range append(slices.Clone(BuiltinTypes), typeOther) {
		if n := f.Levels[StatPrefix+"type."+t]; n != 0 {
			out.ByType = append(out.ByType, TypeCount{Type: t, Count: int(n)})
		}
	}
	return out
}

// TypeKey is the message key of a built-in type's name (or of "other").
func TypeKey(t string) string { return "station.type." + t }

// The stations' part of every dashboard: stations now, by type, and the
// visits and claims of the period.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "stations", TitleKey: "station.dash.title",
		Desc: "Service stations (服务阵地) kept by organisations of the subtree: active stations now and by type (staff-added types together as \"other\"), and in the period the visits recorded by scanning their codes (signed-in workers, anonymous devices) and the services claimed.",
		Read: FiguresFrom,
		Items: func(f *Figures) []report.Item {
			return []report.Item{
				{Key: "stations_n", Label: "station.dash.stations", Value: int64(f.Stations), List: "/stations", Perm: auth.PermStationRead},
				{Key: "stations_visits", Label: "station.dash.visits", Value: int64(f.Visits + f.Anonymous), Period: true},
				{Key: "stations_claims", Label: "station.dash.claims", Value: int64(f.Claims), Period: true}}
		},
		Summary: func(f *Figures, tr report.Translate) []string {
			if f.Stations == 0 && f.Visits+f.Anonymous == 0 {
				return nil
			}
			var parts []string
			for _, c := range f.ByType {
				parts = append(parts, tr("station.report.type", tr(TypeKey(c.Type)), report.Num(c.Count)))
			}
			return []string{tr("station.report.line", report.Num(f.Stations), strings.Join(parts, tr("station.report.sep")),
				report.Num(f.Visits+f.Anonymous), report.Num(f.Claims))}
		},
		Export: func(f *Figures, tr report.Translate) []report.Figure {
			out := []report.Figure{{Label: tr("station.dash.stations"), Value: f.Stations}}
			for _, c := range f.ByType {
				out = append(out, report.Figure{Label: tr("station.dash.of_type", tr(TypeKey(c.Type))), Value: c.Count})
			}
			return append(out, report.Figure{Label: tr("station.dash.member_visits"), Value: f.Visits},
				report.Figure{Label: tr("station.dash.anon_visits"), Value: f.Anonymous}, report.Figure{Label: tr("station.dash.claims"), Value: f.Claims})
		},
		Columns: []report.Column{{Key: "station_visits", Label: "station.dash.member_visits", Flow: StatVisits}},
	})
}
