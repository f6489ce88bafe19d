package org

import (
	"context"
	"fmt"
	"strings"

	"gonghui/internal/db"
	"gonghui/internal/stats"
)

// The tree's figures (see internal/stats), all levels:
//
//	org.kind.<kind>              organisations of the kind
//	org.employers                employers owned or organised in the subtree
//	org.organised                of those, organised by a union
//	org.non_public, org.non_public_organised
//	org.new_forms, org.new_forms_organised
//	org.employees                employees of those employers, as recorded
//
// An organisation counts at its own path. An employer belongs to the
// subtrees of its owner and of its union, once even where they overlap:
// it counts +1 at the owner, +1 at the union and -1 at the deepest
// organisation above both, so that every organisation above both adds up
// to one, and one above only one of them to one as well.
const StatPrefix = "org."

// StatKind names the level of organisations of kind k.
func StatKind(k Kind) string { return StatPrefix + "kind." + string(k) }

// The employer figures.
const (
	StatEmployers          = StatPrefix + "employers"
	StatOrganised          = StatPrefix + "organised"
	StatNonPublic          = StatPrefix + "non_public"
	StatNonPublicOrganised = StatPrefix + "non_public_organised"
	StatNewForms           = StatPrefix + "new_forms"
	StatNewFormsOrganised  = StatPrefix + "new_forms_organised"
	StatEmployees          = StatPrefix + "employees"
)

// empState is what an employer's figures depend on.
type empState struct {
	owner, union     string
	public, newForms bool
	employees        int64
}

// vector is an employer's figures, to be added at some path.
func (e empState) vector(path string, sign int64) []stats.Change {
	organised := e.union != ""
	out := []stats.Change{{OrgPath: path, Metric: StatEmployers, Delta: sign}}
	add := func(ok bool, metric string) {
		if ok {
			out = append(out, stats.Change{OrgPath: path, Metric: metric, Delta: sign})
		}
	}
	add(organised, StatOrganised)
	add(!e.public, StatNonPublic)
	add(!e.public && organised, StatNonPublicOrganised)
	add(e.newForms, StatNewForms)
	add(e.newForms && organised, StatNewFormsOrganised)
	if e.employees != 0 {
		out = append(out, stats.Change{OrgPath: path, Metric: StatEmployees, Delta: sign * e.employees})
	}
	return out
}

// figPlace is where an employer's figures are added, with a sign.
type figPlace struct {
	path string
	sign int64
}

// places are the owner, and with a union the union and (subtracted) the
// deepest organisation above both.
func (e empState) places() []figPlace {
	if e.owner == "" {
		return nil
	}
	if e.union == "" {
		return []figPlace{{e.owner, 1}}
	}
	return []figPlace{{e.owner, 1}, {e.union, 1}, {commonAncestor(e.owner, e.union), -1}}
}

// changes lists the figure changes of holding e (sign +1) or giving it up
// (sign -1).
func (e empState) changes(sign int64) []stats.Change {
	var out []stats.Change
	for _, pl := range e.places() {
		out = append(out, e.vector(pl.path, sign*pl.sign)...)
	}
	return out
}

// lcaChanges are the changes at the common ancestor alone.
func (e empState) lcaChanges(sign int64) []stats.Change {
	if e.owner == "" || e.union == "" {
		return nil
	}
	return e.vector(commonAncestor(e.owner, e.union), -sign)
}

// commonAncestor is the path of the deepest organisation above (or equal
// to) both.
func commonAncestor(a, b string) string {
	n := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '/' {
			n = i + 1
		}
	}
	return a[:n]
}

func kindChange(path string, k Kind, sign int64) stats.Change {
	return stats.Change{OrgPath: path, Metric: StatKind(k), Delta: sign}
}

// readEmpState reads an employer's figures' inputs inside tx.
func readEmpState(ctx context.Context, tx *db.Tx, id int64) (empState, error) {
	var e empState
	err := tx.QueryRow(ctx, "SELECT owner_path, union_path, is_public, new_forms, employees FROM employers WHERE id = ?", id).
		Scan(&e.owner, &e.union, &e.public, &e.newForms, &e.employees)
	if err != nil {
		return e, fmt.Errorf("org: employer figures: %w", err)
	}
	return e, nil
}

