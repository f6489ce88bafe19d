package report

import (
	"context"

	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
)

// ActiveMembers is the number of active members in the subtree of o, an
// organisation the caller has already been allowed to read, from the
// rollups (one row, as of their last catch-up): the figure an
// organisation's page shows beside its other counts.
func (r *Reporter) ActiveMembers(ctx context.Context, o *org.Org) (int64, error) {
	active := member.StatStatus(member.StatusActive)
	figs, err := r.Stats.ReadTotals(ctx, []int64{o.ID}, []string{active}, nil, "", "")
	if err != nil {
		return 0, errs.Internal(err, "report: active members")
	}
	return figs[o.ID].Levels[active], nil
}
