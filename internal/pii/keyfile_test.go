package pii

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadRejects(t *testing.T) {
	good := fixedFile(Standard, "bad")
	k16 := base64.StdEncoding.EncodeToString(derive("short", 16))
	k32 := base64.StdEncoding.EncodeToString(derive("long", 32))
	edit := func(f func(*keyFile)) []byte {
		c := good
		c.Keys = map[string]string{}
		for id, v := range good.Keys {
			c.Keys[id] = v
		}
		f(&c)
		return keyFileJSON(t, c)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"short AES key", edit(func(f *keyFile) { f.Keys["k1"] = k16 }), `key "k1" is 16 bytes; profile "standard" (AES-256-GCM) needs 32`},
		{"long SM4 key", edit(func(f *keyFile) { f.Profile = GM; f.Keys = map[string]string{"k2": k32} }), `key "k2" is 32 bytes; profile "gm" (SM4-GCM) needs 16`},
		{"missing current", edit(func(f *keyFile) { f.Current = "" }), `missing "current" key id`},
		{"current not a key", edit(func(f *keyFile) { f.Current = "k7" }), `current key id "k7" is not among the keys`},
		{"unknown profile", edit(func(f *keyFile) { f.Profile = "aes" }), `unknown profile "aes" (want "standard" or "gm")`},
		{"missing profile", edit(func(f *keyFile) { f.Profile = "" }), `missing profile`},
		{"no keys", edit(func(f *keyFile) { f.Keys = nil }), `no data keys`},
		{"bad base64", edit(func(f *keyFile) { f.Keys["k1"] = "not*base64" }), `key "k1" is not valid base64`},
		{"bad key id", edit(func(f *keyFile) { f.Keys["k:3"] = k32 }), `key id "k:3"`},
		{"missing hash key", edit(func(f *keyFile) { f.HashKey = "" }), `missing "hash_key"`},
		{"short hash key", edit(func(f *keyFile) { f.HashKey = k16 }), `hash_key is 16 bytes; HMAC-SHA-256 needs at least 32`},
		{"unknown field", []byte(`{"profile":"standard","hashkey":"x"}`), `unknown field "hashkey"`},
		{"trailing data", append(keyFileJSON(t, good), []byte(`{}`)...), `trailing data`},
		{"not JSON", []byte("profile=standard"), `not valid JSON`},
		{"empty", nil, `empty or truncated JSON`},
		{"wrong type", []byte(`{"profile":"standard","keys":{"k1":12345678901234567890}}`), `field "keys" has the wrong JSON type`},
	}
	secrets := []string{k16, k32, good.HashKey, good.Keys["k1"], good.Keys["k2"], "12345678901234567890"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.data)
			_, err := Load(p)
			if err == nil {
				t.Fatal("Load accepted a bad key file")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) {
				t.Errorf("error %q does not say %q", msg, c.want)
			}
			if !strings.Contains(msg, p) {
				t.Errorf("error %q does not name the file", msg)
			}
			for _, s := range secrets {
				if strings.Contains(msg, s) {
					t.Errorf("error %q contains key material", msg)
				}
			}
			if _, err := Parse(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse: %v", err)
			}
		})
	}
	// A syntax error right inside a key must not echo the character found.
	_, err := Parse([]byte(`{"profile":"standard","keys":{"k1":"QUJD` + "\x01" + `"}}`))
	if err == nil || strings.Contains(err.Error(), "QUJD") || strings.Contains(err.Error(), "\x01") || strings.Contains(err.Error(), `\x01`) {
		t.Errorf("syntax error leaks content: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadAcceptsGood(t *testing.T) {
	for _, p := range profiles {
		k, err := Load(writeFile(t, keyFileJSON(t, fixedFile(p, "good"))))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if k.Profile() != p {
			t.Errorf("profile = %q", k.Profile())
		}
	}
}

// createAndLoad makes a key file of profile p at path and loads it again,
// as a second process would.
func createAndLoad(t *testing.T, path string, p Profile) (made, loaded *Keyring) {
	t.Helper()
	made, err := LoadOrCreate(path, p)
	if err != nil {
		t.Fatal(err)
	}
	if loaded, err = Load(path); err != nil {
		t.Fatal(err)
	}
	return made, loaded
}

func TestHashStableAcrossLoad(t *testing.T) {
	for _, p := range profiles {
		path := filepath.Join(t.TempDir(), "keys.json")
		a, b := createAndLoad(t, path, p)
		if a.Hash("id_number", "110101199003074514") != b.Hash("id_number", "110101199003074514") {
			t.Errorf("%s: Hash changed across Load", p)
		}
		s, _ := a.SealString("x", "a")
		if got, err := b.OpenString(s, "a"); err != nil || got != "x" {
			t.Errorf("%s: reloaded keyring cannot open: %v", p, err)
		}
		other, err := LoadOrCreate(filepath.Join(t.TempDir(), "keys.json"), p)
		if err != nil {
			t.Fatal(err)
		}
		if other.Hash("id_number", "110101199003074514") == a.Hash("id_number", "110101199003074514") {
			t.Errorf("%s: two installations share hashes", p)
		}
	}
}

func checkMode(t *testing.T, path string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
}

// checkNoTemps fails if a temporary file was left next to the key file.
func checkNoTemps(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestLoadOrCreateConcurrent(t *testing.T) {
	for _, p := range profiles {
		for round := 0; round < 20; round++ {
			dir := filepath.Join(t.TempDir(), "etc", "gonghui")
			path := filepath.Join(dir, "keys.json")
			const n = 8
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				rings [n]*Keyring
				errs  [n]error
			)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					rings[i], errs[i] = LoadOrCreate(path, p)
				}()
			}
			close(start)
			wg.Wait()
			var want string
			for i := 0; i < n; i++ {
				if errs[i] != nil {
					t.Fatalf("%s round %d goroutine %d: %v", p, round, i, errs[i])
				}
				h := rings[i].Hash("id_number", "110101199003074514")
				if i == 0 {
					want = h
				} else if h != want {
					t.Fatalf("%s round %d: goroutine %d has different keys", p, round, i)
				}
			}
			// Values sealed by one opened by another: same data keys too.
			s, _ := rings[3].SealString("x", "a")
			if _, err := rings[5].Open(s, "a"); err != nil {
				t.Fatalf("%s: cross open: %v", p, err)
			}
			checkMode(t, path)
			checkNoTemps(t, dir)
			if runtime.GOOS != "windows" {
				if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
					t.Errorf("key directory mode %v, %v; want 0700", fi.Mode().Perm(), err)
				}
			}
		}
	}
}

func TestLoadOrCreateProfileMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := LoadOrCreate(path, GM); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOrCreate(path, Standard)
	if err == nil || !strings.Contains(err.Error(), `has profile "gm" but "standard" was asked for`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := LoadOrCreate(path, "sm9"); err == nil || !strings.Contains(err.Error(), `unknown profile "sm9"`) {
		t.Fatalf("err = %v", err)
	}
	// A broken existing file is reported, never replaced by fresh keys.
	bad := writeFile(t, []byte(`{"profile":"gm"`))
	if _, err := LoadOrCreate(bad, GM); err == nil {
		t.Fatal("broken key file accepted")
	}
	if data, _ := os.ReadFile(bad); string(data) != `{"profile":"gm"` {
		t.Fatal("broken key file was overwritten")
	}
}

func TestRotate(t *testing.T) {
	for _, p := range profiles {
		t.Run(string(p), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "keys.json")
			k, err := LoadOrCreate(path, p)
			if err != nil {
				t.Fatal(err)
			}
			hash := k.Hash("mobile", "13800138000")
			v1, _ := k.SealString("old", "a")
			if k.NeedsRewrap(v1) {
				t.Fatal("fresh value needs rewrap")
			}
			id, err := k.Rotate(path)
			if err != nil || id != "k2" {
				t.Fatalf("Rotate = %q, %v", id, err)
			}
			v2, _ := k.SealString("new", "a")
			if !strings.HasPrefix(v2, "k2:") {
				t.Fatalf("new value %q not under k2", v2)
			}
			if !k.NeedsRewrap(v1) || k.NeedsRewrap(v2) {
				t.Fatalf("NeedsRewrap(v1)=%v NeedsRewrap(v2)=%v", k.NeedsRewrap(v1), k.NeedsRewrap(v2))
			}
			if got, err := k.OpenString(v1, "a"); err != nil || got != "old" {
				t.Fatalf("old value after rotation: %q, %v", got, err)
			}
			if k.Hash("mobile", "13800138000") != hash {
				t.Fatal("Hash changed on rotation")
			}
			checkMode(t, path)
			checkNoTemps(t, dir)

			// The file now holds both keys with k2 current.
			re, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{v1, v2} {
				if _, err := re.Open(v, "a"); err != nil {
					t.Fatalf("reloaded: %v", err)
				}
			}
			if !re.NeedsRewrap(v1) || re.NeedsRewrap(v2) || re.Hash("mobile", "13800138000") != hash {
				t.Fatal("reloaded keyring disagrees")
			}

			// A rewrap pass: open under the old key, seal under the new.
			pt, _ := k.Open(v1, "a")
			v1b, _ := k.Seal(pt, "a")
			if k.NeedsRewrap(v1b) {
				t.Fatal("rewrapped value still needs rewrap")
			}

			if id, err := k.Rotate(path); err != nil || id != "k3" {
				t.Fatalf("second Rotate = %q, %v", id, err)
			}
		})
	}
}

