package backup

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"

	"gonghui/internal/pii"
)

// A key export is the key file's content sealed with a passphrase, so that
// it can be kept apart from the backups (a safe, another site, a password
// manager) and nobody who finds it can read it without the passphrase:
// AES-256-GCM under a key from argon2id. The check value is in clear so a
// person can tell which installation an export belongs to; it is bound to
// the sealed content.
const KeyExportFormat = "gonghui-keys/1"

// MinPassphrase is the shortest passphrase accepted for a key export.
const MinPassphrase = 12

// argon2id costs: 64 MiB and 3 passes, about half a second on a small
// machine; stored in the export, so they can be raised later.
const (
	kdfTime    = 3
	kdfMemory  = 64 * 1024
	kdfThreads = 2
)

type keyExport struct {
	Format string `json:"format"`
	Check  string `json:"check"`
	KDF    struct {
		Name      string `json:"name"`
		Time      uint32 `json:"time"`
		MemoryKiB uint32 `json:"memory_kib"`
		Threads   uint8  `json:"threads"`
		Salt      string `json:"salt"`
	} `json:"kdf"`
	Nonce  string `json:"nonce"`
	Sealed string `json:"sealed"`
}

// SealKeys seals key-file content with passphrase.
func SealKeys(content []byte, passphrase string) ([]byte, error) {
	if len([]rune(passphrase)) < MinPassphrase {
		return nil, fmt.Errorf("the passphrase must be at least %d characters", MinPassphrase)
	}
	k, err := pii.Parse(content)
	if err != nil {
		return nil, err
	}
	var e keyExport
	e.Format, e.Check = KeyExportFormat, k.CheckValue()
	e.KDF.Name, e.KDF.Time, e.KDF.MemoryKiB, e.KDF.Threads = "argon2id", kdfTime, kdfMemory, kdfThreads
	salt := make([]byte, 16)
	nonce := make([]byte, 12)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	aead, err := exportCipher(passphrase, salt, e.KDF.Time, e.KDF.MemoryKiB, e.KDF.Threads)
	if err != nil {
		return nil, err
	}
	e.KDF.Salt = base64.StdEncoding.EncodeToString(salt)
	e.Nonce = base64.StdEncoding.EncodeToString(nonce)
	e.Sealed = base64.StdEncoding.EncodeToString(aead.Seal(nil, nonce, content, exportAAD(e.Check)))
	out, err := json.MarshalIndent(e, "", "  ")
	return append(out, '\n'), err
}

// OpenKeys opens a key export with passphrase and returns the key file's
// content and its check value.
func OpenKeys(data []byte, passphrase string) ([]byte, string, error) {
	var e keyExport
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, "", fmt.Errorf("not a gonghui key export: %w", err)
	}
	if e.Format != KeyExportFormat || e.KDF.Name != "argon2id" {
		return nil, "", fmt.Errorf("not a gonghui key export (format %q)", e.Format)
	}
	// Bounds keep a crafted file from asking for gigabytes of memory.
	if e.KDF.Time < 1 || e.KDF.Time > 20 || e.KDF.MemoryKiB < 8*1024 || e.KDF.MemoryKiB > 1024*1024 || e.KDF.Threads < 1 {
		return nil, "", errors.New("the key export's argon2id parameters are out of range")
	}
	salt, err1 := base64.StdEncoding.DecodeString(e.KDF.Salt)
	nonce, err2 := base64.StdEncoding.DecodeString(e.Nonce)
	sealed, err3 := base64.StdEncoding.DecodeString(e.Sealed)
	if err := errors.Join(err1, err2, err3); err != nil || len(nonce) != 12 {
		return nil, "", errors.New("the key export is damaged")
	}
	aead, err := exportCipher(passphrase, salt, e.KDF.Time, e.KDF.MemoryKiB, e.KDF.Threads)
	if err != nil {
		return nil, "", err
	}
	content, err := aead.Open(nil, nonce, sealed, exportAAD(e.Check))
	if err != nil {
		return nil, "", errors.New("wrong passphrase, or the key export was changed")
	}
	k, err := pii.Parse(content)
	if err != nil {
		return nil, "", err
	}
	if !pii.EqualCheck(k.CheckValue(), e.Check) {
		return nil, "", errors.New("the key export's check value does not match its keys")
	}
	return content, e.Check, nil
}

func exportCipher(passphrase string, salt []byte, t, mem uint32, threads uint8) (cipher.AEAD, error) {
	key := argon2.IDKey([]byte(passphrase), salt, t, mem, threads, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func exportAAD(check string) []byte { return []byte(KeyExportFormat + "\x00" + check) }
