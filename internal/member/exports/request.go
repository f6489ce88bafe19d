package exports

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
)

// ExportStatus is where a request to export full numbers stands.
type ExportStatus string

const (
	ExportPending    ExportStatus = "pending"    // waits for a second person
	ExportApproved   ExportStatus = "approved"   // may be downloaded once, until it expires
	ExportRejected   ExportStatus = "rejected"   // refused by an approver
	ExportDownloaded ExportStatus = "downloaded" // taken; never again
	ExportExpired    ExportStatus = "expired"    // shown for pending or approved ones past their time
)

// ExportStatuses lists the statuses in display order.
var ExportStatuses = []ExportStatus{ExportPending, ExportApproved, ExportRejected, ExportDownloaded, ExportExpired}

// pendingFor is how long a request waits for an approver.
const pendingFor = 7 * 24 * time.Hour

// ExportFilters are the registry filters an export request was made with.
// A searched-for number is kept as its keyed-hash token, never in clear.
type ExportFilters struct {
	Q          string        `json:"q,omitempty"`
	OrgOnly    bool          `json:"org_only,omitempty"`
	Status     member.Status `json:"status,omitempty"`
	Tags       []string      `json:"tags,omitempty"`
	JoinedFrom string        `json:"joined_from,omitempty"`
	JoinedTo   string        `json:"joined_to,omitempty"`
	Employer   int64         `json:"employer,string,omitempty"`
}

// SearchKind names what Q searches for ("name", "initials", "id_number",
// "mobile"), "" without a search: pages show this rather than a token.
func (f ExportFilters) SearchKind() string {
	if f.Q == "" {
		return ""
	}
	return member.SearchKind(f.Q)
}

// ExportRequest is a request to export members' full numbers.
type ExportRequest struct {
	ID           int64         `json:"id,string"`
	Requester    string        `json:"requester"`
	OrgID        int64         `json:"org_id,string"`
	OrgName      string        `json:"org_name"`
	Filters      ExportFilters `json:"filters"`
	Rows         int           `json:"rows"`
	Reason       string        `json:"reason"`
	Status       ExportStatus  `json:"status"`
	DecidedBy    string        `json:"decided_by,omitempty"`
	DecidedAt    *time.Time    `json:"decided_at,omitempty"`
	Note         string        `json:"note,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	ExpiresAt    time.Time     `json:"expires_at"`
	DownloadedAt *time.Time    `json:"downloaded_at,omitempty"`
	Mine         bool          `json:"mine"`
	CanApprove   bool          `json:"can_approve"`
	CanDownload  bool          `json:"can_download"`
	requesterID  int64
	orgPath      string
}

func (r *ExportRequest) query() member.Query {
	f := r.Filters
	return member.Query{Q: f.Q, Org: r.OrgID, OrgOnly: f.OrgOnly, Status: f.Status, Tags: f.Tags, JoinedFrom: f.JoinedFrom, JoinedTo: f.JoinedTo, Employer: f.Employer}
}

const exportCols = `e.id, e.requester_id, e.requester, e.org_id, o.name, e.org_path, e.filters, e.row_count, e.reason, e.status,
	e.decided_by, e.decided_at, e.note, e.created_at, e.expires_at, e.downloaded_at`

const exportFrom = ` FROM export_requests e JOIN orgs o ON o.id = e.org_id`

func scanExport(s *member.Store, r member.RowScanner, pr *auth.Principal) (ExportRequest, error) {
	var e ExportRequest
	var filters string
	var decided, created, expires, downloaded int64
	err := r.Scan(&e.ID, &e.requesterID, &e.Requester, &e.OrgID, &e.OrgName, &e.orgPath, &filters, &e.Rows, &e.Reason, &e.Status,
		&e.DecidedBy, &decided, &e.Note, &created, &expires, &downloaded)
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(filters), &e.Filters); err != nil {
		return e, err
	}
	e.CreatedAt, e.ExpiresAt = scope.FromMillis(created), scope.FromMillis(expires)
	e.DecidedAt, e.DownloadedAt = member.StampOf(decided), member.StampOf(downloaded)
	if (e.Status == ExportPending || e.Status == ExportApproved) && !s.Now().Before(e.ExpiresAt) {
		e.Status = ExportExpired
	}
	if pr != nil {
		e.Mine = pr.UserID == e.requesterID
		e.CanApprove = e.Status == ExportPending && !e.Mine && pr.CanAt(auth.PermMemberReveal, e.orgPath)
		e.CanDownload = e.Status == ExportApproved && e.Mine
	}
	return e, nil
}

// insertExport stores a request (or, with status downloaded, the record of
// a direct export) and returns its id.
func insertExport(ctx context.Context, s *member.Store, tx *db.Tx, pr *auth.Principal, u *member.Union, q member.Query, rows int, reason string, st ExportStatus) (int64, error) {
	f := ExportFilters{Q: q.Q, OrgOnly: q.OrgOnly, Status: q.Status, Tags: q.Tags, JoinedFrom: q.JoinedFrom, JoinedTo: q.JoinedTo, Employer: q.Employer}
	if tok, ok := s.NumberToken(f.Q); ok {
		f.Q = tok
	}
	b, err := json.Marshal(f)
	if err != nil {
		return 0, errs.Internal(err, "member: export filters")
	}
	now := s.Now()
	expires, downloaded := now.Add(pendingFor), int64(0)
	switch st {
	case ExportApproved:
		expires = now.Add(s.Policy.TTL)
	case ExportDownloaded:
		expires, downloaded = now, scope.Millis(now)
	}
	id := db.NewID()
	_, err = tx.Exec(ctx, `INSERT INTO export_requests (id, requester_id, requester, org_id, org_path, filters, row_count, reason, status, created_at, expires_at, downloaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, pr.UserID, requesterName(ctx, pr), u.ID, u.Path, string(b), rows, reason, string(st), scope.Millis(now), scope.Millis(expires), downloaded)
	if err != nil {
		return 0, errs.Internal(err, "member: insert export request")
	}
	return id, nil
}