// TestRotateStale: a keyring loaded before another process rotated must not
// drop that rotation's key when it rotates itself.
func TestRotateStale(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	a, err := LoadOrCreate(path, GM)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Load(path)
	if id, err := a.Rotate(path); err != nil || id != "k2" {
		t.Fatalf("a.Rotate = %q, %v", id, err)
	}
	fromA, _ := a.SealString("from a", "x")
	if id, err := b.Rotate(path); err != nil || id != "k3" {
		t.Fatalf("b.Rotate = %q, %v", id, err)
	}
	// b adopted k2 from disk while rotating.
	if got, err := b.OpenString(fromA, "x"); err != nil || got != "from a" {
		t.Fatalf("b cannot open a's k2 value: %v", err)
	}
	re, _ := Load(path)
	if got := keyIDs(re); got != "k1,k2,k3" {
		t.Fatalf("file keys = %s", got)
	}
}

func keyIDs(k *Keyring) string {
	var ids []string
	for id := range k.state.Load().keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func TestRotateConcurrent(t *testing.T) {
	// Eight "processes" (separate keyrings) rotate the same file at once;
	// the lock plus merge must keep all eight new keys.
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := LoadOrCreate(path, Standard); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	rings := make([]*Keyring, n)
	for i := range rings {
		rings[i], _ = Load(path)
	}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = rings[i].Rotate(path)
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[ids[i]] {
			t.Fatalf("id %s handed out twice", ids[i])
		}
		seen[ids[i]] = true
	}
	re, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(re.state.Load().keys); got != n+1 {
		t.Fatalf("file has %d keys (%s), want %d", got, keyIDs(re), n+1)
	}
	// Every rotator's values open with the final file.
	for i, r := range rings {
		s, _ := r.SealString(fmt.Sprint(i), "a")
		if _, err := re.Open(s, "a"); err != nil {
			t.Fatalf("ring %d value: %v", i, err)
		}
	}
}

func TestRotateRefusesForeignFile(t *testing.T) {
	dir := t.TempDir()
	mine, _ := LoadOrCreate(filepath.Join(dir, "mine.json"), Standard)
	other := filepath.Join(dir, "other.json")
	if _, err := LoadOrCreate(other, Standard); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(other)
	if _, err := mine.Rotate(other); err == nil || !strings.Contains(err.Error(), "another installation") {
		t.Fatalf("err = %v", err)
	}
	gm := filepath.Join(dir, "gm.json")
	if _, err := LoadOrCreate(gm, GM); err != nil {
		t.Fatal(err)
	}
	if _, err := mine.Rotate(gm); err == nil || !strings.Contains(err.Error(), `profile "gm"`) {
		t.Fatalf("err = %v", err)
	}
	if after, _ := os.ReadFile(other); string(after) != string(before) {
		t.Fatal("foreign key file was modified")
	}
	// A failed Rotate leaves the keyring as it was.
	s, _ := mine.SealString("x", "a")
	if !strings.HasPrefix(s, "k1:") {
		t.Fatalf("current key changed after failed Rotate: %s", s)
	}
}

func TestRotateFromParse(t *testing.T) {
	// Keys given by environment can be written to a new file by Rotate.
	k, err := Parse(keyFileJSON(t, fixedFile(GM, "env")))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "new", "keys.json")
	if id, err := k.Rotate(path); err != nil || id != "k3" {
		t.Fatalf("Rotate = %q, %v", id, err)
	}
	re, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if keyIDs(re) != "k1,k2,k3" || re.Hash("a", "b") != k.Hash("a", "b") {
		t.Fatalf("written file: %s", keyIDs(re))
	}
	checkMode(t, path)
}
