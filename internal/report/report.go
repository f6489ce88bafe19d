// Package report puts together what the organisation, member and activity
// packages count into the figures staff read: an organisation's dashboard
// (its whole subtree), its children side by side, and period reports.
// Every figure comes from the rollups of internal/stats (fresh within a
// couple of seconds): one primary-key range per organisation, at the city
// root as at a union group. Activity figures, like member flows, are kept
// by month: a period covers the months its days fall in.
package report

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/stats"
)

// Reporter reads figures through the stores.
type Reporter struct {
	Orgs    *org.Store
	Members *member.Store
	Stats   *stats.Store
	Now     func() time.Time
}

// Period is a range of days, both included; empty ends are open. Member
// flows are kept by month, so they cover the months the days fall in.
type Period struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// MaxYears is the longest range of days a period, a report or a list
// filter may span: the figures are kept by month and a chart of more than
// ten years of months tells no one anything (a range such as 1900–2100 is a
// typing slip, not a question).
const MaxYears = 10

// Check validates a period's days.
func (p Period) Check() error {
	f := errs.Fields{}
	CheckDays(f, p.From, p.To)
	return f.Err()
}

// CheckDays validates a range of days of the fields "from" and "to" (either
// may be empty): each a date, from not after to, at most MaxYears apart.
// Every page and endpoint that reads a range of days checks it here, so
// they all answer the same field errors.
func CheckDays(f errs.Fields, from, to string) {
	var a, b time.Time
	okA, okB := true, true
	if from != "" {
		a, okA = beijing.ParseDay(from)
		f.Check(okA, "from", "field.invalid_date")
	}
	if to != "" {
		b, okB = beijing.ParseDay(to)
		f.Check(okB, "to", "field.invalid_date")
	}
	if from == "" || to == "" || !okA || !okB {
		return
	}
	if f.Check(!b.Before(a), "to", "field.date_order") {
		f.Check(!b.After(a.AddDate(MaxYears, 0, 0)), "from", "report.range_too_long", MaxYears)
	}
}

// clamp ends a period that runs past today at today: there are no figures
// yet for the days after it. It says whether it did.
func (p Period) clamp(now time.Time) (Period, bool) {
	today := now.In(beijing.Zone).Format(time.DateOnly)
	if p.To > today {
		p.To = today
		if p.From > today {
			p.From = today
		}
		return p, true
	}
	return p, false
}

func (p Period) months() (string, string) {
	m := func(d string) string {
		if len(d) >= 7 {
			return d[:7]
		}
		return ""
	}
	return m(p.From), m(p.To)
}

func (p Period) times() (time.Time, time.Time) {
	var from, to time.Time
	if t, ok := beijing.ParseDay(p.From); ok {
		from = t
	}
	if t, ok := beijing.ParseDay(p.To); ok {
		to = t.AddDate(0, 0, 1)
	}
	return from, to
}

// Members are the registry's figures of a subtree.
type Members struct {
	Active      int64            `json:"active"`
	ByStatus    map[string]int64 `json:"by_status"`
	ByTag       map[string]int64 `json:"by_tag"`        // active members
	Joined      int64            `json:"joined"`        // in the period
	JoinedByTag map[string]int64 `json:"joined_by_tag"` // of those, with each tag on joining
	Left        int64            `json:"left"`
	TransferIn  int64            `json:"transfer_in"`
	TransferOut int64            `json:"transfer_out"`
	Months      []Month          `json:"months"` // the period's months (the last 12 when open), oldest first
	Pending     int              `json:"applications_pending"`
}

// Month is one month's flows.
type Month struct {
	Month       string `json:"month"`
	Joined      int64  `json:"joined"`
	Left        int64  `json:"left"`
	TransferIn  int64  `json:"transfer_in"`
	TransferOut int64  `json:"transfer_out"`
}

