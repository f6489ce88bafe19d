package member

import (
	"context"
	"time"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
)

// Synthetic is a made-up member, as the generator of internal/member/roster
// makes them: valid by construction, so it skips the checks of a record.
type Synthetic struct {
	Union      *Union
	Name       string
	ID         cnid.ResidentID
	Mobile     string
	Job        string
	EmployerID int64
	Employer   string
	Tags       int64 // bits in the order of Tags
	JoinedOn   string
	Status     Status
	StatusOn   string
	// From and MovedOn, when set, give the membership a past: it began in
	// union From and was transferred to Union on MovedOn.
	From    *Union
	MovedOn string
}

// InsertSynthetic writes rows, stamped at (milliseconds), in one
// transaction and in bulk: their figures are not logged, so the caller
// rebuilds the figures of StatSource once at the end.
func (s *Store) InsertSynthetic(ctx context.Context, rows []Synthetic, at int64) error {
	people := make([]person, len(rows))
	out := make([]memberRow, len(rows))
	for i := range rows {
		r, p := &rows[i], &people[i]
		*p = person{name: r.Name, id: r.ID, mobile: r.Mobile, job: r.Job, employerID: r.EmployerID, employer: r.Employer,
			tags: r.Tags, joinedOn: r.JoinedOn}
		p.idHash = s.Keys.Hash("id_number", r.ID.Number)
		p.mobileHash = s.Keys.Hash("mobile", p.mobile)
		p.initials = initials(p.name)
		p.grams = bigrams(p.name)
		out[i] = memberRow{id: db.NewID(), org: r.Union, p: p, source: SourceGenerate, actor: "generate", at: at,
			status: r.Status, statusOn: r.StatusOn, from: r.From, movedOn: r.MovedOn}
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error { return s.insertMembers(ctx, tx, out, true) })
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }
