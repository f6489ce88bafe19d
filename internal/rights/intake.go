package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// WorkerInput is one worker as staff take them in. A worker whose ID
// number is a member's in the registry is linked to that member (who then
// follows the case on the phone); the name, ID number and mobile given are
// kept on the case, sealed, as what was stated at intake.
type WorkerInput struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Mobile   string `json:"mobile"`
}

// ClaimInput is one claim: its kind and amount. Pages give the amount as
// typed (Text, yuan, read by ParseFen); the API gives fen.
type ClaimInput struct {
	Kind      ClaimKind `json:"kind"`
	AmountFen int64     `json:"amount_fen"`
	Note      string    `json:"note"`
	Text      string    `json:"-"`
}

// FileInput is one evidence file as uploaded.
type FileInput struct {
	Name string
	Data []byte
}

// Input is a new case. Staff give the handling union (OrgID), the channel
// and the workers; a member filing from the phone gives the union among
// their own and those above it, and is the one worker.
type Input struct {
	OrgID        int64         `json:"org_id,string"`
	Kind         Kind          `json:"kind"`
	Channel      Channel       `json:"channel"`
	Title        string        `json:"title"`
	Facts        string        `json:"facts"`
	EmployerName string        `json:"employer_name"`
	CreditCode   string        `json:"credit_code"`
	Workers      []WorkerInput `json:"workers"`
	Claims       []ClaimInput  `json:"claims"`
}

// MaxName is how long a worker's name may be.
const MaxName = 40

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

// checkText trims *v and checks it is given and between min and max
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

// optText trims *v and checks it is at most max characters long.
func optText(f errs.Fields, field string, v *string, max int) {
	*v = cleanText(*v)
	f.Check(utf8.RuneCountInString(*v) <= max, field, "field.too_long", max)
}

// worker is a checked worker, ready to be sealed.
type worker struct {
	memberID               int64
	name, idNumber, mobile string
}

// checkClaims checks claims (fields "claims.N.kind", "claims.N.amount")
// and answers them in fen with their total.
func checkClaims(f errs.Fields, in []ClaimInput) ([]Claim, int64) {
	if !f.Check(len(in) <= MaxClaims, "claims", "field.too_many", MaxClaims) {
		return nil, 0
	}
	out := make([]Claim, 0, len(in))
	var total int64
	for i, c := range in {
		if cl, ok := checkClaim(f, fmt.Sprintf("claims.%d.", i), c); ok {
			out = append(out, cl)
			total += cl.AmountFen
		}
	}
	return out, total
}

// checkClaim checks one claim, its fields named key+"kind", key+"amount"
// and key+"note": a kind of ClaimKinds, an amount above 0 and at most
// MaxFen (typed yuan read by ParseFen, or fen).
func checkClaim(f errs.Fields, key string, c ClaimInput) (Claim, bool) {
	ok := true
	if c.Kind == "" {
		ok = f.Check(false, key+"kind", "field.required")
	} else {
		ok = f.Check(slices.Contains(ClaimKinds, c.Kind), key+"kind", "field.invalid_choice")
	}
	fen := c.AmountFen
	if c.Text != "" {
		var bad string
		if fen, bad = ParseFen(c.Text); bad != "" {
			f.Add(key+"amount", bad)
			return Claim{}, false
		}
	}
	switch {
	case fen < 0:
		f.Add(key+"amount", ErrAmountNegative)
		return Claim{}, false
	case fen > MaxFen:
		f.Add(key+"amount", ErrAmountTooLarge)
		return Claim{}, false
	case fen == 0:
		f.Add(key+"amount", "field.required")
		return Claim{}, false
	}
	note := c.Note
	if !f.Check(utf8.RuneCountInString(cleanText(note)) <= MaxEmployer, key+"note", "field.too_long", MaxEmployer) {
		return Claim{}, false
	}
	return Claim{Kind: c.Kind, AmountFen: fen, Note: cleanText(note)}, ok
}

