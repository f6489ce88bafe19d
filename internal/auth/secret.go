package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Secret returns a named random key shared by every server process (e.g. the
// key that signs form tokens). It is made on first use; when two processes
// race, the first insert wins and both read it back.
func (s *Service) Secret(ctx context.Context, name string) ([]byte, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	if _, err := s.DB.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", "secret."+name, hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var v string
	if err := s.DB.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", "secret."+name).Scan(&v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return hex.DecodeString(v)
}
