package member

import (
	"context"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
)

// TransferQuery filters ListTransfers.
type TransferQuery struct {
	Status    TransferStatus
	Direction string // "in", "out" or "" for both
	Member    int64
	Sort      string // one of TransferSorts' keys, "-" first for descending; "" newest first
	After     string
	Offset    int // rows to skip (page numbers), at most listing.Cap
	Limit     int
}

// TransferSorts are the orders of the transfer list. The time of request
// is the id's order (IDs sort by the time they were made, internal/db):
// the path indexes (path, id) serve the default order.
var TransferSorts = &listing.Sorts[Transfer]{List: "transfer", ID: "t.id", IDOf: func(t *Transfer) int64 { return t.ID },
	Default: "-requested", Keys: []listing.Key[Transfer]{
		{Name: "requested", Expr: "t.id", Desc: true, Of: func(t *Transfer) any { return t.ID }},
		{Name: "member", Expr: "m.name", Of: func(t *Transfer) any { return t.MemberName }},
		{Name: "from", Expr: "fo.name", Of: func(t *Transfer) any { return t.FromOrgName }},
		{Name: "to", Expr: "tgo.name", Of: func(t *Transfer) any { return t.ToOrgName }},
	}}

// transferWhere is the filter of q within the caller's subtrees, on
// either side (or the one the direction names); none when the caller has
// no subtree.
func transferWhere(pr *auth.Principal, q TransferQuery) ([]string, []any, error) {
	paths, err := rule.Paths(pr)
	if err != nil || len(paths) == 0 {
		return nil, nil, err
	}
	f := errs.Fields{}
	switch q.Status {
	case "", TransferRequested, TransferReleased, TransferAccepted, TransferRejected, TransferCancelled:
	default:
		f.Add("status", "field.invalid_choice")
	}
	f.Check(q.Direction == "" || q.Direction == "in" || q.Direction == "out", "direction", "field.invalid_choice")
	if err := f.Err(); err != nil {
		return nil, nil, err
	}
	var sides []string
	var args []any
	for _, col := range []string{"t.from_path", "t.to_path"} {
		if (q.Direction == "in" && col == "t.from_path") || (q.Direction == "out" && col == "t.to_path") {
			continue
		}
		ranges, a := scope.Ranges(col, paths)
		sides, args = append(sides, ranges...), append(args, a...)
	}
	where := []string{"(" + strings.Join(sides, " OR ") + ")"}
	if q.Status != "" {
		where = append(where, "t.status = ?")
		args = append(args, string(q.Status))
	}
	if q.Member != 0 {
		where = append(where, "t.member_id = ?")
		args = append(args, q.Member)
	}
	return where, args, nil
}

// ListTransfers returns the transfers in or out of the caller's subtrees,
// in q's order (newest first by default).
func (s *Store) ListTransfers(ctx context.Context, pr *auth.Principal, q TransferQuery) ([]Transfer, string, error) {
	return TransferSorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, func() ([]string, []any, error) { return transferWhere(pr, q) },
		func(clause string, args []any) ([]Transfer, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+transferCols+transferFrom+clause, args...)
			return ScanAll(rows, err, []Transfer(nil), "member: list transfers", func(r RowScanner) (Transfer, error) { return s.scanTransfer(r, pr) })
		})
}

// CountTransfers is the total of q's filter (its order and page ignored),
// counted up to listing.Cap.
func (s *Store) CountTransfers(ctx context.Context, pr *auth.Principal, q TransferQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, s.countCap, "FROM transfers t", func() ([]string, []any, error) { return transferWhere(pr, q) })
}
