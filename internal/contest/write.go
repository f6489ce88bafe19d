package contest

import (
	"context"
	"database/sql"
	"encoding/json"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const contestCols = `c.id, c.org_id, o.name, c.org_path, c.audience_org_id, a.name, c.audience_path, c.audience_tags, c.title, c.description,
	c.practice, c.opens_at, c.closes_at, c.time_limit, c.attempts, c.counting, c.pass_mark, c.max_score, c.shuffle_questions,
	c.shuffle_options, c.partial_credit, c.show_corrections, c.sections, c.status, c.version, c.created_at, c.updated_at`

const contestFrom = ` FROM contests c JOIN orgs o ON o.id = c.org_id JOIN orgs a ON a.id = c.audience_org_id`

func scanContest(sc interface{ Scan(...any) error }) (Contest, error) {
	var c Contest
	var tags int64
	var practice, shq, sho, partial, show int
	var opens, closes, created, updated int64
	var sections string
	err := sc.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.OrgPath, &c.AudienceOrgID, &c.AudienceOrgName, &c.AudiencePath, &tags, &c.Title, &c.Description,
		&practice, &opens, &closes, &c.TimeLimit, &c.Attempts, &c.Counting, &c.PassMark, &c.MaxScore, &shq,
		&sho, &partial, &show, &sections, &c.Status, &c.Version, &created, &updated)
	if err != nil {
		return c, err
	}
	c.AudienceTags = member.TagNames(tags)
	c.Practice, c.ShuffleQuestions, c.ShuffleOptions, c.PartialCredit, c.ShowCorrections = practice == 1, shq == 1, sho == 1, partial == 1, show == 1
	c.OpensAt, c.ClosesAt = scope.FromMillis(opens), scope.FromMillis(closes)
	c.CreatedAt, c.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return c, json.Unmarshal([]byte(sections), &c.Sections)
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

func load(ctx context.Context, q queryer, id int64) (*Contest, error) {
	c, err := scanContest(q.QueryRow(ctx, "SELECT "+contestCols+contestFrom+" WHERE c.id = ?", id))
	if err == sql.ErrNoRows {
		return nil, errs.NotFound("contest")
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: read")
	}
	return &c, nil
}

// Get reads a contest the caller may see as staff.
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Contest, error) {
	c, err := load(ctx, s.DB, id)
	return signup.Seen(rule, pr, c, err, func(c *Contest) string { return c.OrgPath })
}

// places resolves the publisher and the audience of p (signup.Places).
func places(ctx context.Context, q signup.Queryer, pr *auth.Principal, p *parsed) (orgP, audP string, err error) {
	return signup.Places(ctx, q, rule, pr, p.OrgID, &p.AudienceOrgID, "contest.audience_outside")
}

func sectionsJSON(secs []Section) string {
	b, _ := json.Marshal(secs)
	return string(b)
}

