// Package stats keeps the figures of every organisation's subtree: members
// by status and tag, joinings and departures by month, and whatever other
// packages count. Writes log changes (Log) in their own transactions; Fold,
// run in the background by any server process, adds the log to the rollups
// of each organisation and all those above it. Reading a subtree's figures
// is then one primary-key range, at the city root as at a union group.
//
// A figure is a level (month "") — how many there are now — or a flow
// (month "YYYY-MM") — how many happened that month. A package may also
// file figures under a key of its own in place of the month (one that
// sorts after every month, such as "c42" for contest 42): ranged reads of
// months never see them, ReadKey reads them. Rebuild recomputes
// everything from the rows through the sources other packages provide,
// and Check compares the rollups with such a recount.
package stats

import (
	"context"
	"database/sql"

	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gonghui/internal/db"
)

// Change is a delta to one figure of the organisation at OrgPath (and,
// once folded, of every organisation above it).
type Change struct {
	OrgPath string
	Metric  string
	Month   string // "" for a level
	Delta   int64
}

type key struct{ path, metric, month string }

// merge adds up changes to the same figure and drops those that cancel.
func merge(changes []Change) []Change {
	sum := map[key]int64{}
	var order []key
	for _, c := range changes {
		k := key{c.OrgPath, c.Metric, c.Month}
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += c.Delta
	}
	out := make([]Change, 0, len(order))
	for _, k := range order {
		if d := sum[k]; d != 0 {
			out = append(out, Change{k.path, k.metric, k.month, d})
		}
	}
	return out
}

// Log appends changes inside tx. It only inserts: no row is shared with
// other writes, so logging never serialises them.
func Log(ctx context.Context, tx *db.Tx, changes ...Change) error {
	changes = merge(changes)
	if len(changes) == 0 {
		return nil
	}
	flat := make([]any, 0, 5*len(changes))
	for _, c := range changes {
		flat = append(flat, db.NewID(), c.OrgPath, c.Metric, c.Month, c.Delta)
	}
	if err := tx.InsertRows(ctx, "stat_log (id, org_path, metric, month, delta)", 5, flat); err != nil {
		return fmt.Errorf("stats: log: %w", err)
	}
	return nil
}

// Point is what one row (an activity, a course term) adds to the flows of
// its organisation in one month: a value for each of its package's metrics,
// in the order of the package's list. A transaction that moves a row's
// counters logs the difference between the point the row started at and
// the one it ends at (LogMove), once however many operations it holds.
type Point struct {
	Path, Month string
	Values      [4]int64
}

// Changes lists what adding p (sign +1) or taking it away (sign -1)
// changes; metrics name p's values in order, and zero values change nothing.
func (p Point) Changes(metrics []string, sign int64) []Change {
	var out []Change
	for i, m := range metrics {
		if v := p.Values[i]; v != 0 {
			out = append(out, Change{OrgPath: p.Path, Metric: m, Month: p.Month, Delta: sign * v})
		}
	}
	return out
}

// LogMove logs, inside tx, a row's figures moving from *logged to now
// (nothing when they are the same) and records now as logged.
func LogMove(ctx context.Context, tx *db.Tx, metrics []string, logged *Point, now Point) error {
	if now == *logged {
		return nil
	}
	if err := Log(ctx, tx, append(logged.Changes(metrics, -1), now.Changes(metrics, +1)...)...); err != nil {
		return err
	}
	*logged = now
	return nil
}

// Store folds the log and reads the rollups.
type Store struct {
	DB    *db.DB
	now   func() time.Time
	stale bool // reads may go to a read replica (stale.go)
}

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{DB: d, now: time.Now} }

// FoldBatch is how many log rows one Fold takes.
const FoldBatch = 20000

// ancestorIDs lists the organisations a materialised path names, root
// first (paths are made of IDs: "/1/5/9/").
func ancestorIDs(path string) ([]int64, error) {
	var out []int64
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		id, ok := db.ParseID(seg)
		if !ok {
			return nil, fmt.Errorf("stats: bad path %q", path)
		}
		out = append(out, id)
	}
	return out, nil
}

