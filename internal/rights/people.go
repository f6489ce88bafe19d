package rights

import (
	"context"
	"database/sql"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
)

// Workers' personal data on a case: the name, ID number and mobile given
// at intake are sealed under their row (the additional data names the
// column and the row, so a value copied elsewhere does not open) and found
// by the keyed hashes the registry uses, so that an ID number typed into
// the list's search finds a member's cases and a caller's alike.

// WorkerAAD binds a sealed field of a case's worker to its row; field is
// "name", "id_number" or "mobile".
func WorkerAAD(field string, id int64) string { return "case_worker." + field + ":" + db.FormatID(id) }

// NoteAAD binds a confidential note's sealed words to their row.
func NoteAAD(id int64) string { return "case_note.body:" + db.FormatID(id) }

// MaskName shows a name's first and (for three characters or more) last
// character: 张*, 张*明, 欧**娜.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

func (s *Store) seal(plain, aad string) (string, error) {
	if plain == "" {
		return "", nil
	}
	if s.Keys == nil {
		return "", errs.Internal(errNoKeys, "rights: seal")
	}
	v, err := s.Keys.SealString(plain, aad)
	if err != nil {
		return "", errs.Internal(err, "rights: seal")
	}
	return v, nil
}

func (s *Store) hash(kind, v string) string {
	if v == "" || s.Keys == nil {
		return ""
	}
	return s.Keys.Hash(kind, v)
}

// open answers a sealed value, or "" when it does not open (a key lost, a
// row altered): a page shows nothing rather than failing.
func (s *Store) open(sealed, aad string) string {
	if sealed == "" || s.Keys == nil {
		return ""
	}
	v, err := s.Keys.OpenString(sealed, aad)
	if err != nil {
		return ""
	}
	return v
}

func (s *Store) insertWorkers(ctx context.Context, tx *db.Tx, caseID int64, ws []worker) error {
	for i, w := range ws {
		if _, err := s.insertWorker(ctx, tx, caseID, i, w); err != nil {
			return err
		}
	}
	return nil
}

// insertWorker seals w and stores it at position pos of the case's list.
func (s *Store) insertWorker(ctx context.Context, tx *db.Tx, caseID int64, pos int, w worker) (int64, error) {
	id := db.NewID()
	name, err := s.seal(w.name, WorkerAAD("name", id))
	if err != nil {
		return 0, err
	}
	idn, err := s.seal(w.idNumber, WorkerAAD("id_number", id))
	if err != nil {
		return 0, err
	}
	mob, err := s.seal(w.mobile, WorkerAAD("mobile", id))
	if err != nil {
		return 0, err
	}
	var memberID any
	if w.memberID != 0 {
		memberID = w.memberID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO case_workers (id, case_id, position, member_id, name_sealed, name_hash, id_sealed, id_hash, mobile_sealed, mobile_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, caseID, pos, memberID, name, s.hash("name", w.name), idn, s.hash("id_number", w.idNumber),
		mob, s.hash("mobile", w.mobile)); err != nil {
		return 0, errs.Internal(err, "rights: workers")
	}
	return id, nil
}

// workers reads a case's workers, masked unless full.
func (s *Store) workers(ctx context.Context, caseID int64, full bool) ([]Worker, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, COALESCE(member_id, 0), name_sealed, id_sealed, mobile_sealed FROM case_workers WHERE case_id = ? ORDER BY position`, caseID)
	return signup.All(rows, err, "rights: workers", func(sc signup.Scanner) (Worker, error) {
		var w Worker
		var name, idn, mob string
		if err := sc.Scan(&w.ID, &w.MemberID, &name, &idn, &mob); err != nil {
			return w, err
		}
		w.Name, w.IDNumber, w.Mobile = s.open(name, WorkerAAD("name", w.ID)), s.open(idn, WorkerAAD("id_number", w.ID)), s.open(mob, WorkerAAD("mobile", w.ID))
		if !full {
			w.Name = MaskName(w.Name)
			if w.IDNumber != "" {
				w.IDNumber = cnid.MaskResidentID(w.IDNumber)
			}
			if w.Mobile != "" {
				w.Mobile = cnid.MaskMobile(w.Mobile)
			}
		}
		return w, nil
	})
}

// mayReveal: the case's handler, its supervisors and holders of
// case.reveal over its union see workers' data in full. member.reveal
// (the registry's) is not asked: revealing a case's workers is a power of
// its own, so that a rights officer holds it without the registry's.
func mayReveal(pr *auth.Principal, c *Case) bool {
	return isHandler(pr, c) || supervises(pr, c) || pr.CanAt(auth.PermCaseReveal, c.path)
}

// Reveal answers a case's workers in full, to those mayReveal lets, and
// leaves an audit record naming the case and why.
func (s *Store) Reveal(ctx context.Context, pr *auth.Principal, id int64, reason string) ([]Worker, error) {
	c, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if pr.Kind == auth.KindMember || !mayReveal(pr, c) {
		return nil, errs.Forbidden()
	}
	f := errs.Fields{}
	optText(f, "reason", &reason, MaxReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	ws, err := s.workers(ctx, id, true)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "case.reveal", Entity: "case", EntityID: db.FormatID(id), OrgPath: c.path,
			After: map[string]any{"fields": []string{"name", "id_number", "mobile"}, "workers": len(ws), "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// firstWorkers reads the first worker's name of each case, masked.
func (s *Store) firstWorkers(ctx context.Context, cs []Case) error {
	if len(cs) == 0 {
		return nil
	}
	args := make([]any, len(cs))
	at := map[int64]int{}
	for i := range cs {
		args[i] = cs[i].ID
		at[cs[i].ID] = i
	}
	rows, err := s.DB.Query(ctx, "SELECT case_id, id, name_sealed FROM case_workers WHERE position = 0 AND case_id IN ("+db.Placeholders(len(args))+")", args...)
	if err != nil {
		return errs.Internal(err, "rights: first workers")
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, id int64
		var name sql.NullString
		if err := rows.Scan(&caseID, &id, &name); err != nil {
			return errs.Internal(err, "rights: first workers")
		}
		cs[at[caseID]].FirstWorker = MaskName(s.open(name.String, WorkerAAD("name", id)))
	}
	return rows.Err()
}
