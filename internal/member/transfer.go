package member

import (
	"context"
	"database/sql"
	"errors"
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

// TransferStatus is where a transfer stands: requested, then released by
// the source union, then accepted (the membership moves) or rejected by the
// target; either side may reject before that, the requester may cancel.
type TransferStatus string

const (
	TransferRequested TransferStatus = "requested"
	TransferReleased  TransferStatus = "released"
	TransferAccepted  TransferStatus = "accepted"
	TransferRejected  TransferStatus = "rejected"
	TransferCancelled TransferStatus = "cancelled"
)

// Transfer is a request to move a membership to another union.
type Transfer struct {
	ID           int64          `json:"id,string"`
	MemberID     int64          `json:"member_id,string"`
	MemberName   string         `json:"member_name"`
	IDNumber     string         `json:"id_number"` // masked
	FromOrgID    int64          `json:"from_org_id,string"`
	FromOrgName  string         `json:"from_org_name"`
	ToOrgID      int64          `json:"to_org_id,string"`
	ToOrgName    string         `json:"to_org_name"`
	Status       TransferStatus `json:"status"`
	Reason       string         `json:"reason"`
	Note         string         `json:"note"`
	RequestedBy  string         `json:"requested_by"`
	RequestedAt  time.Time      `json:"requested_at"`
	ReleasedBy   string         `json:"released_by,omitempty"`
	ReleasedAt   *time.Time     `json:"released_at,omitempty"`
	DecidedBy    string         `json:"decided_by,omitempty"`
	DecidedAt    *time.Time     `json:"decided_at,omitempty"`
	fromPath     string
	toPath       string
	CanRelease   bool `json:"can_release"`
	CanAccept    bool `json:"can_accept"`
	CanReject    bool `json:"can_reject"`
	CanCancel    bool `json:"can_cancel"`
	memberSealed string
}

// TransferRequest asks to move a membership. Staff of the member's union
// name the member; staff of the target union, who cannot see the member,
// name the person by ID number.
type TransferRequest struct {
	MemberID int64  `json:"member_id,string,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	ToOrgID  int64  `json:"to_org_id,string"`
	Note     string `json:"note"`
}

const transferCols = `t.id, t.member_id, m.name, m.id_sealed, t.from_org_id, fo.name, t.from_path, t.to_org_id, tgo.name, t.to_path,
	t.status, t.reason, t.note, t.requested_by, t.requested_at, t.released_by, t.released_at, t.decided_by, t.decided_at`

const transferFrom = ` FROM transfers t JOIN members m ON m.id = t.member_id JOIN orgs fo ON fo.id = t.from_org_id JOIN orgs tgo ON tgo.id = t.to_org_id`

func (s *Store) scanTransfer(r RowScanner, pr *auth.Principal) (Transfer, error) {
	var t Transfer
	var req, rel, dec int64
	err := r.Scan(&t.ID, &t.MemberID, &t.MemberName, &t.memberSealed, &t.FromOrgID, &t.FromOrgName, &t.fromPath, &t.ToOrgID, &t.ToOrgName, &t.toPath,
		&t.Status, &t.Reason, &t.Note, &t.RequestedBy, &req, &t.ReleasedBy, &rel, &t.DecidedBy, &dec)
	if err != nil {
		return t, err
	}
	t.IDNumber = cnid.MaskResidentID(s.openOr(t.memberSealed, idAAD(t.MemberID)))
	t.RequestedAt, t.ReleasedAt, t.DecidedAt = scope.FromMillis(req), StampOf(rel), StampOf(dec)
	if pr != nil {
		atFrom := rule.CanWrite(pr, t.fromPath)
		atTo := rule.CanWrite(pr, t.toPath)
		open := t.Status == TransferRequested || t.Status == TransferReleased
		t.CanRelease = atFrom && t.Status == TransferRequested
		t.CanAccept = atTo && t.Status == TransferReleased
		t.CanReject = open && (atTo || (atFrom && t.Status == TransferRequested))
		t.CanCancel = open && (atFrom || atTo)
	}
	return t, nil
}

// transferVisible: either side's staff see a transfer.
func transferVisible(pr *auth.Principal, t *Transfer) bool {
	return rule.CanRead(pr, t.fromPath) || rule.CanRead(pr, t.toPath)
}

// GetTransfer returns one transfer the caller may see.
func (s *Store) GetTransfer(ctx context.Context, pr *auth.Principal, id int64) (*Transfer, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("member")
	}
	x, err := s.scanTransfer(s.DB.QueryRow(ctx, "SELECT "+transferCols+transferFrom+" WHERE t.id = ?", id), pr)
	t, err := One(x, err, "transfer", "member: get transfer")
	if err != nil {
		return nil, err
	}
	if !transferVisible(pr, t) {
		return nil, errs.NotFound("transfer")
	}
	return t, nil
}

// RequestTransfer opens a transfer of a membership to another union.
func (s *Store) RequestTransfer(ctx context.Context, pr *auth.Principal, in TransferRequest) (*Transfer, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("member")
	}
	f := errs.Fields{}
	in.Note = strings.TrimSpace(in.Note)
	f.Check(utf8.RuneCountInString(in.Note) <= 200, "note", "field.too_long", 200)
	f.Check(in.ToOrgID != 0, "to_org_id", "field.required")
	var idHash string
	switch {
	case in.MemberID == 0 && strings.TrimSpace(in.IDNumber) == "":
		f.Add("member_id", "field.required")
	case in.MemberID == 0:
		id, err := cnid.ParseResidentID(in.IDNumber)
		if err != nil {
			f.Add("id_number", idRuleKey(in.IDNumber, err))
		} else {
			idHash = s.Keys.Hash("id_number", id.Number)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	to, err := loadUnion(ctx, s.DB, in.ToOrgID)
	if err != nil {
		return nil, fieldErr("to_org_id", "field.invalid_id")
	}
	if noMembers[to.Kind] {
		return nil, fieldErr("to_org_id", "member.org_kind")
	}
	var tid int64
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var memberID, fromID int64
		var fromPath string
		var st Status
		to, err := loadUnion(ctx, tx, in.ToOrgID)
		if err != nil {
			return err
		}
		// By ID number the caller asks as the target's staff: that is
		// checked before the lookup, so that the answer cannot depend on
		// whether the person exists.
		if in.MemberID == 0 && !rule.CanWrite(pr, to.Path) {
			return errs.Forbidden()
		}
		q := "SELECT id, org_id, org_path, status FROM members WHERE "
		if in.MemberID != 0 {
			err = tx.QueryRow(ctx, q+"id = ?"+tx.ForUpdate(), in.MemberID).Scan(&memberID, &fromID, &fromPath, &st)
		} else {
			err = tx.QueryRow(ctx, q+"id_hash = ?"+tx.ForUpdate(), idHash).Scan(&memberID, &fromID, &fromPath, &st)
		}
		if errors.Is(err, sql.ErrNoRows) && in.MemberID != 0 {
			return errs.NotFound("member")
		}
		// A person whose union the caller cannot see answers as an unknown
		// one: an ID number must not tell which union someone belongs to.
		// Their move goes through their own application at the target's
		// joining page, which asks their union to release them.
		if errors.Is(err, sql.ErrNoRows) || (err == nil && in.MemberID == 0 && !rule.CanRead(pr, fromPath)) {
			return fieldErr("id_number", "exp.transfer_unknown")
		}
		if err != nil {
			return errs.Internal(err, "member: transfer lookup")
		}
		// Staff of either side may ask: the source for a member it can see,
		// the target for a person in its sight who asked it to take them in.
		if in.MemberID != 0 {
			if err := rule.Writable(pr, fromPath); err != nil {
				return err
			}
		}
		if st != StatusActive {
			return fieldErr("member_id", "member.not_active")
		}
		if fromID == to.ID {
			return fieldErr("to_org_id", "member.transfer_same")
		}
		tid = db.NewID()
		_, err = tx.Exec(ctx, `INSERT INTO transfers (id, member_id, from_org_id, from_path, to_org_id, to_path, status, note, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tid, memberID, fromID, fromPath, to.ID, to.Path, string(TransferRequested), in.Note, actorOf(ctx), scope.Millis(s.now()))
		if db.IsUnique(err) {
			return errs.Conflict("transfer_open", "member.transfer_open")
		}
		if err != nil {
			return errs.Internal(err, "member: insert transfer")
		}
		if err := addEvent(ctx, tx, event{MemberID: memberID, At: scope.Millis(s.now()), OnDate: s.today(), Kind: EventTransferAsked,
			OrgID: fromID, OrgPath: fromPath, OtherOrgID: to.ID, Actor: actorOf(ctx)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "transfer.request", Entity: "transfer", EntityID: db.FormatID(tid), OrgPath: fromPath,
			After: map[string]any{"member_id": db.FormatID(memberID), "from_org_id": db.FormatID(fromID), "to_org_id": db.FormatID(to.ID), "note": in.Note}})
	})
	if err != nil {
		return nil, err
	}
	return s.transferFor(ctx, pr, tid)
}

