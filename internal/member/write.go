package member

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// Union is the organisation a membership belongs to.
type Union struct {
	ID   int64
	Path string
	Name string
	Kind string
}

// noMembers are the kinds of organisation that lead unions and hold no
// members themselves.
var noMembers = map[string]bool{"city_federation": true, "district_federation": true}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// loadUnion reads an organisation. Inside a transaction it takes a share
// lock (where the engine needs one), so that a concurrent move of its subtree (which locks
// the rows for update) finishes first and the path read here is current.
func loadUnion(ctx context.Context, q queryer, id int64) (*Union, error) {
	lock := ""
	if tx, ok := q.(*db.Tx); ok {
		lock = tx.ForShare()
	}
	var u Union
	err := q.QueryRow(ctx, "SELECT id, path, name, kind FROM orgs WHERE id = ?"+lock, id).Scan(&u.ID, &u.Path, &u.Name, &u.Kind)
	return One(u, err, "org", "member: load union")
}

// targetUnion loads the union members are written to and checks that p may
// write there and that it holds members at all.
func targetUnion(ctx context.Context, q queryer, p *auth.Principal, id int64, field string) (*Union, error) {
	if id == 0 {
		return nil, fieldErr(field, "field.required")
	}
	u, err := loadUnion(ctx, q, id)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return nil, fieldErr(field, "field.invalid_id")
		}
		return nil, err
	}
	if !rule.CanRead(p, u.Path) && !p.CanAt(auth.PermOrgRead, u.Path) {
		return nil, fieldErr(field, "field.invalid_id")
	}
	if !rule.CanWrite(p, u.Path) {
		return nil, errs.Forbidden()
	}
	if noMembers[u.Kind] {
		return nil, fieldErr(field, "member.org_kind")
	}
	return u, nil
}

