package member

import (
	"context"
	"strings"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Consent to the processing of personal data (PIPL art. 13–14) is recorded
// on every path by which a person enters the registry: the online joining
// form (the applicant ticks it), on site (staff confirm they collected it)
// and imports (the importer confirms it was collected for the whole file).
// Each record says who collected it, when, for which purposes and under
// which version of the notice.

// Paths by which consent was given.
const (
	ConsentOnline = "online" // the applicant, on the joining form
	ConsentOnSite = "onsite" // collected by staff, entering the member
	ConsentImport = "import" // collected by the union for a roster file
)

// ConsentPurposes are what a person agrees to on joining, in the order the
// notice names them; the consent text names all of them, so a record always
// carries all of them.
var ConsentPurposes = []string{"membership", "services", "statistics"}

// Collected is what staff confirm when they enter people: that consent was
// collected, by whom. The web and API layers put it in the context of a
// Create or Import (WithConsent); the store writes one consents row per
// member in the same transaction as the member.
type Collected struct {
	CollectorID int64  // the staff account confirming
	Collector   string // its name, kept should the account go
	BatchRef    string // an import: the file's name and hash
}

type consentKey struct{}

// WithConsent marks ctx: staff confirmed consent was collected for the
// people entered under it.
func WithConsent(ctx context.Context, c Collected) context.Context {
	return context.WithValue(ctx, consentKey{}, c)
}

func collectedFrom(ctx context.Context) (Collected, bool) {
	c, ok := ctx.Value(consentKey{}).(Collected)
	return c, ok
}

// ErrConsentNotConfirmed is the answer of a form or request entering people
// without confirming consent was collected.
func ErrConsentNotConfirmed() error {
	return fieldErr("consent", "rights.consent.required")
}

// consentRow is one row of consents.
type consentRow struct {
	memberID, appID int64
	path, orgPath   string
	c               Collected
	at              int64
}

func consentValues(r consentRow) []any {
	return []any{db.NewID(), nullID(r.memberID), nullID(r.appID), r.path, r.orgPath, nullID(r.c.CollectorID), r.c.Collector, r.at,
		strings.Join(ConsentPurposes, ","), ConsentVersion, r.c.BatchRef}
}

const consentInsert = "consents (id, member_id, application_id, path, org_path, collector_id, collector, at, purposes, text_version, batch_ref)"

func recordConsents(ctx context.Context, tx *db.Tx, rows []consentRow) error {
	var flat []any
	for _, r := range rows {
		flat = append(flat, consentValues(r)...)
	}
	if err := tx.InsertRows(ctx, consentInsert, 11, flat); err != nil {
		return errs.Internal(err, "member: record consent")
	}
	return nil
}

// staffConsent records, for members entered on site or imported under a
// context marked by WithConsent, the consent staff confirmed; nothing when
// the context carries none (the generator, tests of other things).
func (s *Store) staffConsent(ctx context.Context, tx *db.Tx, path string, members ...entered) error {
	c, ok := collectedFrom(ctx)
	if !ok || len(members) == 0 {
		return nil
	}
	at := scope.Millis(s.now())
	rows := make([]consentRow, 0, len(members))
	for _, m := range members {
		rows = append(rows, consentRow{memberID: m.id, path: path, orgPath: m.orgPath, c: c, at: at})
	}
	return recordConsents(ctx, tx, rows)
}

// entered is a member just written, with the union path it was written to.
type entered struct {
	id      int64
	orgPath string
}
