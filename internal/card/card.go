// Package card makes and checks the payload of the digital member card's QR
// code: the member's claims signed with Ed25519, so that anyone holding the
// published public key can check a card offline, plus rendering the payload as
// a QR code PNG. The package holds no database code: the caller supplies the
// keys and, when it can, the revocation check.
//
// # Text form
//
// A payload is "GHC1:" followed by the binary form in base32 (RFC 4648
// alphabet A–Z 2–7, upper case, no padding). Every character is in the QR
// alphanumeric set, which packs 2 characters into 11 bits instead of the
// 8 bits per character of byte mode. Parse also accepts the text in lower case
// (prefix included) and ignores whitespace around it; anything else (padding,
// other characters, non-zero spare bits in the last character) is rejected.
//
// # Binary form (version 1)
//
//	version      1 byte, 0x01
//	key id       1 byte: which signing key; verifiers hold public keys by id
//	member id    uvarint, 1 … 2^63-1
//	org id       uvarint, 1 … 2^63-1
//	serial       uvarint, 0 … 2^32-1
//	issued       uvarint: days from 2000-01-01 to the day of issue, ≤ 65535
//	valid days   uvarint: days from the day of issue to the last valid day, ≤ 65535
//	name         uvarint length (1 … 30) + UTF-8 bytes
//	org name     uvarint length (1 … 90) + UTF-8 bytes
//	signature    64 bytes: Ed25519 over every byte before it
//
// Uvarints are those of encoding/binary and must be minimal (no redundant
// trailing 0x80 groups), so that every card has exactly one encoding. Days are
// calendar days in China Standard Time (UTC+8, no daylight saving): a card is
// valid up to the end of its ValidUntil day there. Strings are valid UTF-8
// without control characters; Sign cuts longer ones at a rune boundary.
//
// A typical card (7-digit ids, a three-character name, a 14-character
// organisation name) is 131 bytes, 215 characters of text.
package card

import (
	"errors"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
)

// Prefix starts the text form of every version 1 payload.
const Prefix = "GHC1:"

// Limits of the payload.
const (
	Version       = 1  // the version byte written by Sign
	MaxNameLen    = 30 // bytes of UTF-8
	MaxOrgNameLen = 90 // bytes of UTF-8
	// MaxDays bounds both day counts (issue day since 2000-01-01, and valid
	// days after it): 65535 days is about 179 years.
	MaxDays = 1<<16 - 1

	sigLen = 64
	// maxBinaryLen is the longest binary form: version, key id, two ids of
	// at most 9 bytes, a serial of at most 5, two day counts of at most 3,
	// two strings with one-byte lengths, and the signature.
	maxBinaryLen = 1 + 1 + 9 + 9 + 5 + 3 + 3 + 1 + MaxNameLen + 1 + MaxOrgNameLen + sigLen
	// MaxPayloadLen is the longest text form Parse accepts (whitespace
	// around it excluded).
	MaxPayloadLen = len(Prefix) + (maxBinaryLen*8+4)/5
)

// epoch is day 0 of the issued field; card days are counted in Beijing time.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, beijing.Zone)

// Claims is what a card says about its holder.
type Claims struct {
	MemberID int64
	OrgID    int64
	// Serial counts the cards issued to the member: reissuing bumps it, and
	// cards with an older serial count as revoked.
	Serial uint32
	// Name is the member's name: at most MaxNameLen bytes (Sign cuts it).
	Name string
	// OrgName is the name of the member's union: at most MaxOrgNameLen
	// bytes (Sign cuts it).
	OrgName string
	// IssuedAt and ValidUntil are calendar days in China Standard Time;
	// Sign drops the time of day, and Parse answers midnight UTC+8. The
	// card is valid through the whole ValidUntil day.
	IssuedAt   time.Time
	ValidUntil time.Time
}

// ExpiresAt is the first instant at which the card is no longer valid: the
// midnight (UTC+8) after its ValidUntil day.
func (c Claims) ExpiresAt() time.Time {
	y, m, d := c.ValidUntil.In(beijing.Zone).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, beijing.Zone)
}

// Status is the answer of a check, for display through the i18n catalogues
// (see Key).
type Status string

const (
	StatusValid   Status = "valid"
	StatusExpired Status = "expired"
	StatusRevoked Status = "revoked"
	StatusForged  Status = "forged"
)

// Key is the i18n key of the status's message, such as "card.status.valid".
func (s Status) Key() string { return "card.status." + string(s) }

// Error codes and message keys.
const (
	CodeMalformed    = "card_malformed"
	KeyMalformed     = "card.malformed"
	CodeKeyMalformed = "card_key_malformed"
	KeyKeyMalformed  = "card.key_malformed"

	// FieldPayload and FieldPublicKey name the field of the errors.
	FieldPayload   = "payload"
	FieldPublicKey = "public_key"
)

// malformed is the error for a payload that cannot be read. The reason is a
// fixed text for the logs; the input itself is never echoed.
func malformed(reason string) error {
	return &errs.Error{Kind: errs.KindInvalid, Code: CodeMalformed, Key: KeyMalformed,
		Fields: map[string]errs.Field{FieldPayload: {Key: KeyMalformed}},
		Err:    errors.New("card: " + reason)}
}

// keyMalformed is the error for a public key text that cannot be read.
func keyMalformed(reason string) error {
	return &errs.Error{Kind: errs.KindInvalid, Code: CodeKeyMalformed, Key: KeyKeyMalformed,
		Fields: map[string]errs.Field{FieldPublicKey: {Key: KeyKeyMalformed}},
		Err:    errors.New("card: public key: " + reason)}
}
