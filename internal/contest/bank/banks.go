package bank

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
)

// BankQuery filters the banks a caller may use.
type BankQuery struct {
	Q      string // name substring
	Org    int64  // only the banks of this organisation's subtree (0: all the caller may use)
	Sort   string // one of BankSorts' keys; "" most recently changed first
	After  string
	Offset int
	Limit  int
}

// BankSorts are the orders of the banks' list.
var BankSorts = &listing.Sorts[Bank]{List: "question_bank", ID: "b.id", IDOf: func(b *Bank) int64 { return b.ID },
	Default: "-updated", Keys: []listing.Key[Bank]{
		{Name: "updated", Expr: "b.updated_at", Desc: true, Of: func(b *Bank) any { return scope.Millis(b.UpdatedAt) }},
		{Name: "name", Expr: "b.name", Of: func(b *Bank) any { return b.Name }},
		{Name: "questions", Expr: "b.questions", Desc: true, Of: func(b *Bank) any { return int64(b.Questions) }},
	}}

func (s *Store) bankFilter(ctx context.Context, pr *auth.Principal, bq BankQuery) listing.Filter {
	return func() ([]string, []any, error) {
		if pr == nil {
			return nil, nil, scope.NilPrincipal("question_bank")
		}
		where, args, ok := rule.ReachSQL(pr, "b.org_path")
		if !ok {
			return nil, nil, nil
		}
		conds := []string{where}
		if bq.Org != 0 {
			var path string
			err := s.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", bq.Org).Scan(&path)
			if err != nil || !rule.CanReach(pr, path) {
				f := errs.Fields{}
				f.Add("org", "field.invalid_id")
				return nil, nil, f.Err()
			}
			in, a := scope.SQL("b.org_path", []string{path})
			conds, args = append(conds, in), append(args, a...)
		}
		if bq.Q != "" {
			conds, args = append(conds, s.DB.ContainsFold("b.name")), append(args, s.DB.ContainsFoldArg(bq.Q))
		}
		return conds, args, nil
	}
}

// Banks lists the banks the caller may use: those of their subtrees and
// those of the organisations above them, in bq's order.
func (s *Store) Banks(ctx context.Context, pr *auth.Principal, bq BankQuery) ([]Bank, string, error) {
	return BankSorts.Read(bq.Sort, listing.Page{After: bq.After, Offset: bq.Offset, Limit: bq.Limit}, s.bankFilter(ctx, pr, bq),
		func(clause string, args []any) ([]Bank, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+bankCols+bankFrom+clause, args...)
			if err != nil {
				return nil, errs.Internal(err, "bank: list")
			}
			defer rows.Close()
			out := []Bank{}
			for rows.Next() {
				b, err := scanBank(pr, rows)
				if err != nil {
					return nil, errs.Internal(err, "bank: list")
				}
				out = append(out, b)
			}
			return out, rows.Err()
		})
}

// CountBanks is the total of bq's filter.
func (s *Store) CountBanks(ctx context.Context, pr *auth.Principal, bq BankQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM question_banks b", s.bankFilter(ctx, pr, bq))
}
