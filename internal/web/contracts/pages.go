// Package contracts serves the staff pages of collective contracts (集体
// 合同): the list with its search, filters, totals and coverage, and its
// .xlsx export; the form of a draft; a contract's page with its history,
// its renewal chain and the forms of what may be done now (submit, record
// an objection, renew, upload the text); and a printable summary. The
// store is internal/contract; it scopes everything.
package contracts

import (
	"embed"
	"net/http"

	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Contracts *contract.Store // nil: the pages are not served
}

// New returns the module's pages.
func New(k *web.Kernel, s *contract.Store) *Pages { return &Pages{Kernel: k, Contracts: s} }

// uploadLimit bounds the body of the upload form.
const uploadLimit = contract.MaxFileBytes + 1<<20

// Routes registers the staff pages (through h.Authed, which checks the
// form token of every POST).
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Contracts == nil {
		return
	}
	a := h.Authed
	mux.HandleFunc("GET /contracts", a(h.list))
	mux.HandleFunc("GET /contracts/export.xlsx", a(h.export))
	mux.HandleFunc("GET /contracts/new", a(h.newForm))
	mux.HandleFunc("GET /contracts/pick/employers", a(h.pickEmployers))
	mux.HandleFunc("POST /contracts/new", a(h.create))
	mux.HandleFunc("GET /contracts/{id}", a(h.show))
	mux.HandleFunc("GET /contracts/{id}/edit", a(h.editForm))
	mux.HandleFunc("POST /contracts/{id}/edit", a(h.update))
	mux.HandleFunc("GET /contracts/{id}/print", a(h.print))
	mux.HandleFunc("GET /contracts/{id}/file", a(h.file))
	// The body limit comes first: the wrapper reads the form to check its token.
	mux.Handle("POST /contracts/{id}/file", http.MaxBytesHandler(a(h.upload), uploadLimit))
	mux.HandleFunc("POST /contracts/{id}/{action}", a(h.act))
}

func contractURL(id int64) string { return "/contracts/" + db.FormatID(id) }

func statusLabel(lang i18n.Lang, s contract.Status) string {
	return i18n.T(lang, "contract.status."+string(s))
}

func statusVariant(s contract.Status) string {
	switch s {
	case contract.StatusDraft:
		return "outline"
	case contract.StatusReview:
		return "warning"
	case contract.StatusUpcoming:
		return "info"
	case contract.StatusInForce:
		return "success"
	case contract.StatusSuperseded:
		return "accent"
	}
	return "danger"
}

func kindLabel(lang i18n.Lang, k contract.Kind) string {
	return i18n.T(lang, "contract.kind."+string(k))
}

func coverageLabel(lang i18n.Lang, c contract.Coverage) string {
	return i18n.T(lang, "contract.coverage."+string(c))
}

// row is a contract in a list, at the top of its page and on its summary.
type row struct {
	URL, Link, Title, OrgName, Kind, Coverage string
	Term, Signed, Effective, ReviewEnds       string
	StatusLabel, StatusV                      string
	Expiring                                  bool
	Workers, Employers                        int
	Wage, MinWage                             string
	UnionRep, EmployerRep                     string
}

func rowOf(lang i18n.Lang, c *contract.Contract) row {
	v := row{URL: contractURL(c.ID), Title: c.Title, OrgName: c.OrgName, Kind: kindLabel(lang, c.Kind), Coverage: coverageLabel(lang, c.Coverage),
		Term: c.StartsOn + " – " + c.EndsOn, Signed: c.SignedOn, Effective: c.EffectiveOn, ReviewEnds: c.ReviewEndsOn,
		StatusLabel: statusLabel(lang, c.Status), StatusV: statusVariant(c.Status), Expiring: c.Expiring, Workers: c.Workers,
		Employers: len(c.Employers), UnionRep: c.UnionRep, EmployerRep: c.EmployerRep}
	v.Link = v.URL
	if c.WageIncrease != 0 {
		v.Wage = contract.FormatHundredths(int64(c.WageIncrease)) + "%"
	}
	if c.MinWage != 0 {
		v.MinWage = i18n.T(lang, "contract.yuan", contract.FormatHundredths(c.MinWage))
	}
	return v
}
