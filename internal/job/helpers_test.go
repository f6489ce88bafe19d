package job

import (
	"context"
	"testing"
	"time"

	"gonghui/internal/db"
)

// seed makes a root organisation and n staff accounts in it, with plain
// SQL so that these tests depend on no other package.
func seed(t *testing.T, d *db.DB, n int) (rootID int64, users []int64) {
	t.Helper()
	ctx := context.Background()
	rootID = db.NewID()
	now := time.Now().UnixMilli()
	if _, err := d.Exec(ctx, "INSERT INTO orgs (id, path, depth, name, kind, created_at, updated_at) VALUES (?, ?, 0, 'r', 'city_federation', ?, ?)", rootID, "/"+db.FormatID(rootID)+"/", now, now); err != nil {
		t.Fatal(err)
	}
	for range n {
		u := db.NewID()
		if _, err := d.Exec(ctx, "INSERT INTO users (id, username, name, kind, org_id, created_at, updated_at) VALUES (?, ?, 'n', 'staff', ?, ?, ?)", u, "u"+db.FormatID(u), rootID, now, now); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	return rootID, users
}
