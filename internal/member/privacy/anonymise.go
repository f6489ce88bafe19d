package privacy

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
)

// Once a membership has ended (left, retired, died, moved away) and the
// retention period has passed since, the person's data is anonymised
// everywhere it is kept (PIPL art. 19, 47): the registry row keeps its
// union, status, tags and dates, so every figure stays as it was, but the
// name becomes a placeholder, the numbers and what derives from them go,
// the hashes are replaced (the person may join again as anyone new), the
// name's search keys are deleted, applications and transfers are scrubbed
// and the member's sign-in, sessions and notices deleted. Anonymising is
// not a departure: no event, no figure. One audit record per member, which
// names no personal data. The audit log itself is append-only and keeps
// what it recorded at the time (masked numbers).

// AnonymisedName replaces the name of an anonymised member.
const AnonymisedName = "已匿名"

// endedStatuses are the statuses of a membership that has ended.
var endedStatuses = []any{string(member.StatusLeft), string(member.StatusTransferredOut), string(member.StatusRetired), string(member.StatusDeceased)}

// AnonymiseReport says what a sweep did (or, dry, would do).
type AnonymiseReport struct {
	Cutoff     string  `json:"cutoff"` // memberships ended on or before this date
	Due        int     `json:"due"`
	Anonymised int     `json:"anonymised"`
	IDs        []int64 `json:"-"`
}

// anonymiseBatch is how many candidates one query reads.
const anonymiseBatch = 200

// Anonymise anonymises the memberships that ended more than years ago.
// Several processes may sweep at once: each member is claimed by inserting
// its member_anonymised row, which only one transaction can do.
func Anonymise(ctx context.Context, s *member.Store, years int, dryRun bool) (*AnonymiseReport, error) {
	if years < 1 {
		f := errs.Fields{}
		f.Add("retention_years", "rights.anon.years")
		return nil, f.Err()
	}
	if audit.ActorFrom(ctx).Name == "system" {
		ctx = audit.WithActor(ctx, audit.Actor{Name: "system:retention"})
	}
	cutoff := s.Now().In(beijing.Zone).AddDate(-years, 0, 0).Format(time.DateOnly)
	rep := &AnonymiseReport{Cutoff: cutoff}
	var after int64
	for {
		ids, err := dueForAnonymising(ctx, s, cutoff, after)
		if err != nil {
			return rep, err
		}
		if len(ids) == 0 {
			return rep, nil
		}
		after = ids[len(ids)-1]
		rep.Due += len(ids)
		for _, id := range ids {
			if dryRun {
				rep.IDs = append(rep.IDs, id)
				continue
			}
			done, err := anonymiseOne(ctx, s, id, cutoff, years)
			if err != nil {
				return rep, err
			}
			if done {
				rep.Anonymised++
				rep.IDs = append(rep.IDs, id)
			}
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
}

// dueWhere selects the ended memberships not yet anonymised, with no open
// transfer and no pending application to join again.
const dueWhere = `m.status IN (?, ?, ?, ?) AND m.status_on <> '' AND m.status_on <= ?
	AND NOT EXISTS (SELECT 1 FROM member_anonymised x WHERE x.member_id = m.id)
	AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.status IN ('requested', 'released'))
	AND NOT EXISTS (SELECT 1 FROM join_applications a WHERE a.id_hash = m.id_hash AND a.status = 'pending')`

func dueForAnonymising(ctx context.Context, s *member.Store, cutoff string, after int64) ([]int64, error) {
	args := append(append([]any{}, endedStatuses...), cutoff, after, anonymiseBatch)
	rows, err := s.DB.Query(ctx, "SELECT m.id FROM members m WHERE "+dueWhere+" AND m.id > ? ORDER BY m.id LIMIT ?", args...)
	if err != nil {
		return nil, errs.Internal(err, "privacy: due for anonymising")
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Internal(err, "privacy: due for anonymising")
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

var errNotDue = errors.New("privacy: no longer due")

// anonymiseOne anonymises one member in one transaction; false when another
// process claimed it first or it is no longer due (it rejoined meanwhile).
func anonymiseOne(ctx context.Context, s *member.Store, id int64, cutoff string, years int) (bool, error) {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var path, status, endedOn, idHash string
		var mobileHash *string
		args := append(append([]any{id}, endedStatuses...), cutoff)
		err := tx.QueryRow(ctx, "SELECT m.org_path, m.status, m.status_on, m.id_hash, m.mobile_hash FROM members m WHERE m.id = ? AND "+dueWhere+tx.ForUpdate(),
			args...).Scan(&path, &status, &endedOn, &idHash, &mobileHash)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotDue
		}
		if err != nil {
			return errs.Internal(err, "privacy: lock for anonymising")
		}
		at := scope.Millis(s.Now())
		res, err := tx.Exec(ctx, "INSERT INTO member_anonymised (member_id, at, ended_on) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", id, at, endedOn)
		if err != nil {
			return errs.Internal(err, "privacy: claim anonymising")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNotDue
		}
		key := "anon:" + db.FormatID(id)
		// Status, union, tags and dates stay: they are the figures.
		if _, err := tx.Exec(ctx, `UPDATE members SET name = ?, initials = '', id_hash = ?, id_sealed = '', mobile_hash = NULL, mobile_sealed = '',
			gender = '', birth_date = '', job = '', card_serial = card_serial + 1, version = version + 1, updated_at = ? WHERE id = ?`,
			AnonymisedName, key, at, id); err != nil {
			return errs.Internal(err, "privacy: anonymise row")
		}
		steps := []struct {
			q    string
			args []any
		}{
			{"DELETE FROM member_grams WHERE member_id = ?", []any{id}},
			{"DELETE FROM member_notices WHERE member_id = ?", []any{id}},
			{"DELETE FROM member_sessions WHERE member_id = ?", []any{id}},
			{"DELETE FROM member_credentials WHERE member_id = ?", []any{id}},
			{"UPDATE transfers SET reason = '', note = '' WHERE member_id = ?", []any{id}},
			{"UPDATE correction_requests SET value_sealed = '', note = '' WHERE member_id = ?", []any{id}},
			// Each application gets hashes of its own, so neither the old
			// number nor a pending-index clash survives.
			{`UPDATE join_applications SET name = ?, id_hash = 'anon:a:' || CAST(id AS TEXT), id_sealed = '',
				mobile_hash = 'anon:a:' || CAST(id AS TEXT), mobile_sealed = '', gender = '', birth_date = '', job = '', reason = ''
				WHERE id_hash = ? OR member_id = ?`, []any{AnonymisedName, idHash, id}},
		}
		if mobileHash != nil {
			steps = append(steps, struct {
				q    string
				args []any
			}{"DELETE FROM otp_codes WHERE mobile_hash = ?", []any{*mobileHash}})
		}
		for _, st := range steps {
			if _, err := tx.Exec(ctx, st.q, st.args...); err != nil {
				return errs.Internal(err, "privacy: anonymise")
			}
		}
		if err := scrubEvents(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "member.anonymise", Entity: "member", EntityID: db.FormatID(id), OrgPath: path,
			After: map[string]any{"status": status, "ended_on": endedOn, "retention_years": years}})
	})
	if errors.Is(err, errNotDue) {
		return false, nil
	}
	return err == nil, err
}