// Fold adds up to FoldBatch logged changes to the rollups and removes them
// from the log, in one transaction; it returns how many rows it folded.
// Several processes may fold at once: they take turns on stat_state.
func (s *Store) Fold(ctx context.Context) (int, error) {
	n := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		n = 0
		if err := lockState(ctx, tx); err != nil {
			return err
		}
		// Take and remove the same rows in one statement: a writer whose
		// row commits meanwhile, even with a smaller id, keeps it for the
		// next fold.
		rows, err := tx.Query(ctx, `DELETE FROM stat_log WHERE id IN (SELECT id FROM stat_log ORDER BY id LIMIT ?)
			RETURNING id, org_path, metric, month, delta`, FoldBatch)
		if err != nil {
			return fmt.Errorf("stats: take log: %w", err)
		}
		type rk struct {
			org           int64
			metric, month string
		}
		sum := map[rk]int64{}
		for rows.Next() {
			var id, delta int64
			var path, metric, month string
			if err := rows.Scan(&id, &path, &metric, &month, &delta); err != nil {
				rows.Close()
				return fmt.Errorf("stats: read log: %w", err)
			}
			ids, err := ancestorIDs(path)
			if err != nil {
				rows.Close()
				return err
			}
			for _, org := range ids {
				sum[rk{org, metric, month}] += delta
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("stats: read log: %w", err)
		}
		if n == 0 {
			return nil
		}
		keys := make([]rk, 0, len(sum))
		for k, d := range sum {
			if d != 0 {
				keys = append(keys, k)
			}
		}
		// The same order in every process: no deadlock between folders.
		sort.Slice(keys, func(i, j int) bool {
			a, b := keys[i], keys[j]
			if a.org != b.org {
				return a.org < b.org
			}
			if a.metric != b.metric {
				return a.metric < b.metric
			}
			return a.month < b.month
		})
		flat := make([]any, 0, 4*len(keys))
		for _, k := range keys {
			flat = append(flat, k.org, k.metric, k.month, sum[k])
		}
		if err := upsert(ctx, tx, flat); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE stat_state SET folded_at = ? WHERE id = 1", s.now().UnixMilli())
		return err
	})
	return n, err
}

// upsert adds (org, metric, month, delta) rows to the rollups.
func upsert(ctx context.Context, tx *db.Tx, flat []any) error {
	for start := 0; start < len(flat); start += 4 * 400 {
		end := min(start+4*400, len(flat))
		part := flat[start:end]
		vals := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(part)/4), ", ")
		if _, err := tx.Exec(ctx, "INSERT INTO stat_rollups (org_id, metric, month, value) VALUES "+vals+
			" ON CONFLICT (org_id, month, metric) DO UPDATE SET value = stat_rollups.value + excluded.value", part...); err != nil {
			return fmt.Errorf("stats: add to rollups: %w", err)
		}
	}
	return nil
}

func lockState(ctx context.Context, tx *db.Tx) error {
	var id int
	if err := tx.QueryRow(ctx, "SELECT id FROM stat_state WHERE id = 1"+tx.ForUpdate()).Scan(&id); err != nil {
		return fmt.Errorf("stats: lock: %w", err)
	}
	return nil
}

