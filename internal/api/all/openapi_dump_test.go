package all

import (
	"os"
	"testing"
)

// TestWriteOpenAPI writes the served document to $OPENAPI_OUT, for
// scripts/openapi-lint.sh; without it, it does nothing.
func TestWriteOpenAPI(t *testing.T) {
	if p := os.Getenv("OPENAPI_OUT"); p != "" {
		if err := os.WriteFile(p, builtDoc(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
