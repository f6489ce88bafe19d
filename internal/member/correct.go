package member

import (
	"context"
	"slices"
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
// registry would, and answers it normalised.
func (s *Store) checkCorrection(in CorrectionInput, cur *Member, curID, curMobile string) (string, error) {
	f := errs.Fields{}
	field := strings.TrimSpace(in.Field)
	value := strings.TrimSpace(in.Value)
	if !slices.Contains(CorrectionFields, field) {
		f.Add("field", "field.invalid_choice")
		return "", f.Err()
	}
	switch field {
	case "name":
		value = cleanName(value)
		switch n := utf8.RuneCountInString(value); {
		case n == 0:
			f.Add("value", "field.required")
		case n < 2:
			f.Add("value", "field.too_short", 2)
		case n > maxName:
			f.Add("value", "field.too_long", maxName)
		case !validName(value):
			f.Add("value", "member.name_chars")
		case value == cur.Name:
			f.Add("value", "rights.correct.same")
		}
	case "id_number":
		if value == "" {
			f.Add("value", "field.required")
		} else if id, err := cnid.ParseResidentID(value); err != nil {
			f.Add("value", idRuleKey(value, err))
		} else if value = id.Number; value == curID {
			f.Add("value", "rights.correct.same")
		}
	case "mobile":
		if value == "" {
			f.Add("value", "field.required")
		} else if m, err := cnid.NormalizeMobile(value); err != nil {
			f.Add("value", "field.mobile.invalid")
		} else if value = m; value == curMobile {
			f.Add("value", "rights.correct.same")
		}
	case "employer_name", "job":
		limit := maxEmployer
		old := cur.EmployerName
		if field == "job" {
			limit, old = maxJob, cur.Job
		}
		switch {
		case value == "":
			f.Add("value", "field.required")
		case utf8.RuneCountInString(value) > limit:
			f.Add("value", "field.too_long", limit)
		case hasControl(value):
			f.Add("value", "member.text_control")
		case value == old:
			f.Add("value", "rights.correct.same")
		}
	}
	note := strings.TrimSpace(in.Note)
	f.Check(utf8.RuneCountInString(note) <= maxCorrectionNote, "note", "field.too_long", maxCorrectionNote)
	f.Check(!hasControl(note), "note", "member.text_control")
	return value, f.Err()
}

// RequestCorrection files member id's request to correct one field.
func (s *Store) RequestCorrection(ctx context.Context, memberID int64, in CorrectionInput) (*Correction, error) {
	r, err := s.load(ctx, memberID)
	if err != nil {
		return nil, err
	}
	value, err := s.checkCorrection(in, &r.Member, s.openOr(r.idSealed, idAAD(memberID)), s.openOr(r.mobileSealed, mobileAAD(memberID)))
	if err != nil {
		return nil, err
	}
	id := db.NewID()
	sealed, err := s.Keys.SealString(value, correctionAAD(id))
	if err != nil {
		return nil, errs.Internal(err, "member: seal correction")
	}
	field := strings.TrimSpace(in.Field)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO correction_requests (id, member_id, org_path, field, value_sealed, note, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, memberID, r.OrgPath, field, sealed, strings.TrimSpace(in.Note), CorrectionPending, scope.Millis(s.now()))
		if db.IsUnique(err) {
			return &errs.Error{Kind: errs.KindConflict, Code: "correction_pending", Key: "rights.correct.pending",
				Fields: map[string]errs.Field{"field": {Key: "rights.correct.pending"}}}
		}
		if err != nil {
			return errs.Internal(err, "member: correction request")
		}
		// The value is personal data: the log keeps only which field.
		return audit.Record(ctx, tx, audit.Event{Action: "member.correction_request", Entity: "member", EntityID: db.FormatID(memberID),
			OrgPath: r.OrgPath, After: map[string]any{"request_id": db.FormatID(id), "field": field}})
	})
	if err != nil {
		return nil, err
	}
	return s.correction(ctx, id, true)
}

const correctionCols = `c.id, c.member_id, m.name, o.name, c.field, c.value_sealed, c.note, c.status, c.reason, c.created_at, c.decided_at, c.decided_by, m.org_path`

const correctionFrom = ` FROM correction_requests c JOIN members m ON m.id = c.member_id JOIN orgs o ON o.id = m.org_id`

// scanCorrection reads a row; own says the member reads it (the value in
// full), else staff (numbers masked).
func (s *Store) scanCorrection(r RowScanner, own bool) (Correction, error) {
	var c Correction
	var created, decided int64
	if err := r.Scan(&c.ID, &c.MemberID, &c.MemberName, &c.OrgName, &c.Field, &c.sealed, &c.Note, &c.Status, &c.Reason, &created, &decided,
		&c.DecidedBy, &c.orgPath); err != nil {
		return c, err
	}
	c.CreatedAt, c.DecidedAt = scope.FromMillis(created), StampOf(decided)
	c.Value = s.openOr(c.sealed, correctionAAD(c.ID))
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

func (s *Store) correction(ctx context.Context, id int64, own bool) (*Correction, error) {
	c, err := s.scanCorrection(s.DB.QueryRow(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE c.id = ?", id), own)
	return One(c, err, "correction", "member: correction")
}

func (c *Correction) path() string { return c.orgPath }

// OwnCorrections lists a member's requests, newest first.
func (s *Store) OwnCorrections(ctx context.Context, memberID int64) ([]Correction, error) {
	return s.corrections(ctx, true, " WHERE c.member_id = ? ORDER BY c.id DESC LIMIT 50", memberID)
}

func (s *Store) corrections(ctx context.Context, own bool, where string, args ...any) ([]Correction, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+correctionCols+correctionFrom+where, args...)
	return collect(rows, err, "member: corrections", func(r RowScanner) (Correction, error) { return s.scanCorrection(r, own) })
}

// PendingCorrections lists the requests waiting in the subtrees where p may
// change members, oldest first (at most 200).
func (s *Store) PendingCorrections(ctx context.Context, p *auth.Principal) ([]Correction, error) {
	if p == nil {
		return nil, scope.NilPrincipal("member")
	}
	out := []Correction{}
	for _, path := range p.Paths(auth.PermMemberWrite) {
		cs, err := s.corrections(ctx, false, " WHERE m.org_path >= ? AND m.org_path < ? AND c.status = ? ORDER BY c.id LIMIT 200",
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
type CorrectionDecision = Decision

// DecideCorrection approves (the record changes through Edit, with its
// checks, history and audit) or rejects a request. It needs member.write
// over the member's current union.
func (s *Store) DecideCorrection(ctx context.Context, pr *auth.Principal, id int64, in CorrectionDecision) (*Correction, error) {
	c, err := s.correction(ctx, id, true)
	if c, err = reviewable(pr, &in, c, err, (*Correction).path); err != nil {
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
		up := Update{Person: Person{Name: cur.Name, EmployerID: cur.EmployerID, EmployerName: cur.EmployerName, Job: cur.Job,
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
			status, in.Reason, scope.Millis(s.now()), actorOf(ctx), id, CorrectionPending)
		if err != nil {
			return errs.Internal(err, "member: decide correction")
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
	return s.correction(ctx, id, false)
}
