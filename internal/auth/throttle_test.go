package auth

import (
	"context"
	"fmt"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

// Guessing across many usernames from one address is cut off for that
// address, while another address still signs in.
func TestAddressThrottle(t *testing.T) {
	old := throttleLimit
	throttleLimit = 4
	t.Cleanup(func() { throttleLimit = old })
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		root := db.NewID()
		if _, err := d.Exec(ctx, "INSERT INTO orgs (id, path, depth, name, kind, created_at, updated_at) VALUES (?, ?, 0, '北京市总工会', 'city_federation', 0, 0)",
			root, fmt.Sprintf("/%d/", root)); err != nil {
			t.Fatal(err)
		}
		s := NewService(d, testkit.Keys(t))
		if _, err := s.Bootstrap(ctx, NewUser{Username: "zhou", Name: "周", OrgID: root, Password: "Right-Pass-123"}, RoleOfficer); err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			_, err := s.Login(ctx, LoginInput{Username: fmt.Sprintf("guess%d", i), Password: "nope-nope", IP: "198.51.100.7"})
			if !errs.Is(err, errs.KindUnauthenticated) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		_, err := s.Login(ctx, LoginInput{Username: "zhou", Password: "Right-Pass-123", IP: "198.51.100.7"})
		if !errs.Is(err, errs.KindTooMany) {
			t.Fatalf("want the address throttled, got %v", err)
		}
		if _, err := s.Login(ctx, LoginInput{Username: "zhou", Password: "Right-Pass-123", IP: "203.0.113.5"}); err != nil {
			t.Fatalf("another address is throttled too: %v", err)
		}
		if err := s.PurgeThrottle(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
