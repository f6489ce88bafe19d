// Package pii protects personal data (resident ID numbers, mobile numbers)
// and credentials (TOTP secrets) at rest: authenticated encryption for values
// that must be read back, and keyed hashes for values that must be found by
// exact match without being decrypted.
//
// Everything goes through a Keyring, loaded from a key file. The file names an
// algorithm profile, so which algorithms run is a matter of configuration and
// never of the calling code:
//
//	standard  AES-256-GCM, HMAC-SHA-256
//	gm        SM4-GCM, HMAC-SM3 (国密, GB/T 32907 and GB/T 32905)
//
// A sealed value is "<keyid>:<base64url(nonce||ciphertext||tag)>". The key id
// is in the clear so that after a rotation older values still name the key
// that opens them, and a background job can find them with NeedsRewrap.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Profile picks the algorithms.
type Profile string

const (
	Standard Profile = "standard" // AES-256-GCM, HMAC-SHA-256
	GM       Profile = "gm"       // 国密: SM4-GCM, HMAC-SM3
)

// Errors from Open. They are sentinels so callers can tell "this row was
// written under a key we no longer have" (an operations problem) from "this
// row was altered or moved" (a security event) from "this is not a sealed
// value at all" (a data bug), using errors.Is. Their messages never contain
// plaintext or key material.
var (
	ErrUnknownKey = errors.New("pii: sealed with an unknown key id")
	ErrTampered   = errors.New("pii: sealed value failed authentication")
	ErrMalformed  = errors.New("pii: malformed sealed value")
)

const (
	// nonceSize is the standard 96-bit GCM nonce. Nonces are random, which is
	// safe for up to about 2^32 values per key; rotate long before that.
	nonceSize = 12
	tagSize   = 16
	// hashKeyMin: an HMAC key shorter than the digest would weaken it.
	hashKeyMin = 32
	// maxKeyIDLen keeps ids short enough to prefix every stored value.
	maxKeyIDLen = 32
)

// suite is the small internal interface between the Keyring and one profile's
// algorithms; adding a profile means adding one of these.
type suite struct {
	profile  Profile
	aeadName string
	hashName string
	keySize  int
	newBlock func(key []byte) (cipher.Block, error)
	newHash  func() hash.Hash
}

var suites = map[Profile]*suite{
	Standard: {
		profile: Standard, aeadName: "AES-256-GCM", hashName: "HMAC-SHA-256",
		keySize: 32, newBlock: aes.NewCipher, newHash: sha256.New,
	},
	GM: {
		profile: GM, aeadName: "SM4-GCM", hashName: "HMAC-SM3",
		keySize: 16, newBlock: sm4.NewCipher, newHash: sm3.New,
	},
}

func suiteFor(p Profile) (*suite, error) {
	if p == "" {
		return nil, errors.New(`missing profile (want "standard" or "gm")`)
	}
	s, ok := suites[p]
	if !ok {
		return nil, fmt.Errorf("unknown profile %q (want %q or %q)", p, Standard, GM)
	}
	return s, nil
}

