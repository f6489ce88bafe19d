package pii

import (
	"bytes"
	"path/filepath"
	"testing"
)

// A derived key depends on the label and the installation, and survives the
// rotation of data keys and a reload of the file.
func TestDeriveKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.key")
	k, err := LoadOrCreate(path, Standard)
	if err != nil {
		t.Fatal(err)
	}
	a := k.DeriveKey("audit-chain")
	if len(a) != 32 || bytes.Equal(a, k.DeriveKey("other")) || bytes.Equal(a, k.hashKey) {
		t.Fatal("derived keys are not separated by label")
	}
	if _, err := k.Rotate(path); err != nil {
		t.Fatal(err)
	}
	again, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, k.DeriveKey("audit-chain")) || !bytes.Equal(a, again.DeriveKey("audit-chain")) {
		t.Fatal("the derived key changed with a rotation")
	}
	other, err := LoadOrCreate(filepath.Join(t.TempDir(), "k.key"), Standard)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, other.DeriveKey("audit-chain")) {
		t.Fatal("two installations derive the same key")
	}
	gm, err := LoadOrCreate(filepath.Join(t.TempDir(), "gm.key"), GM)
	if err != nil {
		t.Fatal(err)
	}
	if len(gm.DeriveKey("audit-chain")) != 32 || gm.MACHash()().Size() != 32 {
		t.Fatal("SM3 derived key")
	}
}
