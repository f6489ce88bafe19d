package works

import (
	"context"
	"database/sql"
	"io"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/sheet"
	"gonghui/internal/signup"
)

// Award is an awarded entry as staff hand it on (to honours, say): the
// rank, the award, the work and its author with their union, the final
// score and how many judges gave it.
type Award struct {
	Place    int      `json:"place"`
	Award    string   `json:"award"`
	EntryID  int64    `json:"entry_id,string"`
	Title    string   `json:"title"`
	MemberID int64    `json:"member_id,string"`
	Name     string   `json:"name"`
	UnionID  int64    `json:"union_id,string"`
	Union    string   `json:"union"`
	Score    *float64 `json:"score"`
	Judges   int      `json:"judges"`
}

// Awards lists a call's awarded entries by place, for staff who read the
// call; empty before the awards are worked out.
func (s *Store) Awards(ctx context.Context, pr *auth.Principal, callID int64) ([]Award, error) {
	if _, err := s.Get(ctx, pr, callID); err != nil {
		return nil, err
	}
	return s.awards(ctx, callID)
}

func (s *Store) awards(ctx context.Context, callID int64) ([]Award, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.place, e.award, e.id, e.title, e.member_id, m.name, m.org_id, o.name, e.score, e.judges`+entryFrom+
		` WHERE e.call_id = ? AND e.status = ? AND e.award <> '' ORDER BY e.place, e.id`, callID, EntryAccepted)
	return signup.All(rows, err, "works: awards", func(sc signup.Scanner) (Award, error) {
		var a Award
		var score sql.NullInt64
		err := sc.Scan(&a.Place, &a.Award, &a.EntryID, &a.Title, &a.MemberID, &a.Name, &a.UnionID, &a.Union, &score, &a.Judges)
		if score.Valid {
			v := float64(score.Int64) / 100
			a.Score = &v
		}
		return a, err
	})
}

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// ExportAwards writes a call's awards as an .xlsx workbook (rank, award,
// title, author, union, score), for staff who read the call. Names leave
// the system here: the export is audited with its row count before a
// byte of it is written.
func (s *Store) ExportAwards(ctx context.Context, pr *auth.Principal, callID int64, tr Translate, out io.Writer) error {
	c, err := s.Get(ctx, pr, callID)
	if err != nil {
		return err
	}
	list, err := s.awards(ctx, callID)
	if err != nil {
		return err
	}
	w, err := sheet.NewWriter(tr("works.awards.sheet"), []string{tr("works.awards.place"), tr("works.awards.award"), tr("works.awards.title"),
		tr("works.awards.author"), tr("works.awards.union"), tr("works.awards.score")})
	if err != nil {
		return err
	}
	defer w.Close()
	for _, a := range list {
		var score any
		if a.Score != nil {
			score = *a.Score
		}
		if err := w.Row(a.Place, a.Award, a.Title, a.Name, a.Union, score); err != nil {
			return err
		}
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "works.export", Entity: "works_call", EntityID: db.FormatID(callID), OrgPath: c.OrgPath,
			After: map[string]any{"title": c.Title, "rows": len(list)}})
	}); err != nil {
		return err
	}
	_, err = w.WriteTo(out)
	return err
}
