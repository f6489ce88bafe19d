package db_test

import (
	"context"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// Statements run often are prepared once and reused: answers stay right
// inside and outside transactions and from many goroutines, a read sees
// the writes committed after the last one (the reused statement holds no
// snapshot), a half-read result does not spoil the next use, and scripts
// of several statements still run whole.
func TestPreparedStatementsReused(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "CREATE TABLE stmt_probe (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		read := func(k int) int {
			t.Helper()
			var v int
			if err := d.QueryRow(ctx, "SELECT v FROM stmt_probe WHERE k = ?", k).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		for i := range 10 {
			if err := d.Tx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO stmt_probe (k, v) VALUES (?, ?)", i, i*10)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got := read(i); got != i*10 {
				t.Fatalf("read %d: %d", i, got)
			}
		}
		// Updates through the (now prepared) statements, seen at once.
		for i := range 10 {
			if _, err := d.Exec(ctx, "UPDATE stmt_probe SET v = v + 1 WHERE k = ?", i); err != nil {
				t.Fatal(err)
			}
			if got := read(i); got != i*10+1 {
				t.Fatalf("after update %d: %d", i, got)
			}
		}
		// A result left half-read, then the same statement again.
		for range 5 {
			rows, err := d.Query(ctx, "SELECT k FROM stmt_probe ORDER BY k")
			if err != nil {
				t.Fatal(err)
			}
			rows.Next()
			rows.Close()
		}
		var n int
		rows, err := d.Query(ctx, "SELECT k FROM stmt_probe ORDER BY k")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != 10 {
			t.Fatalf("%d rows after half-read ones", n)
		}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					k := (g + i) % 10
					var v int
					if err := d.QueryRow(ctx, "SELECT v FROM stmt_probe WHERE k = ?", k).Scan(&v); err != nil || v != k*10+1 {
						t.Errorf("goroutine %d: k %d = %d, %v", g, k, v, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		// A script runs whole, however often.
		for range 4 {
			if _, err := d.Exec(ctx, "UPDATE stmt_probe SET v = 0 WHERE k = 0; UPDATE stmt_probe SET v = 0 WHERE k = 1"); err != nil {
				t.Fatal(err)
			}
		}
		if read(0) != 0 || read(1) != 0 {
			t.Fatal("the script's second statement did not run")
		}
	})
}