// newAEAD builds GCM over the profile's block cipher. For SM4, cipher.NewGCM
// hands over to gmsm's own accelerated GCM (it implements NewGCM), which the
// tests check against the RFC 8998 vector and against the standard library's
// generic GCM.
func (s *suite) newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != s.keySize {
		return nil, fmt.Errorf("%s needs a %d-byte key, got %d bytes", s.aeadName, s.keySize, len(key))
	}
	b, err := s.newBlock(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

type dataKey struct {
	raw  []byte // kept to write the key file back on Rotate
	aead cipher.AEAD
}

// keyState is replaced as a whole on Rotate (copy on write), so Seal and Open
// read it with one atomic load and never wait for a rotation's disk writes.
type keyState struct {
	current string
	keys    map[string]*dataKey
}

// Keyring holds the keys of one installation: several data keys by id (one
// current, the others kept to open older values), and one hash key. The hash
// key never rotates, because every stored lookup hash would have to be
// recomputed from plaintext we may not have.
//
// A Keyring is safe for concurrent use. Make one with Load, LoadOrCreate or
// Parse; the zero value is not usable.
type Keyring struct {
	suite    *suite
	hashKey  []byte
	hashPool sync.Pool // keyed HMAC states; saves re-deriving the pads per Hash
	state    atomic.Pointer[keyState]
	rotateMu sync.Mutex // one Rotate at a time within the process
	rand     io.Reader  // crypto/rand.Reader; tests substitute a seeded one
}

func newKeyring(s *suite, st *keyState, hashKey []byte) *Keyring {
	k := &Keyring{suite: s, hashKey: hashKey, rand: rand.Reader}
	k.hashPool.New = func() any { return hmac.New(s.newHash, hashKey) }
	k.state.Store(st)
	return k
}

// Profile reports the algorithm profile of the installation.
func (k *Keyring) Profile() Profile { return k.suite.profile }

// b64 is strict so that every sealed value has exactly one accepted spelling:
// a lenient decoder ignores the spare low bits of the last character, which
// would let an altered string open to the same bytes.
var b64 = base64.RawURLEncoding.Strict()

// additionalData binds a value to its key id as well as to the caller's aad.
// Key ids cannot contain ':', so the concatenation is unambiguous.
func additionalData(keyID, aad string) []byte {
	ad := make([]byte, 0, len(keyID)+1+len(aad))
	ad = append(ad, keyID...)
	ad = append(ad, ':')
	return append(ad, aad...)
}

// Seal encrypts plaintext under the current key. aad binds the value to where
// it lives (e.g. "member.id_number"): the same aad must be given to Open, so a
// value copied into another column, or another row if the aad names the row,
// fails to open. The result is ASCII and fits a TEXT column.
func (k *Keyring) Seal(plaintext []byte, aad string) (string, error) {
	st := k.state.Load()
	dk := st.keys[st.current]
	buf := make([]byte, nonceSize, nonceSize+len(plaintext)+tagSize)
	if _, err := io.ReadFull(k.rand, buf); err != nil {
		return "", fmt.Errorf("pii: seal: reading random nonce: %w", err)
	}
	buf = dk.aead.Seal(buf, buf[:nonceSize], plaintext, additionalData(st.current, aad))
	out := make([]byte, 0, len(st.current)+1+b64.EncodedLen(len(buf)))
	out = append(out, st.current...)
	out = append(out, ':')
	out = b64.AppendEncode(out, buf)
	return string(out), nil
}

// SealString is Seal for string plaintexts.
func (k *Keyring) SealString(plaintext, aad string) (string, error) {
	return k.Seal([]byte(plaintext), aad)
}

// Open decrypts a sealed value with the key named in it. aad must be the one
// given to Seal. Errors wrap ErrMalformed, ErrUnknownKey or ErrTampered.
func (k *Keyring) Open(sealed, aad string) ([]byte, error) {
	id, body, err := splitSealed(sealed)
	if err != nil {
		return nil, err
	}
	raw, err := b64.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: body is not canonical base64url", ErrMalformed)
	}
	if len(raw) < nonceSize+tagSize {
		return nil, fmt.Errorf("%w: body too short (%d bytes)", ErrMalformed, len(raw))
	}
	dk := k.state.Load().keys[id]
	if dk == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, id)
	}
	ct := raw[nonceSize:]
	pt, err := dk.aead.Open(ct[:0], raw[:nonceSize], ct, additionalData(id, aad))
	if err != nil {
		// One error for every cause: GCM cannot tell a wrong aad from an
		// altered byte, and saying more would help an attacker probe.
		return nil, fmt.Errorf("%w (key %q, aad %q): altered, moved from another place, or sealed by another installation", ErrTampered, id, aad)
	}
	return pt, nil
}

// OpenString is Open for string plaintexts.
func (k *Keyring) OpenString(sealed, aad string) (string, error) {
	pt, err := k.Open(sealed, aad)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// NeedsRewrap reports whether sealed was made with a key other than the
// current one, for a background job that re-seals old values after a
// rotation. It does not authenticate; the job's Open does that. A value that
// is not even well formed reports false: re-sealing cannot fix it.
func (k *Keyring) NeedsRewrap(sealed string) bool {
	id, _, err := splitSealed(sealed)
	return err == nil && id != k.state.Load().current
}

// splitSealed checks the shape of a sealed value before any decoding, so that
// odd input is ErrMalformed rather than reaching the cipher. The body alphabet
// is checked here because the base64 decoder skips '\r' and '\n', which would
// let a value with inserted line breaks still open.
func splitSealed(sealed string) (id, body string, err error) {
	i := 0
	for i < len(sealed) && sealed[i] != ':' {
		i++
	}
	if i == len(sealed) {
		return "", "", fmt.Errorf("%w: no ':' after the key id", ErrMalformed)
	}
	id, body = sealed[:i], sealed[i+1:]
	if !validKeyID(id) {
		return "", "", fmt.Errorf("%w: bad key id", ErrMalformed)
	}
	for j := 0; j < len(body); j++ {
		if !isB64URL(body[j]) {
			return "", "", fmt.Errorf("%w: byte %d of the body is outside base64url", ErrMalformed, j)
		}
	}
	return id, body, nil
}

func isB64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// validKeyID limits ids to a short ASCII alphabet without ':' so that they
// can prefix a sealed value and be printed in errors and logs safely.
func validKeyID(id string) bool {
	if id == "" || len(id) > maxKeyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Hash is a keyed hash (lowercase hex) for exact lookups, e.g. a unique index
// on members' ID numbers, without storing them in a form anyone holding the
// database alone could reverse by enumeration. kind separates domains
// ("id_number", "mobile", ...), so equal values of different kinds hash
// differently. The result is deterministic for the installation; callers must
// normalise value first (e.g. upper-case the ID check character), since any
// difference in bytes gives a different hash.
//
// The message is len(kind) as 4 bytes big-endian, then kind, then value; the
// length prefix keeps ("ab","c") and ("a","bc") apart. Changing this breaks
// every stored hash, which TestHashGolden guards.
func (k *Keyring) Hash(kind, value string) string {
	h := k.hashPool.Get().(hash.Hash)
	h.Reset()
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(kind)))
	h.Write(n[:])
	io.WriteString(h, kind)
	io.WriteString(h, value)
	var sum [64]byte
	out := h.Sum(sum[:0])
	k.hashPool.Put(h)
	return hex.EncodeToString(out)
}
