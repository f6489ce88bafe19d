package member_test

import (
	"context"
	"io"

	"gonghui/internal/auth"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
)

func init() {
	member.ExportMasked = func(ctx context.Context, s *member.Store, pr *auth.Principal, q member.Query, tr member.Translate, out io.Writer) (int, error) {
		return exports.Export(ctx, s, pr, q, exports.ExportOptions{}, tr, out)
	}
}
