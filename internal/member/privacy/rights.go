package privacy

import (
	"context"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
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
	Member        member.Member          `json:"member"` // numbers in full
	History       []member.Event         `json:"history"`
	Applications  []member.ApplicantView `json:"applications"`
	Transfers     []member.Transfer      `json:"transfers"`
	Registrations []Registration         `json:"registrations"`
	Enrolments    []Enrolment            `json:"enrolments"`
	Consents      []Consent              `json:"consents"`
	Corrections   []Correction           `json:"corrections"`
	GeneratedAt   time.Time              `json:"generated_at"`
}

// OwnData gathers everything held about member id for the member, and
// records the self-reveal of their numbers. how says where it was shown
// ("page", "json", "csv", "api").
func OwnData(ctx context.Context, s *member.Store, id int64, how string) (*MyData, error) {
	m, err := s.OwnInFull(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &MyData{Member: *m, GeneratedAt: s.Now().UTC()}
	if d.History, err = s.OwnHistory(ctx, id); err != nil {
		return nil, err
	}
	if d.History == nil {
		d.History = []member.Event{}
	}
	if d.Applications, err = s.OwnApplications(ctx, id); err != nil {
		return nil, err
	}
	if d.Transfers, err = s.OwnTransfers(ctx, id); err != nil {
		return nil, err
	}
	if d.Registrations, err = ownRegistrations(ctx, s, id); err != nil {
		return nil, err
	}
	if d.Enrolments, err = ownEnrolments(ctx, s, id); err != nil {
		return nil, err
	}
	if d.Consents, err = consentsOf(ctx, s, id); err != nil {
		return nil, err
	}
	if d.Corrections, err = OwnCorrections(ctx, s, id); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "pii.self_reveal", Entity: "member", EntityID: db.FormatID(id), OrgPath: m.OrgPath,
			After: map[string]any{"fields": []string{"id_number", "mobile"}, "via": how}})
	})
	if err != nil {
		return nil, errs.Internal(err, "privacy: audit self-reveal")
	}
	return d, nil
}

func ownRegistrations(ctx context.Context, s *member.Store, id int64) ([]Registration, error) {
	rows, err := s.DB.Query(ctx, `SELECT r.activity_id, a.title, r.status, r.created_at FROM registrations r JOIN activities a ON a.id = r.activity_id
		WHERE r.member_id = ? ORDER BY r.created_at DESC`, id)
	return member.ScanAll(rows, err, []Registration{}, "privacy: own registrations", func(r member.RowScanner) (Registration, error) {
		var g Registration
		var at int64
		err := r.Scan(&g.ActivityID, &g.Title, &g.Status, &at)
		g.At = scope.FromMillis(at)
		return g, err
	})
}

func ownEnrolments(ctx context.Context, s *member.Store, id int64) ([]Enrolment, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.term_id, t.name, e.status, e.created_at FROM enrolments e JOIN course_terms t ON t.id = e.term_id
		WHERE e.member_id = ? ORDER BY e.created_at DESC`, id)
	return member.ScanAll(rows, err, []Enrolment{}, "privacy: own enrolments", func(r member.RowScanner) (Enrolment, error) {
		var e Enrolment
		var at int64
		err := r.Scan(&e.TermID, &e.Name, &e.Status, &at)
		e.At = scope.FromMillis(at)
		return e, err
	})
}

// Consent is one consent as its member sees it.
type Consent struct {
	ID            int64     `json:"id,string"`
	Path          string    `json:"path"`
	ApplicationID int64     `json:"application_id,string,omitempty"`
	Collector     string    `json:"collector"` // "" when the member gave it themselves
	At            time.Time `json:"at"`
	Purposes      []string  `json:"purposes"`
	TextVersion   string    `json:"text_version"`
	BatchRef      string    `json:"batch_ref,omitempty"`
}

// consentsOf lists a member's consents: those recorded for the membership
// and those given on applications made with the member's ID number.
func consentsOf(ctx context.Context, s *member.Store, memberID int64) ([]Consent, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, path, COALESCE(application_id, 0), collector, at, purposes, text_version, batch_ref FROM consents
		WHERE member_id = ? OR application_id IN (SELECT a.id FROM join_applications a JOIN members m ON m.id_hash = a.id_hash WHERE m.id = ?)
		ORDER BY at, id`, memberID, memberID)
	return member.ScanAll(rows, err, []Consent{}, "privacy: consents", func(r member.RowScanner) (Consent, error) {
		var c Consent
		var at int64
		var purposes string
		err := r.Scan(&c.ID, &c.Path, &c.ApplicationID, &c.Collector, &at, &purposes, &c.TextVersion, &c.BatchRef)
		c.At = scope.FromMillis(at)
		c.Purposes = strings.Split(purposes, ",")
		return c, err
	})
}