// trackEmployer runs write, which changes employer id, and logs how its
// figures changed.
func trackEmployer(ctx context.Context, tx *db.Tx, id int64, write func() error) error {
	before, err := readEmpState(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	after, err := readEmpState(ctx, tx, id)
	if err != nil {
		return err
	}
	if before == after {
		return nil
	}
	return stats.Log(ctx, tx, append(before.changes(-1), after.changes(+1)...)...)
}

// moveStraddlers is called as the subtree at lo…hi moves to newPrefix,
// before paths are rewritten. Moving the subtree's figures carries all it
// logged, and the other figures stay; only the common ancestor of an
// employer with its owner on one side and its union on the other changes.
func moveStraddlers(ctx context.Context, tx *db.Tx, lo, hi, newPrefix string) error {
	rows, err := tx.Query(ctx, `SELECT owner_path, union_path, is_public, new_forms, employees FROM employers
		WHERE (owner_path >= ? AND owner_path < ? AND union_path <> '' AND NOT (union_path >= ? AND union_path < ?))
		OR (union_path >= ? AND union_path < ? AND NOT (owner_path >= ? AND owner_path < ?))`, lo, hi, lo, hi, lo, hi, lo, hi)
	if err != nil {
		return fmt.Errorf("org: move employer figures: %w", err)
	}
	var changes []stats.Change
	for rows.Next() {
		var e empState
		if err := rows.Scan(&e.owner, &e.union, &e.public, &e.newForms, &e.employees); err != nil {
			rows.Close()
			return fmt.Errorf("org: move employer figures: %w", err)
		}
		moved := e
		for _, p := range []*string{&moved.owner, &moved.union} {
			if strings.HasPrefix(*p, lo) {
				*p = newPrefix + (*p)[len(lo):]
			}
		}
		changes = append(changes, e.lcaChanges(-1)...)
		changes = append(changes, moved.lcaChanges(+1)...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("org: move employer figures: %w", err)
	}
	return stats.Log(ctx, tx, changes...)
}

// StatSource recounts the tree's figures from the rows.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, "SELECT path, kind FROM orgs")
		if err != nil {
			return fmt.Errorf("org: recount: %w", err)
		}
		for rows.Next() {
			var path string
			var k Kind
			if err := rows.Scan(&path, &k); err != nil {
				rows.Close()
				return fmt.Errorf("org: recount: %w", err)
			}
			emit(kindChange(path, k, 1))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("org: recount: %w", err)
		}
		rows, err = q.Query(ctx, `SELECT owner_path, union_path, is_public, new_forms, COUNT(*), COALESCE(SUM(employees), 0)
			FROM employers GROUP BY owner_path, union_path, is_public, new_forms`)
		if err != nil {
			return fmt.Errorf("org: recount employers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e empState
			var n, sum int64
			if err := rows.Scan(&e.owner, &e.union, &e.public, &e.newForms, &n, &sum); err != nil {
				return fmt.Errorf("org: recount employers: %w", err)
			}
			for _, pl := range e.places() {
				for _, c := range e.vector(pl.path, pl.sign*n) {
					emit(c)
				}
				if sum != 0 {
					emit(stats.Change{OrgPath: pl.path, Metric: StatEmployees, Delta: pl.sign * sum})
				}
			}
		}
		return rows.Err()
	}}
}

// CountsFrom reads the tree's counts from a subtree's figures.
func CountsFrom(f *stats.Figures) Counts {
	c := Counts{ByKind: map[Kind]int{}}
	for _, k := range Kinds {
		if n := int(f.Levels[StatKind(k)]); n != 0 {
			c.ByKind[k] = n
			c.Orgs += n
		}
	}
	c.Employers, c.Organised = int(f.Levels[StatEmployers]), int(f.Levels[StatOrganised])
	c.NonPublic, c.NonPublicOrganised = int(f.Levels[StatNonPublic]), int(f.Levels[StatNonPublicOrganised])
	c.NewForms, c.NewFormsOrganised = int(f.Levels[StatNewForms]), int(f.Levels[StatNewFormsOrganised])
	c.Employees = f.Levels[StatEmployees]
	return c
}
