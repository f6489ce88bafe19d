package member

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// ApplicationStatus is where an application to join stands.
type ApplicationStatus string

const (
	AppPending  ApplicationStatus = "pending"
	AppApproved ApplicationStatus = "approved"
	AppRejected ApplicationStatus = "rejected"
	// AppTransfer: the applicant is an active member of another union, so
	// the application became a transfer request instead of a second
	// membership.
	AppTransfer ApplicationStatus = "transfer"
)

// ConsentVersion names the privacy notice an applicant accepted; it is
// stored with the application.
const ConsentVersion = "privacy-2026-11"

// Application is an application to join a union (指尖入会).
type Application struct {
	ID           int64             `json:"id,string"`
	OrgID        int64             `json:"org_id,string"`
	OrgName      string            `json:"org_name"`
	Name         string            `json:"name"`
	IDNumber     string            `json:"id_number"`  // masked
	Mobile       string            `json:"mobile"`     // masked
	Gender       string            `json:"gender"`     // "" (masked with the ID number)
	BirthDate    string            `json:"birth_date"` // masked with the ID number
	EmployerID   int64             `json:"employer_id,string,omitempty"`
	EmployerName string            `json:"employer_name"`
	Job          string            `json:"job"`
	Tags         []string          `json:"tags"`
	Status       ApplicationStatus `json:"status"`
	Reason       string            `json:"reason,omitempty"`
	MemberID     int64             `json:"member_id,string,omitempty"`
	TransferID   int64             `json:"transfer_id,string,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	DecidedAt    *time.Time        `json:"decided_at,omitempty"`
	DecidedBy    string            `json:"decided_by,omitempty"`
	orgPath      string
	idSealed     string
	mobileSealed string
}

// ApplyInput is what a worker fills in on a union's joining page.
type ApplyInput struct {
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Mobile         string `json:"mobile"`
	EmployerID     int64  `json:"employer_id,string,omitempty"`
	EmployerName   string `json:"employer_name"`
	Job            string `json:"job"`
	PlatformWorker bool   `json:"platform_worker"`
	Consent        bool   `json:"consent"` // the privacy notice was read and accepted
}

// JoinTarget is what the public joining page shows of a union.
type JoinTarget struct {
	ID        int64    `json:"id,string"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Employers []NameID `json:"employers"`
}

// NameID is a name with its id.
type NameID struct {
	ID   int64  `json:"id,string"`
	Name string `json:"name"`
}

