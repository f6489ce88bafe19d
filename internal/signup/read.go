package signup

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
)

// Query filters a host's sign-ups.
type Query struct {
	Status string
	Q      string // a substring of the member's name
	After  string // cursor: the last sequence number seen
	Limit  int
}

// BadCursor is the error for a cursor that was not given out.
func BadCursor() error { return errs.Invalid("bad_cursor", "error.bad_cursor") }

// List reads a host's sign-ups in the order of sign-up, a page at a time,
// each with the member's name, union and attendance marks. The caller has
// checked who asks and the status asked for.
func (b *Book) List(ctx context.Context, d *db.DB, hostID int64, q Query) ([]Entry, string, error) {
	var after int64
	if q.After != "" {
		var ok bool
		if after, ok = db.ParseID(q.After); !ok {
			return nil, "", BadCursor()
		}
	}
	limit := scope.PageLimit(q.Limit)
	where := []string{"r." + b.HostCol + " = ?", "r." + b.SeqCol + " > ?"}
	args := []any{hostID, after}
	if q.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, q.Status)
	}
	if q.Q != "" {
		where, args = append(where, d.Contains("m.name")), append(args, d.ContainsArg(q.Q))
	}
	args = append(args, limit+1)
	rank := ""
	if b.RankCol != "" {
		rank = ", r." + b.RankCol
	}
	rows, err := d.QueryFresh(ctx, "SELECT r.member_id, m.name, o.name, r.status, r."+b.SeqCol+rank+", r.via, r.created_at, r.updated_at,"+
		" (SELECT COUNT(*) FROM "+b.Marks.Table+" c WHERE c."+b.HostCol+" = r."+b.HostCol+" AND c.member_id = r.member_id)"+
		" FROM "+b.Table+" r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id"+
		" WHERE "+strings.Join(where, " AND ")+" ORDER BY r."+b.SeqCol+" LIMIT ?", args...)
	out, err := All(rows, err, b.Name+": list sign-ups", func(r Scanner) (Entry, error) {
		e := Entry{HostID: hostID}
		var created, updated int64
		dest := append([]any{&e.MemberID, &e.MemberName, &e.OrgName}, b.entryDest(&e, &created, &updated)...)
		err := r.Scan(append(dest, &e.Attended)...)
		e.CreatedAt, e.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
		return e, err
	})
	if err != nil {
		return nil, "", err
	}
	out, next := Page(out, limit, func(e Entry) string { return db.FormatID(e.Seq) })
	return out, next, nil
}

// Position is where a waiting sign-up stands on the host's waiting list
// (1: next), from its place in the queue (its RankCol or SeqCol value).
func (b *Book) Position(ctx context.Context, q Queryer, hostID, at int64) (int, error) {
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM "+b.Table+" WHERE "+b.HostCol+" = ? AND status = ? AND "+b.queue()+" <= ?",
		hostID, b.Waiting, at).Scan(&n); err != nil {
		return 0, b.internal(err, "waiting position")
	}
	return n, nil
}

// CallOff tells every member whose sign-up holds or waits for a place
// that the host was called off (a notice of kind about ref).
func (b *Book) CallOff(ctx context.Context, tx *db.Tx, hostID, now int64, kind string, ref notice.Ref) error {
	args := []any{hostID}
	for _, s := range b.Live {
		args = append(args, s)
	}
	rows, err := tx.Query(ctx, "SELECT member_id FROM "+b.Table+" WHERE "+b.HostCol+" = ? AND status IN ("+db.Placeholders(len(b.Live))+")", args...)
	ids, err := All(rows, err, b.Name+": call off", func(r Scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
	if err != nil {
		return err
	}
	return notice.Add(ctx, tx, now, kind, ref, ids...)
}

// Mark is one attendance mark: a member at a point (a checkpoint, a
// session).
type Mark struct {
	Point    int64
	MemberID int64
	OrgPath  string // the member's, where the Book's Marks keep it
	At       int64  // Unix ms
	Via      string
	By       any // the staff user who took it, or nil
}

// Marked reads a member's mark at a point; nil when there is none.
func (b *Book) Marked(ctx context.Context, tx *db.Tx, point, memberID int64) (*Mark, error) {
	m := Mark{Point: point, MemberID: memberID}
	err := tx.QueryRow(ctx, "SELECT at, via FROM "+b.Marks.Table+" WHERE "+b.Marks.Point+" = ? AND member_id = ?", point, memberID).Scan(&m.At, &m.Via)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, b.internal(err, "read mark")
	}
	return &m, nil
}

// Mark records attendance under the host's lock (which orders a host's
// marks) and counts it: every mark, or with Marks.PerMember a member's
// first at the host. The caller has checked there is none yet (Marked).
func (b *Book) Mark(ctx context.Context, tx *db.Tx, s *Seats, m Mark) error {
	if b.Marks.PerMember {
		var before int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+b.Marks.Table+" WHERE "+b.HostCol+" = ? AND member_id = ?", s.ID, m.MemberID).Scan(&before); err != nil {
			return b.internal(err, "mark")
		}
		if before == 0 {
			s.Attended++
			s.Touch(m.At)
		}
	} else {
		s.Attended++
		s.Touch(m.At)
	}
	cols, args := b.Marks.Point+", member_id, "+b.HostCol, []any{m.Point, m.MemberID, s.ID}
	if b.Marks.OrgPath {
		cols, args = cols+", member_org_path", append(args, m.OrgPath)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+b.Marks.Table+" ("+cols+", at, via, by_user) VALUES ("+db.Placeholders(len(args)+3)+")",
		append(args, m.At, m.Via, m.By)...); err != nil {
		return b.internal(err, "mark")
	}
	return nil
}

// MarkTimes reads every mark at a host: when each member was marked at
// each point (Unix ms), for registers and exports.
func (b *Book) MarkTimes(ctx context.Context, d *db.DB, hostID int64) (map[int64]map[int64]int64, error) {
	rows, err := d.Query(ctx, "SELECT member_id, "+b.Marks.Point+", at FROM "+b.Marks.Table+" WHERE "+b.HostCol+" = ?", hostID)
	marks, err := All(rows, err, b.Name+": marks", func(r Scanner) (Mark, error) {
		var m Mark
		err := r.Scan(&m.MemberID, &m.Point, &m.At)
		return m, err
	})
	out := map[int64]map[int64]int64{}
	for _, m := range marks {
		if out[m.MemberID] == nil {
			out[m.MemberID] = map[int64]int64{}
		}
		out[m.MemberID][m.Point] = m.At
	}
	return out, err
}
