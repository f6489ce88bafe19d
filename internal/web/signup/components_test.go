package signup_test

import (
	"testing"

	"gonghui/internal/web"
	_ "gonghui/internal/web/activities"
	_ "gonghui/internal/web/courses"
)

// TestComponentsParse: the part's components parse, and escape, with the
// templates of the modules that call them (without a database, unlike the
// site's tests).
func TestComponentsParse(t *testing.T) {
	if _, err := web.NewRenderer(); err != nil {
		t.Fatal(err)
	}
}
