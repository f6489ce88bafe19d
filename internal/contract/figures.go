package contract

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/stats"
)

// The contracts' figures (see internal/stats):
//
//	contract.in_force   level: contracts in force, at the negotiating union
//	contract.expiring   level: of them, expiring (reminders due, no renewal submitted)
//	contract.signed     flow by the month of signing: contracts submitted for review
//	                    (an objection takes it back), at the negotiating union
//	contract.employers  level: employers covered by some contract in force
//	contract.workers    level: workers covered there (per employer, the most
//	                    any contract in force covers: a comprehensive and a
//	                    wage contract over the same workers count them once)
//
// Employers count where the registry counts them (org.employers): +1 at
// the owner, +1 at the organising union and -1 at the deepest organisation
// above both, so that coverage and the registry compare in every subtree.
//
// The levels depend on the day, so they are kept as what each row has
// logged: contracts.fig_in_force, fig_expiring, and contract_cover (per
// employer), each with the next day they change (fig_next, next_on).
// Every write settles the rows it touches in its own transaction, and
// Settle, run by any server process every few minutes, settles the rows
// whose day has come (an index range, empty on most runs). The recount
// (StatSource) adds up what the rows have logged, so rollups and recount
// agree at any moment; the rows' logged figures are today's truth once
// Settle has run after midnight.
const (
	StatPrefix    = "contract."
	StatInForce   = StatPrefix + "in_force"
	StatExpiring  = StatPrefix + "expiring"
	StatSigned    = StatPrefix + "signed"
	StatEmployers = StatPrefix + "employers"
	StatWorkers   = StatPrefix + "workers"
)

// SettleEvery is how often Run settles the rows whose day has come.
const SettleEvery = 5 * time.Minute

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func monthOf(day string) string { return day[:7] }

