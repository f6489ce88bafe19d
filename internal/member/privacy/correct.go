package privacy

import (
	"context"
	"slices"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
)

// A member asks for a field of their record to be corrected (PIPL art. 46);
// staff of the member's union approve (the change goes through Edit, with
// its checks, history and audit) or reject with a reason.

// CorrectionFields are the fields a member may ask to correct.
var CorrectionFields = []string{"name", "id_number", "mobile", "employer_name", "job"}

// Correction statuses.
const (
	CorrectionPending  = "pending"
	CorrectionApproved = "approved"
	CorrectionRejected = "rejected"
)

// CorrectionInput is a member's request.
type CorrectionInput struct {
	Field string `json:"field"`
	Value string `json:"value"`
	Note  string `json:"note"`
}

// Correction is a request to correct a member's record.
type Correction struct {
	ID         int64      `json:"id,string"`
	MemberID   int64      `json:"member_id,string"`
	MemberName string     `json:"member_name,omitempty"` // staff listings
	OrgName    string     `json:"org_name,omitempty"`
	Field      string     `json:"field"`
	Value      string     `json:"value"` // numbers masked for staff, in full for the member
	Note       string     `json:"note,omitempty"`
	Status     string     `json:"status"`
	Reason     string     `json:"reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	DecidedBy  string     `json:"decided_by,omitempty"`
	orgPath    string
	sealed     string
}

func correctionAAD(id int64) string { return "correction.value:" + db.FormatID(id) }

const maxCorrectionNote = 200

// checkCorrection validates a request's value for its field, as the
// registry would, and answers it normalised; cur is the member's record
// with their numbers in full.
func checkCorrection(in CorrectionInput, cur *member.Member) (string, error) {
	f := errs.Fields{}
	field := strings.TrimSpace(in.Field)
	if !slices.Contains(CorrectionFields, field) {
		f.Add("field", "field.invalid_choice")
		return "", f.Err()
	}
	value := member.CheckValue(field, in.Value, f, "value")
	was := map[string]string{"name": cur.Name, "id_number": cur.IDNumber, "mobile": cur.Mobile, "employer_name": cur.EmployerName, "job": cur.Job}
	f.Check(value != was[field], "value", "rights.correct.same")
	member.CheckText(strings.TrimSpace(in.Note), maxCorrectionNote, f, "note")
	return value, f.Err()
}

// RequestCorrection files member id's request to correct one field.
func RequestCorrection(ctx context.Context, s *member.Store, memberID int64, in CorrectionInput) (*Correction, error) {
	cur, err := s.OwnInFull(ctx, memberID)
	if err != nil {
		return nil, err
	}
	value, err := checkCorrection(in, cur)
	if err != nil {
		return nil, err
	}
	id := db.NewID()
	sealed, err := s.Keys.SealString(value, correctionAAD(id))
	if err != nil {
		return nil, errs.Internal(err, "privacy: seal correction")
	}
	field := strings.TrimSpace(in.Field)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO correction_requests (id, member_id, org_path, field, value_sealed, note, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, memberID, cur.OrgPath, field, sealed, strings.TrimSpace(in.Note), CorrectionPending, scope.Millis(s.Now()))
		if db.IsUnique(err) {
			return &errs.Error{Kind: errs.KindConflict, Code: "correction_pending", Key: "rights.correct.pending",
				Fields: map[string]errs.Field{"field": {Key: "rights.correct.pending"}}}
		}
		if err != nil {
			return errs.Internal(err, "privacy: correction request")
		}
		// The value is personal data: the log keeps only which field.
		return audit.Record(ctx, tx, audit.Event{Action: "member.correction_request", Entity: "member", EntityID: db.FormatID(memberID),
			OrgPath: cur.OrgPath, After: map[string]any{"request_id": db.FormatID(id), "field": field}})
	})
	if err != nil {
		return nil, err
	}
	return correction(ctx, s, id, true)
}

const correctionCols = `c.id, c.member_id, m.name, o.name, c.field, c.value_sealed, c.note, c.status, c.reason, c.created_at, c.decided_at, c.decided_by, m.org_path`

const correctionFrom = ` FROM correction_requests c JOIN members m ON m.id = c.member_id JOIN orgs o ON o.id = m.org_id`

// scanCorrection reads a row; own says the member reads it (the value in
// full), else staff (numbers masked).
func scanCorrection(s *member.Store, r member.RowScanner, own bool) (Correction, error) {
	var c Correction
	var created, decided int64
	if err := r.Scan(&c.ID, &c.MemberID, &c.MemberName, &c.OrgName, &c.Field, &c.sealed, &c.Note, &c.Status, &c.Reason, &created, &decided,
		&c.DecidedBy, &c.orgPath); err != nil {
		return c, err
	}
	c.CreatedAt, c.DecidedAt = scope.FromMillis(created), member.StampOf(decided)
	// A value that does not open (a lost key) shows as nothing.
	c.Value, _ = s.Keys.OpenString(c.sealed, correctionAAD(c.ID))
	if !own {
		switch c.Field {
		case "id_number":
			c.Value = cnid.MaskResidentID(c.Value)
		case "mobile":
			c.Value = cnid.MaskMobile(c.Value)
		}
	} else {
		c.MemberName, c.OrgName = "", ""
	}
	return c, nil
}

func correction(ctx context.Context, s *member.Store, id int64, own bool) (*Correction, error) {
	c, err := scanCorrection(s, s.DB.QueryRow(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE c.id = ?", id), own)
	return member.One(c, err, "correction", "privacy: correction")
}

func (c *Correction) path() string { return c.orgPath }

// OwnCorrections lists a member's requests, newest first.
func OwnCorrections(ctx context.Context, s *member.Store, memberID int64) ([]Correction, error) {
	return corrections(ctx, s, true, " WHERE c.member_id = ? ORDER BY c.id DESC LIMIT 50", memberID)
}

func corrections(ctx context.Context, s *member.Store, own bool, where string, args ...any) ([]Correction, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+correctionCols+correctionFrom+where, args...)
	return member.ScanAll(rows, err, []Correction{}, "privacy: corrections", func(r member.RowScanner) (Correction, error) {
		return scanCorrection(s, r, own)
	})
}

// PendingCorrections lists the requests waiting in the subtrees where p may
// change members, oldest first (at most 200).
func PendingCorrections(ctx context.Context, s *member.Store, p *auth.Principal) ([]Correction, error) {
	if p == nil {
		return nil, scope.NilPrincipal("member")
	}
	out := []Correction{}
	for _, path := range p.Paths(auth.PermMemberWrite) {
		cs, err := corrections(ctx, s, false, " WHERE m.org_path >= ? AND m.org_path < ? AND c.status = ? ORDER BY c.id LIMIT 200",
			path, audit.PathEnd(path), CorrectionPending)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// CorrectionDecision approves a request, or rejects it with a reason: the
// same decision as on a join application.
type CorrectionDecision = member.Decision

// DecideCorrection approves (the record changes through Edit, with its
// checks, history and audit) or rejects a request. It needs member.write
// over the member's current union.
func DecideCorrection(ctx context.Context, s *member.Store, pr *auth.Principal, id int64, in CorrectionDecision) (*Correction, error) {
	c, err := correction(ctx, s, id, true)
	if c, err = member.Reviewable(pr, &in, c, err, (*Correction).path); err != nil {
		return nil, err
	}
	if c.Status != CorrectionPending {
		return nil, errs.Conflict("correction_decided", "rights.correct.decided")
	}
	status := CorrectionRejected
	if in.Approve {
		status = CorrectionApproved
		cur, err := s.Get(ctx, pr, c.MemberID)
		if err != nil {
			return nil, err
		}
		// Blank numbers keep those on file (see Update).
		up := member.Update{Person: member.Person{Name: cur.Name, EmployerID: cur.EmployerID, EmployerName: cur.EmployerName, Job: cur.Job,
			JoinedOn: cur.JoinedOn, Tags: cur.Tags}, Version: cur.Version}
		switch c.Field {
		case "name":
			up.Name = c.Value
		case "id_number":
			up.IDNumber = c.Value
		case "mobile":
			up.Mobile = c.Value
		case "employer_name":
			up.EmployerID, up.EmployerName = 0, c.Value
		case "job":
			up.Job = c.Value
		}
		if _, err := s.Edit(ctx, pr, c.MemberID, up); err != nil {
			return nil, err
		}
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE correction_requests SET status = ?, reason = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = ?",
			status, in.Reason, scope.Millis(s.Now()), audit.ActorFrom(ctx).Name, id, CorrectionPending)
		if err != nil {
			return errs.Internal(err, "privacy: decide correction")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("correction_decided", "rights.correct.decided")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "member.correction_" + status, Entity: "member", EntityID: db.FormatID(c.MemberID),
			OrgPath: c.orgPath, After: map[string]any{"request_id": db.FormatID(id), "field": c.Field, "reason": in.Reason}})
	})
	if err != nil {
		return nil, err
	}
	return correction(ctx, s, id, false)
}