// Create saves a new contest as a draft.
func (s *Store) Create(ctx context.Context, pr *auth.Principal, in Input) (*Contest, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contest: create")
	}
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	if err := s.checkBanks(ctx, pr, p); err != nil {
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
		_, err = tx.Exec(ctx, `INSERT INTO contests (id, org_id, org_path, audience_org_id, audience_path, audience_tags, title, description,
			practice, opens_at, closes_at, time_limit, attempts, counting, pass_mark, max_score, shuffle_questions, shuffle_options,
			partial_credit, show_corrections, sections, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, p.OrgID, orgP, p.AudienceOrgID, audP, p.tags, p.Title, p.Description,
			boolInt(p.Practice), scope.Millis(p.opens), scope.Millis(p.closes), p.TimeLimit, p.Attempts, p.Counting, p.PassMark, p.maxScore,
			boolInt(p.ShuffleQuestions), boolInt(p.ShuffleOptions), boolInt(p.PartialCredit), boolInt(p.ShowCorrections),
			sectionsJSON(p.Sections), StatusDraft, by, ms, ms)
		if err != nil {
			return errs.Internal(err, "contest: create")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.create", Entity: "contest", EntityID: db.FormatID(id),
			OrgPath: orgP, After: map[string]any{"title": p.Title, "questions": p.Questions(), "max_score": p.maxScore}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Questions is how many questions a paper of p holds.
func (p *parsed) Questions() int {
	n := 0
	for _, sec := range p.Sections {
		n += sec.Size()
	}
	return n
}

// lock reads a contest the caller may change, under its row's lock;
// version 0 skips the stale-edit check.
func lock(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, version int) (*Contest, error) {
	if err := tx.LockRows(ctx, "SELECT id FROM contests WHERE id = ?", id); err != nil {
		return nil, errs.Internal(err, "contest: lock")
	}
	c, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	if version != 0 && c.Version != version {
		return nil, errs.Conflict("stale_version", "contest.stale_version")
	}
	return c, nil
}

// Update rewrites a contest. Once anyone has opened a paper, the paper's
// rules, the scoring and the time limit stay as they were (those who took
// it were marked by them); the texts and the closing time may change.
func (s *Store) Update(ctx context.Context, pr *auth.Principal, id int64, version int, in Input) (*Contest, error) {
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	if err := s.checkBanks(ctx, pr, p); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if c.Status == StatusCancelled {
			return errs.Conflict("cancelled", "contest.cancelled")
		}
		orgP, audP, err := places(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM attempts WHERE contest_id = ?", id).Scan(&taken); err != nil {
			return errs.Internal(err, "contest: count attempts")
		}
		if taken > 0 && (sectionsJSON(p.Sections) != sectionsJSON(c.Sections) || p.TimeLimit != c.TimeLimit || p.PassMark != c.PassMark ||
			p.PartialCredit != c.PartialCredit || p.Attempts < c.Attempts || p.Counting != c.Counting || p.Practice != c.Practice) {
			return signup.FieldErr("sections", "contest.rules_frozen")
		}
		_, err = tx.Exec(ctx, `UPDATE contests SET org_id = ?, org_path = ?, audience_org_id = ?, audience_path = ?, audience_tags = ?, title = ?,
			description = ?, practice = ?, opens_at = ?, closes_at = ?, time_limit = ?, attempts = ?, counting = ?, pass_mark = ?, max_score = ?,
			shuffle_questions = ?, shuffle_options = ?, partial_credit = ?, show_corrections = ?, sections = ?, version = version + 1, updated_at = ?
			WHERE id = ?`,
			p.OrgID, orgP, p.AudienceOrgID, audP, p.tags, p.Title, p.Description, boolInt(p.Practice), scope.Millis(p.opens), scope.Millis(p.closes),
			p.TimeLimit, p.Attempts, p.Counting, p.PassMark, p.maxScore, boolInt(p.ShuffleQuestions), boolInt(p.ShuffleOptions),
			boolInt(p.PartialCredit), boolInt(p.ShowCorrections), sectionsJSON(p.Sections), scope.Millis(s.stamp()), id)
		if err != nil {
			return errs.Internal(err, "contest: update")
		}
		if c.Status == StatusPublished && (orgP != c.OrgPath || month(p.opens) != month(c.OpensAt)) {
			if err := logHeld(ctx, tx, c.OrgPath, c.OpensAt, -1); err != nil {
				return err
			}
			if err := logHeld(ctx, tx, orgP, p.opens, 1); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.update", Entity: "contest", EntityID: db.FormatID(id), OrgPath: orgP,
			Before: map[string]any{"title": c.Title, "max_score": c.MaxScore}, After: map[string]any{"title": p.Title, "max_score": p.maxScore}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Publish opens a draft to its audience (takers may start from its
// opening time); the banks are checked again, as they are now.
func (s *Store) Publish(ctx context.Context, pr *auth.Principal, id int64, version int) (*Contest, error) {
	return s.setStatus(ctx, pr, id, version, StatusPublished, "contest.publish")
}

// Cancel calls a contest off: nobody may start or answer any more.
func (s *Store) Cancel(ctx context.Context, pr *auth.Principal, id int64, version int) (*Contest, error) {
	return s.setStatus(ctx, pr, id, version, StatusCancelled, "contest.cancel")
}

func (s *Store) setStatus(ctx context.Context, pr *auth.Principal, id int64, version int, to Status, action string) (*Contest, error) {
	c, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if to == StatusPublished {
		if c.Status != StatusDraft {
			return nil, errs.Conflict("not_draft", "contest.not_draft")
		}
		p := &parsed{Input: Input{Sections: c.Sections}, sectionsByBank: map[int64][]int{}}
		for i, sec := range c.Sections {
			p.sectionsByBank[sec.BankID] = append(p.sectionsByBank[sec.BankID], i)
		}
		if err := s.checkBanks(ctx, pr, p); err != nil {
			return nil, err
		}
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if c.Status == to || c.Status == StatusCancelled {
			return errs.Conflict("status", "contest.status_"+string(c.Status))
		}
		if _, err := tx.Exec(ctx, "UPDATE contests SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", to, scope.Millis(s.stamp()), id); err != nil {
			return errs.Internal(err, "contest: status")
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
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "contest", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			Before: map[string]any{"status": c.Status}, After: map[string]any{"status": to}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}
