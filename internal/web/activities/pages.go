package activities

import (
	"embed"

	"gonghui/internal/activity"
	"gonghui/internal/web"
)

//go:embed templates
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Acts *activity.Store // nil: no activities (the pages are not served)
}

// New returns the module's pages.
func New(k *web.Kernel, acts *activity.Store) *Pages { return &Pages{Kernel: k, Acts: acts} }