// FoldAll folds until the log is empty (tests, rebuilds, the CLI).
func (s *Store) FoldAll(ctx context.Context) error {
	for {
		n, err := s.Fold(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// MoveSubtree is called inside the transaction that moves the subtree at
// oldPath under newParent: the subtree's figures leave its old ancestors
// and join its new ones. Changes still in the log carry the subtree's
// paths, which the move rewrites (stat_log is among org's path copies), so
// they fold to the new ancestors.
func MoveSubtree(ctx context.Context, tx *db.Tx, rootID int64, oldParent, newParent string) error {
	if err := lockState(ctx, tx); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, "SELECT metric, month, value FROM stat_rollups WHERE org_id = ?", rootID)
	if err != nil {
		return fmt.Errorf("stats: move: %w", err)
	}
	var changes []Change
	for rows.Next() {
		var metric, month string
		var v int64
		if err := rows.Scan(&metric, &month, &v); err != nil {
			rows.Close()
			return fmt.Errorf("stats: move: %w", err)
		}
		changes = append(changes, Change{oldParent, metric, month, -v}, Change{newParent, metric, month, v})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("stats: move: %w", err)
	}
	return Log(ctx, tx, changes...)
}

// Figures are one organisation's subtree figures: levels by metric, flows
// by metric and month.
type Figures struct {
	Levels map[string]int64
	Flows  map[string]map[string]int64 // metric → month → value
}

// Flow sums a flow over the months from … to (inclusive, "YYYY-MM"; empty
// bounds are open).
func (f *Figures) Flow(metric, from, to string) int64 {
	var n int64
	for m, v := range f.Flows[metric] {
		if (from == "" || m >= from) && (to == "" || m <= to) {
			n += v
		}
	}
	return n
}

// Read returns an organisation's subtree figures as folded so far: one
// primary-key range of the rollups.
func (s *Store) Read(ctx context.Context, orgID int64) (*Figures, error) {
	m, err := s.ReadMany(ctx, []int64{orgID}, "", "")
	if err != nil {
		return nil, err
	}
	return m[orgID], nil
}

// ReadMany returns the figures of several organisations (children side by
// side) in one query, with their flows of the months from … to ("YYYY-MM",
// inclusive; empty bounds are open): a city's years of history need not be
// read for this year's report. Each ID is in the answer, with empty
// figures if it has none.
func (s *Store) ReadMany(ctx context.Context, ids []int64, from, to string) (map[int64]*Figures, error) {
	out := make(map[int64]*Figures, len(ids))
	args := make([]any, 0, len(ids))
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = &Figures{Levels: map[string]int64{}, Flows: map[string]map[string]int64{}}
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	in := "org_id IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")"
	q := "SELECT org_id, metric, month, value FROM stat_rollups WHERE " + in
	if from != "" || to != "" {
		if to == "" {
			to = "9999-12"
		}
		// Levels, then the months: two ranges of the key per organisation.
		q += " AND month = '' UNION ALL SELECT org_id, metric, month, value FROM stat_rollups WHERE " + in + " AND month >= ? AND month <= ?"
		args = append(append(args, args...), max(from, "0"), to)
	}
	rows, err := s.reader(ctx).Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("stats: read: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, v int64
		var metric, month string
		if err := rows.Scan(&id, &metric, &month, &v); err != nil {
			return nil, fmt.Errorf("stats: read: %w", err)
		}
		if v == 0 {
			continue // a figure that went back to nothing
		}
		f := out[id]
		if month == "" {
			f.Levels[metric] = v
			continue
		}
		if f.Flows[metric] == nil {
			f.Flows[metric] = map[string]int64{}
		}
		f.Flows[metric][month] = v
	}
	return out, rows.Err()
}

// ReadTotals returns the figures of several organisations (children side
// by side) with only the levels named (every level when levels is nil)
// and the flows named, each flow summed over the months from … to in the
// database and filed under the period's first month, so that Figures.Flow
// over the same period answers it. A comparison then reads a handful of
// rows per organisation, not a row per metric and month. Each ID is in
// the answer.
func (s *Store) ReadTotals(ctx context.Context, ids []int64, levels, flows []string, from, to string) (map[int64]*Figures, error) {
	out := make(map[int64]*Figures, len(ids))
	var in []any
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = &Figures{Levels: map[string]int64{}, Flows: map[string]map[string]int64{}}
			in = append(in, id)
		}
	}
	if len(in) == 0 {
		return out, nil
	}
	if to == "" {
		to = "9999-12"
	}
	first := max(from, "0000-00")
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(in)), ", ")
	metricIn := func(ms []string) string {
		return " AND metric IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ms)), ", ") + ")"
	}
	q := "SELECT org_id, metric, 0, value FROM stat_rollups WHERE org_id IN (" + marks + ") AND month = ''"
	args := slices.Clone(in)
	if levels != nil {
		// A key lookup per organisation and metric.
		q += metricIn(levels)
		for _, m := range levels {
			args = append(args, m)
		}
	}
	if len(flows) > 0 {
		q += " UNION ALL SELECT org_id, metric, 1, CAST(SUM(value) AS BIGINT) FROM stat_rollups WHERE org_id IN (" + marks +
			") AND month >= ? AND month <= ?" + metricIn(flows) + " GROUP BY org_id, metric"
		args = append(append(args, in...), max(from, "0"), to)
		for _, m := range flows {
			args = append(args, m)
		}
	}
	rows, err := s.reader(ctx).Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("stats: read totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, v int64
		var flow int
		var metric string
		if err := rows.Scan(&id, &metric, &flow, &v); err != nil {
			return nil, fmt.Errorf("stats: read totals: %w", err)
		}
		if v == 0 {
			continue
		}
		f := out[id]
		if flow == 0 {
			f.Levels[metric] = v
			continue
		}
		f.Flows[metric] = map[string]int64{first: v}
	}
	return out, rows.Err()
}

// ReadKey returns, for each organisation of ids, the figures filed under
// key (see the package's comment) among metrics: a key lookup per
// organisation and metric. Each ID is in the answer.
func (s *Store) ReadKey(ctx context.Context, ids []int64, key string, metrics []string) (map[int64]map[string]int64, error) {
	out := make(map[int64]map[string]int64, len(ids))
	var args []any
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = map[string]int64{}
			args = append(args, id)
		}
	}
	if len(args) == 0 || len(metrics) == 0 {
		return out, nil
	}
	q := "SELECT org_id, metric, value FROM stat_rollups WHERE org_id IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") +
		") AND month = ? AND metric IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(metrics)), ", ") + ")"
	args = append(args, key)
	for _, m := range metrics {
		args = append(args, m)
	}
	rows, err := s.reader(ctx).Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("stats: read key: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, v int64
		var metric string
		if err := rows.Scan(&id, &metric, &v); err != nil {
			return nil, fmt.Errorf("stats: read key: %w", err)
		}
		if v != 0 {
			out[id][metric] = v
		}
	}
	return out, rows.Err()
}

// Pending is how many changes wait in the log and when the last fold ran.
func (s *Store) Pending(ctx context.Context) (int64, time.Time, error) {
	var n, at int64
	if err := s.DB.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM stat_log), folded_at FROM stat_state WHERE id = 1").Scan(&n, &at); err != nil {
		return 0, time.Time{}, fmt.Errorf("stats: pending: %w", err)
	}
	return n, time.UnixMilli(at), nil
}

// Source recounts the figures one package keeps, from its rows, per
// organisation path (the organisation the rows belong to; Rebuild adds them
// up the tree). Every metric it counts begins with Prefix, so that a
// rebuild or check of one package's figures leaves the others alone.
type Source struct {
	Prefix string // e.g. "member."
	Count  func(ctx context.Context, q Queryer, emit func(Change)) error
}

// Queryer reads inside the rebuild's transaction.
type Queryer interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// prefixed is the SQL condition "metric begins with one of the sources'
// prefixes", with its arguments.
func prefixed(sources []Source) (string, []any) {
	var conds []string
	var args []any
	for _, src := range sources {
		conds = append(conds, "substr(metric, 1, ?) = ?")
		args = append(args, len(src.Prefix), src.Prefix)
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// Rebuild recomputes the sources' rollups from the rows: in one
// transaction it empties their part of the log and the rollups, recounts
// and folds the counts up the tree. Other figures are left as they are.
func (s *Store) Rebuild(ctx context.Context, sources ...Source) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := beginRebuild(ctx, tx); err != nil {
			return err
		}
		return rebuild(ctx, tx, sources, s.now())
	})
}

// EnsureBuilt rebuilds the figures of the sources that have never been
// counted in this database (a new database, or a package whose figures a
// new version begins to keep). Several processes starting together count
// once: the check is made under the state lock.
func (s *Store) EnsureBuilt(ctx context.Context, sources ...Source) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := beginRebuild(ctx, tx); err != nil {
			return err
		}
		var built string
		if err := tx.QueryRow(ctx, "SELECT built FROM stat_state WHERE id = 1").Scan(&built); err != nil {
			return fmt.Errorf("stats: state: %w", err)
		}
		have := strings.Fields(built)
		var missing []Source
		for _, src := range sources {
			if !slices.Contains(have, src.Prefix) {
				missing = append(missing, src)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return rebuild(ctx, tx, missing, s.now())
	})
}