// transferFor returns a transfer just changed by pr; pr may be the target's
// staff who no longer sees it once rejected, so it is read unscoped.
func (s *Store) transferFor(ctx context.Context, pr *auth.Principal, id int64) (*Transfer, error) {
	t, err := s.scanTransfer(s.DB.QueryRow(ctx, "SELECT "+transferCols+transferFrom+" WHERE t.id = ?", id), pr)
	if err != nil {
		return nil, errs.Internal(err, "member: reload transfer")
	}
	return &t, nil
}

// TransferDecision is the step taken on a transfer.
type TransferDecision struct {
	Action string `json:"action"` // release, accept, reject, cancel
	Reason string `json:"reason"` // required to reject
}

// DecideTransfer takes a step on a transfer: the source releases, the
// target accepts (the membership moves, continuous, with history on both
// sides) or rejects with a reason; either side may cancel an open one.
func (s *Store) DecideTransfer(ctx context.Context, pr *auth.Principal, id int64, in TransferDecision) (*Transfer, error) {
	f := errs.Fields{}
	in.Reason = strings.TrimSpace(in.Reason)
	switch in.Action {
	case "release", "accept", "cancel":
	case "reject":
		f.Check(in.Reason != "", "reason", "field.required")
	default:
		f.Add("action", "field.invalid_choice")
	}
	f.Check(utf8.RuneCountInString(in.Reason) <= 200, "reason", "field.too_long", 200)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if _, err := s.GetTransfer(ctx, pr, id); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		t, err := s.scanTransfer(tx.QueryRow(ctx, "SELECT "+transferCols+transferFrom+" WHERE t.id = ?"+tx.ForUpdateOf("t"), id), pr)
		if err != nil {
			return errs.Internal(err, "member: lock transfer")
		}
		allowed := map[string]bool{"release": t.CanRelease, "accept": t.CanAccept, "reject": t.CanReject, "cancel": t.CanCancel}[in.Action]
		if !allowed {
			if t.Status != TransferRequested && t.Status != TransferReleased {
				return errs.Conflict("transfer_closed", "member.transfer_closed")
			}
			if in.Action == "accept" && t.Status == TransferRequested && rule.CanWrite(pr, t.toPath) {
				return errs.Conflict("transfer_not_released", "member.transfer_not_released")
			}
			return errs.Forbidden()
		}
		at := scope.Millis(s.now())
		actor := actorOf(ctx)
		switch in.Action {
		case "release":
			_, err = tx.Exec(ctx, "UPDATE transfers SET status = ?, released_by = ?, released_at = ? WHERE id = ?", string(TransferReleased), actor, at, id)
		case "reject", "cancel":
			st := TransferRejected
			if in.Action == "cancel" {
				st = TransferCancelled
			}
			_, err = tx.Exec(ctx, "UPDATE transfers SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?", string(st), in.Reason, actor, at, id)
			if err == nil {
				err = addEvent(ctx, tx, event{MemberID: t.MemberID, At: at, OnDate: s.today(), Kind: EventTransferDropped, OrgID: t.FromOrgID,
					OrgPath: t.fromPath, OtherOrgID: t.ToOrgID, Actor: actor, Detail: map[string]any{"status": st, "reason": in.Reason}})
			}
		case "accept":
			err = s.moveMember(ctx, tx, &t, actor, at)
		}
		if _, ok := errs.As(err); ok {
			return err
		}
		if err != nil {
			return errs.Internal(err, "member: transfer "+in.Action)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "transfer." + in.Action, Entity: "transfer", EntityID: db.FormatID(id), OrgPath: t.fromPath,
			Before: map[string]any{"status": t.Status}, After: map[string]any{"reason": in.Reason, "to_path": t.toPath}})
	})
	if err != nil {
		return nil, err
	}
	return s.transferFor(ctx, pr, id)
}