// Dashboard is the figures of an organisation's whole subtree.
type Dashboard struct {
	OrgID              int64            `json:"org_id,string"`
	OrgName            string           `json:"org_name"`
	Kind               string           `json:"kind"`
	Period             Period           `json:"period"`           // as counted: ended at today when asked past it
	ClampedToToday     bool             `json:"clamped_to_today"` // the period asked for ran past today
	Orgs               int              `json:"orgs"`
	ByKind             map[string]int   `json:"by_kind"`
	Employers          int              `json:"employers"`
	OrganisedEmployers int              `json:"organised_employers"`
	OrganisingRate     float64          `json:"organising_rate"` // organised employers / employers
	NonPublic          int              `json:"non_public_employers"`
	NonPublicOrganised int              `json:"non_public_organised"`
	NonPublicRate      float64          `json:"non_public_organising_rate"`
	NewForms           int              `json:"new_forms_employers"` // new industries, forms and models
	NewFormsOrganised  int              `json:"new_forms_organised"`
	NewFormsRate       float64          `json:"new_forms_organising_rate"`
	Employees          int64            `json:"employees"`       // of those employers, as recorded
	MembershipRate     float64          `json:"membership_rate"` // active members / employees
	Members            Members          `json:"members"`
	Sections           []SectionFigures `json:"-"`               // each registered module's figures, written after members
	AsOf               time.Time        `json:"as_of"`           // the member figures include every change folded by then
	PendingChanges     int64            `json:"pending_changes"` // logged, not folded yet
	path               string
}

func rate(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)/float64(whole)*10000) / 10000
}

// Dashboard returns the figures of the subtree of organisation id for a
// period, for a caller who may see it.
func (r *Reporter) Dashboard(ctx context.Context, pr *auth.Principal, id int64, p Period) (*Dashboard, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	p, clamped := p.clamp(r.now())
	o, err := r.Orgs.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	// The period's months are all the flows it shows: its totals and
	// its months (an open period wants every month for its totals).
	from, to := p.months()
	figs, err := r.Stats.ReadMany(ctx, []int64{o.ID}, from, to)
	if err != nil {
		return nil, errs.Internal(err, "report: figures")
	}
	f := figs[o.ID]
	c := org.CountsFrom(f)
	d := &Dashboard{OrgID: o.ID, OrgName: o.Name, Kind: string(o.Kind), Period: p, ClampedToToday: clamped, Orgs: c.Orgs, ByKind: map[string]int{},
		Employers: c.Employers, OrganisedEmployers: c.Organised, OrganisingRate: rate(c.Organised, c.Employers), path: o.Path}
	for k, n := range c.ByKind {
		d.ByKind[string(k)] = n
	}
	d.NonPublic, d.NonPublicOrganised, d.NonPublicRate = c.NonPublic, c.NonPublicOrganised, rate(c.NonPublicOrganised, c.NonPublic)
	d.NewForms, d.NewFormsOrganised, d.NewFormsRate = c.NewForms, c.NewFormsOrganised, rate(c.NewFormsOrganised, c.NewForms)
	d.Employees = c.Employees
	d.Members = r.members(f, p)
	if d.Employees > 0 {
		d.MembershipRate = math.Round(float64(d.Members.Active)/float64(d.Employees)*10000) / 10000
	}
	if d.Members.Pending, err = r.Members.PendingApplications(ctx, o.Path); err != nil {
		return nil, errs.Internal(err, "report: applications")
	}
	for _, s := range Sections() {
		v := s.Figures(f, from, to)
		// A period's end is a day: levels that depend on the day are
		// counted as of it, not as of today.
		if ds, ok := s.(Dated); ok && p.To != "" {
			if err := ds.AsOf(ctx, r.Stats.DB, o.Path, p.From, p.To, v); err != nil {
				return nil, errs.Internal(err, "report: "+s.Key())
			}
		}
		d.Sections = append(d.Sections, SectionFigures{Section: s, Value: v})
	}
	n, at, err := r.Stats.Pending(ctx)
	if err != nil {
		return nil, errs.Internal(err, "report: figures")
	}
	d.PendingChanges, d.AsOf = n, at.UTC()
	return d, nil
}

func (r *Reporter) members(f *stats.Figures, p Period) Members {
	m := Members{ByStatus: map[string]int64{}, ByTag: map[string]int64{}}
	for _, st := range member.Statuses {
		m.ByStatus[string(st)] = f.Levels[member.StatStatus(st)]
	}
	m.Active = m.ByStatus[string(member.StatusActive)]
	for _, t := range member.Tags {
		m.ByTag[string(t)] = f.Levels[member.StatTag(t)]
	}
	from, to := p.months()
	m.Joined = f.Flow(member.StatJoined, from, to)
	m.JoinedByTag = map[string]int64{}
	for _, t := range member.Tags {
		m.JoinedByTag[string(t)] = f.Flow(member.StatJoinedTag(t), from, to)
	}
	m.Left = f.Flow(member.StatLeft, from, to)
	m.TransferIn = f.Flow(member.StatTransferIn, from, to)
	m.TransferOut = f.Flow(member.StatTransferOut, from, to)
	m.Months = months(f, from, to, r.now())
	return m
}

