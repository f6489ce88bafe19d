package member

import (
	"context"
	"io"

	"gonghui/internal/auth"
)

// ExportMasked is package exports' masked export, which member's tests of
// what a masked view hides check too. Exports imports member, so member's
// own tests cannot call it; the external test file sets it.
var ExportMasked func(ctx context.Context, s *Store, pr *auth.Principal, q Query, tr Translate, out io.Writer) (int, error)
