package db_test

import (
	"context"
	"errors"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// A value attached to a handle is seen by its transactions and by no other
// handle's; AfterCommit runs only once the transaction has committed.
func TestValueAndAfterCommit(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		type key struct{}
		d.SetValue(key{}, "mine")
		other := testkit.NewDB(t, d.Dialect)
		var ran []string
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if tx.Value(key{}) != "mine" {
				t.Errorf("tx sees %v", tx.Value(key{}))
			}
			tx.AfterCommit(func() { ran = append(ran, "committed") })
			return nil
		})
		if err != nil || len(ran) != 1 {
			t.Fatalf("after commit: %v %v", ran, err)
		}
		if other.Value(key{}) != nil {
			t.Fatal("another handle sees the value")
		}
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *db.Tx) error {
			tx.AfterCommit(func() { ran = append(ran, "rolled back") })
			return boom
		})
		if !errors.Is(err, boom) || len(ran) != 1 {
			t.Fatalf("after a rollback: %v %v", ran, err)
		}
	})
}