// eventKeep are the keys of an event's detail the figures read (source,
// tags, from, to) or that name no one (fields); a note goes.
var eventKeep = map[string]bool{"source": true, "tags": true, "from": true, "to": true, "fields": true}

// scrubEvents drops free text from a member's history details.
func scrubEvents(ctx context.Context, tx *db.Tx, id int64) error {
	rows, err := tx.Query(ctx, "SELECT id, detail FROM member_events WHERE member_id = ? AND detail <> ''", id)
	if err != nil {
		return errs.Internal(err, "privacy: scrub history")
	}
	type change struct {
		id     int64
		detail string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.detail); err != nil {
			rows.Close()
			return errs.Internal(err, "privacy: scrub history")
		}
		var d map[string]any
		if json.Unmarshal([]byte(c.detail), &d) != nil {
			c.detail = ""
			changes = append(changes, c)
			continue
		}
		dropped := false
		for k := range d {
			if !eventKeep[k] {
				delete(d, k)
				dropped = true
			}
		}
		if dropped {
			b, _ := json.Marshal(d)
			c.detail = string(b)
			changes = append(changes, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal(err, "privacy: scrub history")
	}
	for _, c := range changes {
		if _, err := tx.Exec(ctx, "UPDATE member_events SET detail = ? WHERE id = ?", c.detail, c.id); err != nil {
			return errs.Internal(err, "privacy: scrub history")
		}
	}
	return nil
}

// sweepLease is the settings row naming until when one process sweeps.
const sweepLease = "member.anonymise_lease"

// ClaimSweep lets one server process at a time sweep for ttl: one
// conditional UPDATE decides, whatever the number of processes. (Should two
// sweeps overlap anyway, each member is still claimed once.)
func ClaimSweep(ctx context.Context, s *member.Store, ttl time.Duration) (bool, error) {
	pad := func(ms int64) string { return fmt.Sprintf("%020d", ms) }
	now := s.Now()
	if _, err := s.DB.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING", sweepLease, pad(0)); err != nil {
		return false, errs.Internal(err, "privacy: sweep lease")
	}
	res, err := s.DB.Exec(ctx, "UPDATE settings SET value = ? WHERE name = ? AND value < ?", pad(now.Add(ttl).UnixMilli()), sweepLease, pad(now.UnixMilli()))
	if err != nil {
		return false, errs.Internal(err, "privacy: sweep lease")
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
