package pii

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// keyFile is the on-disk form:
//
//	{"profile": "gm", "current": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"}, "hash_key": "<base64>"}
//
// Keys are standard base64 (what `openssl rand -base64 32` prints).
type keyFile struct {
	Profile Profile           `json:"profile"`
	Current string            `json:"current"`
	Keys    map[string]string `json:"keys"`
	HashKey string            `json:"hash_key"`
}

// Load reads a key file. Errors name the file and the problem but never
// contain key material.
func Load(path string) (*Keyring, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// %w keeps fs.ErrNotExist visible to LoadOrCreate.
		return nil, fmt.Errorf("pii: read key file: %w", err)
	}
	k, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("pii: key file %s: %w", path, err)
	}
	return k, nil
}

// Parse reads key-file content handed over some other way, e.g. an
// environment variable filled from a secret manager.
func Parse(data []byte) (*Keyring, error) {
	k, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("pii: key file content: %w", err)
	}
	return k, nil
}

func parse(data []byte) (*Keyring, error) {
	var f keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	// A misspelt field would otherwise be ignored and surface later as a
	// confusing "missing hash_key".
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	s, err := suiteFor(f.Profile)
	if err != nil {
		return nil, err
	}
	if len(f.Keys) == 0 {
		return nil, errors.New(`no data keys ("keys" is missing or empty)`)
	}
	if f.Current == "" {
		return nil, errors.New(`missing "current" key id`)
	}
	if _, ok := f.Keys[f.Current]; !ok {
		return nil, fmt.Errorf("current key id %q is not among the keys", f.Current)
	}
	st := &keyState{current: f.Current, keys: make(map[string]*dataKey, len(f.Keys))}
	for id, enc := range f.Keys {
		if !validKeyID(id) {
			return nil, fmt.Errorf("key id %q: use 1-%d characters from A-Z a-z 0-9 . _ -", id, maxKeyIDLen)
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("key %q is not valid base64 (%v)", id, err)
		}
		if len(raw) != s.keySize {
			return nil, fmt.Errorf("key %q is %d bytes; profile %q (%s) needs %d", id, len(raw), s.profile, s.aeadName, s.keySize)
		}
		aead, err := s.newAEAD(raw)
		if err != nil {
			return nil, fmt.Errorf("key %q: %v", id, err)
		}
		st.keys[id] = &dataKey{raw: raw, aead: aead}
	}
	if f.HashKey == "" {
		return nil, errors.New(`missing "hash_key"`)
	}
	hk, err := base64.StdEncoding.DecodeString(f.HashKey)
	if err != nil {
		return nil, fmt.Errorf("hash_key is not valid base64 (%v)", err)
	}
	if len(hk) < hashKeyMin {
		return nil, fmt.Errorf("hash_key is %d bytes; %s needs at least %d", len(hk), s.hashName, hashKeyMin)
	}
	return newKeyring(s, st, hk), nil
}

// jsonError rewrites decoder errors that could quote the file's content: a
// syntax error names the offending character and a type error may quote a
// number, either of which could be a piece of a key.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON (syntax error at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("field %q has the wrong JSON type", typ.Field)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("empty or truncated JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	default:
		return errors.New("not a valid key-file JSON object")
	}
}

// marshal writes the keyring back in key-file form.
func (k *Keyring) marshal(st *keyState) ([]byte, error) {
	f := keyFile{
		Profile: k.suite.profile,
		Current: st.current,
		Keys:    make(map[string]string, len(st.keys)),
		HashKey: base64.StdEncoding.EncodeToString(k.hashKey),
	}
	for id, dk := range st.keys {
		f.Keys[id] = base64.StdEncoding.EncodeToString(dk.raw)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return nil, err
	}
	return b, nil
}

