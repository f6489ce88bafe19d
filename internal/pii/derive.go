package pii

import (
	"crypto/hmac"
	"hash"
)

// DeriveKey returns a key for one purpose (label), derived from the
// installation's hash key: another part of the system can have a secret of
// its own that the database does not hold, without a second key file. The
// hash key never rotates, so neither does a derived key; rotating data keys
// leaves it unchanged. Different labels give unrelated keys.
func (k *Keyring) DeriveKey(label string) []byte {
	m := hmac.New(k.suite.newHash, k.hashKey)
	m.Write([]byte("gonghui derived key v1\x00"))
	m.Write([]byte(label))
	return m.Sum(nil)
}

// MACHash is the hash function of the installation's profile (SHA-256 or
// SM3), for MACs made with a derived key.
func (k *Keyring) MACHash() func() hash.Hash { return k.suite.newHash }
