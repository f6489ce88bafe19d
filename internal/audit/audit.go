// Package audit keeps the append-only, chained log of every change and
// every reveal of personal data. Entries are written in the same transaction
// as the change they record, so a change without its entry cannot commit.
//
// Each entry carries a MAC over its fields and the previous entry's MAC,
// under a key derived from the key file (see Attach): the database does not
// hold it, so someone who can write to the database can neither edit an
// entry nor delete some and recompute the chain. The audit_head row, which
// names the newest entry, is signed too, so the end cannot be cut off by
// moving the head back; a keyed process that finds the head signed wrongly
// records that in the chain (audit.head_invalid) before writing on, so the
// next change does not cover the cut. Entries written before the chain was
// keyed (mac_version 0) keep their plain SHA-256 and are checked by it; the
// first keyed entry is an audit.keyed marker, and an unkeyed entry after a
// keyed one is a forgery. A rewrite of the whole log into the pre-key form
// looks like a log never keyed: only the checkpoints below tell.
//
// The head is also anchored outside the database: every N entries (and on
// a timer, and at shutdown) the process that wrote them logs a signed
// checkpoint {seq, hash, at, mac} and appends it to the anchor file when one
// is configured. Verify (and `gonghui audit verify --anchor FILE`) checks
// every checkpoint's entry is still there with the same MAC, and that the
// log is not shorter than the newest checkpoint: restoring an older copy of
// the database, or a rewrite by someone who stole a head signature, shows.
// The product has no way to edit or delete entries.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
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
	// MACVersion is 0 for an entry hashed with plain SHA-256 (written before
	// the chain was keyed, or by a process given no key), 1 for a keyed MAC.
	MACVersion int `json:"-"`
}

// head is the audit_head row as a transaction holds it.
type head struct {
	seq   int64
	hash  string
	chain *Chain // nil: entries are unkeyed
}

type headKey struct{}

// Record appends an event inside tx, chaining it to the previous entry. The
// single audit_head row is locked for the rest of the transaction: entries get
// gap-free sequence numbers in commit order, across every server process.
// Events recorded in one transaction read the head once and write it back
// once, just before the commit.
func Record(ctx context.Context, tx *db.Tx, ev Event) error {
	h, err := lockHead(ctx, tx)
	if err != nil {
		return err
	}
	return h.append(ctx, tx, ActorFrom(ctx), ev)
}

// Markers the chain writes itself when a keyed process finds the head
// unsigned (the switch-over from a log written before keying) or signed
// wrongly (entries removed and the head moved back, or a rewrite): the
// finding becomes a keyed entry that cannot be removed unnoticed, instead of
// being covered by the next signature. Verify reports the second.
const (
	ActionKeyed       = "audit.keyed"
	ActionHeadInvalid = "audit.head_invalid"
)

// lockHead reads and locks the head once per transaction, and arranges for
// it to be written back (and signed) just before the commit.
func lockHead(ctx context.Context, tx *db.Tx) (*head, error) {
	if h, _ := tx.Local(headKey{}).(*head); h != nil {
		return h, nil
	}
	c := chainOf(tx)
	h := &head{chain: c}
	var mac string
	if err := tx.QueryRow(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1"+tx.ForUpdate()).Scan(&h.seq, &h.hash, &mac); err != nil {
		return nil, fmt.Errorf("audit: read head: %w", err)
	}
	tx.SetLocal(headKey{}, h)
	wctx := context.WithoutCancel(ctx)
	from := h.seq
	tx.BeforeCommit(func() error {
		mac := ""
		if c != nil {
			mac = c.headMAC(h.seq, h.hash)
		}
		if _, err := tx.Exec(wctx, "UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1", h.seq, h.hash, mac); err != nil {
			return fmt.Errorf("audit: move head: %w", err)
		}
		return nil
	})
	if c == nil || h.seq == 0 || hmac.Equal([]byte(mac), []byte(c.headMAC(h.seq, h.hash))) {
		if c != nil {
			tx.AfterCommit(func() { c.committed(from, h.seq, h.hash) })
		}
		return h, nil
	}
	system := ActorFrom(context.Background())
	ev := Event{Action: ActionKeyed, Entity: "audit", After: map[string]int64{"unkeyed_entries": h.seq}}
	if mac != "" {
		slog.Error("audit: the head's signature is wrong: entries were removed and the head moved back, or the log was rewritten; recording it in the chain", "head_seq", h.seq)
		ev = Event{Action: ActionHeadInvalid, Entity: "audit", After: map[string]any{"head_seq": h.seq, "head_hash": h.hash}}
	}
	if err := h.append(ctx, tx, system, ev); err != nil {
		return nil, err
	}
	tx.AfterCommit(func() { c.committed(from, h.seq, h.hash) })
	return h, nil
}

