package member

import (
	"context"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// A member's right to see and take away everything held about them (PIPL
// art. 44–45): the record with their own numbers in full, its history,
// applications, transfers, sign-ups, enrolments, consents and correction
// requests. Seeing one's own numbers is still a reveal and is audited as a
// self-reveal, so that a stolen phone session shows in the log.

// Registration is one activity sign-up of the member.
type Registration struct {
	ActivityID int64     `json:"activity_id,string"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	At         time.Time `json:"at"`
}

// Enrolment is one course term the member applied for.
type Enrolment struct {
	TermID int64     `json:"term_id,string"`
	Name   string    `json:"name"`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// MyData is everything held about one member, as they may see it.
type MyData struct {
	Member        Member          `json:"member"` // numbers in full
	History       []Event         `json:"history"`
	Applications  []ApplicantView `json:"applications"`
	Transfers     []Transfer      `json:"transfers"`
	Registrations []Registration  `json:"registrations"`
	Enrolments    []Enrolment     `json:"enrolments"`
	Consents      []Consent       `json:"consents"`
	Corrections   []Correction    `json:"corrections"`
	GeneratedAt   time.Time       `json:"generated_at"`
}

// OwnData gathers everything held about member id for the member, and
// records the self-reveal of their numbers. how says where it was shown
// ("page", "json", "csv", "api").
func (s *Store) OwnData(ctx context.Context, id int64, how string) (*MyData, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &MyData{Member: r.Member, GeneratedAt: s.now().UTC()}
	d.Member.IDNumber = s.openOr(r.idSealed, idAAD(id))
	d.Member.Mobile = s.openOr(r.mobileSealed, mobileAAD(id))
	if d.History, err = s.historyOf(ctx, id); err != nil {
		return nil, err
	}
	if d.History == nil {
		d.History = []Event{}
	}
	if d.Applications, err = s.OwnApplications(ctx, id); err != nil {
		return nil, err
	}
	if d.Transfers, err = s.OwnTransfers(ctx, id); err != nil {
		return nil, err
	}
	if d.Registrations, err = s.ownRegistrations(ctx, id); err != nil {
		return nil, err
	}
	if d.Enrolments, err = s.ownEnrolments(ctx, id); err != nil {
		return nil, err
	}
	if d.Consents, err = s.consentsOf(ctx, id); err != nil {
		return nil, err
	}
	if d.Corrections, err = s.OwnCorrections(ctx, id); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "pii.self_reveal", Entity: "member", EntityID: db.FormatID(id), OrgPath: r.OrgPath,
			After: map[string]any{"fields": []string{"id_number", "mobile"}, "via": how}})
	})
	if err != nil {
		return nil, errs.Internal(err, "member: audit self-reveal")
	}
	return d, nil
}

func (s *Store) ownRegistrations(ctx context.Context, id int64) ([]Registration, error) {
	rows, err := s.DB.Query(ctx, `SELECT r.activity_id, a.title, r.status, r.created_at FROM registrations r JOIN activities a ON a.id = r.activity_id
		WHERE r.member_id = ? ORDER BY r.created_at DESC`, id)
	return collect(rows, err, "member: own registrations", func(r RowScanner) (Registration, error) {
		var g Registration
		var at int64
		err := r.Scan(&g.ActivityID, &g.Title, &g.Status, &at)
		g.At = scope.FromMillis(at)
		return g, err
	})
}

func (s *Store) ownEnrolments(ctx context.Context, id int64) ([]Enrolment, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.term_id, t.name, e.status, e.created_at FROM enrolments e JOIN course_terms t ON t.id = e.term_id
		WHERE e.member_id = ? ORDER BY e.created_at DESC`, id)
	return collect(rows, err, "member: own enrolments", func(r RowScanner) (Enrolment, error) {
		var e Enrolment
		var at int64
		err := r.Scan(&e.TermID, &e.Name, &e.Status, &at)
		e.At = scope.FromMillis(at)
		return e, err
	})
}
