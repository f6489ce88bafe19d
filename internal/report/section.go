package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"gonghui/internal/auth"
	"gonghui/internal/stats"
)

// Section is one module's part of a dashboard (activities, courses, …):
// figures read from the module's rollups, written in the dashboard's JSON
// under Key, shown on the dashboard page under Title, and optionally a few
// sentences of the period report, labelled figures of the report and its
// workbook, and columns of the children side by side. A module registers
// its section (Register) beside its stats source, so that report names no
// module: a new one adds its section without editing this package.
type Section interface {
	Key() string   // the dashboard's JSON property, e.g. "activities"
	Title() string // message key of the dashboard's heading of the section
	About() string // what the figures are, for the OpenAPI document (may be "")
	// Figures reads the section's figures from a subtree's rollups for the
	// months from … to ("YYYY-MM", inclusive; empty bounds are open).
	Figures(f *stats.Figures, from, to string) any
	Cards(v any) []Item                 // the figures as the dashboard page shows them
	Lines(v any, tr Translate) []string // the period report's sentences (may be none)
	Rows(v any, tr Translate) []Figure  // the report's and workbook's labelled figures (may be none)
	Cols() []Column                     // columns of the children side by side (may be none)
	Type() reflect.Type                 // the Go type Figures answers, for the OpenAPI document
}

// Dated is a section some of whose levels depend on the day (contracts in
// force): the rollups keep them as of today, so for a period that ends on
// a day the dashboard asks the section to count them as of that day, and
// what falls due within the period, from the module's own rows in the
// subtree at path (from and to are days, "YYYY-MM-DD"; from may be "").
type Dated interface {
	AsOf(ctx context.Context, q stats.Queryer, path, from, to string, v any) error
}

// Item is one figure of a section on the dashboard page.
type Item struct {
	Key    string // the figure's name on the page (data-fig)
	Label  string // message key
	Value  int64
	List   string    // path of the list behind the figure ("/activities"), or ""
	Period bool      // the list takes the period (from, to)
	Perm   auth.Perm // what the caller needs to open that list
}

// Column is one figure of each child in the children side by side: a
// flow summed over the period, written as a property of a child's JSON
// and offered as a sort key.
type Column struct {
	Key   string // JSON property and sort key, e.g. "attended"
	Label string // message key of the report's and workbook's heading
	Flow  string // the stats metric summed over the period
}

// SectionOf builds a Section from typed functions; Read is required, the
// others may be nil.
type SectionOf[T any] struct {
	Name     string // JSON property
	TitleKey string // message key of the heading
	Desc     string // for the OpenAPI document
	Read     func(f *stats.Figures, from, to string) T
	Items    func(v T) []Item
	Summary  func(v T, tr Translate) []string
	Export   func(v T, tr Translate) []Figure
	Columns  []Column
	// On, when set, makes the section Dated: it recounts v's day-dependent
	// levels as of the period's last day.
	On func(ctx context.Context, q stats.Queryer, path, from, to string, v T) error
}

// AsOf recounts v as of day to through On (nothing without one).
func (s SectionOf[T]) AsOf(ctx context.Context, q stats.Queryer, path, from, to string, v any) error {
	if t, ok := v.(T); ok && s.On != nil {
		return s.On(ctx, q, path, from, to, t)
	}
	return nil
}

func (s SectionOf[T]) Key() string   { return s.Name }
func (s SectionOf[T]) Title() string { return s.TitleKey }
func (s SectionOf[T]) About() string { return s.Desc }
func (s SectionOf[T]) Figures(f *stats.Figures, from, to string) any {
	return s.Read(f, from, to)
}
func (s SectionOf[T]) Cards(v any) []Item {
	if t, ok := v.(T); ok && s.Items != nil {
		return s.Items(t)
	}
	return nil
}
func (s SectionOf[T]) Lines(v any, tr Translate) []string {
	if t, ok := v.(T); ok && s.Summary != nil {
		return s.Summary(t, tr)
	}
	return nil
}
func (s SectionOf[T]) Rows(v any, tr Translate) []Figure {
	if t, ok := v.(T); ok && s.Export != nil {
		return s.Export(t, tr)
	}
	return nil
}
func (s SectionOf[T]) Cols() []Column     { return s.Columns }
func (s SectionOf[T]) Type() reflect.Type { return reflect.TypeFor[T]() }

var (
	sectionsMu sync.RWMutex
	sections   []Section
)

// Register adds a module's section to every dashboard. Sections come in
// the order of their keys, whatever order packages register them in. A key
// (or a column's key) that is already taken is a programming error.
func Register(s Section) {
	sectionsMu.Lock()
	defer sectionsMu.Unlock()
	taken := append(jsonKeys(reflect.TypeFor[Dashboard]()), jsonKeys(reflect.TypeFor[Child]())...)
	for _, o := range sections {
		taken = append(taken, o.Key())
		for _, c := range o.Cols() {
			taken = append(taken, c.Key)
		}
	}
	keys := []string{s.Key()}
	for _, c := range s.Cols() {
		keys = append(keys, c.Key)
	}
	for _, k := range keys {
		if k == "" || slices.Contains(taken, k) {
			panic(fmt.Sprintf("report: section key %q is empty or taken", k))
		}
	}
	sections = append(sections, s)
	sort.SliceStable(sections, func(i, j int) bool { return sections[i].Key() < sections[j].Key() })
}

// Sections are the registered sections, in key order.
func Sections() []Section {
	sectionsMu.RLock()
	defer sectionsMu.RUnlock()
	return slices.Clone(sections)
}

// columns are the registered sections' columns, in order.
func columns() []Column {
	var out []Column
	for _, s := range Sections() {
		out = append(out, s.Cols()...)
	}
	return out
}

// SectionFigures are one section's figures in a dashboard.
type SectionFigures struct {
	Section Section
	Value   any
}

// Section answers the figures of the section with key, or nil.
func (d *Dashboard) Section(key string) any {
	for _, s := range d.Sections {
		if s.Section.Key() == key {
			return s.Value
		}
	}
	return nil
}

// jsonKeys lists the JSON properties of a struct type's fields.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// spliceJSON writes the object head (without its closing brace), then
// each property of extra, then the object tail (without its opening
// brace).
func spliceJSON(head, tail []byte, extra []property) ([]byte, error) {
	var b bytes.Buffer
	b.Write(head[:len(head)-1])
	first := len(head) == 2 // "{}"
	for _, p := range extra {
		v, err := json.Marshal(p.value)
		if err != nil {
			return nil, err
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(p.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	if len(tail) > 2 {
		if !first {
			b.WriteByte(',')
		}
		b.Write(tail[1:])
	} else {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}

type property struct {
	key   string
	value any
}
