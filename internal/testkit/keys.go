package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"gonghui/internal/pii"
)

// Keys returns a fresh keyring for data encrypted at rest, in a temporary
// directory of the test.
func Keys(t testing.TB) *pii.Keyring {
	t.Helper()
	k, err := pii.LoadOrCreate(filepath.Join(t.TempDir(), "test.key"), pii.Standard)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// KeyFileFor is the key file the server processes of one test database
// share: outside the source tree, one per DSN.
func KeyFileFor(dsn string) string {
	h := sha256.Sum256([]byte(dsn))
	return filepath.Join(os.TempDir(), "gonghui-test-keys", hex.EncodeToString(h[:8])+".key")
}