// validate checks what staff and members both give.
func (in *Input) validate(f errs.Fields) {
	if in.Kind == "" {
		f.Add("kind", "field.required")
	} else {
		f.Check(slices.Contains(Kinds, in.Kind), "kind", "field.invalid_choice")
	}
	checkText(f, "title", &in.Title, 1, MaxTitle)
	if strings.ContainsAny(in.Title, "\n\t") {
		f.Add("title", "case.title_one_line")
	}
	checkText(f, "facts", &in.Facts, MinFacts, MaxFacts)
	optText(f, "employer_name", &in.EmployerName, MaxEmployer)
	in.CreditCode = strings.TrimSpace(in.CreditCode)
	if in.CreditCode != "" {
		code, err := cnid.NormalizeCreditCode(in.CreditCode)
		if f.Check(err == nil, "credit_code", "case.credit_code_invalid") {
			in.CreditCode = code
		}
	}
	if in.Kind != "" && in.Kind != KindConsultation && in.EmployerName == "" && in.CreditCode == "" {
		f.Add("employer_name", "case.employer_required")
	}
}

// checkWorkers checks the workers staff give (fields "workers.N.name" …).
func checkWorkers(f errs.Fields, in []WorkerInput) []worker {
	if len(in) == 0 {
		f.Add("workers", "case.workers_required")
		return nil
	}
	if !f.Check(len(in) <= MaxWorkers, "workers", "field.too_many", MaxWorkers) {
		return nil
	}
	out := make([]worker, 0, len(in))
	for i, w := range in {
		out = append(out, checkWorker(f, fmt.Sprintf("workers.%d.", i), w))
	}
	return out
}

// checkWorker checks one worker, its fields named key+"name" and so on.
func checkWorker(f errs.Fields, key string, w WorkerInput) worker {
	checkText(f, key+"name", &w.Name, 1, MaxName)
	var wk worker
	wk.name = w.Name
	if id := strings.TrimSpace(w.IDNumber); id != "" {
		if r, err := cnid.ParseResidentID(id); f.Check(err == nil, key+"id_number", "case.id_number_invalid") {
			wk.idNumber = r.Number
		}
	}
	if m := strings.TrimSpace(w.Mobile); m != "" {
		if n, err := cnid.NormalizeMobile(m); f.Check(err == nil, key+"mobile", "case.mobile_invalid") {
			wk.mobile = n
		}
	}
	return wk
}

// memberOf finds the active member whose ID number is idNumber by the
// keyed hash the registry's unique index holds (0: none).
func (s *Store) memberOf(ctx context.Context, q signup.Queryer, idNumber string) (int64, error) {
	if idNumber == "" {
		return 0, nil
	}
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM members WHERE id_hash = ? AND status = ?", s.Keys.Hash("id_number", idNumber), member.StatusActive).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, errs.Internal(err, "rights: find member")
	}
	return id, nil
}

// TakeIn records a case staff take in from the hotline or a walk-in, at a
// union where they hold case.write, with its evidence files.
func (s *Store) TakeIn(ctx context.Context, pr *auth.Principal, in Input, files []FileInput) (*Case, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("rights: take in")
	}
	if pr.Kind == auth.KindMember {
		return nil, errs.Forbidden()
	}
	f := errs.Fields{}
	f.Check(in.OrgID != 0, "org_id", "field.required")
	if in.Channel == "" {
		f.Add("channel", "field.required")
	} else {
		f.Check(slices.Contains(StaffChannels, in.Channel), "channel", "field.invalid_choice")
	}
	in.validate(f)
	workers := checkWorkers(f, in.Workers)
	claims, total := checkClaims(f, in.Claims)
	types := checkFiles(f, files)
	orgName, path, err := s.union(ctx, f, in.OrgID, "field.invalid_id", func(path string) bool { return rule.CanWrite(pr, path) })
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	for i := range workers {
		if workers[i].memberID, err = s.memberOf(ctx, s.DB, workers[i].idNumber); err != nil {
			return nil, err
		}
	}
	c := &Case{OrgID: in.OrgID, OrgName: orgName, Kind: in.Kind, Channel: in.Channel, Title: in.Title, Facts: in.Facts,
		EmployerName: in.EmployerName, CreditCode: in.CreditCode, ClaimedFen: total, path: path}
	ev := Event{Kind: EvTakenIn, Status: StatusNew, By: staffName(pr), OrgName: orgName}
	if err := s.insert(ctx, c, workers, claims, files, types, ev, pr.UserID, false); err != nil {
		return nil, err
	}
	return c, nil
}

