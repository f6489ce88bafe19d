package e2e

import "testing"

// skipShort skips a test under -short; why says what makes it long.
func skipShort(t *testing.T, why string) {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
}
