package bank

import (
	"context"
	"database/sql"
	"encoding/json"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
)

const questionCols = `q.id, q.bank_id, q.type, q.stem, q.options, q.answer_key, q.explanation, q.category, q.difficulty, q.version, q.created_at, q.updated_at`

func scanQuestion(sc interface{ Scan(...any) error }) (Question, error) {
	var q Question
	var options, key string
	var created, updated int64
	if err := sc.Scan(&q.ID, &q.BankID, &q.Type, &q.Stem, &options, &key, &q.Explanation, &q.Category, &q.Difficulty, &q.Version, &created, &updated); err != nil {
		return q, err
	}
	q.CreatedAt, q.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	if err := json.Unmarshal([]byte(options), &q.Options); err != nil {
		return q, err
	}
	if len(q.Options) == 0 {
		q.Options = nil
	}
	return q, json.Unmarshal([]byte(key), &q.Key)
}

// Question reads one question of a bank the caller may use.
func (s *Store) Question(ctx context.Context, pr *auth.Principal, id int64) (*Question, *Bank, error) {
	q, err := scanQuestion(s.DB.QueryRow(ctx, "SELECT "+questionCols+" FROM questions q WHERE q.id = ?", id))
	if err == sql.ErrNoRows {
		return nil, nil, errs.NotFound("question")
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "bank: read question")
	}
	b, err := s.Bank(ctx, pr, q.BankID)
	if err != nil {
		return nil, nil, errs.NotFound("question")
	}
	return &q, b, nil
}

// AddQuestion adds q to the end of a bank the caller may change.
func (s *Store) AddQuestion(ctx context.Context, pr *auth.Principal, bankID int64, q Question) (*Question, error) {
	f := errs.Fields{}
	q.Check(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	q.ID = db.NewID()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		b, err := s.lockBank(ctx, tx, pr, bankID, 0)
		if err != nil {
			return err
		}
		added, err := s.insert(ctx, tx, b, []*Question{&q})
		if err != nil {
			return err
		}
		if added == 0 {
			f := errs.Fields{}
			f.Add("stem", "bank.question_duplicate")
			return f.Err()
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.question_create", Entity: "question", EntityID: db.FormatID(q.ID),
			OrgPath: b.OrgPath, After: auditView(&q)})
	})
	if err != nil {
		return nil, err
	}
	out, _, err := s.Question(ctx, pr, q.ID)
	return out, err
}

