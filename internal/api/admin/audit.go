package admin

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
)

type auditView struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	ActorID   *string         `json:"actor_id"`
	ActorName string          `json:"actor_name"`
	IP        string          `json:"ip"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

// rawJSON embeds a stored JSON text as it is, or null.
func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func viewAudit(e *audit.Entry) auditView {
	v := auditView{Seq: e.Seq, At: e.At.UTC(), ActorName: e.ActorName, IP: e.IP, Action: e.Action, Entity: e.Entity,
		EntityID: e.EntityID, Before: rawJSON(e.Before), After: rawJSON(e.After), PrevHash: e.PrevHash, Hash: e.Hash}
	if e.ActorID != "" {
		id := e.ActorID
		v.ActorID = &id
	}
	return v
}

// auditor refuses callers without the audit right. The log is not one
// organisation's record, so the answer is 403 rather than 404.
func auditor(p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return errs.Forbidden()
	}
	return nil
}

// listAudit: GET /audit, newest first, within the caller's audit subtrees;
// the cursor is a sequence number.
func (h *API) listAudit(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	if err := auditor(p); err != nil {
		return err
	}
	q := api.NewQuery(r)
	pg := q.Page()
	if err := q.Err(); err != nil {
		return err
	}
	before, err := api.SeqCursor(pg.Cursor)
	if err != nil {
		return err
	}
	f, err := audit.Query{Actor: q.Str("actor_id"), Kind: q.Str("kind"), From: q.Str("from"), To: q.Str("to")}.Filter(p.Paths(auth.PermAuditRead))
	if err != nil {
		return err
	}
	f.Action, f.Entity, f.EntityID, f.Actor, f.Before, f.Limit = q.Str("action"), q.Str("entity"), q.Str("entity_id"), q.Str("actor"), before, pg.Limit
	items, err := audit.List(r.Context(), h.DB, f)
	if err != nil {
		return err
	}
	next := ""
	if len(items) == pg.Limit {
		next = strconv.FormatInt(items[len(items)-1].Seq, 10)
	}
	return api.OK(w, api.MapList(items, next, viewAudit))
}

type problemView struct {
	Seq    int64  `json:"seq"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

type verifyView struct {
	Entries  int64         `json:"entries"`
	OK       bool          `json:"ok"`
	Problems []problemView `json:"problems"`
}

// verifyAudit: GET /audit/verify walks the whole hash chain.
func (h *API) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	if err := auditor(api.Principal(r)); err != nil {
		return err
	}
	n, problems, err := audit.Verify(r.Context(), h.DB)
	if err != nil {
		return err
	}
	v := verifyView{Entries: n, OK: len(problems) == 0, Problems: []problemView{}}
	for _, pr := range problems {
		v.Problems = append(v.Problems, problemView{Seq: pr.Seq, Code: pr.Code, Reason: pr.Reason})
	}
	return api.OK(w, v)
}
