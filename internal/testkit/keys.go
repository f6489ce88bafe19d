package testkit

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/db"
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

// KeyAudit keys d's audit chain as a server given keyFile does, for a test
// that writes through its own handle beside server processes and commands.
func KeyAudit(t testing.TB, d *db.DB, keyFile string) {
	t.Helper()
	k, err := pii.Load(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Attach(d, audit.Options{Key: k.DeriveKey(audit.KeyLabel), Hash: k.MACHash()}); err != nil {
		t.Fatal(err)
	}
}