// insert appends qs to bank b (locked by the caller) and counts them;
// questions whose type and stem are already there are left out. It
// answers how many were added.
func (s *Store) insert(ctx context.Context, tx *db.Tx, b *Bank, qs []*Question) (int, error) {
	var last sql.NullInt64
	if err := tx.QueryRow(ctx, "SELECT MAX(position) FROM questions WHERE bank_id = ?", b.ID).Scan(&last); err != nil {
		return 0, errs.Internal(err, "bank: last position")
	}
	pos := last.Int64
	ms := scope.Millis(s.stamp())
	have, err := stemKeys(ctx, tx, b.ID)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, q := range qs {
		key := StemKey(q.Type, q.Stem)
		if have[key] {
			continue
		}
		have[key] = true
		if q.ID == 0 {
			q.ID = db.NewID()
		}
		pos++
		options, answer := encodeQuestion(q)
		_, err := tx.Exec(ctx, `INSERT INTO questions (id, bank_id, position, type, stem, stem_key, options, answer_key, explanation, category, difficulty, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			q.ID, b.ID, pos, q.Type, q.Stem, key, options, answer, q.Explanation, q.Category, q.Difficulty, ms, ms)
		if err != nil {
			return 0, errs.Internal(err, "bank: add question")
		}
		added++
	}
	if added > 0 {
		if _, err := tx.Exec(ctx, "UPDATE question_banks SET questions = questions + ? WHERE id = ?", added, b.ID); err != nil {
			return 0, errs.Internal(err, "bank: count questions")
		}
		if err := touch(ctx, tx, b.ID, ms); err != nil {
			return 0, err
		}
	}
	return added, nil
}

// stemKeys are the questions already in a bank, by StemKey.
func stemKeys(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (*sql.Rows, error)
}, bankID int64) (map[string]bool, error) {
	rows, err := q.Query(ctx, "SELECT stem_key FROM questions WHERE bank_id = ?", bankID)
	if err != nil {
		return nil, errs.Internal(err, "bank: stem keys")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, errs.Internal(err, "bank: stem keys")
		}
		out[k] = true
	}
	return out, rows.Err()
}

// UpdateQuestion rewrites a question; version must be the one the caller
// read.
func (s *Store) UpdateQuestion(ctx context.Context, pr *auth.Principal, id int64, version int, q Question) (*Question, error) {
	f := errs.Fields{}
	q.Check(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		old, b, err := s.lockQuestion(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		options, answer := encodeQuestion(&q)
		_, err = tx.Exec(ctx, `UPDATE questions SET type = ?, stem = ?, stem_key = ?, options = ?, answer_key = ?, explanation = ?, category = ?,
			difficulty = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			q.Type, q.Stem, StemKey(q.Type, q.Stem), options, answer, q.Explanation, q.Category, q.Difficulty, scope.Millis(s.stamp()), id)
		if db.IsUnique(err) {
			f := errs.Fields{}
			f.Add("stem", "bank.question_duplicate")
			return f.Err()
		}
		if err != nil {
			return errs.Internal(err, "bank: update question")
		}
		if err := touch(ctx, tx, b.ID, scope.Millis(s.stamp())); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.question_update", Entity: "question", EntityID: db.FormatID(id),
			OrgPath: b.OrgPath, Before: auditView(old), After: auditView(&q)})
	})
	if err != nil {
		return nil, err
	}
	out, _, err := s.Question(ctx, pr, id)
	return out, err
}

// DeleteQuestion removes a question from its bank.
func (s *Store) DeleteQuestion(ctx context.Context, pr *auth.Principal, id int64, version int) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		old, b, err := s.lockQuestion(ctx, tx, pr, id, version)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM questions WHERE id = ?", id); err != nil {
			return errs.Internal(err, "bank: delete question")
		}
		if _, err := tx.Exec(ctx, "UPDATE question_banks SET questions = questions - 1 WHERE id = ?", b.ID); err != nil {
			return errs.Internal(err, "bank: count questions")
		}
		if err := touch(ctx, tx, b.ID, scope.Millis(s.stamp())); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.question_delete", Entity: "question", EntityID: db.FormatID(id),
			OrgPath: b.OrgPath, Before: auditView(old)})
	})
}

// lockQuestion reads a question the caller may change, under its bank's
// lock.
func (s *Store) lockQuestion(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, version int) (*Question, *Bank, error) {
	var bankID int64
	err := tx.QueryRow(ctx, "SELECT bank_id FROM questions WHERE id = ?", id).Scan(&bankID)
	if err == sql.ErrNoRows {
		return nil, nil, errs.NotFound("question")
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "bank: read question")
	}
	b, err := s.lockBank(ctx, tx, pr, bankID, 0)
	if errs.Is(err, errs.KindNotFound) {
		return nil, nil, errs.NotFound("question")
	}
	if err != nil {
		return nil, nil, err
	}
	q, err := scanQuestion(tx.QueryRow(ctx, "SELECT "+questionCols+" FROM questions q WHERE q.id = ?", id))
	if err != nil {
		return nil, nil, errs.Internal(err, "bank: read question")
	}
	if version != 0 && q.Version != version {
		return nil, nil, errs.Conflict("stale_version", "bank.stale_version")
	}
	return &q, b, nil
}

// auditView is what the audit log keeps of a question: its texts and
// key, as staff wrote them.
func auditView(q *Question) map[string]any {
	return map[string]any{"type": q.Type, "stem": q.Stem, "options": q.Options, "answer": KeyText(q),
		"category": q.Category, "difficulty": int(q.Difficulty)}
}

