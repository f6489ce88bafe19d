package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Input is a survey as staff write it. Times are "2006-01-02T15:04"
// (Beijing time), the same with seconds, or RFC 3339 with a zone.
type Input struct {
	OrgID         int64      `json:"org_id,string"`
	AudienceOrgID int64      `json:"audience_org_id,string"` // 0: the publisher's whole subtree
	AudienceTags  []string   `json:"audience_tags"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Anonymous     bool       `json:"anonymous"`
	OpensAt       string     `json:"opens_at"`
	ClosesAt      string     `json:"closes_at"`
	Questions     []Question `json:"questions"`
}

// MaxOpen is the longest a survey may stay open.
const MaxOpen = 366 * 24 * time.Hour

type parsed struct {
	Input
	tags          int64
	opens, closes time.Time
}

func (in Input) validate() (*parsed, error) {
	f := errs.Fields{}
	p := &parsed{Input: in}
	signup.Title(f, "title", &p.Title)
	p.Description = strings.TrimSpace(in.Description)
	signup.Description(f, p.Description)
	p.tags = signup.AudienceTags(f, in.AudienceTags)
	when := func(field, s string) time.Time {
		if strings.TrimSpace(s) == "" {
			f.Add(field, "field.required")
			return time.Time{}
		}
		t, ok := beijing.ParseTime(s)
		f.Check(ok, field, "survey.time_format")
		return t
	}
	p.opens, p.closes = when("opens_at", in.OpensAt), when("closes_at", in.ClosesAt)
	if !p.opens.IsZero() && !p.closes.IsZero() {
		if f.Check(p.closes.After(p.opens), "closes_at", "survey.closes_before_opens") {
			f.Check(p.closes.Sub(p.opens) <= MaxOpen, "closes_at", "survey.too_long_open")
		}
	}
	p.Questions = append([]Question(nil), in.Questions...)
	for i := range p.Questions {
		if c := p.Questions[i].ShowIf; c != nil {
			cc := *c
			p.Questions[i].ShowIf = &cc
		}
		p.Questions[i].Options = append([]string(nil), p.Questions[i].Options...)
	}
	CheckQuestions(f, p.Questions)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

const surveyCols = `v.id, v.org_id, o.name, v.org_path, v.audience_org_id, a.name, v.audience_path, v.audience_tags, v.title, v.description,
	v.anonymous, v.opens_at, v.closes_at, v.questions, v.status, v.responses, v.version, v.created_at, v.updated_at`

const surveyFrom = ` FROM surveys v JOIN orgs o ON o.id = v.org_id JOIN orgs a ON a.id = v.audience_org_id`

func scanSurvey(sc interface{ Scan(...any) error }) (Survey, error) {
	var v Survey
	var tags int64
	var anon int
	var opens, closes, created, updated int64
	var qs string
	err := sc.Scan(&v.ID, &v.OrgID, &v.OrgName, &v.OrgPath, &v.AudienceOrgID, &v.AudienceOrgName, &v.AudiencePath, &tags, &v.Title, &v.Description,
		&anon, &opens, &closes, &qs, &v.Status, &v.Responses, &v.Version, &created, &updated)
	if err != nil {
		return v, err
	}
	v.stored = v.Responses
	v.AudienceTags = member.TagNames(tags)
	v.Anonymous = anon == 1
	v.OpensAt, v.ClosesAt = scope.FromMillis(opens), scope.FromMillis(closes)
	v.CreatedAt, v.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return v, json.Unmarshal([]byte(qs), &v.Questions)
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

func load(ctx context.Context, q queryer, id int64) (*Survey, error) {
	v, err := scanSurvey(q.QueryRow(ctx, "SELECT "+surveyCols+surveyFrom+" WHERE v.id = ?", id))
	if err == sql.ErrNoRows {
		return nil, errs.NotFound("survey")
	}
	if err != nil {
		return nil, errs.Internal(err, "survey: read")
	}
	return &v, nil
}

// Get reads a survey the caller may see as staff (View without the sight:
// Partial tells one published above them).
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Survey, error) {
	v, _, err := s.View(ctx, pr, id)
	return v, err
}

// places resolves the publisher and the audience of p (signup.Places).
func places(ctx context.Context, q signup.Queryer, pr *auth.Principal, p *parsed) (orgP, audP string, err error) {
	return signup.Places(ctx, q, rule, pr, p.OrgID, &p.AudienceOrgID, "survey.audience_outside")
}

// Create saves a new survey as a draft.
func (s *Store) Create(ctx context.Context, pr *auth.Principal, in Input) (*Survey, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("survey: create")
	}
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	id := db.NewID()
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		orgP, audP, err := places(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		ms := scope.Millis(s.stamp())
		var by any
		if pr.UserID != 0 {
			by = pr.UserID
		}
		_, err = tx.Exec(ctx, `INSERT INTO surveys (id, org_id, org_path, audience_org_id, audience_path, audience_tags, title, description,
			anonymous, opens_at, closes_at, questions, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, p.OrgID, orgP, p.AudienceOrgID, audP, p.tags, p.Title, p.Description, boolInt(p.Anonymous), scope.Millis(p.opens), scope.Millis(p.closes),
			questionsJSON(p.Questions), StatusDraft, by, ms, ms)
		if err != nil {
			return errs.Internal(err, "survey: create")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "survey.create", Entity: "survey", EntityID: db.FormatID(id), OrgPath: orgP,
			After: map[string]any{"title": p.Title, "anonymous": p.Anonymous, "questions": len(p.Questions)}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// lock reads a survey the caller may change, under its row's lock;
// version 0 skips the stale-edit check.
func lock(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, version int) (*Survey, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("survey: lock")
	}
	if err := tx.LockRows(ctx, "SELECT id FROM surveys WHERE id = ?", id); err != nil {
		return nil, errs.Internal(err, "survey: lock")
	}
	v, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, v.OrgPath); err != nil {
		return nil, err
	}
	if version != 0 && v.Version != version {
		return nil, errs.Conflict("stale_version", "survey.stale_version")
	}
	return v, nil
}

