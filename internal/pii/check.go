package pii

import (
	"crypto/hmac"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
)

// checkLen is the length in bytes of a key check value: enough that two
// different keys never collide by chance, short enough to read out.
const checkLen = 16

// CheckValue is the key check value (KCV) of the installation: a keyed hash
// of a fixed label under the hash key. A database records it when it is
// first opened with keys, so a process started later with another key file
// (or a freshly made one) is refused before it writes anything under keys
// nobody else has. It reveals nothing about the key: without the hash key
// it is indistinguishable from random.
func (k *Keyring) CheckValue() string {
	return k.check([]byte("gonghui/kcv/v1/installation"))
}

// KeyCheckValues gives each data key's check value by id: a keyed hash, under
// the hash key, of the id and the key. Two files with the same hash key but
// a different key under one id (a hand-edited or half-restored file) tell
// apart here.
func (k *Keyring) KeyCheckValues() map[string]string {
	st := k.state.Load()
	out := make(map[string]string, len(st.keys))
	for id, dk := range st.keys {
		msg := make([]byte, 0, 32+len(id)+len(dk.raw))
		msg = append(msg, "gonghui/kcv/v1/data\x00"...)
		msg = append(msg, id...)
		msg = append(msg, 0)
		msg = append(msg, dk.raw...)
		out[id] = k.check(msg)
	}
	return out
}

func (k *Keyring) check(msg []byte) string {
	h := hmac.New(k.suite.newHash, k.hashKey)
	h.Write(msg)
	return hex.EncodeToString(h.Sum(nil)[:checkLen])
}

// Current is the id of the key new values are sealed with.
func (k *Keyring) Current() string { return k.state.Load().current }

// KeyIDs lists the data keys held, sorted.
func (k *Keyring) KeyIDs() []string {
	st := k.state.Load()
	ids := make([]string, 0, len(st.keys))
	for id := range st.keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// SealedWith returns the key id a sealed value names, or "" when it is not
// a sealed value.
func SealedWith(sealed string) string {
	id, _, err := splitSealed(sealed)
	if err != nil {
		return ""
	}
	return id
}

// UseCurrent makes id, a key already held, the one new values are sealed
// with. Servers call it when the database says a rotation has made id
// current, so every process switches without a restart.
func (k *Keyring) UseCurrent(id string) error {
	k.rotateMu.Lock()
	defer k.rotateMu.Unlock()
	old := k.state.Load()
	if old.current == id {
		return nil
	}
	if _, ok := old.keys[id]; !ok {
		return fmt.Errorf("pii: key %q is not in this keyring", id)
	}
	st := &keyState{current: id, keys: old.keys}
	k.state.Store(st)
	return nil
}

// Reload adds the data keys of the key file at path that this keyring does
// not hold yet (after another process rotated), keeping the current key. A
// file of another installation, or one that gives a held id another key, is
// refused and changes nothing.
func (k *Keyring) Reload(path string) error {
	if path == "" {
		return errors.New("pii: reload: no key file (keys given as content cannot be reloaded)")
	}
	k.rotateMu.Lock()
	defer k.rotateMu.Unlock()
	old := k.state.Load()
	st := &keyState{current: old.current, keys: make(map[string]*dataKey, len(old.keys)+1)}
	for id, dk := range old.keys {
		st.keys[id] = dk
	}
	if err := k.mergeFromDisk(path, st); err != nil {
		return fmt.Errorf("pii: reload: %w", err)
	}
	k.state.Store(st)
	return nil
}

// EqualCheck compares two check values in constant time.
func EqualCheck(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