// QuestionQuery filters a bank's questions.
type QuestionQuery struct {
	Q          string // stem substring
	Type       Type
	Category   string
	Difficulty Difficulty
	Sort       string // one of QuestionSorts' keys; "" in the bank's order
	After      string
	Offset     int
	Limit      int
}

// QuestionSorts are the orders of a bank's questions.
var QuestionSorts = &listing.Sorts[Question]{List: "question", ID: "q.id", IDOf: func(q *Question) int64 { return q.ID },
	Default: "position", Keys: []listing.Key[Question]{
		{Name: "position", Expr: "q.position", Of: func(q *Question) any { return q.position }},
		{Name: "updated", Expr: "q.updated_at", Desc: true, Of: func(q *Question) any { return scope.Millis(q.UpdatedAt) }},
	}}

func (s *Store) questionFilter(ctx context.Context, pr *auth.Principal, bankID int64, qq QuestionQuery) listing.Filter {
	return func() ([]string, []any, error) {
		if _, err := s.Bank(ctx, pr, bankID); err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(qq.Type == "" || qq.Type.Valid(), "type", "field.invalid_choice")
		f.Check(qq.Difficulty == 0 || qq.Difficulty.Valid(), "difficulty", "field.invalid_choice")
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		where, args := []string{"q.bank_id = ?"}, []any{bankID}
		if qq.Q != "" {
			where, args = append(where, s.DB.ContainsFold("q.stem")), append(args, s.DB.ContainsFoldArg(qq.Q))
		}
		if qq.Type != "" {
			where, args = append(where, "q.type = ?"), append(args, qq.Type)
		}
		if qq.Category != "" {
			where, args = append(where, "q.category = ?"), append(args, qq.Category)
		}
		if qq.Difficulty != 0 {
			where, args = append(where, "q.difficulty = ?"), append(args, qq.Difficulty)
		}
		return where, args, nil
	}
}

// Questions lists a bank's questions in qq's order (the bank's by default).
func (s *Store) Questions(ctx context.Context, pr *auth.Principal, bankID int64, qq QuestionQuery) ([]Question, string, error) {
	return QuestionSorts.Read(qq.Sort, listing.Page{After: qq.After, Offset: qq.Offset, Limit: qq.Limit}, s.questionFilter(ctx, pr, bankID, qq),
		func(clause string, args []any) ([]Question, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+questionCols+", q.position FROM questions q"+clause, args...)
			if err != nil {
				return nil, errs.Internal(err, "bank: list questions")
			}
			defer rows.Close()
			out := []Question{}
			for rows.Next() {
				var pos int64
				q, err := scanQuestion(scanWith{rows, &pos})
				if err != nil {
					return nil, errs.Internal(err, "bank: list questions")
				}
				q.position = pos
				out = append(out, q)
			}
			return out, rows.Err()
		})
}

// CountQuestions is the total of qq's filter.
func (s *Store) CountQuestions(ctx context.Context, pr *auth.Principal, bankID int64, qq QuestionQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM questions q", s.questionFilter(ctx, pr, bankID, qq))
}

// Category is one category of a bank with its questions by type and
// difficulty: what a paper's random sections draw from.
type Category struct {
	Name       string     `json:"name"`
	Type       Type       `json:"type"`
	Difficulty Difficulty `json:"difficulty"`
	Questions  int        `json:"questions"`
}

// Categories counts a bank's questions by category, type and difficulty.
func (s *Store) Categories(ctx context.Context, pr *auth.Principal, bankID int64) ([]Category, error) {
	if _, err := s.Bank(ctx, pr, bankID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT category, type, difficulty, COUNT(*) FROM questions WHERE bank_id = ?
		GROUP BY category, type, difficulty ORDER BY category, type, difficulty`, bankID)
	if err != nil {
		return nil, errs.Internal(err, "bank: categories")
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.Name, &c.Type, &c.Difficulty, &c.Questions); err != nil {
			return nil, errs.Internal(err, "bank: categories")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanWith scans a row's leading columns into the wrapped scanner's
// targets and the trailing ones into extra.
type scanWith struct {
	rows  *sql.Rows
	extra *int64
}

func (s scanWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }
