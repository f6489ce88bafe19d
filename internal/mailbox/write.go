package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/scope"
)

// Level is where an addressee stands from the writer's union, in the
// words a worker knows: 本单位工会, 街道/乡镇工会, 区总工会, 市总工会.
type Level string

const (
	LevelOwn      Level = "own"      // the writer's own union
	LevelStreet   Level = "street"   // a street or township federation
	LevelDistrict Level = "district" // a district federation
	LevelCity     Level = "city"     // the city federation
	LevelUpper    Level = "upper"    // another union above (an industry union, a joint union)
)

// Addressee is a union a member may write to.
type Addressee struct {
	OrgID int64  `json:"org_id,string"`
	Name  string `json:"name"`
	Level Level  `json:"level"`
}

func levelOf(k org.Kind, own bool) Level {
	switch {
	case own:
		return LevelOwn
	case k == org.KindCity:
		return LevelCity
	case k == org.KindDistrict:
		return LevelDistrict
	case k == org.KindStreet || k == org.KindTownship:
		return LevelStreet
	}
	return LevelUpper
}

// writer is the member writing, as the store checks them.
type writer struct {
	id      int64
	orgPath string
}

// self reads the member pr acts for; only an active member writes.
func (s *Store) self(ctx context.Context, pr *auth.Principal, op string) (*writer, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("mailbox: " + op)
	}
	if pr.Kind != auth.KindMember || pr.MemberID == 0 {
		return nil, errs.Forbidden()
	}
	w := &writer{id: pr.MemberID}
	var st member.Status
	err := s.DB.QueryRow(ctx, "SELECT org_path, status FROM members WHERE id = ?", pr.MemberID).Scan(&w.orgPath, &st)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("member")
	}
	if err != nil {
		return nil, errs.Internal(err, "mailbox: "+op)
	}
	if st != member.StatusActive {
		return nil, errs.Conflict("not_active", "mailbox.not_active")
	}
	return w, nil
}

// Addressees lists the unions a member may write to: their own and every
// one above it, nearest first.
func (s *Store) Addressees(ctx context.Context, pr *auth.Principal) ([]Addressee, error) {
	w, err := s.self(ctx, pr, "addressees")
	if err != nil {
		return nil, err
	}
	anc := auth.Ancestors(w.orgPath)
	args := make([]any, len(anc))
	for i, p := range anc {
		args[i] = p
	}
	rows, err := s.DB.Query(ctx, "SELECT id, name, kind, path FROM orgs WHERE path IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+") ORDER BY path DESC", args...)
	if err != nil {
		return nil, errs.Internal(err, "mailbox: addressees")
	}
	defer rows.Close()
	out := []Addressee{}
	for rows.Next() {
		var a Addressee
		var k org.Kind
		var path string
		if err := rows.Scan(&a.OrgID, &a.Name, &k, &path); err != nil {
			return nil, errs.Internal(err, "mailbox: addressees")
		}
		a.Level = levelOf(k, path == w.orgPath)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Input is a letter as its writer sends it.
type Input struct {
	OrgID     int64    `json:"org_id,string"`
	Category  Category `json:"category"`
	Subject   string   `json:"subject"`
	Body      string   `json:"body"`
	Anonymous bool     `json:"anonymous"`
}

// cleanText trims s and drops control characters other than line breaks
// and tabs (pasted text carries them; nobody reads them).
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// checkText trims *v and checks that it is given and between min and max
// characters long.
func checkText(f errs.Fields, field string, v *string, min, max int) {
	*v = cleanText(*v)
	n := utf8.RuneCountInString(*v)
	switch {
	case n == 0:
		f.Add(field, "field.required")
	case n < min:
		f.Add(field, "field.too_short", min)
	case n > max:
		f.Add(field, "field.too_long", max)
	}
}

func (in *Input) validate() (errs.Fields, error) {
	f := errs.Fields{}
	f.Check(in.OrgID != 0, "org_id", "field.required")
	if in.Category == "" {
		f.Add("category", "field.required")
	} else {
		f.Check(slices.Contains(Categories, in.Category), "category", "field.invalid_choice")
	}
	checkText(f, "subject", &in.Subject, 1, MaxSubject)
	if !strings.Contains(in.Subject, "\n") {
		in.Subject = strings.ReplaceAll(in.Subject, "\t", " ")
	} else {
		f.Add("subject", "mailbox.subject_one_line")
	}
	checkText(f, "body", &in.Body, MinBody, MaxBody)
	return f, f.Err()
}

// anonymousActor is the audit's actor for what the writer of an anonymous
// letter does: neither the member nor the address they wrote from.
func anonymousActor(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Name: "member:anonymous"})
}

