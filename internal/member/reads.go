package member

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// ExportPolicy bounds what one account may take out of the registry.
type ExportPolicy struct {
	// ApprovalRows: an export of full numbers with more rows than this
	// needs a second person's approval.
	ApprovalRows int
	// PerHour: full-number exports one account may start in a clock hour.
	PerHour int
	// TTL: how long an approved export may be downloaded.
	TTL time.Duration
	// MassRead: members read by one account in a clock hour (reveals and
	// exported rows) above which an alert is raised.
	MassRead int
}

// DefaultExportPolicy is the policy of a new store.
var DefaultExportPolicy = ExportPolicy{ApprovalRows: 50, PerHour: 10, TTL: 24 * time.Hour, MassRead: 2000}

// MassReadAlerts counts the accounts that crossed the mass-read threshold
// (once per account and hour); the app registers it on /metrics.
var MassReadAlerts = prometheus.NewCounter(prometheus.CounterOpts{
	Name: "gonghui_member_mass_read_alerts_total",
	Help: "Accounts that read more members in an hour than the mass-read threshold (reveals and exported rows).",
})

func hourOf(t time.Time) int64 { return t.Unix() / 3600 }

// NoteReads counts n members read by pr in this hour and raises the
// mass-read alert when the count crosses the threshold. The upsert returns
// the new total, so of two processes counting at once exactly one sees the
// crossing. A failure to count is logged, never shown to the reader.
func (s *Store) NoteReads(ctx context.Context, pr *auth.Principal, n int) {
	if pr == nil || n <= 0 {
		return
	}
	var total int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO account_reads (user_id, hour, reads) VALUES (?, ?, ?)
		ON CONFLICT (user_id, hour) DO UPDATE SET reads = account_reads.reads + excluded.reads RETURNING reads`,
			pr.UserID, hourOf(s.now()), n).Scan(&total)
	})
	if err != nil {
		slog.Error("member: count reads", "err", err)
		return
	}
	limit := int64(s.Policy.MassRead)
	if limit > 0 && total > limit && total-int64(n) <= limit {
		MassReadAlerts.Inc()
		slog.Warn("mass read: one account read more members in an hour than the threshold",
			"alert", "member.mass_read", "user_id", db.FormatID(pr.UserID), "user", pr.Username, "reads", total, "threshold", limit)
	}
}

// TakeExportSlot counts one full-number export of pr in this hour inside
// tx, refusing it beyond the policy's PerHour: the one upsert both counts
// and reports, so concurrent requests cannot all pass a read-then-write.
func (s *Store) TakeExportSlot(ctx context.Context, tx *db.Tx, pr *auth.Principal) error {
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO account_reads (user_id, hour, full_exports) VALUES (?, ?, 1)
		ON CONFLICT (user_id, hour) DO UPDATE SET full_exports = account_reads.full_exports + 1 RETURNING full_exports`,
		pr.UserID, hourOf(s.now())).Scan(&n)
	if err != nil {
		return errs.Internal(err, "member: export quota")
	}
	if s.Policy.PerHour > 0 && n > s.Policy.PerHour {
		return &errs.Error{Kind: errs.KindTooMany, Code: "export_rate_limited", Key: "exp.rate_limited", Args: []any{s.Policy.PerHour}}
	}
	return nil
}

// With returns the policy with the given limits, each where it is above
// zero (a command that does not read the flags keeps the defaults).
func (p ExportPolicy) With(approvalRows, perHour, massRead int) ExportPolicy {
	if approvalRows > 0 {
		p.ApprovalRows = approvalRows
	}
	if perHour > 0 {
		p.PerHour = perHour
	}
	if massRead > 0 {
		p.MassRead = massRead
	}
	return p
}

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// SetClock replaces the store's clock (tests of what expires).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// CountRows counts the members matching q that pr may read, stopping at
// max (0: no limit): what an export of q would hold.
func (s *Store) CountRows(ctx context.Context, pr *auth.Principal, q Query, max int) (int, error) {
	paths, err := rule.Paths(pr)
	if err != nil {
		return 0, err
	}
	pl, err := s.plan(ctx, pr, q, paths)
	if err != nil || pl == nil {
		return 0, err
	}
	n, after := 0, ""
	for {
		rows, next, err := s.page(ctx, s.DB, pl, after, 1000) // decides an export's approval: the primary
		if err != nil {
			return 0, err
		}
		n += len(rows)
		if next == "" || (max > 0 && n >= max) {
			return n, nil
		}
		after = next
	}
}

// ReadableUnion is the union id, if pr may read members there; else the
// field error of an invalid id under field.
func (s *Store) ReadableUnion(ctx context.Context, pr *auth.Principal, id int64, field string) (*Union, error) {
	u, err := loadUnion(ctx, s.DB, id)
	if err != nil || !rule.CanRead(pr, u.Path) {
		return nil, fieldErr(field, "field.invalid_id")
	}
	return u, nil
}

// SearchKind names what a search is for ("name", "initials", "id_number",
// "mobile") without the number searched, for audit records and pages.
func SearchKind(q string) string {
	if kind, ok := IsNumberToken(q); ok {
		return kind
	}
	return map[queryKind]string{queryName: "name", queryInitials: "initials", queryIDNumber: "id_number", queryMobile: "mobile"}[classify(q)]
}