func requesterName(ctx context.Context, pr *auth.Principal) string {
	if pr.Username != "" {
		return pr.Username
	}
	return audit.ActorFrom(ctx).Name
}

// RequestExport asks to export the full numbers of the members matching q.
// Up to the policy's ApprovalRows the request is approved at once (the
// requester downloads it like any approved one); above, it waits for a
// second person holding member.reveal over the union. Either way it takes
// a slot of the account's hourly export quota and is audited.
func RequestExport(ctx context.Context, s *member.Store, pr *auth.Principal, q member.Query, reason string) (*ExportRequest, error) {
	reason, err := exportReason(s, pr, reason)
	if err != nil {
		return nil, err
	}
	u, err := exportScope(ctx, s, pr, &q)
	if err != nil {
		return nil, err
	}
	n, err := s.CountRows(ctx, pr, q, 0)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errs.Invalid("export_empty", "exp.empty")
	}
	st := ExportApproved
	if n > s.Policy.ApprovalRows {
		st = ExportPending
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := s.TakeExportSlot(ctx, tx, pr); err != nil {
			return err
		}
		if id, err = insertExport(ctx, s, tx, pr, u, q, n, reason, st); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "pii.export_request", Entity: "export_request", EntityID: db.FormatID(id), OrgPath: u.Path,
			After: map[string]any{"rows": n, "status": st, "reason": reason, "query": exportQueryView(q)}})
	})
	if err != nil {
		return nil, err
	}
	return loadExport(ctx, s, pr, id)
}

func loadExport(ctx context.Context, s *member.Store, pr *auth.Principal, id int64) (*ExportRequest, error) {
	e, err := scanExport(s, s.DB.QueryRow(ctx, "SELECT "+exportCols+exportFrom+" WHERE e.id = ?", id), pr)
	return member.One(e, err, "export request", "member: load export request")
}

// exportVisible: the requester, and those who may approve it, see a request.
func exportVisible(pr *auth.Principal, e *ExportRequest) bool {
	return pr != nil && (pr.UserID == e.requesterID || pr.CanAt(auth.PermMemberReveal, e.orgPath))
}

// GetExport returns one request the caller may see.
func GetExport(ctx context.Context, s *member.Store, pr *auth.Principal, id int64) (*ExportRequest, error) {
	e, err := loadExport(ctx, s, pr, id)
	if err != nil {
		return nil, err
	}
	if !exportVisible(pr, e) {
		return nil, errs.NotFound("export request")
	}
	return e, nil
}

// ExportQuery filters ListExports.
type ExportQuery struct {
	// View: "awaiting" (others' pending requests the caller may approve),
	// "mine" (the caller's own), or "" for both.
	View  string
	After string
	Limit int
}

