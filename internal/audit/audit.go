// Package audit keeps the append-only, hash-chained log of every change and
// every reveal of personal data. Entries are written in the same transaction
// as the change they record, so a change without its entry cannot commit.
// Each entry's hash covers its fields and the previous entry's hash; editing
// or deleting a row directly in the database breaks the chain, which Verify
// (and `gonghui audit verify`) detects. The product has no way to edit or
// delete entries.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/db"
)

// Actor is who acts: a user (or the system, with ID 0) from an address.
type Actor struct {
	UserID int64
	Name   string
	IP     string
}

type actorKey struct{}

// WithActor attaches the acting user to ctx; stores read it when they audit.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx; the zero Actor means the system itself
// (command line, demo loading).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	if a.Name == "" && a.UserID == 0 {
		a.Name = "system"
	}
	return a
}

// Event describes one change.
type Event struct {
	Action   string // e.g. "org.create", "auth.login_failed", "pii.reveal"
	Entity   string // e.g. "org", "user"
	EntityID string
	OrgPath  string // the organisation the record belongs to: auditors see their subtree
	Before   any    // nil, or the record before the change
	After    any    // nil, or the record after the change
}

// Entry is a stored event.
type Entry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	ActorID   string    `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	IP        string    `json:"ip"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  string    `json:"entity_id"`
	OrgPath   string    `json:"-"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// head is the audit_head row as a transaction holds it.
type head struct {
	seq  int64
	hash string
}

type headKey struct{}

// Record appends an event inside tx, chaining it to the previous entry. The
// single audit_head row is locked for the rest of the transaction: entries get
// gap-free sequence numbers in commit order, across every server process.
// Events recorded in one transaction read the head once and write it back
// once, just before the commit.
func Record(ctx context.Context, tx *db.Tx, ev Event) error {
	a := ActorFrom(ctx)
	h, _ := tx.Local(headKey{}).(*head)
	if h == nil {
		h = &head{}
		if err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1"+tx.ForUpdate()).Scan(&h.seq, &h.hash); err != nil {
			return fmt.Errorf("audit: read head: %w", err)
		}
		tx.SetLocal(headKey{}, h)
		wctx := context.WithoutCancel(ctx)
		tx.BeforeCommit(func() error {
			if _, err := tx.Exec(wctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", h.seq, h.hash); err != nil {
				return fmt.Errorf("audit: move head: %w", err)
			}
			return nil
		})
	}
	seq, prev := h.seq, h.hash
	e := Entry{
		Seq: seq + 1, At: time.Now().UTC().Truncate(time.Millisecond),
		ActorName: a.Name, IP: a.IP, Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID,
		OrgPath: ev.OrgPath, PrevHash: prev,
	}
	var err error
	if e.Before, err = encode(ev.Before); err != nil {
		return err
	}
	if e.After, err = encode(ev.After); err != nil {
		return err
	}
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
		e.ActorID = db.FormatID(a.UserID)
	}
	e.Hash = e.computeHash()
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, ip, action, entity, entity_id, org_path, before_json, after_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UnixMilli(), actorID, e.ActorName, e.IP, e.Action, e.Entity, e.EntityID, e.OrgPath, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	h.seq, h.hash = e.Seq, e.Hash
	return nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: encode: %w", err)
	}
	return string(b), nil
}

// computeHash covers every stored field, each length-prefixed so that no two
// different entries hash the same input.
func (e *Entry) computeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UnixMilli(), 10), e.ActorID, e.ActorName, e.IP,
		e.Action, e.Entity, e.EntityID, e.OrgPath, e.Before, e.After, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

const columns = "seq, at, actor_id, actor_name, ip, action, entity, entity_id, org_path, before_json, after_json, prev_hash, hash"

func scan(rows *sql.Rows) (Entry, error) {
	var e Entry
	var at int64
	var actor sql.NullInt64
	err := rows.Scan(&e.Seq, &at, &actor, &e.ActorName, &e.IP, &e.Action, &e.Entity, &e.EntityID, &e.OrgPath, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	e.At = time.UnixMilli(at).UTC()
	if actor.Valid {
		e.ActorID = db.FormatID(actor.Int64)
	}
	return e, err
}

// Filter narrows a listing of the log.
type Filter struct {
	Paths    []string // subtree paths the caller may audit (required; empty lists nothing)
	Action   string   // prefix, e.g. "org." or "auth.login"
	Entity   string
	EntityID string
	Actor    string // actor name, exact
	Before   int64  // cursor: entries with seq < Before
	Limit    int
}

// List returns entries newest first within the caller's subtrees. Entries
// that belong to no organisation (logins, account changes made at the root)
// carry the root's path, so only root-level auditors see them.
func List(ctx context.Context, d *db.DB, f Filter) ([]Entry, error) {
	if len(f.Paths) == 0 {
		return nil, nil
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var where []string
	var args []any
	var scope []string
	for _, p := range f.Paths {
		scope = append(scope, "(org_path >= ? AND org_path < ?)")
		args = append(args, p, PathEnd(p))
	}
	for _, p := range f.Paths {
		// Events tied to no organisation (a login attempt for an unknown
		// username) belong to the root's auditors.
		if strings.Count(p, "/") == 2 {
			scope = append(scope, "org_path = ''")
			break
		}
	}
	where = append(where, "("+strings.Join(scope, " OR ")+")")
	if f.Action != "" {
		where = append(where, "action LIKE ? ESCAPE '\\'")
		args = append(args, db.Like(f.Action)+"%")
	}
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.Actor != "" {
		where = append(where, "actor_name = ?")
		args = append(args, f.Actor)
	}
	if f.Before > 0 {
		where = append(where, "seq < ?")
		args = append(args, f.Before)
	}
	args = append(args, f.Limit)
	rows, err := d.Query(ctx, "SELECT "+columns+" FROM audit_log WHERE "+strings.Join(where, " AND ")+" ORDER BY seq DESC LIMIT ?", args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: scan: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PathEnd is the exclusive upper bound of the subtree whose paths start with
// p (which ends in '/'): '0' is the byte after '/'.
func PathEnd(p string) string {
	if p == "" {
		return "\xff"
	}
	return p[:len(p)-1] + "0"
}

// Problem is a break in the chain. Code is stable ("missing", "link",
// "hash", "head") for callers that explain it in the user's language;
// Reason is English for the command line.
type Problem struct {
	Seq    int64
	Code   string
	Reason string
}

// Verify walks the whole chain and reports every entry whose hash does not
// match its content, whose link to the previous entry is broken, or whose
// sequence number skips (a deleted row). It returns the number of entries read.
func Verify(ctx context.Context, d *db.DB) (int64, []Problem, error) {
	var n, want int64 = 0, 1
	prev := ""
	var problems []Problem
	var last int64
	for {
		rows, err := d.Query(ctx, "SELECT "+columns+" FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 5000", last)
		if err != nil {
			return n, problems, fmt.Errorf("audit verify: %w", err)
		}
		got := 0
		for rows.Next() {
			e, err := scan(rows)
			if err != nil {
				rows.Close()
				return n, problems, err
			}
			got++
			n++
			last = e.Seq
			if e.Seq != want {
				problems = append(problems, Problem{Seq: e.Seq, Code: "missing", Reason: fmt.Sprintf("entries %d to %d are missing", want, e.Seq-1)})
			}
			if e.PrevHash != prev {
				problems = append(problems, Problem{Seq: e.Seq, Code: "link", Reason: "link to the previous entry is broken"})
			}
			if e.computeHash() != e.Hash {
				problems = append(problems, Problem{Seq: e.Seq, Code: "hash", Reason: "content does not match its hash"})
			}
			prev, want = e.Hash, e.Seq+1
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return n, problems, err
		}
		if got == 0 {
			break
		}
	}
	var headSeq int64
	var headHash string
	if err := d.QueryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return n, problems, err
	}
	if headSeq != last || headHash != prev {
		problems = append(problems, Problem{Seq: headSeq, Code: "head", Reason: "the newest entries were removed (head does not match the last entry)"})
	}
	return n, problems, nil
}