func (r *Reporter) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// months lists the months from … to (the last 12 up to now when either is
// open, at most 120) with their flows.
func months(f *stats.Figures, from, to string, now time.Time) []Month {
	if to == "" {
		to = now.In(beijing.Zone).Format("2006-01")
	}
	end, err := time.Parse("2006-01", to)
	if err != nil {
		return nil
	}
	start := end.AddDate(0, -11, 0)
	if from != "" {
		if s, err := time.Parse("2006-01", from); err == nil {
			start = s
		}
	}
	if end.Sub(start) > 120*31*24*time.Hour {
		start = end.AddDate(0, -119, 0)
	}
	var out []Month
	for t := start; !t.After(end); t = t.AddDate(0, 1, 0) {
		k := t.Format("2006-01")
		out = append(out, Month{Month: k, Joined: f.Flows[member.StatJoined][k], Left: f.Flows[member.StatLeft][k],
			TransferIn: f.Flows[member.StatTransferIn][k], TransferOut: f.Flows[member.StatTransferOut][k]})
	}
	return out
}

// Child is one child organisation's figures, for comparing siblings.
type Child struct {
	OrgID          int64   `json:"org_id,string"`
	OrgName        string  `json:"org_name"`
	Kind           string  `json:"kind"`
	Orgs           int     `json:"orgs"`
	Employers      int     `json:"employers"`
	Organised      int     `json:"organised_employers"`
	OrganisingRate float64 `json:"organising_rate"`
	Active         int64   `json:"active"`
	Joined         int64   `json:"joined"`
	Left           int64   `json:"left"`
	// Extra are the registered sections' columns by key, written after
	// left (see Column).
	Extra map[string]int64 `json:"-"`
}

// Children returns the figures of each child of organisation id side by
// side, sorted by the figure named (active by default), largest first.
func (r *Reporter) Children(ctx context.Context, pr *auth.Principal, id int64, p Period, sortBy string) ([]Child, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	p, _ = p.clamp(r.now())
	if sortBy != "" && !slices.Contains(SortKeys(), sortBy) {
		f := errs.Fields{}
		f.Add("sort", "field.invalid_choice")
		return nil, f.Err()
	}
	if _, err := r.Orgs.Get(ctx, pr, id); err != nil {
		return nil, err
	}
	from, to := p.months()
	cols := columns()
	// Only the figures the comparison shows.
	levels := []string{org.StatEmployers, org.StatOrganised, member.StatStatus(member.StatusActive)}
	for _, k := range org.Kinds {
		levels = append(levels, org.StatKind(k))
	}
	flows := []string{member.StatJoined, member.StatLeft}
	for _, c := range cols {
		flows = append(flows, c.Flow)
	}
	out := []Child{}
	after := ""
	for {
		kids, next, err := r.Orgs.Children(ctx, pr, id, after, 200)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(kids))
		for i, k := range kids {
			ids[i] = k.ID
		}
		figs, err := r.Stats.ReadTotals(ctx, ids, levels, flows, from, to)
		if err != nil {
			return nil, errs.Internal(err, "report: figures")
		}
		for _, k := range kids {
			f := figs[k.ID]
			c := org.CountsFrom(f)
			ch := Child{OrgID: k.ID, OrgName: k.Name, Kind: string(k.Kind), Orgs: c.Orgs, Employers: c.Employers,
				Organised: c.Organised, OrganisingRate: rate(c.Organised, c.Employers),
				Active: f.Levels[member.StatStatus(member.StatusActive)], Joined: f.Flow(member.StatJoined, from, to),
				Left: f.Flow(member.StatLeft, from, to), Extra: map[string]int64{}}
			for _, col := range cols {
				ch.Extra[col.Key] = f.Flow(col.Flow, from, to)
			}
			out = append(out, ch)
		}
		if after = next; next == "" || len(out) >= 1000 {
			break
		}
	}
	key := func(c Child) float64 {
		switch sortBy {
		case "orgs":
			return float64(c.Orgs)
		case "employers":
			return float64(c.Employers)
		case "organising_rate":
			return c.OrganisingRate
		case "joined":
			return float64(c.Joined)
		case "left":
			return float64(c.Left)
		case "", "active":
			return float64(c.Active)
		}
		return float64(c.Extra[sortBy])
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) > key(out[j]) })
	return out, nil
}

// SortKeys are the figures Children sorts by: its own, then the sections'
// columns.
func SortKeys() []string {
	out := []string{"active", "joined", "left", "orgs", "employers", "organising_rate"}
	for _, c := range columns() {
		out = append(out, c.Key)
	}
	return out
}
