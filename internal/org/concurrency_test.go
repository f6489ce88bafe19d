package org

import (
	"fmt"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// Moves racing with creates, links and other moves must leave a tree whose
// stored paths, depths, counts and employer paths all agree with parent_id.
func TestConcurrentMoves(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		var wg sync.WaitGroup
		fail := make(chan error, 100)
		wg.Go(func() {
			streets := []*Org{w.xichang, w.dashilan}
			for i := range 10 {
				if _, err := w.s.Move(ctx, w.admin, w.unionA.ID, streets[i%2].ID); err != nil {
					fail <- fmt.Errorf("move: %w", err)
				}
			}
		})
		wg.Go(func() {
			for i := range 10 {
				if _, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.subA.ID, Name: fmt.Sprintf("小组%d", i), Kind: KindGroup}); err != nil {
					fail <- fmt.Errorf("create: %w", err)
				}
				_, err := w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: w.subA.ID, Name: fmt.Sprintf("店%d", i), Category: "600"})
				if err != nil {
					fail <- fmt.Errorf("employer: %w", err)
				}
			}
		})
		// Two moves that together would make a cycle: at most one wins.
		a, _ := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dongcheng.ID, Name: "甲街道", Kind: KindStreet})
		b, _ := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dongcheng.ID, Name: "乙街道", Kind: KindStreet})
		var won sync.WaitGroup
		results := make([]error, 2)
		won.Go(func() { _, results[0] = w.s.Move(ctx, w.admin, a.ID, b.ID) })
		won.Go(func() { _, results[1] = w.s.Move(ctx, w.admin, b.ID, a.ID) })
		won.Wait()
		wg.Wait()
		close(fail)
		for err := range fail {
			t.Error(err)
		}
		if results[0] == nil && results[1] == nil {
			t.Error("both halves of a cycle were moved")
		}
		for _, err := range results {
			if err != nil {
				wantField(t, err, "parent_id", "org.move_into_own")
			}
		}
		checkTree(t, d)
		if c, err := w.s.Count(ctx, w.admin, w.subA.ID); err != nil || c.Orgs != 12 || c.Employers != 10 {
			t.Errorf("counts: %+v %v", c, err)
		}
	})
}
