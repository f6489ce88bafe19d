package card

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/errs"
)

// Signer signs cards with one private key, known to verifiers by KeyID.
type Signer struct {
	KeyID byte
	Key   ed25519.PrivateKey
}

// NewSignerFromSeed makes a signer from a 32-byte Ed25519 seed (RFC 8032
// private key), as kept in a key file or secret store.
func NewSignerFromSeed(keyID byte, seed []byte) (Signer, error) {
	if len(seed) != ed25519.SeedSize {
		return Signer{}, errs.Internal(fmt.Errorf("seed has %d bytes, want %d", len(seed), ed25519.SeedSize), "card: signer")
	}
	return Signer{KeyID: keyID, Key: ed25519.NewKeyFromSeed(seed)}, nil
}

// PublicKey is the key that verifiers need, to be published with KeyID
// (see PublicKeyText).
func (s Signer) PublicKey() ed25519.PublicKey {
	if len(s.Key) != ed25519.PrivateKeySize {
		return nil
	}
	return s.Key.Public().(ed25519.PublicKey)
}

// Sign makes the text payload of a card. Name and OrgName are cut at a rune
// boundary to MaxNameLen and MaxOrgNameLen bytes and the dates reduced to
// their day (UTC+8). Claims that cannot be put on a card (ids not positive,
// empty names or names with control characters or invalid UTF-8, dates
// before 2000, ValidUntil before IssuedAt or either beyond MaxDays) are an
// internal error: they are the caller's bug, not the member's.
func (s Signer) Sign(c Claims) (string, error) {
	if len(s.Key) != ed25519.PrivateKeySize {
		return "", errs.Internal(fmt.Errorf("private key has %d bytes", len(s.Key)), "card: sign")
	}
	b, err := bodyOf(s.KeyID, c)
	if err != nil {
		return "", errs.Internal(err, "card: sign")
	}
	bin := b.append(make([]byte, 0, maxBinaryLen))
	bin = append(bin, ed25519.Sign(s.Key, bin)...)
	return text(bin), nil
}

// Verifier checks payloads against the published public keys.
type Verifier struct {
	// Keys are the public keys by key id; a payload naming another id is
	// answered StatusForged.
	Keys map[byte]ed25519.PublicKey
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Revoked says whether a genuine card has been revoked (e.g. its serial
	// is older than the member's current card, or the membership ended); nil
	// means never, as for a verifier working offline.
	Revoked func(Claims) (bool, error)
}

// Check parses and verifies a payload. A payload that cannot be read is an
// error (*errs.Error with code card_malformed, which never echoes the input).
// Otherwise the claims are answered with a status, decided in this order:
//
//   - StatusForged: the key id is unknown or the signature does not match;
//     the claims are then what the payload says, not to be trusted;
//   - StatusRevoked: the Revoked callback says so (an error from it is
//     returned as it is, with the claims and no status);
//   - StatusExpired: now is at or after ExpiresAt, the end of ValidUntil;
//   - StatusValid.
//
// A public key of the wrong size in Keys is an internal error.
func (v Verifier) Check(payload string) (Claims, Status, error) {
	c, signed, sig, keyID, err := Parse(payload)
	if err != nil {
		return Claims{}, "", err
	}
	pub, ok := v.Keys[keyID]
	if !ok {
		return c, StatusForged, nil
	}
	if len(pub) != ed25519.PublicKeySize {
		return c, "", errs.Internal(fmt.Errorf("public key %d has %d bytes", keyID, len(pub)), "card: check")
	}
	if !ed25519.Verify(pub, signed, sig) {
		return c, StatusForged, nil
	}
	if v.Revoked != nil {
		revoked, err := v.Revoked(c)
		if err != nil {
			return c, "", err
		}
		if revoked {
			return c, StatusRevoked, nil
		}
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if !now().Before(c.ExpiresAt()) {
		return c, StatusExpired, nil
	}
	return c, StatusValid, nil
}

// publicKeyPrefix starts the text form of a public key.
const publicKeyPrefix = "ghc1-ed25519:"

// PublicKeyText is the text form of a verifier key, for publishing on a page
// and in the API: "ghc1-ed25519:<key id in decimal>:<key in unpadded
// base64url>", e.g. "ghc1-ed25519:1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo".
func PublicKeyText(keyID byte, pub ed25519.PublicKey) string {
	return publicKeyPrefix + strconv.Itoa(int(keyID)) + ":" + base64.RawURLEncoding.EncodeToString(pub)
}

// ParsePublicKeyText reads what PublicKeyText writes, ignoring whitespace
// around it. It is strict: the key id in decimal without leading zeros, the
// key exactly 32 bytes of canonical unpadded base64url. Errors are
// *errs.Error with code card_key_malformed.
func ParsePublicKeyText(s string) (byte, ed25519.PublicKey, error) {
	if len(s) > 256 {
		return 0, nil, keyMalformed("too long")
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), publicKeyPrefix)
	if !ok {
		return 0, nil, keyMalformed("wrong prefix")
	}
	id, key, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, nil, keyMalformed("no key id")
	}
	if id == "" || len(id) > 3 || (len(id) > 1 && id[0] == '0') || strings.Trim(id, "0123456789") != "" {
		return 0, nil, keyMalformed("bad key id")
	}
	n, err := strconv.Atoi(id)
	if err != nil || n > 255 {
		return 0, nil, keyMalformed("bad key id")
	}
	if len(key) != base64.RawURLEncoding.EncodedLen(ed25519.PublicKeySize) {
		return 0, nil, keyMalformed("bad key length")
	}
	pub, err := base64.RawURLEncoding.Strict().DecodeString(key)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return 0, nil, keyMalformed("bad key encoding")
	}
	return byte(n), ed25519.PublicKey(pub), nil
}