// Update rewrites a survey. Once anyone has responded, the questions and
// whether it is anonymous stay as they were (the answers were given to
// them); texts, the audience and the window may change.
func (s *Store) Update(ctx context.Context, pr *auth.Principal, id int64, version int, in Input) (*Survey, error) {
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		v, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if v.Status == StatusClosed {
			return errs.Conflict("closed", "survey.closed")
		}
		orgP, audP, err := places(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		if v.Responses > 0 {
			if questionsJSON(p.Questions) != questionsJSON(v.Questions) {
				return signup.FieldErr("questions", "survey.questions_frozen")
			}
			if p.Anonymous != v.Anonymous {
				return signup.FieldErr("anonymous", "survey.anonymous_frozen")
			}
		}
		_, err = tx.Exec(ctx, `UPDATE surveys SET org_id = ?, org_path = ?, audience_org_id = ?, audience_path = ?, audience_tags = ?, title = ?,
			description = ?, anonymous = ?, opens_at = ?, closes_at = ?, questions = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			p.OrgID, orgP, p.AudienceOrgID, audP, p.tags, p.Title, p.Description, boolInt(p.Anonymous), scope.Millis(p.opens), scope.Millis(p.closes),
			questionsJSON(p.Questions), scope.Millis(s.stamp()), id)
		if err != nil {
			return errs.Internal(err, "survey: update")
		}
		if v.Status == StatusPublished && (orgP != v.OrgPath || month(p.opens) != month(v.OpensAt)) {
			if err := logHeld(ctx, tx, v.OrgPath, v.OpensAt, -1); err != nil {
				return err
			}
			if err := logHeld(ctx, tx, orgP, p.opens, 1); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "survey.update", Entity: "survey", EntityID: db.FormatID(id), OrgPath: orgP,
			Before: map[string]any{"title": v.Title, "questions": len(v.Questions)}, After: map[string]any{"title": p.Title, "questions": len(p.Questions)}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Publish opens a draft to its audience from its opening time.
func (s *Store) Publish(ctx context.Context, pr *auth.Principal, id int64, version int) (*Survey, error) {
	return s.setStatus(ctx, pr, id, version, StatusPublished, "survey.publish")
}

// Close ends a published survey early: nobody may respond any more.
func (s *Store) Close(ctx context.Context, pr *auth.Principal, id int64, version int) (*Survey, error) {
	return s.setStatus(ctx, pr, id, version, StatusClosed, "survey.close")
}

func (s *Store) setStatus(ctx context.Context, pr *auth.Principal, id int64, version int, to Status, action string) (*Survey, error) {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		v, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		from := StatusDraft
		if to == StatusClosed {
			from = StatusPublished
		}
		if v.Status != from {
			return errs.Conflict("status", "survey.status_"+string(v.Status))
		}
		if _, err := tx.Exec(ctx, "UPDATE surveys SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", to, scope.Millis(s.stamp()), id); err != nil {
			return errs.Internal(err, "survey: status")
		}
		if to == StatusPublished {
			if err := logHeld(ctx, tx, v.OrgPath, v.OpensAt, 1); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "survey", EntityID: db.FormatID(id), OrgPath: v.OrgPath,
			Before: map[string]any{"status": v.Status}, After: map[string]any{"status": to}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}