func (h *head) append(ctx context.Context, tx *db.Tx, a Actor, ev Event) error {
	c := h.chain
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
	if c != nil {
		e.MACVersion = 1
		e.Hash = c.entryMAC(&e)
	} else {
		e.Hash = e.computeHash()
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, ip, action, entity, entity_id, org_path, before_json, after_json, prev_hash, hash, mac_version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UnixMilli(), actorID, e.ActorName, e.IP, e.Action, e.Entity, e.EntityID, e.OrgPath, e.Before, e.After, e.PrevHash, e.Hash, e.MACVersion)
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

// computeHash is the unkeyed hash of entries written before the chain was
// keyed (mac_version 0). It covers every stored field, each length-prefixed
// so that no two different entries hash the same input.
func (e *Entry) computeHash() string {
	h := sha256.New()
	e.writeFields(h)
	return hex.EncodeToString(h.Sum(nil))
}

func (e *Entry) writeFields(w io.Writer) {
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UnixMilli(), 10), e.ActorID, e.ActorName, e.IP,
		e.Action, e.Entity, e.EntityID, e.OrgPath, e.Before, e.After, e.PrevHash,
	} {
		fmt.Fprintf(w, "%d:%s;", len(f), f)
	}
}

const columns = "seq, at, actor_id, actor_name, ip, action, entity, entity_id, org_path, before_json, after_json, prev_hash, hash, mac_version"

func scan(rows *sql.Rows) (Entry, error) {
	var e Entry
	var at int64
	var actor sql.NullInt64
	err := rows.Scan(&e.Seq, &at, &actor, &e.ActorName, &e.IP, &e.Action, &e.Entity, &e.EntityID, &e.OrgPath, &e.Before, &e.After, &e.PrevHash, &e.Hash, &e.MACVersion)
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
	Kind     string   // one action, exact (the page's picker)
	Area     string   // an area of the catalogue: any of its actions
	Entity   string
	EntityID string
	Actor    string    // actor name, exact
	ActorID  int64     // the acting account
	From, To time.Time // entries at or after From, before To (zero: open)
	Before   int64     // cursor: entries with seq < Before
	Limit    int
}

// where builds the condition of f, without the cursor.
func (f *Filter) where() (string, []any) {
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
	if f.Kind != "" {
		where = append(where, "action = ?")
		args = append(args, f.Kind)
	}
	if acts := areaActions(f.Area); len(acts) > 0 {
		where = append(where, "action IN (?"+strings.Repeat(", ?", len(acts)-1)+")")
		for _, a := range acts {
			args = append(args, a)
		}
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
	if f.ActorID != 0 {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UnixMilli())
	}
	return strings.Join(where, " AND "), args
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
	where, args := f.where()
	if f.Before > 0 {
		where += " AND seq < ?"
		args = append(args, f.Before)
	}
	args = append(args, f.Limit)
	rows, err := d.Query(ctx, "SELECT "+columns+" FROM audit_log WHERE "+where+" ORDER BY seq DESC LIMIT ?", args...)
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

// Each calls fn for every entry f selects, newest first, at most max of
// them (the export); the cursor and limit of f are ignored.
func Each(ctx context.Context, d *db.DB, f Filter, max int, fn func(*Entry) error) error {
	if len(f.Paths) == 0 {
		return nil
	}
	where, args := f.where()
	rows, err := d.Query(ctx, "SELECT "+columns+" FROM audit_log WHERE "+where+" ORDER BY seq DESC LIMIT ?", append(args, max)...)
	if err != nil {
		return fmt.Errorf("audit: each: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return fmt.Errorf("audit: scan: %w", err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Count returns how many entries f selects (its cursor ignored).
func Count(ctx context.Context, d *db.DB, f Filter) (int64, error) {
	if len(f.Paths) == 0 {
		return 0, nil
	}
	where, args := f.where()
	var n int64
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("audit: count: %w", err)
	}
	return n, nil
}

// PathEnd is the exclusive upper bound of the subtree whose paths start with
// p (which ends in '/'): '0' is the byte after '/'.
func PathEnd(p string) string {
	if p == "" {
		return "\xff"
	}
	return p[:len(p)-1] + "0"
}
