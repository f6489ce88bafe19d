package web

import (
	"context"
	"log/slog"

	"gonghui/internal/auth"
)

// inboxBadge counts what waits for p (internal/inbox), once per page: the
// badge of the home link. A failure only hides the badge; the page itself
// still answers.
func (h *Kernel) inboxBadge(ctx context.Context, p *auth.Principal) int {
	n, err := h.Inbox.Total(ctx, p)
	if err != nil {
		slog.WarnContext(ctx, "inbox: badge", "err", err)
		return 0
	}
	return n
}