// employerName checks that employer id is organised by the union at path or
// by one of its ancestors (a sub-union's employer is its union's), and
// returns its name.
func employerName(ctx context.Context, q queryer, id int64, path string) (string, bool, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT e.name FROM employers e
		JOIN org_employers oe ON oe.employer_id = e.id
		JOIN orgs o ON o.id = oe.org_id
		WHERE e.id = ? AND o.path = substr(CAST(? AS TEXT), 1, length(o.path))`, id, path).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, errs.Internal(err, "member: employer")
	}
	return name, true, nil
}

// existing is what the registry already knows of a person.
type existing struct {
	ID      int64
	OrgID   int64
	OrgPath string
	Status  Status
}

func findByIDHash(ctx context.Context, q queryer, hash string) (*existing, error) {
	var e existing
	err := q.QueryRow(ctx, "SELECT id, org_id, org_path, status FROM members WHERE id_hash = ?", hash).Scan(&e.ID, &e.OrgID, &e.OrgPath, &e.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Internal(err, "member: find by id")
	}
	return &e, nil
}

// mobileTaken reports whether another member than self uses the mobile.
func mobileTaken(ctx context.Context, q queryer, hash string, self int64) (bool, error) {
	if hash == "" {
		return false, nil
	}
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM members WHERE mobile_hash = ?", hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, errs.Internal(err, "member: find by mobile")
	}
	return id != self, nil
}

func errAlreadyHere() error {
	return &errs.Error{Kind: errs.KindConflict, Code: "already_member", Key: "member.already_member",
		Fields: map[string]errs.Field{"id_number": {Key: "member.already_member"}}}
}

func errMemberElsewhere() error {
	return &errs.Error{Kind: errs.KindConflict, Code: "member_elsewhere", Key: "member.member_elsewhere",
		Fields: map[string]errs.Field{"id_number": {Key: "member.member_elsewhere"}}}
}

func errMobileTaken() error {
	return &errs.Error{Kind: errs.KindConflict, Code: "mobile_taken", Key: "member.mobile_taken",
		Fields: map[string]errs.Field{"mobile": {Key: "member.mobile_taken"}}}
}

// sealed are a person's personal numbers sealed for one member row; the
// row's id is in the associated data, so a value copied to another row does
// not open.
type sealed struct{ id, mobile string }

func (s *Store) seal(memberID int64, p *person) (sealed, error) {
	var out sealed
	var err error
	if out.id, err = s.Keys.SealString(p.id.Number, idAAD(memberID)); err != nil {
		return out, errs.Internal(err, "member: seal id")
	}
	if p.mobile != "" {
		if out.mobile, err = s.Keys.SealString(p.mobile, mobileAAD(memberID)); err != nil {
			return out, errs.Internal(err, "member: seal mobile")
		}
	}
	return out, nil
}

func idAAD(id int64) string     { return "member.id_number:" + db.FormatID(id) }
func mobileAAD(id int64) string { return "member.mobile:" + db.FormatID(id) }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// memberRow is a new members row with its grams and joining event.
type memberRow struct {
	id     int64
	org    *Union
	p      *person
	source string
	actor  string
	at     int64
	// status and statusOn default to an active membership.
	status   Status
	statusOn string
	// from and movedOn, when set, give the membership a past: it began in
	// union from and was transferred to org on movedOn (the generator).
	from    *Union
	movedOn string
}

const memberInsertCols = 23

func (s *Store) memberValues(r *memberRow, out []any) ([]any, error) {
	sl, err := s.seal(r.id, r.p)
	if err != nil {
		return nil, err
	}
	p := r.p
	st := r.status
	if st == "" {
		st = StatusActive
	}
	return append(out, r.id, r.org.ID, r.org.Path, p.name, p.initials, p.idHash, sl.id, nullable(p.mobileHash), sl.mobile,
		p.gender(), p.birth(), nullID(p.employerID), p.employer, p.job, string(st), p.tags, p.joinedOn, r.statusOn,
		r.source, 1, 1, r.at, r.at), nil
}

// insertMembers writes new members, their name bigrams and their joining
// events with multi-row INSERTs, and logs the figures they change unless
// bulk is set (the generator recounts the figures once at the end
// instead: logging millions of rows one by one would double its work).
func (s *Store) insertMembers(ctx context.Context, tx *db.Tx, rows []memberRow, bulk ...bool) error {
	flat := make([]any, 0, len(rows)*memberInsertCols)
	var grams, tags, events, transfers []any
	var figures []stats.Change
	var err error
	for i := range rows {
		r := &rows[i]
		if flat, err = s.memberValues(r, flat); err != nil {
			return err
		}
		st := r.status
		if st == "" {
			st = StatusActive
		}
		joinedAt := r.org
		if r.from != nil {
			joinedAt = r.from
		}
		figures = append(figures, levels(state{r.org.Path, st, r.p.tags}, +1)...)
		joined := joinDetail(r.source, r.p.tags)
		figures = append(figures, eventFlows(EventJoined, joinedAt.Path, r.p.joinedOn, joined)...)
		if st != StatusActive {
			figures = append(figures, eventFlows(EventStatus, r.org.Path, r.statusOn, map[string]any{"from": StatusActive, "to": st})...)
		}
		for _, g := range r.p.grams {
			grams = append(grams, g, r.org.Path, r.id)
		}
		for _, t := range TagNames(r.p.tags) {
			tags = append(tags, t, r.org.Path, r.id)
		}
		if r.from != nil {
			events = append(events, eventValues(event{MemberID: r.id, At: r.at, OnDate: r.movedOn, Kind: EventTransferredOut,
				OrgID: r.from.ID, OrgPath: r.from.Path, OtherOrgID: r.org.ID, Actor: r.actor})...)
			events = append(events, eventValues(event{MemberID: r.id, At: r.at, OnDate: r.movedOn, Kind: EventTransferredIn,
				OrgID: r.org.ID, OrgPath: r.org.Path, OtherOrgID: r.from.ID, Actor: r.actor})...)
			transfers = append(transfers, db.NewID(), r.id, r.from.ID, r.from.Path, r.org.ID, r.org.Path, string(TransferAccepted),
				r.actor, r.at, r.actor, r.at, r.actor, r.at)
			figures = append(figures, eventFlows(EventTransferredOut, r.from.Path, r.movedOn, nil)...)
			figures = append(figures, eventFlows(EventTransferredIn, r.org.Path, r.movedOn, nil)...)
		}
		events = append(events, eventValues(event{MemberID: r.id, At: r.at, OnDate: r.p.joinedOn, Kind: EventJoined,
			OrgID: joinedAt.ID, OrgPath: joinedAt.Path, Actor: r.actor, Detail: joined})...)
		if r.status != "" && r.status != StatusActive {
			events = append(events, eventValues(event{MemberID: r.id, At: r.at, OnDate: r.statusOn, Kind: EventStatus,
				OrgID: r.org.ID, OrgPath: r.org.Path, Actor: r.actor, Detail: map[string]any{"from": StatusActive, "to": r.status}})...)
		}
	}
	if err := tx.InsertRows(ctx, "members (id, org_id, org_path, name, initials, id_hash, id_sealed, mobile_hash, mobile_sealed, gender, birth_date, employer_id, employer_name, job, status, tags, joined_on, status_on, source, card_serial, version, created_at, updated_at)", memberInsertCols, flat); err != nil {
		return err
	}
	if err := tx.InsertRows(ctx, "member_grams (gram, org_path, member_id)", 3, grams); err != nil {
		return err
	}
	if err := tx.InsertRows(ctx, "member_tags (tag, org_path, member_id)", 3, tags); err != nil {
		return err
	}
	if err := tx.InsertRows(ctx, "member_events (id, member_id, at, on_date, kind, org_id, org_path, other_org_id, actor, detail)", eventCols, events); err != nil {
		return err
	}
	if err := tx.InsertRows(ctx, "transfers (id, member_id, from_org_id, from_path, to_org_id, to_path, status, requested_by, requested_at, released_by, released_at, decided_by, decided_at)", 13, transfers); err != nil {
		return err
	}
	if len(bulk) > 0 && bulk[0] {
		return nil
	}
	return stats.Log(ctx, tx, figures...)
}

// rejoin makes a former member (left, retired...) a member of u again: the
// same row, so history stays in one place.
func (s *Store) rejoin(ctx context.Context, tx *db.Tx, memberID int64, u *Union, p *person, source, actor string) error {
	sl, err := s.seal(memberID, p)
	if err != nil {
		return err
	}
	at := scope.Millis(s.now())
	err = tracked(ctx, tx, memberID, func() error {
		_, err := tx.Exec(ctx, `UPDATE members SET org_id = ?, org_path = ?, name = ?, initials = ?, mobile_hash = ?, mobile_sealed = ?,
		employer_id = ?, employer_name = ?, job = ?, status = ?, status_on = '', tags = ?, joined_on = ?, source = ?,
		card_serial = card_serial + 1, version = version + 1, updated_at = ? WHERE id = ?`,
			u.ID, u.Path, p.name, p.initials, nullable(p.mobileHash), sl.mobile, nullID(p.employerID), p.employer, p.job,
			string(StatusActive), p.tags, p.joinedOn, source, at, memberID)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.setKeys(ctx, tx, memberID, u.Path, p); err != nil {
		return err
	}
	joined := joinDetail(source, p.tags)
	return addEvent(ctx, tx, event{MemberID: memberID, At: at, OnDate: p.joinedOn, Kind: EventRejoined, OrgID: u.ID, OrgPath: u.Path,
		Actor: actor, Detail: joined})
}

// setKeys rewrites a member's search keys (name bigrams and tags), each
// with the member's union path.
func (s *Store) setKeys(ctx context.Context, tx *db.Tx, memberID int64, path string, p *person) error {
	for _, table := range []string{"member_grams", "member_tags"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE member_id = ?", memberID); err != nil {
			return err
		}
	}
	var grams, tags []any
	for _, g := range p.grams {
		grams = append(grams, g, path, memberID)
	}
	for _, t := range TagNames(p.tags) {
		tags = append(tags, t, path, memberID)
	}
	if err := tx.InsertRows(ctx, "member_grams (gram, org_path, member_id)", 3, grams); err != nil {
		return err
	}
	return tx.InsertRows(ctx, "member_tags (tag, org_path, member_id)", 3, tags)
}

// moveKeys moves a member's search keys to a new union path.
func moveKeys(ctx context.Context, tx *db.Tx, memberID int64, path string) error {
	for _, table := range []string{"member_grams", "member_tags"} {
		if _, err := tx.Exec(ctx, "UPDATE "+table+" SET org_path = ? WHERE member_id = ?", path, memberID); err != nil {
			return err
		}
	}
	return nil
}

// admit writes one validated person into union u inside tx: a new row, or
// the person's former row when they had left. It answers a conflict if the
// person is an active member already or the mobile belongs to someone else.
func (s *Store) admit(ctx context.Context, tx *db.Tx, u *Union, p *person, source, actor string) (int64, error) {
	ex, err := findByIDHash(ctx, tx, p.idHash)
	if err != nil {
		return 0, err
	}
	var self int64
	if ex != nil {
		if ex.Status == StatusActive {
			if ex.OrgID == u.ID {
				return 0, errAlreadyHere()
			}
			return 0, errMemberElsewhere()
		}
		self = ex.ID
	}
	if taken, err := mobileTaken(ctx, tx, p.mobileHash, self); err != nil {
		return 0, err
	} else if taken {
		return 0, errMobileTaken()
	}
	if ex != nil {
		if err := s.rejoin(ctx, tx, ex.ID, u, p, source, actor); err != nil {
			return 0, errs.Internal(err, "member: rejoin")
		}
		return ex.ID, nil
	}
	id := db.NewID()
	err = s.insertMembers(ctx, tx, []memberRow{{id: id, org: u, p: p, source: source, actor: actor, at: scope.Millis(s.now())}})
	if db.IsUnique(err) {
		// Another request admitted the same person (or mobile) since the
		// checks above; its row decides the answer.
		return 0, errMemberElsewhere()
	}
	if err != nil {
		return 0, errs.Internal(err, "member: insert")
	}
	return id, nil
}

// checkedFor finishes checking p for union u: its employer, then every
// field found wrong so far.
func checkedFor(ctx context.Context, q queryer, u *Union, p *person, f errs.Fields) error {
	if err := checkEmployer(ctx, q, u, p, f); err != nil {
		return err
	}
	return f.Err()
}

// checkEmployer validates p's employer against union u.
func checkEmployer(ctx context.Context, q queryer, u *Union, p *person, f errs.Fields) error {
	if p.employerID == 0 {
		return nil
	}
	name, ok, err := employerName(ctx, q, p.employerID, u.Path)
	if err != nil {
		return err
	}
	if !ok {
		f.Add("employer_id", "member.employer_not_here")
		return nil
	}
	if p.employer == "" {
		p.employer = name
	}
	return nil
}

// Create enters one person into a union on site (现场入会).
func (s *Store) Create(ctx context.Context, pr *auth.Principal, orgID int64, in Person) (*Member, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("member")
	}
	f := errs.Fields{}
	p := s.checkPerson(in, f, false)
	u, err := targetUnion(ctx, s.DB, pr, orgID, "org_id")
	if err != nil {
		return nil, err
	}
	if err := checkedFor(ctx, s.DB, u, &p, f); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		u, err := loadUnion(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := rule.Writable(pr, u.Path); err != nil {
			return err
		}
		if id, err = s.admit(ctx, tx, u, &p, SourceOnSite, actorOf(ctx)); err != nil {
			return err
		}
		if err := s.staffConsent(ctx, tx, ConsentOnSite, entered{id, u.Path}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "member.create", Entity: "member", EntityID: db.FormatID(id),
			OrgPath: u.Path, After: auditView(&p, u.ID, StatusActive)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

// auditView is what the audit log keeps of a person: never the plain
// numbers, only their masked forms.
func auditView(p *person, orgID int64, st Status) map[string]any {
	return map[string]any{
		"name": p.name, "id_number": cnid.MaskResidentID(p.id.Number), "mobile": cnid.MaskMobile(p.mobile),
		"org_id": db.FormatID(orgID), "status": st, "tags": TagNames(p.tags), "joined_on": p.joinedOn,
		"employer_name": p.employer, "job": p.job,
	}
}

// actorOf names the person acting, for member history.
func actorOf(ctx context.Context) string {
	a := audit.ActorFrom(ctx)
	return a.Name
}

// Update is a change to a member's record: the whole record is replaced, as
// an edit form sends it, except that a blank ID or mobile number keeps the
// one on file (editors only ever see them masked). Version must be the
// version the editor saw, so that two editors do not overwrite each other.
type Update struct {
	Person
	Version int `json:"version"`
}

// Edit changes a member's record.
func (s *Store) Edit(ctx context.Context, pr *auth.Principal, id int64, in Update) (*Member, error) {
	r, err := s.loadFor(ctx, pr, id, rule.Writable)
	if err != nil {
		return nil, err
	}
	masked := s.masked(r)
	cur := &masked
	// Editors see masked numbers only: a blank number keeps the one on
	// file, opened here and never shown.
	if strings.TrimSpace(in.IDNumber) == "" {
		in.IDNumber = s.openOr(r.idSealed, idAAD(id))
	}
	if strings.TrimSpace(in.Mobile) == "" {
		in.Mobile = s.openOr(r.mobileSealed, mobileAAD(id))
	}
	f := errs.Fields{}
	if in.JoinedOn == "" {
		in.JoinedOn = cur.JoinedOn
	}
	p := s.checkPerson(in.Person, f, false)
	u, err := loadUnion(ctx, s.DB, cur.OrgID)
	if err != nil {
		return nil, err
	}
	if err := checkedFor(ctx, s.DB, u, &p, f); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var path string
		var version int
		var oldID, oldMobile string
		if err := tx.QueryRow(ctx, "SELECT org_path, version, id_sealed, mobile_sealed FROM members WHERE id = ?"+tx.ForUpdate(), id).Scan(&path, &version, &oldID, &oldMobile); err != nil {
			return errs.Internal(err, "member: lock")
		}
		if err := rule.Writable(pr, path); err != nil {
			return err
		}
		if version != in.Version {
			return errs.Conflict("stale_version", "member.stale_version")
		}
		if ex, err := findByIDHash(ctx, tx, p.idHash); err != nil {
			return err
		} else if ex != nil && ex.ID != id {
			return errs.Fields{"id_number": {Key: "member.id_number_taken"}}.Err()
		}
		if taken, err := mobileTaken(ctx, tx, p.mobileHash, id); err != nil {
			return err
		} else if taken {
			return errMobileTaken()
		}
		sl, err := s.seal(id, &p)
		if err != nil {
			return err
		}
		before := cur
		err = tracked(ctx, tx, id, func() error {
			_, err := tx.Exec(ctx, `UPDATE members SET name = ?, initials = ?, id_hash = ?, id_sealed = ?, mobile_hash = ?, mobile_sealed = ?,
			gender = ?, birth_date = ?, employer_id = ?, employer_name = ?, job = ?, tags = ?, joined_on = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, p.name, p.initials, p.idHash, sl.id, nullable(p.mobileHash), sl.mobile, p.gender(), p.birth(),
				nullID(p.employerID), p.employer, p.job, p.tags, p.joinedOn, scope.Millis(s.now()), id)
			return err
		})
		if db.IsUnique(err) {
			return errs.Conflict("member_conflict", "member.member_elsewhere")
		}
		if err != nil {
			return errs.Internal(err, "member: update")
		}
		if err := s.setKeys(ctx, tx, id, path, &p); err != nil {
			return errs.Internal(err, "member: search keys")
		}
		changed := []string{}
		if before.Name != p.name {
			changed = append(changed, "name")
		}
		if s.openOr(oldID, idAAD(id)) != p.id.Number {
			changed = append(changed, "id_number")
		}
		if s.openOr(oldMobile, mobileAAD(id)) != p.mobile {
			changed = append(changed, "mobile")
		}
		if before.EmployerName != p.employer || before.EmployerID != p.employerID {
			changed = append(changed, "employer")
		}
		if before.Job != p.job {
			changed = append(changed, "job")
		}
		if strings.Join(before.Tags, ",") != strings.Join(TagNames(p.tags), ",") {
			changed = append(changed, "tags")
		}
		if before.JoinedOn != p.joinedOn {
			changed = append(changed, "joined_on")
		}
		if err := addEvent(ctx, tx, event{MemberID: id, At: scope.Millis(s.now()), OnDate: s.today(), Kind: EventEdited,
			OrgID: before.OrgID, OrgPath: path, Actor: actorOf(ctx), Detail: map[string]any{"fields": changed}}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "member.update", Entity: "member", EntityID: db.FormatID(id),
			OrgPath: path, Before: before, After: auditView(&p, before.OrgID, before.Status)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

// openOr opens a sealed value, or answers "" when it cannot be opened.
func (s *Store) openOr(sealed, aad string) string {
	if sealed == "" {
		return ""
	}
	v, err := s.Keys.OpenString(sealed, aad)
	if err != nil {
		return ""
	}
	return v
}

// StatusChange moves a membership to another status.
type StatusChange struct {
	Status Status `json:"status"`
	On     string `json:"on"` // effective date, default today
	Note   string `json:"note"`
}

// SetStatus changes a member's status (retired, left, deceased, transferred
// out of the platform, or active again).
func (s *Store) SetStatus(ctx context.Context, pr *auth.Principal, id int64, in StatusChange) (*Member, error) {
	cur, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, cur.OrgPath); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	f.Check(in.Status.Valid(), "status", "field.invalid_choice")
	if in.On == "" {
		in.On = s.today()
	}
	if !validDate(in.On) {
		f.Add("on", "field.invalid_date")
	} else if in.On > s.today() {
		f.Add("on", "member.date_future")
	}
	in.Note = strings.TrimSpace(in.Note)
	f.Check(len([]rune(in.Note)) <= 200, "note", "field.too_long", 200)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if in.Status == cur.Status {
		return cur, nil
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var path string
		var st Status
		var idHash string
		if err := tx.QueryRow(ctx, "SELECT org_path, status, id_hash FROM members WHERE id = ?"+tx.ForUpdate(), id).Scan(&path, &st, &idHash); err != nil {
			return errs.Internal(err, "member: lock")
		}
		if err := rule.Writable(pr, path); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM transfers WHERE member_id = ? AND status IN ('requested', 'released')", id).Scan(&open); err != nil {
			return errs.Internal(err, "member: open transfers")
		}
		if open > 0 {
			return errs.Conflict("transfer_open", "member.transfer_open")
		}
		err := tracked(ctx, tx, id, func() error {
			_, err := tx.Exec(ctx, "UPDATE members SET status = ?, status_on = ?, version = version + 1, updated_at = ? WHERE id = ?",
				string(in.Status), in.On, scope.Millis(s.now()), id)
			return err
		})
		if err != nil {
			return errs.Internal(err, "member: set status")
		}
		if err := addEvent(ctx, tx, event{MemberID: id, At: scope.Millis(s.now()), OnDate: in.On, Kind: EventStatus, OrgID: cur.OrgID, OrgPath: path,
			Actor: actorOf(ctx), Detail: map[string]any{"from": st, "to": in.Status, "note": in.Note}}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "member.status", Entity: "member", EntityID: db.FormatID(id), OrgPath: path,
			Before: map[string]any{"status": st}, After: map[string]any{"status": in.Status, "on": in.On, "note": in.Note}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

func validDate(s string) bool {
	_, err := parseDate(s)
	return err == nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
