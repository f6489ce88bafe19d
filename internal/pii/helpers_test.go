package pii

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
)

var profiles = []Profile{Standard, GM}

// derive makes deterministic key bytes for tests, different per label.
func derive(label string, n int) []byte {
	sum := sha256.Sum256([]byte(label))
	return sum[:n]
}

// keyFileJSON builds key-file content; tests then break it in one place.
func keyFileJSON(t testing.TB, f keyFile) []byte {
	t.Helper()
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixedFile is a valid key file with deterministic keys k1 and k2 (current),
// labelled so that two labels give two different installations.
func fixedFile(p Profile, label string) keyFile {
	n := suites[p].keySize
	return keyFile{
		Profile: p,
		Current: "k2",
		Keys: map[string]string{
			"k1": base64.StdEncoding.EncodeToString(derive(label+"/k1", n)),
			"k2": base64.StdEncoding.EncodeToString(derive(label+"/k2", n)),
		},
		HashKey: base64.StdEncoding.EncodeToString(derive(label+"/hash", 32)),
	}
}

// fixedKeyring returns a keyring with fixed keys whose nonces come from a
// seeded generator, so sealed values are reproducible across runs (the fuzz
// seeds and the compatibility vectors rely on that).
func fixedKeyring(t testing.TB, p Profile, label string) *Keyring {
	t.Helper()
	k, err := Parse(keyFileJSON(t, fixedFile(p, label)))
	if err != nil {
		t.Fatal(err)
	}
	var seed [32]byte
	copy(seed[:], label)
	k.rand = rand.NewChaCha8(seed)
	return k
}

func isTyped(err error) bool {
	return errors.Is(err, ErrMalformed) || errors.Is(err, ErrTampered) || errors.Is(err, ErrUnknownKey)
}