// Write sends a member's letter, with up to MaxPhotos pictures. A member
// may write at most PerDay letters on one Beijing day, however many
// requests arrive at once, from however many processes.
func (s *Store) Write(ctx context.Context, pr *auth.Principal, in Input, photos [][]byte) (*Letter, error) {
	w, err := s.self(ctx, pr, "write")
	if err != nil {
		return nil, err
	}
	f, _ := in.validate()
	types := checkPhotos(f, photos)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var name, path string
	err = s.DB.QueryRow(ctx, "SELECT name, path FROM orgs WHERE id = ?", in.OrgID).Scan(&name, &path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !slices.Contains(auth.Ancestors(w.orgPath), path) {
		f.Add("org_id", "mailbox.addressee_outside")
		return nil, f.Err()
	}
	if err != nil {
		return nil, errs.Internal(err, "mailbox: write")
	}
	if in.Anonymous {
		ctx = anonymousActor(ctx)
	}
	now := s.stamp()
	ms := scope.Millis(now)
	l := &Letter{ID: db.NewID(), OrgID: in.OrgID, OrgName: name, Category: in.Category, Subject: in.Subject, Body: in.Body,
		Anonymous: in.Anonymous, Status: StatusNew, ReceivedAt: now, DueAt: DueAfter(now, s.AnswerDays), Photos: len(photos),
		Version: 1, UpdatedAt: now, path: path, memberID: w.id}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := s.takeQuota(ctx, tx, w.id, beijing.Day(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO letters (id, member_id, anonymous, org_id, org_path, category, subject, body, status,
			received_at, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, w.id, boolInt(l.Anonymous), l.OrgID, path, l.Category, l.Subject, l.Body, l.Status, ms, scope.Millis(l.DueAt), ms); err != nil {
			return errs.Internal(err, "mailbox: write")
		}
		if err := s.savePhotos(ctx, tx, l.ID, photos, types, ms); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, l.ID, Event{Kind: EvWritten, Status: StatusNew, Writer: true, At: now}, 0); err != nil {
			return err
		}
		if err := logFigures(ctx, tx, figures{}, figuresOf(l)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "mailbox.write", Entity: "letter", EntityID: db.FormatID(l.ID), OrgPath: path,
			After: map[string]any{"category": l.Category, "subject": l.Subject, "anonymous": l.Anonymous, "photos": len(photos)}})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// takeQuota counts one more letter of member on day, refusing it past
// PerDay. The row's conditional update is what holds the limit: two
// processes adding the last letter at once queue on the row, and the
// second finds it full.
func (s *Store) takeQuota(ctx context.Context, tx *db.Tx, memberID int64, day string) error {
	if _, err := tx.Exec(ctx, "INSERT INTO letter_quota (member_id, day, n) VALUES (?, ?, 0) ON CONFLICT (member_id, day) DO NOTHING", memberID, day); err != nil {
		return errs.Internal(err, "mailbox: quota")
	}
	res, err := tx.Exec(ctx, "UPDATE letter_quota SET n = n + 1 WHERE member_id = ? AND day = ? AND n < ?", memberID, day, s.PerDay)
	if err != nil {
		return errs.Internal(err, "mailbox: quota")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Conflict("daily_limit", "mailbox.daily_limit", s.PerDay)
	}
	return nil
}

// addEvent appends an entry to a letter's history; by is the staff
// account that acted (0: the writer).
func addEvent(ctx context.Context, tx *db.Tx, letterID int64, e Event, by int64) error {
	var user any
	if by != 0 {
		user = by
	}
	_, err := tx.Exec(ctx, `INSERT INTO letter_events (id, letter_id, kind, status, body, from_org, to_org, user_id, user_name, org_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), letterID, e.Kind, e.Status, e.Body, e.FromOrg, e.ToOrg, user, e.By, e.OrgName, scope.Millis(e.At))
	if err != nil {
		return errs.Internal(err, "mailbox: history")
	}
	return nil
}