// beginRebuild takes the state lock, in one snapshot for the recount and
// for emptying the log: changes committed meanwhile stay in the log and
// fold on top.
func beginRebuild(ctx context.Context, tx *db.Tx) error {
	if err := tx.RepeatableRead(ctx); err != nil {
		return fmt.Errorf("stats: rebuild: %w", err)
	}
	return lockState(ctx, tx)
}

func rebuild(ctx context.Context, tx *db.Tx, sources []Source, now time.Time) error {
	counts, err := recount(ctx, tx, sources)
	if err != nil {
		return err
	}
	cond, args := prefixed(sources)
	for _, q := range []string{"DELETE FROM stat_log WHERE ", "DELETE FROM stat_rollups WHERE "} {
		if _, err := tx.Exec(ctx, q+cond, args...); err != nil {
			return fmt.Errorf("stats: rebuild: %w", err)
		}
	}
	flat := make([]any, 0, 4*len(counts))
	for k, v := range counts {
		if v != 0 {
			flat = append(flat, k.org, k.metric, k.month, v)
		}
	}
	if err := upsert(ctx, tx, flat); err != nil {
		return err
	}
	var built string
	if err := tx.QueryRow(ctx, "SELECT built FROM stat_state WHERE id = 1").Scan(&built); err != nil {
		return fmt.Errorf("stats: state: %w", err)
	}
	have := strings.Fields(built)
	for _, src := range sources {
		if !slices.Contains(have, src.Prefix) {
			have = append(have, src.Prefix)
		}
	}
	slices.Sort(have)
	ms := now.UnixMilli()
	_, err = tx.Exec(ctx, "UPDATE stat_state SET folded_at = ?, rebuilt_at = ?, built = ? WHERE id = 1", ms, ms, strings.Join(have, " "))
	return err
}

type orgKey struct {
	org           int64
	metric, month string
}

func recount(ctx context.Context, q Queryer, sources []Source) (map[orgKey]int64, error) {
	counts := map[orgKey]int64{}
	var bad error
	for _, src := range sources {
		err := src.Count(ctx, q, func(c Change) {
			if bad != nil {
				return
			}
			if !strings.HasPrefix(c.Metric, src.Prefix) {
				bad = fmt.Errorf("stats: source %q counted %q", src.Prefix, c.Metric)
				return
			}
			ids, err := ancestorIDs(c.OrgPath)
			if err != nil {
				bad = err
				return
			}
			for _, id := range ids {
				counts[orgKey{id, c.Metric, c.Month}] += c.Delta
			}
		})
		if err != nil {
			return nil, err
		}
		if bad != nil {
			return nil, bad
		}
	}
	return counts, nil
}

// Mismatch is a figure whose rollup differs from a recount.
type Mismatch struct {
	OrgID           int64
	Metric, Month   string
	Rollup, Recount int64
}

// Check folds the log and compares the sources' rollups with a recount
// from the rows; it returns the figures that differ (none when all is
// well).
func (s *Store) Check(ctx context.Context, sources ...Source) ([]Mismatch, error) {
	if err := s.FoldAll(ctx); err != nil {
		return nil, err
	}
	counts, err := recount(ctx, s.DB, sources)
	if err != nil {
		return nil, err
	}
	cond, args := prefixed(sources)
	rows, err := s.DB.Query(ctx, "SELECT org_id, metric, month, value FROM stat_rollups WHERE "+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("stats: check: %w", err)
	}
	defer rows.Close()
	seen := map[orgKey]bool{}
	var out []Mismatch
	for rows.Next() {
		var k orgKey
		var v int64
		if err := rows.Scan(&k.org, &k.metric, &k.month, &v); err != nil {
			return nil, fmt.Errorf("stats: check: %w", err)
		}
		seen[k] = true
		if counts[k] != v {
			out = append(out, Mismatch{k.org, k.metric, k.month, v, counts[k]})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, v := range counts {
		if !seen[k] && v != 0 {
			out = append(out, Mismatch{k.org, k.metric, k.month, 0, v})
		}
	}
	return out, nil
}
