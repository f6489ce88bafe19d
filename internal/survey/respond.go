package survey

import (
	"context"
	"math"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
)

// taker checks that pr is an active member in v's audience and answers
// their record.
func (s *Store) taker(ctx context.Context, pr *auth.Principal, v *Survey) (*member.Brief, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("survey: respond")
	}
	if pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	m, err := s.Members.Brief(ctx, pr.MemberID)
	if err != nil {
		return nil, err
	}
	tags, _ := member.TagBits(v.AudienceTags)
	if v.Status == StatusDraft || m.Status != member.StatusActive || !auth.Inside(m.OrgPath, v.AudiencePath) || tags != 0 && m.Tags&tags == 0 {
		return nil, errs.NotFound("survey")
	}
	return m, nil
}

// ForMemberOne reads a survey published to the member, with whether they
// have responded.
func (s *Store) ForMemberOne(ctx context.Context, pr *auth.Principal, id int64) (*Listed, error) {
	v, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	m, err := s.taker(ctx, pr, v)
	if err != nil {
		return nil, err
	}
	l := &Listed{Survey: *v}
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM survey_takers WHERE survey_id = ? AND member_id = ?", id, m.ID).Scan(&n); err != nil {
		return nil, errs.Internal(err, "survey: responded")
	}
	l.Responded = n > 0
	l.CanRespond = !l.Responded && v.Open(s.stamp())
	return l, nil
}

// Respond records a member's answers, once. Answers to questions the
// skip rules hide are dropped; the visible required ones must be there.
// A second response, from any server process, is refused (409
// responded): the member's row in survey_takers is written in the same
// transaction as the answers. In an anonymous survey that row keeps no
// response ID, and the response a random ID, no member and only the month.
func (s *Store) Respond(ctx context.Context, pr *auth.Principal, id int64, answers map[int]Answer) error {
	v, err := load(ctx, s.DB, id)
	if err != nil {
		return err
	}
	m, err := s.taker(ctx, pr, v)
	if err != nil {
		return err
	}
	now := s.stamp()
	if !v.Open(now) {
		return errs.Conflict("not_open", "survey.not_open")
	}
	clean, err := Check(v.Questions, answers)
	if err != nil {
		return err
	}
	respID := db.NewID()
	var link any = respID
	if v.Anonymous {
		respID, link = randomID(), nil
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The survey's row first: a close or an edit waits for us, and
		// we see the status it leaves.
		if err := tx.LockRows(ctx, "SELECT id FROM surveys WHERE id = ?", id); err != nil {
			return errs.Internal(err, "survey: lock")
		}
		var st Status
		if err := tx.QueryRow(ctx, "SELECT status FROM surveys WHERE id = ?", id).Scan(&st); err != nil {
			return errs.Internal(err, "survey: status")
		}
		if st != StatusPublished {
			return errs.Conflict("not_open", "survey.not_open")
		}
		_, err := tx.Exec(ctx, "INSERT INTO survey_takers (survey_id, member_id, member_org_path, response_id) VALUES (?, ?, ?, ?)",
			id, m.ID, m.OrgPath, link)
		if db.IsUnique(err) {
			return errs.Conflict("responded", "survey.responded")
		}
		if err != nil {
			return errs.Internal(err, "survey: taker")
		}
		mon := month(now)
		if _, err := tx.Exec(ctx, "INSERT INTO survey_responses (id, survey_id, org_path, month) VALUES (?, ?, ?, ?)", respID, id, m.OrgPath, mon); err != nil {
			return errs.Internal(err, "survey: response")
		}
		flat := answerRows(respID, id, clean)
		if len(flat) > 0 {
			if err := tx.InsertRows(ctx, "survey_answers (response_id, survey_id, question, seq, choice, num, text)", 7, flat); err != nil {
				return errs.Internal(err, "survey: answers")
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE surveys SET responses = responses + 1 WHERE id = ?", id); err != nil {
			return errs.Internal(err, "survey: count")
		}
		return logResponse(ctx, tx, m.OrgPath, mon)
	})
}

// answerRows flattens answers into survey_answers' columns.
func answerRows(respID, surveyID int64, answers map[int]Answer) []any {
	var flat []any
	for q := range MaxQuestions {
		a, ok := answers[q]
		if !ok {
			continue
		}
		seq := 0
		add := func(choice int, num any, text string) {
			flat = append(flat, respID, surveyID, q, seq, choice, num, text)
			seq++
		}
		for _, c := range a.Choices {
			add(c, nil, "")
		}
		if a.Other != nil {
			add(-1, nil, *a.Other)
		}
		if a.Text != "" {
			add(-1, nil, a.Text)
		}
		if a.Number != nil {
			add(-1, int64(math.Round(*a.Number*100)), "")
		}
	}
	return flat
}
