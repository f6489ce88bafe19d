package card

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"gonghui/internal/errs"
)

// Envelope signs payloads of another kind than a member card with the same
// parts: a text prefix naming the kind, base32 text (every character in the
// QR alphanumeric set), an Ed25519 signature and a key id. Its binary form is
//
//	version  1 byte, Envelope.Version
//	key id   1 byte
//	body     the kind's own bytes
//	sig      64 bytes: Ed25519 over the prefix (in upper case) and every byte before it
//
// Signing over the prefix keeps a payload of one kind from passing as one of
// another even under the same key. The body's encoding and meaning are the
// caller's (a certificate of internal/contest, say).
type Envelope struct {
	Prefix  string // e.g. "GHZ1:"; upper case, letters, digits and ':'
	Version byte
	MaxBody int // bytes of body
}

// maxText is the longest text form of the envelope.
func (e Envelope) maxText() int {
	return len(e.Prefix) + ((2+e.MaxBody+sigLen)*8+4)/5
}

func (e Envelope) signed(bin []byte) []byte {
	return append([]byte(e.Prefix), bin...)
}

// Seal signs body with s: the text payload. A body that is empty or longer
// than MaxBody is an internal error (the caller's bug).
func (e Envelope) Seal(s Signer, body []byte) (string, error) {
	if len(s.Key) != ed25519.PrivateKeySize {
		return "", errs.Internal(fmt.Errorf("private key has %d bytes", len(s.Key)), "card: seal")
	}
	if len(body) == 0 || len(body) > e.MaxBody {
		return "", errs.Internal(fmt.Errorf("body of %d bytes", len(body)), "card: seal")
	}
	bin := append([]byte{e.Version, s.KeyID}, body...)
	bin = append(bin, ed25519.Sign(s.Key, e.signed(bin))...)
	return e.Prefix + b32.EncodeToString(bin), nil
}

// Opened is an envelope read: its body, and what its signature says.
type Opened struct {
	KeyID    byte
	Body     []byte
	KnownKey bool // keys holds KeyID
	Genuine  bool // KnownKey, and the signature matches
}

// Open reads a payload that Seal wrote (in any case, whitespace around it
// ignored) and checks its signature against keys. A payload that cannot be
// read (another prefix or version, bad base32, too short or too long) is an
// *errs.Error with code card_malformed that never echoes the input; one
// read but not genuine is answered with Genuine false, its body untrusted.
func (e Envelope) Open(keys map[byte]ed25519.PublicKey, payload string) (Opened, error) {
	bin, err := readText(payload, e.Prefix, e.maxText())
	if err != nil {
		return Opened{}, err
	}
	if len(bin) < 2+1+sigLen || len(bin) > 2+e.MaxBody+sigLen {
		return Opened{}, malformed("bad length")
	}
	if bin[0] != e.Version {
		return Opened{}, malformed("unknown version")
	}
	n := len(bin) - sigLen
	o := Opened{KeyID: bin[1], Body: bin[2:n:n]}
	pub, ok := keys[o.KeyID]
	if !ok {
		return o, nil
	}
	if len(pub) != ed25519.PublicKeySize {
		return o, errs.Internal(errors.New("public key of the wrong size"), "card: open")
	}
	o.KnownKey = true
	o.Genuine = ed25519.Verify(pub, e.signed(bin[:n]), bin[n:])
	return o, nil
}
