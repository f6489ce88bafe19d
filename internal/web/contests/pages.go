// Package contests serves the staff pages of knowledge contests: for now
// the question banks (internal/contest/bank) and their questions, with the
// import and export of banks as spreadsheets.
package contests

import (
	"embed"

	"gonghui/internal/contest/bank"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Banks *bank.Store // nil: no question banks (the pages are not served)
}

// New returns the module's pages.
func New(k *web.Kernel, banks *bank.Store) *Pages { return &Pages{Kernel: k, Banks: banks} }