// generate makes the content of a fresh key file.
func generate(s *suite) ([]byte, error) {
	dk, err := randomBytes(s.keySize)
	if err != nil {
		return nil, err
	}
	hk, err := randomBytes(hashKeyMin)
	if err != nil {
		return nil, err
	}
	f := keyFile{
		Profile: s.profile,
		Current: "k1",
		Keys:    map[string]string{"k1": base64.StdEncoding.EncodeToString(dk)},
		HashKey: base64.StdEncoding.EncodeToString(hk),
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// LoadOrCreate loads path, or when it does not exist creates it (and its
// directory) with fresh random keys of the given profile, mode 0600.
//
// Several processes may start at once on an empty volume. The new file is
// written in full to a temporary name and then hard-linked to path, which
// fails if path exists, so exactly one process's keys are published and
// everyone, winner included, returns what is on disk. A plain rename would
// let the last process overwrite keys another one may already have used.
//
// An existing file with a different profile is an error, never converted.
func LoadOrCreate(path string, profile Profile) (*Keyring, error) {
	s, err := suiteFor(profile)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	k, err := Load(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		data, err := generate(s)
		if err != nil {
			return nil, fmt.Errorf("pii: generate keys: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("pii: create key directory: %w", err)
		}
		if err := createExclusive(path, data); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("pii: create key file: %w", err)
		}
		// Created by us or by whoever won the race: either way read it back.
		if k, err = Load(path); err != nil {
			return nil, err
		}
	}
	if k.Profile() != profile {
		return nil, fmt.Errorf("pii: key file %s has profile %q but %q was asked for; existing data cannot be read with other algorithms, so this is not converted automatically", path, k.Profile(), profile)
	}
	return k, nil
}

// writeTemp writes data to a new 0600 file next to path and syncs it, so a
// later link or rename publishes complete content.
func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	// CreateTemp already uses 0600; Chmod states the intent and survives a
	// future change of that default.
	if err := finish(f, data, f.Chmod(0o600)); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// finish writes data to f unless err (an earlier step's) is set, syncs and
// closes f, which is closed whatever happens; the first failure is the
// answer.
func finish(f *os.File, data []byte, err error) error {
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// createExclusive publishes data at path unless path already exists, in which
// case the error wraps fs.ErrExist.
func createExclusive(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		if err == nil {
			err = syncDir(filepath.Dir(path))
		}
		return err
	}
	// No hard links on this file system: fall back to O_EXCL on path itself.
	// Still exclusive, but a process that loses the race could read the file
	// half written and fail to start; a restart then succeeds.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := finish(f, data, nil); err != nil {
		os.Remove(path) // do not leave a truncated key file behind
		return err
	}
	return syncDir(filepath.Dir(path))
}

// replaceFile atomically replaces path with data: readers see the old file
// or the new one, never a mix.
func replaceFile(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// Rotate adds a fresh data key, makes it current and rewrites the key file at
// path atomically; it returns the new key id ("k2", "k3", ...). Values sealed
// before stay readable with the older keys, which are kept.
//
// The file on disk may be newer than this Keyring (another process rotated
// since we loaded it), so Rotate merges: keys found on disk are kept and
// adopted here, and the new id is numbered past all of them. Rotations are
// serialised across processes by a lock on path+".lock" where the platform
// supports it, so two concurrent rotations cannot drop each other's key.
// A file at path from another installation (different profile or hash key),
// or one that gives an id a different key, is refused.
//
// Other processes holding a Keyring keep sealing with the old key (still
// readable) but cannot open values sealed under the new key until they load
// the file again.
func (k *Keyring) Rotate(path string) (string, error) {
	if path == "" {
		return "", errors.New("pii: rotate: empty key file path")
	}
	k.rotateMu.Lock()
	defer k.rotateMu.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("pii: rotate: %w", err)
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return "", fmt.Errorf("pii: rotate: lock: %w", err)
	}
	defer unlock()

	old := k.state.Load()
	st := &keyState{keys: make(map[string]*dataKey, len(old.keys)+1)}
	for id, dk := range old.keys {
		st.keys[id] = dk
	}
	if err := k.mergeFromDisk(path, st); err != nil {
		return "", fmt.Errorf("pii: rotate: %w", err)
	}
	raw, err := randomBytes(k.suite.keySize)
	if err != nil {
		return "", fmt.Errorf("pii: rotate: generate key: %w", err)
	}
	aead, err := k.suite.newAEAD(raw)
	if err != nil {
		return "", fmt.Errorf("pii: rotate: %w", err)
	}
	id := nextKeyID(st.keys)
	st.keys[id] = &dataKey{raw: raw, aead: aead}
	st.current = id
	data, err := k.marshal(st)
	if err != nil {
		return "", fmt.Errorf("pii: rotate: %w", err)
	}
	// Disk first: if the write fails we must not seal anything under a key
	// that nobody else will ever be able to load.
	if err := replaceFile(path, data); err != nil {
		return "", fmt.Errorf("pii: rotate: write key file: %w", err)
	}
	k.state.Store(st)
	return id, nil
}

// mergeFromDisk adds to st the keys of the file at path, if there is one,
// after checking that it belongs to the same installation.
func (k *Keyring) mergeFromDisk(path string, st *keyState) error {
	disk, err := Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if disk.Profile() != k.Profile() {
		return fmt.Errorf("key file %s has profile %q, this keyring %q", path, disk.Profile(), k.Profile())
	}
	if subtle.ConstantTimeCompare(disk.hashKey, k.hashKey) != 1 {
		return fmt.Errorf("key file %s belongs to another installation (its hash_key differs); refusing to overwrite it", path)
	}
	for id, dk := range disk.state.Load().keys {
		if mine, ok := st.keys[id]; ok {
			if subtle.ConstantTimeCompare(mine.raw, dk.raw) != 1 {
				return fmt.Errorf("key file %s has a different key under id %q; refusing to overwrite it", path, id)
			}
			continue
		}
		st.keys[id] = dk
	}
	return nil
}

// nextKeyID returns "k<n>" with n one past the highest such id in use, so ids
// sort by age and are never reused: reusing an id for a new key would make
// old values under that id unreadable.
func nextKeyID(keys map[string]*dataKey) string {
	n := 0
	for id := range keys {
		if len(id) < 2 || id[0] != 'k' {
			continue
		}
		if v, err := strconv.Atoi(id[1:]); err == nil && v > n {
			n = v
		}
	}
	for {
		n++
		id := "k" + strconv.Itoa(n)
		if _, taken := keys[id]; !taken {
			return id
		}
	}
}
