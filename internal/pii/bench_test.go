package pii

import (
	"strconv"
	"strings"
	"testing"
)

// Benchmarks use crypto/rand nonces (Parse, not fixedKeyring), as in
// production. 18 bytes is a resident ID number; 4 KiB shows bulk throughput.
func BenchmarkSeal(b *testing.B) {
	benchBySize(b, func(b *testing.B, k *Keyring, pt []byte) func() error {
		return func() error { _, err := k.Seal(pt, "member.id_number"); return err }
	})
}

func BenchmarkOpen(b *testing.B) {
	benchBySize(b, func(b *testing.B, k *Keyring, pt []byte) func() error {
		s, err := k.Seal(pt, "member.id_number")
		if err != nil {
			b.Fatal(err)
		}
		return func() error { _, err := k.Open(s, "member.id_number"); return err }
	})
}

// benchBySize times the operation mk makes for a keyring of each profile
// and a plaintext of each size, one sub-benchmark each.
func benchBySize(b *testing.B, mk func(b *testing.B, k *Keyring, pt []byte) func() error) {
	for _, p := range profiles {
		k, err := Parse(keyFileJSON(b, fixedFile(p, "bench")))
		if err != nil {
			b.Fatal(err)
		}
		for _, size := range []int{18, 4096} {
			op := mk(b, k, []byte(strings.Repeat("1", size)))
			b.Run(string(p)+"/"+sizeName(size), func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					if err := op(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkHash(b *testing.B) {
	for _, p := range profiles {
		k, err := Parse(keyFileJSON(b, fixedFile(p, "bench")))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(p), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k.Hash("id_number", "110101199003074514")
			}
		})
	}
}

func sizeName(n int) string {
	if n >= 1024 {
		return strconv.Itoa(n/1024) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
