package works

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const callCols = `c.id, c.org_id, o.name, c.org_path, c.audience_org_id, a.name, c.audience_path, c.audience_tags, c.title, c.description,
	c.kind, c.min_chars, c.max_chars, c.max_photos, c.max_photo_kb, c.per_member, c.opens_at, c.closes_at, c.judge_until,
	c.criteria, c.tiers, c.status, c.ranked_at, c.results_at, c.version, c.created_at, c.updated_at`

const callFrom = ` FROM works_calls c JOIN orgs o ON o.id = c.org_id JOIN orgs a ON a.id = c.audience_org_id`

func scanCall(sc signup.Scanner) (Call, error) {
	var c Call
	var tags, opens, closes, judge, ranked, results, created, updated int64
	var criteria, tiers string
	err := sc.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.OrgPath, &c.AudienceOrgID, &c.AudienceOrgName, &c.AudiencePath, &tags, &c.Title, &c.Description,
		&c.Kind, &c.MinChars, &c.MaxChars, &c.MaxPhotos, &c.MaxPhotoKB, &c.PerMember, &opens, &closes, &judge,
		&criteria, &tiers, &c.Status, &ranked, &results, &c.Version, &created, &updated)
	if err != nil {
		return c, err
	}
	c.AudienceTags = member.TagNames(tags)
	c.OpensAt, c.ClosesAt, c.JudgeUntil = scope.FromMillis(opens), scope.FromMillis(closes), scope.FromMillis(judge)
	c.RankedAt, c.ResultsAt = optTime(ranked), optTime(results)
	c.CreatedAt, c.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	if err := json.Unmarshal([]byte(criteria), &c.Criteria); err != nil {
		return c, err
	}
	return c, json.Unmarshal([]byte(tiers), &c.Tiers)
}

func load(ctx context.Context, q signup.Queryer, id int64) (*Call, error) {
	c, err := scanCall(q.QueryRow(ctx, "SELECT "+callCols+callFrom+" WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("call")
	}
	if err != nil {
		return nil, errs.Internal(err, "works: read call")
	}
	return &c, nil
}

// Get reads a call the caller may see as staff (its publisher's subtree).
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Call, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: get")
	}
	c, err := load(ctx, s.DB, id)
	return signup.Seen(rule, pr, c, err, func(c *Call) string { return c.OrgPath })
}

// CanRun reports whether pr runs c (screens, keeps the panel, awards).
func CanRun(pr *auth.Principal, c *Call) bool { return rule.CanWrite(pr, c.OrgPath) }