// union reads the name and path of the union a case is for, adding
// refusal to f as the field "org_id" when it does not exist or ok refuses
// it.
func (s *Store) union(ctx context.Context, f errs.Fields, id int64, refusal string, ok func(path string) bool) (name, path string, err error) {
	if id == 0 {
		return "", "", nil
	}
	err = s.DB.QueryRow(ctx, "SELECT name, path FROM orgs WHERE id = ?", id).Scan(&name, &path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !ok(path) {
		f.Add("org_id", refusal)
		return "", "", nil
	}
	if err != nil {
		return "", "", errs.Internal(err, "rights: union")
	}
	return name, path, nil
}

// Unions lists the unions a member may file a case with: their own and
// every one above it, nearest first.
func (s *Store) Unions(ctx context.Context, pr *auth.Principal) ([]Union, error) {
	me, err := s.self(ctx, pr, "unions")
	if err != nil {
		return nil, err
	}
	anc := auth.Ancestors(me.OrgPath)
	args := make([]any, len(anc))
	for i, p := range anc {
		args[i] = p
	}
	rows, err := s.DB.Query(ctx, "SELECT id, name FROM orgs WHERE path IN ("+db.Placeholders(len(args))+") ORDER BY path DESC", args...)
	if err != nil {
		return nil, errs.Internal(err, "rights: unions")
	}
	defer rows.Close()
	out := []Union{}
	for rows.Next() {
		var u Union
		if err := rows.Scan(&u.OrgID, &u.Name); err != nil {
			return nil, errs.Internal(err, "rights: unions")
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Union is a union a member may file a case with.
type Union struct {
	OrgID int64  `json:"org_id,string"`
	Name  string `json:"name"`
}

// self reads the member pr acts for; only an active member files.
func (s *Store) self(ctx context.Context, pr *auth.Principal, op string) (*member.Brief, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("rights: " + op)
	}
	if pr.Kind != auth.KindMember || pr.MemberID == 0 {
		return nil, errs.Forbidden()
	}
	var b member.Brief
	err := s.DB.QueryRow(ctx, "SELECT id, org_id, org_path, name, status FROM members WHERE id = ?", pr.MemberID).
		Scan(&b.ID, &b.OrgID, &b.OrgPath, &b.Name, &b.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("member")
	}
	if err != nil {
		return nil, errs.Internal(err, "rights: "+op)
	}
	if b.Status != member.StatusActive {
		return nil, errs.Conflict("not_active", "case.not_active")
	}
	return &b, nil
}

// File records a case a member files from their phone with a union of
// their own line; they are its one worker, linked to the registry.
func (s *Store) File(ctx context.Context, pr *auth.Principal, in Input, files []FileInput) (*Case, error) {
	me, err := s.self(ctx, pr, "file")
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	f.Check(in.OrgID != 0, "org_id", "field.required")
	in.Channel = ChannelOnline
	in.validate(f)
	claims, total := checkClaims(f, in.Claims)
	types := checkFiles(f, files)
	orgName, path, err := s.union(ctx, f, in.OrgID, "case.union_outside", func(path string) bool { return slices.Contains(auth.Ancestors(me.OrgPath), path) })
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	c := &Case{OrgID: in.OrgID, OrgName: orgName, Kind: in.Kind, Channel: ChannelOnline, Title: in.Title, Facts: in.Facts,
		EmployerName: in.EmployerName, CreditCode: in.CreditCode, ClaimedFen: total, path: path, memberID: me.ID}
	ev := Event{Kind: EvFiled, Status: StatusNew, Worker: true}
	if err := s.insert(ctx, c, []worker{{memberID: me.ID, name: me.Name}}, claims, files, types, ev, 0, true); err != nil {
		return nil, err
	}
	return c, nil
}

// insert stores a new case with everything it came with, its first
// timeline entry, its figures and its audit record, in one transaction.
func (s *Store) insert(ctx context.Context, c *Case, workers []worker, claims []Claim, files []FileInput, types []string, ev Event, by int64, byWorker bool) error {
	now := s.stamp()
	cal := s.calendar()
	c.ID, c.Status, c.ReceivedAt, c.UpdatedAt, c.Version, c.Workers = db.NewID(), StatusNew, now, now, 1, len(workers)
	var known bool
	c.DueAt, known = Due(cal, now, AcceptTerm)
	c.Provisional, c.remindAt = !known, RemindFrom(cal, c.DueAt)
	c.escalateAt = scope.Millis(c.DueAt)
	ms := scope.Millis(now)
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if c.CreditCode != "" {
			var id int64
			var name string
			err := tx.QueryRow(ctx, "SELECT id, name FROM employers WHERE credit_code = ?", c.CreditCode).Scan(&id, &name)
			switch {
			case err == nil:
				c.EmployerID = id
				if c.EmployerName == "" {
					c.EmployerName = name
				}
			case !errors.Is(err, sql.ErrNoRows):
				return errs.Internal(err, "rights: employer")
			}
		}
		var memberID, employerID any
		if c.memberID != 0 {
			memberID = c.memberID
		}
		if c.EmployerID != 0 {
			employerID = c.EmployerID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cases (id, org_id, org_path, kind, channel, title, facts, member_id, workers, employer_name, credit_code,
			employer_id, claimed_fen, status, received_at, due_at, due_known, remind_at, updated_at, escalate_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.OrgID, c.path, c.Kind, c.Channel, c.Title, c.Facts, memberID, c.Workers, c.EmployerName, c.CreditCode,
			employerID, c.ClaimedFen, c.Status, ms, scope.Millis(c.DueAt), boolInt(!c.Provisional), scope.Millis(c.remindAt), ms, c.escalateAt); err != nil {
			return errs.Internal(err, "rights: insert")
		}
		if err := s.insertWorkers(ctx, tx, c.ID, workers); err != nil {
			return err
		}
		if err := insertClaims(ctx, tx, c.ID, claims); err != nil {
			return err
		}
		if err := s.saveFiles(ctx, tx, c.ID, files, types, byWorker, ms); err != nil {
			return err
		}
		ev.At = now
		if err := addEvent(ctx, tx, c.ID, ev, by); err != nil {
			return err
		}
		if err := logFigures(ctx, tx, figures{}, figuresOf(c)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.create", Entity: "case", EntityID: db.FormatID(c.ID), OrgPath: c.path,
			After: map[string]any{"kind": c.Kind, "channel": c.Channel, "title": c.Title, "workers": c.Workers, "claimed_fen": c.ClaimedFen,
				"employer": c.EmployerName, "files": len(files)}})
	})
}

func insertClaims(ctx context.Context, tx *db.Tx, caseID int64, claims []Claim) error {
	for i, c := range claims {
		if _, err := tx.Exec(ctx, "INSERT INTO case_claims (id, case_id, position, kind, amount_fen, note) VALUES (?, ?, ?, ?, ?, ?)",
			db.NewID(), caseID, i, c.Kind, c.AmountFen, c.Note); err != nil {
			return errs.Internal(err, "rights: claims")
		}
	}
	return nil
}

// addEvent appends an entry to a case's timeline; by is the staff account
// that acted (0: the worker).
func addEvent(ctx context.Context, tx *db.Tx, caseID int64, e Event, by int64) error {
	var user any
	if by != 0 {
		user = by
	}
	_, err := tx.Exec(ctx, `INSERT INTO case_events (id, case_id, kind, status, body, from_org, to_org, user_id, user_name, org_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), caseID, e.Kind, e.Status, e.Body, e.FromOrg, e.ToOrg, user, e.By, e.OrgName, scope.Millis(e.At))
	if err != nil {
		return errs.Internal(err, "rights: timeline")
	}
	return nil
}

func staffName(pr *auth.Principal) string {
	if pr.Name != "" {
		return pr.Name
	}
	return pr.Username
}