// Target returns the public facts of a union that takes applications.
func (s *Store) Target(ctx context.Context, orgID int64) (*JoinTarget, error) {
	u, err := loadUnion(ctx, s.DB, orgID)
	if err != nil {
		return nil, err
	}
	if noMembers[u.Kind] {
		return nil, errs.NotFound("org")
	}
	t := &JoinTarget{ID: u.ID, Name: u.Name, Kind: u.Kind, Employers: []NameID{}}
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.name FROM employers e JOIN org_employers oe ON oe.employer_id = e.id JOIN orgs o ON o.id = oe.org_id
		WHERE o.path = substr(CAST(? AS TEXT), 1, length(o.path)) ORDER BY e.name LIMIT 500`, u.Path)
	if err != nil {
		return nil, errs.Internal(err, "member: join employers")
	}
	defer rows.Close()
	for rows.Next() {
		var n NameID
		if err := rows.Scan(&n.ID, &n.Name); err != nil {
			return nil, errs.Internal(err, "member: join employers")
		}
		t.Employers = append(t.Employers, n)
	}
	return t, rows.Err()
}

func appIDAAD(id int64) string     { return "join_application.id_number:" + db.FormatID(id) }
func appMobileAAD(id int64) string { return "join_application.mobile:" + db.FormatID(id) }

// Apply files an application to join union orgID. Anyone may apply, so
// the answer is the same whoever's ID or mobile number is typed: a person
// already active here, or a mobile number on another member's record, is
// filed as a pending application all the same, and the staff review refuses
// the duplicate (Decide admits through the staff-side checks); a person
// with an application pending gets that one back. Only a person active in
// another union changes what is stored: a transfer request instead of a
// second membership, which the applicant's answer does not tell either (see
// Application.Public).
func (s *Store) Apply(ctx context.Context, orgID int64, in ApplyInput) (*Application, error) {
	f := errs.Fields{}
	var tags []string
	if in.PlatformWorker {
		tags = []string{string(TagPlatformWorker)}
	}
	p := s.checkPerson(Person{Name: in.Name, IDNumber: in.IDNumber, Mobile: in.Mobile, EmployerID: in.EmployerID,
		EmployerName: in.EmployerName, Job: in.Job, Tags: tags}, f, true)
	f.Check(in.Consent, "consent", "member.consent_required")
	u, err := loadUnion(ctx, s.DB, orgID)
	if err != nil || noMembers[u.Kind] {
		return nil, errs.NotFound("org")
	}
	// checkEmployer only looks at an employer given by id.
	if p.employerID == 0 && p.employer == "" && !in.PlatformWorker {
		f.Add("employer_name", "member.employer_required")
	}
	if err := checkedFor(ctx, s.DB, u, &p, f); err != nil {
		return nil, err
	}
	appID := db.NewID()
	var receipt *Application
	var dup *duplicate // whom to tell by SMS of a repeated application (join_sms.go)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		dup = nil
		u, err := loadUnion(ctx, tx, orgID)
		if err != nil {
			return err
		}
		var pending int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM join_applications WHERE id_hash = ? AND status = ?", p.idHash, string(AppPending)).Scan(&pending); err != nil {
			return errs.Internal(err, "member: pending application")
		}
		if pending > 0 {
			// Answered as if filed; the pending one stands for this person.
			receipt = &Application{ID: appID, OrgID: u.ID, OrgName: u.Name, Name: p.name, Status: AppPending, CreatedAt: s.now(), Tags: []string{}}
			dup, err = pendingDuplicate(ctx, tx, p.idHash, u.Name)
			return err
		}
		ex, err := findByIDHash(ctx, tx, p.idHash)
		if err != nil {
			return err
		}
		status := AppPending
		var transferID int64
		if ex != nil && ex.Status == StatusActive && ex.OrgID != u.ID {
			// With a transfer already open the application is filed
			// plainly (staff review refuses it): an error here would tell
			// a stranger that this person is a member somewhere.
			var open int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM transfers WHERE member_id = ? AND status IN (?, ?)", ex.ID,
				string(TransferRequested), string(TransferReleased)).Scan(&open); err != nil {
				return errs.Internal(err, "member: open transfers")
			}
			if open == 0 {
				status = AppTransfer
				transferID = db.NewID()
			}
		}
		if ex != nil && ex.Status == StatusActive && status == AppPending {
			// A member already (here, or elsewhere with a transfer open):
			// filed plainly for the staff to refuse; the member is told.
			if dup, err = memberDuplicate(ctx, tx, ex.ID, u.Name); err != nil {
				return err
			}
		}
		idS, err := s.Keys.SealString(p.id.Number, appIDAAD(appID))
		if err != nil {
			return errs.Internal(err, "member: seal")
		}
		mobS, err := s.Keys.SealString(p.mobile, appMobileAAD(appID))
		if err != nil {
			return errs.Internal(err, "member: seal")
		}
		at := scope.Millis(s.now())
		_, err = tx.Exec(ctx, `INSERT INTO join_applications (id, org_id, org_path, name, id_hash, id_sealed, mobile_hash, mobile_sealed, gender, birth_date,
			employer_id, employer_name, job, tags, status, transfer_id, consent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			appID, u.ID, u.Path, p.name, p.idHash, idS, p.mobileHash, mobS, p.gender(), p.birth(), nullID(p.employerID), p.employer, p.job, p.tags,
			string(status), nullID(transferID), ConsentVersion, at)
		if db.IsUnique(err) { // a concurrent application with the same ID number
			return errs.Conflict("application_pending", "member.application_pending")
		}
		if err != nil {
			return errs.Internal(err, "member: insert application")
		}
		if err := recordConsents(ctx, tx, []consentRow{{appID: appID, path: ConsentOnline, orgPath: u.Path, at: at}}); err != nil {
			return err
		}
		if status == AppTransfer {
			_, err = tx.Exec(ctx, `INSERT INTO transfers (id, member_id, from_org_id, from_path, to_org_id, to_path, status, note, requested_by, requested_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, transferID, ex.ID, ex.OrgID, ex.OrgPath, u.ID, u.Path, string(TransferRequested),
				"", "applicant", at)
			if db.IsUnique(err) { // a transfer opened concurrently
				return errs.Conflict("transfer_open", "member.transfer_open")
			}
			if err != nil {
				return errs.Internal(err, "member: application transfer")
			}
			if err := addEvent(ctx, tx, event{MemberID: ex.ID, At: at, OnDate: s.today(), Kind: EventTransferAsked, OrgID: ex.OrgID,
				OrgPath: ex.OrgPath, OtherOrgID: u.ID, Actor: "applicant"}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "join.apply", Entity: "join_application", EntityID: db.FormatID(appID), OrgPath: u.Path,
			After: auditView(&p, u.ID, "")})
	})
	if err == nil {
		s.tellDuplicate(ctx, dup)
	}
	if err != nil || receipt != nil {
		return receipt, err
	}
	return s.loadApplication(ctx, appID)
}

// Public is what the applicant is answered: the same for every
// application filed, so that the answer tells nothing of whose number was
// typed (a member here or elsewhere, a pending application).
func (a *Application) Public() map[string]any {
	return map[string]any{"id": db.FormatID(a.ID), "status": AppPending, "org_name": a.OrgName}
}

const appCols = `a.id, a.org_id, o.name, a.org_path, a.name, a.id_sealed, a.mobile_sealed, a.gender, a.birth_date, COALESCE(a.employer_id, 0),
	a.employer_name, a.job, a.tags, a.status, a.reason, COALESCE(a.member_id, 0), COALESCE(a.transfer_id, 0), a.created_at, a.decided_at, a.decided_by`

const appFrom = ` FROM join_applications a JOIN orgs o ON o.id = a.org_id`

func (s *Store) scanApp(r RowScanner) (Application, error) {
	var a Application
	var tags, created, decided int64
	err := r.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.orgPath, &a.Name, &a.idSealed, &a.mobileSealed, &a.Gender, &a.BirthDate, &a.EmployerID,
		&a.EmployerName, &a.Job, &tags, &a.Status, &a.Reason, &a.MemberID, &a.TransferID, &created, &decided, &a.DecidedBy)
	if err != nil {
		return a, err
	}
	a.Tags = TagNames(tags)
	a.CreatedAt, a.DecidedAt = scope.FromMillis(created), StampOf(decided)
	a.IDNumber = cnid.MaskResidentID(s.openOr(a.idSealed, appIDAAD(a.ID)))
	a.Mobile = cnid.MaskMobile(s.openOr(a.mobileSealed, appMobileAAD(a.ID)))
	maskDerived(&a.BirthDate, &a.Gender)
	return a, nil
}

func (s *Store) loadApplication(ctx context.Context, id int64) (*Application, error) {
	a, err := s.scanApp(s.DB.QueryRow(ctx, "SELECT "+appCols+appFrom+" WHERE a.id = ?", id))
	return One(a, err, "application", "member: load application")
}

func (a *Application) path() string { return a.orgPath }

// GetApplication returns an application to a union the caller may see.
func (s *Store) GetApplication(ctx context.Context, pr *auth.Principal, id int64) (*Application, error) {
	a, err := s.loadApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	if pr == nil || !rule.CanRead(pr, a.orgPath) {
		return nil, errs.NotFound("application")
	}
	return a, nil
}

// Decision approves or rejects an application.
type Decision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason"` // required to reject
}

// check trims the reason and requires one to reject.
func (in *Decision) check() error {
	in.Reason = strings.TrimSpace(in.Reason)
	f := errs.Fields{}
	f.Check(in.Approve || in.Reason != "", "reason", "field.required")
	f.Check(utf8.RuneCountInString(in.Reason) <= 200, "reason", "field.too_long", 200)
	return f.Err()
}

// Decide approves an application (the applicant becomes a member, or a
// former member rejoins) or rejects it with a reason.
func (s *Store) Decide(ctx context.Context, pr *auth.Principal, id int64, in Decision) (*Application, error) {
	a, err := s.GetApplication(ctx, pr, id)
	if _, err := Reviewable(pr, &in, a, err, (*Application).path); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		a, err := s.scanApp(tx.QueryRow(ctx, "SELECT "+appCols+appFrom+" WHERE a.id = ?"+tx.ForUpdateOf("a"), id))
		if err != nil {
			return errs.Internal(err, "member: lock application")
		}
		if err := rule.Writable(pr, a.orgPath); err != nil {
			return err
		}
		if a.Status != AppPending {
			return errs.Conflict("application_decided", "member.application_decided")
		}
		at := scope.Millis(s.now())
		status, memberID := AppRejected, int64(0)
		if in.Approve {
			status = AppApproved
			idNum := s.openOr(a.idSealed, appIDAAD(a.ID))
			mobile := s.openOr(a.mobileSealed, appMobileAAD(a.ID))
			f := errs.Fields{}
			p := s.checkPerson(Person{Name: a.Name, IDNumber: idNum, Mobile: mobile, EmployerID: a.EmployerID, EmployerName: a.EmployerName,
				Job: a.Job, Tags: a.Tags}, f, true)
			if err := f.Err(); err != nil {
				return err
			}
			u, err := loadUnion(ctx, tx, a.OrgID)
			if err != nil {
				return err
			}
			if memberID, err = s.admit(ctx, tx, u, &p, SourceOnline, actorOf(ctx)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE join_applications SET status = ?, reason = ?, member_id = ?, decided_at = ?, decided_by = ? WHERE id = ?",
			string(status), in.Reason, nullID(memberID), at, actorOf(ctx), id); err != nil {
			return errs.Internal(err, "member: decide application")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "join." + string(status), Entity: "join_application", EntityID: db.FormatID(id),
			OrgPath: a.orgPath, After: map[string]any{"status": status, "reason": in.Reason, "member_id": db.FormatID(memberID)}})
	})
	if err != nil {
		return nil, err
	}
	return s.loadApplication(ctx, id)
}