// settleRows settles contracts ids (locked by the caller) and every
// employer they cover, inside tx.
func (s *Store) settleRows(ctx context.Context, tx *db.Tx, ids ...int64) error {
	today := s.Today()
	seen := map[int64]bool{}
	for _, id := range ids {
		if err := s.settleContract(ctx, tx, id, today); err != nil {
			return err
		}
		emps, err := employerIDs(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, e := range emps {
			if !seen[e] {
				seen[e] = true
				if err := settleEmployer(ctx, tx, e, today); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// settleContract moves a contract's logged figures to what it is on
// today; signed is logged by Submit and Object, which change it.
func (s *Store) settleContract(ctx context.Context, tx *db.Tx, id int64, today string) error {
	var d days
	var path, signed string
	var renewed int
	var inForce, expiring int64
	var next string
	err := tx.QueryRow(ctx, `SELECT c.state, c.submitted_on, c.effective_on, c.lapse_on, c.remind_on, c.renewed, o.path, c.signed_on,
		c.fig_in_force, c.fig_expiring, c.fig_next FROM contracts c JOIN orgs o ON o.id = c.org_id WHERE c.id = ?`, id).
		Scan(&d.state, &d.submitted, &d.effective, &d.lapse, &d.remind, &renewed, &path, &signed, &inForce, &expiring, &next)
	if err != nil {
		return errs.Internal(err, "contract: settle")
	}
	d.renewed = renewed == 1
	nowIn, nowExp, nowNext := b2i(d.statusOn(today) == StatusInForce), b2i(d.expiringOn(today)), d.nextChange(today)
	if nowIn == inForce && nowExp == expiring && nowNext == next {
		return nil
	}
	if err := stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: StatInForce, Delta: nowIn - inForce},
		stats.Change{OrgPath: path, Metric: StatExpiring, Delta: nowExp - expiring}); err != nil {
		return errs.Internal(err, "contract: figures")
	}
	if _, err := tx.Exec(ctx, "UPDATE contracts SET fig_in_force = ?, fig_expiring = ?, fig_next = ? WHERE id = ?", nowIn, nowExp, nowNext, id); err != nil {
		return errs.Internal(err, "contract: figures")
	}
	return nil
}

// logSigned logs a contract's signing (sign +1, on submission) or takes
// it back (-1, on objection).
func logSigned(ctx context.Context, tx *db.Tx, c *Contract, sign int64) error {
	if err := stats.Log(ctx, tx, stats.Change{OrgPath: c.path, Metric: StatSigned, Month: monthOf(c.SignedOn), Delta: sign}); err != nil {
		return errs.Internal(err, "contract: figures")
	}
	return nil
}

// cover is an employer's coverage as its figures count it.
type cover struct {
	covered, workers int64
	owner, union     int64 // organisations it is counted at (0: none)
	next             string
}

// settleEmployer moves an employer's logged coverage to what it is on
// today, under the lock of its contract_cover row.
func settleEmployer(ctx context.Context, tx *db.Tx, employerID int64, today string) error {
	if _, err := tx.Exec(ctx, "INSERT INTO contract_cover (employer_id) VALUES (?) ON CONFLICT (employer_id) DO NOTHING", employerID); err != nil {
		return errs.Internal(err, "contract: cover")
	}
	var was cover
	if err := tx.QueryRow(ctx, "SELECT covered, workers, owner_id, union_id, next_on FROM contract_cover WHERE employer_id = ?"+tx.ForUpdate(), employerID).
		Scan(&was.covered, &was.workers, &was.owner, &was.union, &was.next); err != nil {
		return errs.Internal(err, "contract: cover")
	}
	var now cover
	rows, err := tx.Query(ctx, `SELECT c.effective_on, c.lapse_on, ce.workers FROM contract_employers ce JOIN contracts c ON c.id = ce.contract_id
		WHERE ce.employer_id = ? AND c.state = 'submitted'`, employerID)
	if err != nil {
		return errs.Internal(err, "contract: cover")
	}
	for rows.Next() {
		var eff, lapse string
		var w int64
		if err := rows.Scan(&eff, &lapse, &w); err != nil {
			rows.Close()
			return errs.Internal(err, "contract: cover")
		}
		if eff <= today && today < lapse {
			now.covered, now.workers = 1, max(now.workers, w)
		}
		for _, d := range []string{eff, lapse} {
			if d > today && (now.next == "" || d < now.next) {
				now.next = d
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal(err, "contract: cover")
	}
	if now.covered == 1 {
		var unionPath string
		if err := tx.QueryRow(ctx, "SELECT owner_org_id, union_path FROM employers WHERE id = ?", employerID).Scan(&now.owner, &unionPath); err != nil {
			return errs.Internal(err, "contract: cover")
		}
		now.union = lastID(unionPath)
	}
	if now == was {
		return nil
	}
	var ch []stats.Change
	for _, side := range []struct {
		c    cover
		sign int64
	}{{was, -1}, {now, +1}} {
		if side.c.covered == 0 {
			continue
		}
		op, up, err := pathsOf(ctx, tx, side.c.owner, side.c.union)
		if err != nil {
			return err
		}
		for _, p := range placesAt(op, up) {
			ch = append(ch, stats.Change{OrgPath: p.path, Metric: StatEmployers, Delta: side.sign * p.sign},
				stats.Change{OrgPath: p.path, Metric: StatWorkers, Delta: side.sign * p.sign * side.c.workers})
		}
	}
	if err := stats.Log(ctx, tx, ch...); err != nil {
		return errs.Internal(err, "contract: figures")
	}
	if _, err := tx.Exec(ctx, "UPDATE contract_cover SET covered = ?, workers = ?, owner_id = ?, union_id = ?, next_on = ? WHERE employer_id = ?",
		now.covered, now.workers, now.owner, now.union, now.next, employerID); err != nil {
		return errs.Internal(err, "contract: cover")
	}
	return nil
}

// lastID is the organisation a path ends with (0 for "").
func lastID(path string) int64 {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	id, _ := db.ParseID(segs[len(segs)-1])
	return id
}

type place struct {
	path string
	sign int64
}

// placesAt are where an employer owned at ownerPath and organised at
// unionPath ("" when none) counts: as org's employer figures do.
func placesAt(ownerPath, unionPath string) []place {
	if ownerPath == "" {
		return nil
	}
	out := []place{{ownerPath, 1}}
	if unionPath == "" {
		return out
	}
	return append(out, place{unionPath, 1}, place{commonPath(ownerPath, unionPath), -1})
}

// pathsOf reads the current paths of the organisations an employer was
// counted at (moves carry their figures along, so that is where they are).
func pathsOf(ctx context.Context, tx *db.Tx, owner, union int64) (string, string, error) {
	var op, up string
	err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT path FROM orgs WHERE id = ?), ''), COALESCE((SELECT path FROM orgs WHERE id = ?), '')`, owner, union).Scan(&op, &up)
	if err != nil {
		return "", "", errs.Internal(err, "contract: cover places")
	}
	return op, up, nil
}

// commonPath is the deepest organisation above or at both paths.
func commonPath(a, b string) string {
	n := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '/' {
			n = i + 1
		}
	}
	return a[:n]
}

// Settle settles every contract and employer whose figures change on or
// before today; it answers how many rows moved. Any number of processes
// may run it: each row is settled under its lock, and a row already
// settled has nothing left to log.
func (s *Store) Settle(ctx context.Context) (int, error) {
	today := s.Today()
	n := 0
	for _, q := range []struct {
		sql string
		fn  func(tx *db.Tx, id int64) error
	}{
		{"SELECT id FROM contracts WHERE fig_next <> '' AND fig_next <= ? ORDER BY fig_next LIMIT 500", func(tx *db.Tx, id int64) error {
			var next string
			if err := tx.QueryRow(ctx, "SELECT fig_next FROM contracts WHERE id = ?"+tx.ForUpdate(), id).Scan(&next); err != nil {
				return errs.Internal(err, "contract: settle")
			}
			return s.settleContract(ctx, tx, id, today)
		}},
		{"SELECT employer_id FROM contract_cover WHERE next_on <> '' AND next_on <= ? ORDER BY next_on LIMIT 500", func(tx *db.Tx, id int64) error {
			return settleEmployer(ctx, tx, id, today)
		}},
	} {
		for {
			rows, err := s.DB.Query(ctx, q.sql, today)
			if err != nil {
				return n, fmt.Errorf("contract: settle: %w", err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return n, fmt.Errorf("contract: settle: %w", err)
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return n, fmt.Errorf("contract: settle: %w", err)
			}
			for _, id := range ids {
				if err := s.DB.Tx(ctx, func(tx *db.Tx) error { return q.fn(tx, id) }); err != nil {
					return n, err
				}
				n++
			}
			if len(ids) < 500 {
				break
			}
		}
	}
	return n, nil
}

// Run settles the figures now and every SettleEvery until ctx ends.
func (s *Store) Run(ctx context.Context) {
	t := time.NewTicker(SettleEvery)
	defer t.Stop()
	for {
		if n, err := s.Settle(ctx); err != nil {
			slog.Warn("settle collective contracts' figures", "err", err)
		} else if n > 0 {
			slog.Info("collective contracts' figures settled", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// StatSource recounts the contracts' figures from what the rows have
// logged (see above).
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, `SELECT o.path, c.state, c.signed_on, c.fig_in_force, c.fig_expiring FROM contracts c JOIN orgs o ON o.id = c.org_id
			WHERE c.state = 'submitted' OR c.fig_in_force <> 0 OR c.fig_expiring <> 0`)
		if err != nil {
			return fmt.Errorf("contract: recount: %w", err)
		}
		for rows.Next() {
			var path, signed string
			var st State
			var in, exp int64
			if err := rows.Scan(&path, &st, &signed, &in, &exp); err != nil {
				rows.Close()
				return fmt.Errorf("contract: recount: %w", err)
			}
			if st == StateSubmitted {
				emit(stats.Change{OrgPath: path, Metric: StatSigned, Month: monthOf(signed), Delta: 1})
			}
			emit(stats.Change{OrgPath: path, Metric: StatInForce, Delta: in})
			emit(stats.Change{OrgPath: path, Metric: StatExpiring, Delta: exp})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("contract: recount: %w", err)
		}
		cr, err := q.Query(ctx, `SELECT cc.workers, COALESCE(oo.path, ''), COALESCE(uo.path, '') FROM contract_cover cc
			LEFT JOIN orgs oo ON oo.id = cc.owner_id LEFT JOIN orgs uo ON uo.id = cc.union_id WHERE cc.covered = 1`)
		if err != nil {
			return fmt.Errorf("contract: recount: %w", err)
		}
		defer cr.Close()
		for cr.Next() {
			var w int64
			var op, up string
			if err := cr.Scan(&w, &op, &up); err != nil {
				return fmt.Errorf("contract: recount: %w", err)
			}
			for _, p := range placesAt(op, up) {
				emit(stats.Change{OrgPath: p.path, Metric: StatEmployers, Delta: p.sign})
				emit(stats.Change{OrgPath: p.path, Metric: StatWorkers, Delta: p.sign * w})
			}
		}
		return cr.Err()
	}}
}
