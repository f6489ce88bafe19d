package course

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

func userRef(pr *auth.Principal) any {
	if pr.UserID != 0 {
		return pr.UserID
	}
	return nil
}

// CreateCourse adds a course to an organisation.
func (s *Store) CreateCourse(ctx context.Context, pr *auth.Principal, in CourseInput) (*Course, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("course: create")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.OrgID == 0 {
		return nil, fieldErr("org_id", "field.required")
	}
	path, err := signup.SeenOrg(ctx, s.DB, rule, pr, in.OrgID, "org_id")
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, path); err != nil {
		return nil, err
	}
	id, ms := db.NewID(), scope.Millis(s.now())
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO courses (id, org_id, org_path, title, category, description, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.OrgID, path, in.Title, in.Category, in.Description, userRef(pr), ms, ms); err != nil {
			return errs.Internal(err, "course: create")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.create", Entity: "course", EntityID: db.FormatID(id), OrgPath: path,
			After: map[string]any{"title": in.Title, "category": in.Category}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCourse(ctx, pr, id)
}

// UpdateCourse changes a course's title, category and description.
func (s *Store) UpdateCourse(ctx context.Context, pr *auth.Principal, id int64, version int, in CourseInput) (*Course, error) {
	c, err := s.GetCourse(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE courses SET title = ?, category = ?, description = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			in.Title, in.Category, in.Description, scope.Millis(s.now()), id, version)
		if err != nil {
			return errs.Internal(err, "course: update")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("stale_version", "course.stale_version")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.update", Entity: "course", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			Before: map[string]any{"title": c.Title}, After: map[string]any{"title": in.Title}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCourse(ctx, pr, id)
}

func insertSessions(ctx context.Context, tx *db.Tx, termID int64, sessions [][2]millisPair) error {
	flat := make([]any, 0, 4*len(sessions))
	for _, ss := range sessions {
		flat = append(flat, db.NewID(), termID, ss[0], ss[1])
	}
	if err := tx.InsertRows(ctx, "course_sessions (id, term_id, starts_at, ends_at)", 4, flat); err != nil {
		return errs.Internal(err, "course: sessions")
	}
	return nil
}

type millisPair = int64

func sessionMillis(p *parsedTerm) [][2]millisPair {
	out := make([][2]millisPair, len(p.sessions))
	for i, ss := range p.sessions {
		out[i] = [2]millisPair{scope.Millis(ss[0]), scope.Millis(ss[1])}
	}
	return out
}

// CreateTerm adds a draft term to a course, with its sessions and the
// lottery seed whose hash is shown from now on.
func (s *Store) CreateTerm(ctx context.Context, pr *auth.Principal, courseID int64, in TermInput) (*Term, error) {
	c, err := s.GetCourse(ctx, pr, courseID)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	p, err := in.validate(s.now())
	if err != nil {
		return nil, err
	}
	seed := make([]byte, 16)
	_, _ = rand.Read(seed)
	seedHex := hex.EncodeToString(seed)
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	schedule, _ := json.Marshal(p.Schedule)
	id, ms := db.NewID(), scope.Millis(s.now())
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		audP, err := book.Audience(ctx, tx, &p.AudienceOrgID, c.OrgID, c.OrgPath)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO course_terms (id, course_id, org_path, audience_org_id, audience_path, audience_tags,
			name, teacher, venue, address, capacity, enrol_opens_at, enrol_closes_at, starts_on, ends_on, schedule, status,
			seed, seed_hash, secret, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, courseID, c.OrgPath, p.AudienceOrgID, audP, p.tags, p.Name, p.Teacher, p.Venue, p.Address, p.Capacity,
			scope.Millis(p.opens), scope.Millis(p.closes), p.first.Format("2006-01-02"), p.last.Format("2006-01-02"), string(schedule), TermDraft,
			seedHex, SeedHash(seedHex), secret, userRef(pr), ms, ms); err != nil {
			return errs.Internal(err, "course: create term")
		}
		if err := insertSessions(ctx, tx, id, sessionMillis(p)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.term_create", Entity: "course_term", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			After: map[string]any{"name": p.Name, "capacity": p.Capacity, "seed_hash": SeedHash(seedHex)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetTerm(ctx, pr, id)
}

// UpdateTerm changes a term before its draw. The sessions are made again
// from the schedule (none has been attended before the draw). A lower
// capacity than those already enrolled is refused.
func (s *Store) UpdateTerm(ctx context.Context, pr *auth.Principal, id int64, version int, in TermInput) (*Term, error) {
	t, err := s.GetTerm(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, t.OrgPath); err != nil {
		return nil, err
	}
	opened := s.now()
	if t.Status != TermDraft {
		opened = t.EnrolOpensAt
	}
	p, err := in.validate(opened)
	if err != nil {
		return nil, err
	}
	schedule, _ := json.Marshal(p.Schedule)
	err = signup.Locked(ctx, s.group, book, id, func(tx *db.Tx, st *termRow) error {
		if st.version != version {
			return errs.Conflict("stale_version", "course.stale_version")
		}
		if st.status != TermDraft && st.status != TermOpen {
			return refused("term_closed")
		}
		if st.status == TermOpen && !p.closes.After(s.now()) {
			return fieldErr("enrol_closes_at", "course.closes_in_past")
		}
		audP, err := book.Audience(ctx, tx, &p.AudienceOrgID, t.OrgID, t.OrgPath)
		if err != nil {
			return err
		}
		var attended int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM session_attendance WHERE term_id = ?", id).Scan(&attended); err != nil {
			return errs.Internal(err, "course: update term")
		}
		if attended > 0 {
			return refused("term_started")
		}
		ms := scope.Millis(s.now())
		if _, err := tx.Exec(ctx, `UPDATE course_terms SET audience_org_id = ?, audience_path = ?, audience_tags = ?, name = ?, teacher = ?,
			venue = ?, address = ?, capacity = ?, enrol_opens_at = ?, enrol_closes_at = ?, starts_on = ?, ends_on = ?, schedule = ?,
			version = version + 1, updated_at = ? WHERE id = ?`,
			p.AudienceOrgID, audP, p.tags, p.Name, p.Teacher, p.Venue, p.Address, p.Capacity, scope.Millis(p.opens), scope.Millis(p.closes),
			p.first.Format("2006-01-02"), p.last.Format("2006-01-02"), string(schedule), ms, id); err != nil {
			return errs.Internal(err, "course: update term")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM course_sessions WHERE term_id = ?", id); err != nil {
			return errs.Internal(err, "course: update term")
		}
		if err := insertSessions(ctx, tx, id, sessionMillis(p)); err != nil {
			return err
		}
		st.audiencePath, st.tags, st.Capacity = audP, p.tags, p.Capacity
		st.opens, st.closes = scope.Millis(p.opens), scope.Millis(p.closes)
		st.startsOn = p.first.Format("2006-01-02")
		st.version++
		return audit.Record(ctx, tx, audit.Event{Action: "course.term_update", Entity: "course_term", EntityID: db.FormatID(id), OrgPath: t.OrgPath,
			Before: map[string]any{"name": t.Name, "capacity": t.Capacity}, After: map[string]any{"name": p.Name, "capacity": p.Capacity}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetTerm(ctx, pr, id)
}

// PublishTerm opens a draft term: members in the audience may apply once
// the window opens.
func (s *Store) PublishTerm(ctx context.Context, pr *auth.Principal, id int64) (*Term, error) {
	return s.termTransition(ctx, pr, id, "course.term_publish", TermOpen, func(st *termRow) error {
		if st.status != TermDraft {
			return refused("not_draft")
		}
		if scope.Millis(s.now()) >= st.closes {
			return fieldErr("enrol_closes_at", "course.closes_in_past")
		}
		return nil
	})
}

// CancelTerm calls a term off; everyone who applied or holds a place is
// told.
func (s *Store) CancelTerm(ctx context.Context, pr *auth.Principal, id int64) (*Term, error) {
	return s.termTransition(ctx, pr, id, "course.term_cancel", TermCancelled, func(st *termRow) error {
		if st.status == TermCancelled || st.status == TermFinished {
			return refused("term_closed")
		}
		return nil
	})
}

// FinishTerm closes a drawn term once its last session has begun.
func (s *Store) FinishTerm(ctx context.Context, pr *auth.Principal, id int64) (*Term, error) {
	var last int64
	if err := s.DB.QueryRow(ctx, "SELECT COALESCE(MAX(starts_at), 0) FROM course_sessions WHERE term_id = ?", id).Scan(&last); err != nil {
		return nil, errs.Internal(err, "course: finish")
	}
	return s.termTransition(ctx, pr, id, "course.term_finish", TermFinished, func(st *termRow) error {
		if st.status != TermDrawn {
			return refused("not_drawn")
		}
		if scope.Millis(s.now()) < last {
			return refused("term_not_over")
		}
		return nil
	})
}

func (s *Store) termTransition(ctx context.Context, pr *auth.Principal, id int64, action string, to TermStatus, check func(*termRow) error) (*Term, error) {
	if pr == nil {
		return nil, scope.NilPrincipal(action)
	}
	err := signup.Locked(ctx, s.group, book, id, func(tx *db.Tx, st *termRow) error {
		if err := rule.Writable(pr, st.orgPath); err != nil {
			return err
		}
		if err := check(st); err != nil {
			return err
		}
		ms := scope.Millis(s.now())
		if _, err := tx.Exec(ctx, "UPDATE course_terms SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", to, ms, id); err != nil {
			return errs.Internal(err, action)
		}
		from := st.status
		st.status = to
		st.version++
		if to == TermCancelled {
			if err := book.CallOff(ctx, tx, id, ms, NoticeTermCancelled, notice.Ref{TermID: id}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "course_term", EntityID: db.FormatID(id), OrgPath: st.orgPath,
			Before: map[string]any{"status": from}, After: map[string]any{"status": to}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetTerm(ctx, pr, id)
}

// CancelSession calls one session off (or back on).
func (s *Store) CancelSession(ctx context.Context, pr *auth.Principal, termID, sessionID int64, cancelled bool) error {
	t, err := s.GetTerm(ctx, pr, termID)
	if err != nil {
		return err
	}
	if err := rule.Writable(pr, t.OrgPath); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE course_sessions SET cancelled = ? WHERE id = ? AND term_id = ?", boolInt(cancelled), sessionID, termID)
		if err != nil {
			return errs.Internal(err, "course: cancel session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("session")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.session_cancel", Entity: "course_session", EntityID: db.FormatID(sessionID),
			OrgPath: t.OrgPath, After: map[string]any{"cancelled": cancelled}})
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