// places resolves the publisher and the audience of p (signup.Places).
func places(ctx context.Context, q signup.Queryer, pr *auth.Principal, p *parsed) (orgP, audP string, err error) {
	return signup.Places(ctx, q, rule, pr, p.OrgID, &p.AudienceOrgID, "works.audience_outside")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func by(pr *auth.Principal) any {
	if pr.UserID != 0 {
		return pr.UserID
	}
	return nil
}

// Create saves a new call as a draft.
func (s *Store) Create(ctx context.Context, pr *auth.Principal, in Input) (*Call, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: create")
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
		_, err = tx.Exec(ctx, `INSERT INTO works_calls (id, org_id, org_path, audience_org_id, audience_path, audience_tags, title, description,
			kind, min_chars, max_chars, max_photos, max_photo_kb, per_member, opens_at, closes_at, judge_until, criteria, tiers, status,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, p.OrgID, orgP, p.AudienceOrgID, audP, p.tags, p.Title, p.Description, p.Kind, p.MinChars, p.MaxChars, p.MaxPhotos, p.MaxPhotoKB,
			p.PerMember, scope.Millis(p.opens), scope.Millis(p.closes), scope.Millis(p.judge), jsonText(p.Criteria), jsonText(p.Tiers),
			StatusDraft, by(pr), ms, ms)
		if err != nil {
			return errs.Internal(err, "works: create")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.create", Entity: "works_call", EntityID: db.FormatID(id),
			OrgPath: orgP, After: map[string]any{"title": p.Title, "kind": p.Kind}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// lock reads a call the caller runs under its row's lock; version 0 skips
// the stale-edit check.
func lock(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, version int) (*Call, error) {
	if err := tx.LockRows(ctx, "SELECT id FROM works_calls WHERE id = ?", id); err != nil {
		return nil, errs.Internal(err, "works: lock")
	}
	c, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	if version != 0 && c.Version != version {
		return nil, errs.Conflict("stale_version", "works.stale_version")
	}
	return c, nil
}

// Update rewrites a call. Once entries came in, the kind and the limits
// an entry was checked against stay; once results are out, nothing moves.
func (s *Store) Update(ctx context.Context, pr *auth.Principal, id int64, version int, in Input) (*Call, error) {
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if c.Status == StatusCancelled || c.ResultsAt != nil {
			return errs.Conflict("frozen", "works.frozen")
		}
		orgP, audP, err := places(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM works_entries WHERE call_id = ?", id).Scan(&n); err != nil {
			return errs.Internal(err, "works: count entries")
		}
		if n > 0 && (p.Kind != c.Kind || p.MinChars > c.MinChars || p.MaxChars < c.MaxChars || p.MaxPhotos < c.MaxPhotos ||
			p.MaxPhotoKB < c.MaxPhotoKB || p.PerMember < c.PerMember) {
			return signup.FieldErr("kind", "works.rules_frozen")
		}
		var scored int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM works_scores WHERE call_id = ?", id).Scan(&scored); err != nil {
			return errs.Internal(err, "works: count scores")
		}
		if scored > 0 && jsonText(p.Criteria) != jsonText(c.Criteria) {
			return signup.FieldErr("criteria", "works.criteria_frozen")
		}
		_, err = tx.Exec(ctx, `UPDATE works_calls SET org_id = ?, org_path = ?, audience_org_id = ?, audience_path = ?, audience_tags = ?, title = ?,
			description = ?, kind = ?, min_chars = ?, max_chars = ?, max_photos = ?, max_photo_kb = ?, per_member = ?, opens_at = ?, closes_at = ?,
			judge_until = ?, criteria = ?, tiers = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			p.OrgID, orgP, p.AudienceOrgID, audP, p.tags, p.Title, p.Description, p.Kind, p.MinChars, p.MaxChars, p.MaxPhotos, p.MaxPhotoKB,
			p.PerMember, scope.Millis(p.opens), scope.Millis(p.closes), scope.Millis(p.judge), jsonText(p.Criteria), jsonText(p.Tiers),
			scope.Millis(s.stamp()), id)
		if err != nil {
			return errs.Internal(err, "works: update")
		}
		if c.Status == StatusPublished && (orgP != c.OrgPath || month(p.opens) != month(c.OpensAt)) {
			if err := logHeld(ctx, tx, c.OrgPath, c.OpensAt, -1); err != nil {
				return err
			}
			if err := logHeld(ctx, tx, orgP, p.opens, 1); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.update", Entity: "works_call", EntityID: db.FormatID(id), OrgPath: orgP,
			Before: map[string]any{"title": c.Title}, After: map[string]any{"title": p.Title}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Publish opens a draft to its audience.
func (s *Store) Publish(ctx context.Context, pr *auth.Principal, id int64, version int) (*Call, error) {
	return s.setStatus(ctx, pr, id, version, StatusPublished, "works.publish")
}

// Cancel calls a call off: no more entries, no judging, no results.
func (s *Store) Cancel(ctx context.Context, pr *auth.Principal, id int64, version int) (*Call, error) {
	return s.setStatus(ctx, pr, id, version, StatusCancelled, "works.cancel")
}

func (s *Store) setStatus(ctx context.Context, pr *auth.Principal, id int64, version int, to Status, action string) (*Call, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: status")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if c.Status == to || c.Status == StatusCancelled || (to == StatusPublished && c.Status != StatusDraft) || c.ResultsAt != nil {
			return errs.Conflict("status", "works.status_"+string(c.Status))
		}
		if _, err := tx.Exec(ctx, "UPDATE works_calls SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", to, scope.Millis(s.stamp()), id); err != nil {
			return errs.Internal(err, "works: status")
		}
		switch {
		case to == StatusPublished:
			err = logHeld(ctx, tx, c.OrgPath, c.OpensAt, 1)
		case c.Status == StatusPublished:
			err = logHeld(ctx, tx, c.OrgPath, c.OpensAt, -1)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "works_call", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			Before: map[string]any{"status": c.Status}, After: map[string]any{"status": to}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Close ends the submission window now (judging starts): the closing
// time moves to now.
func (s *Store) Close(ctx context.Context, pr *auth.Principal, id int64, version int) (*Call, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: close")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		now := s.stamp()
		if c.PhaseAt(now) != PhaseOpen {
			return errs.Conflict("not_open", "works.not_open")
		}
		if _, err := tx.Exec(ctx, "UPDATE works_calls SET closes_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
			scope.Millis(now), scope.Millis(now), id); err != nil {
			return errs.Internal(err, "works: close")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.close", Entity: "works_call", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			Before: map[string]any{"closes_at": c.ClosesAt}, After: map[string]any{"closes_at": now}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Query filters the staff listing of calls.
type Query struct {
	Q      string // title substring
	Status Status
	Kind   Kind
	Sort   string
	After  string
	Offset int
	Limit  int
}

// Sorts are the orders of the staff listing.
var Sorts = &listing.Sorts[Call]{List: "works", ID: "c.id", IDOf: func(c *Call) int64 { return c.ID },
	Default: "-opens", Keys: []listing.Key[Call]{
		{Name: "opens", Expr: "c.opens_at", Desc: true, Of: func(c *Call) any { return scope.Millis(c.OpensAt) }},
		{Name: "title", Expr: "c.title", Of: func(c *Call) any { return c.Title }},
	}}

func (s *Store) filter(pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Status == "" || validStatus(q.Status), "status", "field.invalid_choice")
		f.Check(q.Kind == "" || q.Kind == KindEssay || q.Kind == KindPhoto, "kind", "field.invalid_choice")
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if len(paths) == 0 {
			return nil, nil, nil
		}
		mine, args := scope.SQL("c.org_path", paths)
		where := []string{mine}
		if q.Q != "" {
			where, args = append(where, s.DB.ContainsFold("c.title")), append(args, s.DB.ContainsFoldArg(q.Q))
		}
		if q.Status != "" {
			where, args = append(where, "c.status = ?"), append(args, q.Status)
		}
		if q.Kind != "" {
			where, args = append(where, "c.kind = ?"), append(args, q.Kind)
		}
		return where, args, nil
	}
}

// List returns the calls of the caller's subtrees in q's order.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Call, string, error) {
	if pr == nil {
		return nil, "", scope.NilPrincipal("works: list")
	}
	return Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.filter(pr, q),
		func(clause string, args []any) ([]Call, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+callCols+callFrom+clause, args...)
			return signup.All(rows, err, "works: list", scanCall)
		})
}

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	if pr == nil {
		return listing.Total{}, scope.NilPrincipal("works: count")
	}
	return listing.CountOf(ctx, s.DB, 0, "FROM works_calls c", s.filter(pr, q))
}

func validStatus(st Status) bool {
	for _, x := range Statuses {
		if x == st {
			return true
		}
	}
	return false
}