// ListExports returns export requests newest first: the caller's own and
// those waiting for the caller's approval (pending, in a subtree where the
// caller may reveal, made by someone else).
func ListExports(ctx context.Context, s *member.Store, pr *auth.Principal, q ExportQuery) ([]ExportRequest, string, error) {
	if pr == nil {
		return nil, "", scope.NilPrincipal("member")
	}
	if q.View != "" && q.View != "awaiting" && q.View != "mine" {
		return nil, "", fieldErr("view", "field.invalid_choice")
	}
	var sides []string
	var args []any
	if q.View != "awaiting" {
		sides = append(sides, "e.requester_id = ?")
		args = append(args, pr.UserID)
	}
	if paths := pr.Paths(auth.PermMemberReveal); q.View != "mine" && len(paths) > 0 {
		inScope, a := scope.SQL("e.org_path", paths)
		args = append(append(args, string(ExportPending), scope.Millis(s.Now()), pr.UserID), a...)
		sides = append(sides, "(e.status = ? AND e.expires_at > ? AND e.requester_id <> ? AND "+inScope+")")
	}
	if len(sides) == 0 {
		return nil, "", nil
	}
	where := []string{"(" + strings.Join(sides, " OR ") + ")"}
	_, after, err := member.ParseCursor(q.After, "export")
	if err != nil {
		return nil, "", err
	}
	if after != 0 {
		where = append(where, "e.id < ?")
		args = append(args, after)
	}
	limit := scope.PageLimit(q.Limit)
	args = append(args, limit+1)
	rows, err := s.DB.Query(ctx, "SELECT "+exportCols+exportFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY e.id DESC LIMIT ?", args...)
	out, err := member.ScanAll(rows, err, []ExportRequest{}, "member: list export requests", func(r member.RowScanner) (ExportRequest, error) { return scanExport(s, r, pr) })
	if err != nil {
		return nil, "", err
	}
	out, next := member.CutPage(out, limit, "export", func(e *ExportRequest) int64 { return e.ID })
	return out, next, nil
}

// ExportDecision approves or rejects a pending request.
type ExportDecision struct {
	Action string `json:"action"` // approve, reject
	Note   string `json:"note"`   // required to reject
}

// DecideExport approves or rejects a pending request. Only another account
// holding member.reveal over the request's union may: never the requester.
// An approval starts the download window.
func DecideExport(ctx context.Context, s *member.Store, pr *auth.Principal, id int64, in ExportDecision) (*ExportRequest, error) {
	e, err := GetExport(ctx, s, pr, id)
	if err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	f := errs.Fields{}
	switch in.Action {
	case "approve":
	case "reject":
		f.Check(in.Note != "", "note", "field.required")
	default:
		f.Add("action", "field.invalid_choice")
	}
	f.Check(utf8.RuneCountInString(in.Note) <= 200, "note", "field.too_long", 200)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if e.Mine {
		return nil, &errs.Error{Kind: errs.KindForbidden, Code: "export_self_approval", Key: "exp.self_approval"}
	}
	if !pr.CanAt(auth.PermMemberReveal, e.orgPath) {
		return nil, errs.Forbidden()
	}
	now := s.Now()
	st, expires := ExportRejected, now
	if in.Action == "approve" {
		st, expires = ExportApproved, now.Add(s.Policy.TTL)
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The status in the condition decides between two approvers at once.
		res, err := tx.Exec(ctx, `UPDATE export_requests SET status = ?, decided_by_id = ?, decided_by = ?, decided_at = ?, note = ?, expires_at = ?
			WHERE id = ? AND status = ? AND expires_at > ? AND requester_id <> ?`,
			string(st), pr.UserID, requesterName(ctx, pr), scope.Millis(now), in.Note, scope.Millis(expires), id, string(ExportPending), scope.Millis(now), pr.UserID)
		if err != nil {
			return errs.Internal(err, "member: decide export")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("export_closed", "exp.closed")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "pii.export_" + in.Action, Entity: "export_request", EntityID: db.FormatID(id), OrgPath: e.orgPath,
			Before: map[string]any{"status": ExportPending}, After: map[string]any{"status": st, "note": in.Note, "rows": e.Rows}})
	})
	if err != nil {
		return nil, err
	}
	return loadExport(ctx, s, pr, id)
}

// DownloadExport writes an approved request's workbook with full numbers,
// for its requester, once: the request is marked downloaded (and audited)
// before the first byte is written, so a second attempt, from any process,
// finds it spent.
func DownloadExport(ctx context.Context, s *member.Store, pr *auth.Principal, id int64, tr member.Translate, out io.Writer) (*ExportRequest, error) {
	e, err := GetExport(ctx, s, pr, id)
	if err != nil {
		return nil, err
	}
	if !e.Mine {
		return nil, errs.NotFound("export request")
	}
	if !pr.CanAt(auth.PermMemberReveal, e.orgPath) {
		return nil, errs.Forbidden()
	}
	if !e.CanDownload {
		// Checked again, atomically, when it is taken below.
		return nil, errs.Conflict("export_unavailable", "exp.unavailable")
	}
	q := e.query()
	_, err = writeExport(ctx, s, pr, q, true, tr, out, func(tx *db.Tx, n int) error {
		now := s.Now()
		res, err := tx.Exec(ctx, "UPDATE export_requests SET status = ?, downloaded_at = ? WHERE id = ? AND requester_id = ? AND status = ? AND expires_at > ?",
			string(ExportDownloaded), scope.Millis(now), id, pr.UserID, string(ExportApproved), scope.Millis(now))
		if err != nil {
			return errs.Internal(err, "member: take export")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("export_unavailable", "exp.unavailable")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "pii.export", Entity: "export_request", EntityID: db.FormatID(id), OrgPath: e.orgPath,
			After: map[string]any{"rows": n, "revealed": n, "requested_rows": e.Rows, "reason": e.Reason, "query": exportQueryView(q)}})
	})
	if err != nil {
		return nil, err
	}
	return loadExport(ctx, s, pr, id)
}
