package bank

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// rule scopes banks: contest.read to see them, contest.write to keep them,
// over the owner's subtree. Banks above a caller are read through
// readable, not through the rule.
var rule = scope.Rule{Entity: "question_bank", Read: auth.PermContestRead, Write: auth.PermContestWrite}

// Store reads and changes banks and their questions.
type Store struct {
	DB  *db.DB
	now func() time.Time
}

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{DB: d, now: time.Now} }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Bank is one question bank.
type Bank struct {
	ID          int64     `json:"id,string"`
	OrgID       int64     `json:"org_id,string"`
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"-"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Questions   int       `json:"questions"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Writable: the caller may change it (a bank above them is read-only).
	Writable bool `json:"writable"`
}

// BankInput is a bank as staff write it.
type BankInput struct {
	OrgID       int64  `json:"org_id,string"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Limits of a bank's texts.
const (
	MaxBankName        = 60
	MaxBankDescription = 500
)

func (in *BankInput) check() error {
	f := errs.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	text(f, "name", in.Name, MaxBankName, true)
	text(f, "description", in.Description, MaxBankDescription, false)
	return f.Err()
}

const bankCols = `b.id, b.org_id, o.name, b.org_path, b.name, b.description, b.questions, b.version, b.created_at, b.updated_at`
const bankFrom = ` FROM question_banks b JOIN orgs o ON o.id = b.org_id`

func scanBank(pr *auth.Principal, sc interface{ Scan(...any) error }) (Bank, error) {
	var b Bank
	var created, updated int64
	err := sc.Scan(&b.ID, &b.OrgID, &b.OrgName, &b.OrgPath, &b.Name, &b.Description, &b.Questions, &b.Version, &created, &updated)
	b.CreatedAt, b.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	b.Writable = rule.CanWrite(pr, b.OrgPath)
	return b, err
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// Bank reads one bank the caller may use.
func (s *Store) Bank(ctx context.Context, pr *auth.Principal, id int64) (*Bank, error) {
	return s.bank(ctx, s.DB, pr, id, false)
}

// bank reads a bank for pr: one they may use, or (write) change.
func (s *Store) bank(ctx context.Context, q queryer, pr *auth.Principal, id int64, write bool) (*Bank, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("question_bank")
	}
	b, err := scanBank(pr, q.QueryRow(ctx, "SELECT "+bankCols+bankFrom+" WHERE b.id = ?", id))
	if err == sql.ErrNoRows || err == nil && !rule.CanReach(pr, b.OrgPath) {
		return nil, errs.NotFound("question_bank")
	}
	if err != nil {
		return nil, errs.Internal(err, "bank: read")
	}
	if write && !b.Writable {
		return nil, errs.Forbidden()
	}
	return &b, nil
}

// CreateBank makes an empty bank owned by in.OrgID, where the caller
// holds contest.write.
func (s *Store) CreateBank(ctx context.Context, pr *auth.Principal, in BankInput) (*Bank, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("question_bank")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	id := db.NewID()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		path, err := orgPath(ctx, tx, pr, in.OrgID)
		if err != nil {
			return err
		}
		ms := scope.Millis(s.stamp())
		var by any
		if pr.UserID != 0 {
			by = pr.UserID
		}
		_, err = tx.Exec(ctx, `INSERT INTO question_banks (id, org_id, org_path, name, description, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, in.OrgID, path, in.Name, in.Description, by, ms, ms)
		if db.IsUnique(err) {
			return nameTaken()
		}
		if err != nil {
			return errs.Internal(err, "bank: create")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.bank_create", Entity: "question_bank", EntityID: db.FormatID(id),
			OrgPath: path, After: map[string]any{"name": in.Name}})
	})
	if err != nil {
		return nil, err
	}
	return s.Bank(ctx, pr, id)
}

// UpdateBank renames or redescribes a bank (its owner stays); version must
// be the one the caller read.
func (s *Store) UpdateBank(ctx context.Context, pr *auth.Principal, id int64, version int, in BankInput) (*Bank, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		b, err := s.lockBank(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE question_banks SET name = ?, description = ?, version = version + 1, updated_at = ? WHERE id = ?",
			in.Name, in.Description, scope.Millis(s.stamp()), id)
		if db.IsUnique(err) {
			return nameTaken()
		}
		if err != nil {
			return errs.Internal(err, "bank: update")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.bank_update", Entity: "question_bank", EntityID: db.FormatID(id),
			OrgPath: b.OrgPath, Before: map[string]any{"name": b.Name, "description": b.Description},
			After: map[string]any{"name": in.Name, "description": in.Description}})
	})
	if err != nil {
		return nil, err
	}
	return s.Bank(ctx, pr, id)
}

// DeleteBank removes a bank and its questions. Papers already drawn keep
// their own copies of the questions.
func (s *Store) DeleteBank(ctx context.Context, pr *auth.Principal, id int64, version int) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		b, err := s.lockBank(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM questions WHERE bank_id = ?", id); err != nil {
			return errs.Internal(err, "bank: delete questions")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM question_banks WHERE id = ?", id); err != nil {
			return errs.Internal(err, "bank: delete")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.bank_delete", Entity: "question_bank", EntityID: db.FormatID(id),
			OrgPath: b.OrgPath, Before: map[string]any{"name": b.Name, "questions": b.Questions}})
	})
}

// lockBank reads a bank the caller may change, under its row's lock (the
// question counter and positions change with it); version 0 skips the
// check of a stale edit.
func (s *Store) lockBank(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, version int) (*Bank, error) {
	if err := tx.LockRows(ctx, "SELECT id FROM question_banks WHERE id = ?", id); err != nil {
		return nil, errs.Internal(err, "bank: lock")
	}
	b, err := s.bank(ctx, tx, pr, id, true)
	if err != nil {
		return nil, err
	}
	if version != 0 && b.Version != version {
		return nil, errs.Conflict("stale_version", "bank.stale_version")
	}
	return b, nil
}

func nameTaken() error {
	f := errs.Fields{}
	f.Add("name", "bank.name_taken")
	return f.Err()
}

// orgPath is the path of the organisation a bank is made for, where pr
// holds contest.write.
func orgPath(ctx context.Context, q queryer, pr *auth.Principal, id int64) (string, error) {
	if id == 0 {
		f := errs.Fields{}
		f.Add("org_id", "field.required")
		return "", f.Err()
	}
	var path string
	err := q.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&path)
	if err == sql.ErrNoRows || err == nil && !rule.CanRead(pr, path) {
		f := errs.Fields{}
		f.Add("org_id", "field.invalid_id")
		return "", f.Err()
	}
	if err != nil {
		return "", errs.Internal(err, "bank: read organisation")
	}
	if !rule.CanWrite(pr, path) {
		return "", errs.Forbidden()
	}
	return path, nil
}

// StemKey is what makes two questions of a bank the same: the type and
// the stem with white space and widths folded.
func StemKey(t Type, stem string) string {
	sum := sha256.Sum256([]byte(string(t) + "\x00" + Normalise(stem)))
	return hex.EncodeToString(sum[:16])
}

func encodeQuestion(q *Question) (options, key string) {
	o, _ := json.Marshal(q.Options)
	if q.Options == nil {
		o = []byte("[]")
	}
	k, _ := json.Marshal(q.Key)
	return string(o), string(k)
}