// ApplicantView is what an applicant sees of their own applications.
type ApplicantView struct {
	ID        int64             `json:"id,string"`
	OrgName   string            `json:"org_name"`
	Status    ApplicationStatus `json:"status"`
	Reason    string            `json:"reason,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	DecidedAt *time.Time        `json:"decided_at,omitempty"`
	// TransferStatus follows the transfer an application turned into.
	TransferStatus TransferStatus `json:"transfer_status,omitempty"`
}

// Track lets an applicant follow their applications: both the mobile and
// the ID number given on the form must match, so that knowing someone's
// phone number is not enough to learn where they applied.
func (s *Store) Track(ctx context.Context, mobile, idNumber string) ([]ApplicantView, error) {
	f := errs.Fields{}
	m, err := cnid.NormalizeMobile(mobile)
	if err != nil {
		f.Add("mobile", "field.mobile.invalid")
	}
	id, err := cnid.ParseResidentID(idNumber)
	if err != nil {
		f.Add("id_number", idRuleKey(idNumber, err))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.applicantViews(ctx, "a.mobile_hash = ? AND a.id_hash = ?", s.Keys.Hash("mobile", m), s.Keys.Hash("id_number", id.Number))
}

// OwnApplications lists the applications to join made with a member's ID
// number, for the member signed in.
func (s *Store) OwnApplications(ctx context.Context, memberID int64) ([]ApplicantView, error) {
	return s.applicantViews(ctx, "a.id_hash = (SELECT id_hash FROM members WHERE id = ?)", memberID)
}

// applicantViews lists the applications matching where, newest first.
func (s *Store) applicantViews(ctx context.Context, where string, args ...any) ([]ApplicantView, error) {
	rows, err := s.DB.Query(ctx, `SELECT a.id, o.name, a.status, a.reason, a.created_at, a.decided_at, COALESCE(t.status, '')
		FROM join_applications a JOIN orgs o ON o.id = a.org_id LEFT JOIN transfers t ON t.id = a.transfer_id
		WHERE `+where+` ORDER BY a.id DESC LIMIT 20`, args...)
	return ScanAll(rows, err, []ApplicantView{}, "member: applications", func(r RowScanner) (ApplicantView, error) {
		var v ApplicantView
		var created, decided int64
		err := r.Scan(&v.ID, &v.OrgName, &v.Status, &v.Reason, &created, &decided, &v.TransferStatus)
		v.CreatedAt, v.DecidedAt = scope.FromMillis(created), StampOf(decided)
		return v, err
	})
}