// moveMember completes an accepted transfer: the member row moves to the
// target union (its employer, which belonged to the source, is cleared),
// the card is reissued for the new union, and both sides get a history
// entry. Membership stays continuous: the joining date is kept.
func (s *Store) moveMember(ctx context.Context, tx *db.Tx, t *Transfer, actor string, at int64) error {
	var orgID int64
	var st Status
	if err := tx.QueryRow(ctx, "SELECT org_id, status FROM members WHERE id = ?"+tx.ForUpdate(), t.MemberID).Scan(&orgID, &st); err != nil {
		return err
	}
	if orgID != t.FromOrgID || st != StatusActive {
		return errs.Conflict("transfer_stale", "member.transfer_stale")
	}
	to, err := loadUnion(ctx, tx, t.ToOrgID)
	if err != nil {
		return err
	}
	if err := tracked(ctx, tx, t.MemberID, func() error {
		_, err := tx.Exec(ctx, `UPDATE members SET org_id = ?, org_path = ?, employer_id = NULL, employer_name = '', card_serial = card_serial + 1,
		version = version + 1, updated_at = ? WHERE id = ?`, to.ID, to.Path, at, t.MemberID)
		return err
	}); err != nil {
		return err
	}
	if err := moveKeys(ctx, tx, t.MemberID, to.Path); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE transfers SET status = ?, decided_by = ?, decided_at = ?, to_path = ? WHERE id = ?",
		string(TransferAccepted), actor, at, to.Path, t.ID); err != nil {
		return err
	}
	day := s.today()
	if err := addEvent(ctx, tx, event{MemberID: t.MemberID, At: at, OnDate: day, Kind: EventTransferredOut, OrgID: t.FromOrgID, OrgPath: t.fromPath,
		OtherOrgID: to.ID, Actor: actor}); err != nil {
		return err
	}
	return addEvent(ctx, tx, event{MemberID: t.MemberID, At: at + 1, OnDate: day, Kind: EventTransferredIn, OrgID: to.ID, OrgPath: to.Path,
		OtherOrgID: t.FromOrgID, Actor: actor})
}
