// Package contests serves the pages of knowledge contests: the question
// banks (internal/contest/bank) and their questions, with the import and
// export of banks as spreadsheets; contests for staff; papers taken on the
// members' phones.
package contests

import (
	"embed"

	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Banks    *bank.Store    // nil: no question banks (the pages are not served)
	Contests *contest.Store // nil: no contests (their pages are not served)
}

// New returns the module's pages.
func New(k *web.Kernel, banks *bank.Store, contests *contest.Store) *Pages {
	return &Pages{Kernel: k, Banks: banks, Contests: contests}
}
