package admin

import (
	"embed"

	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct{ *web.Kernel }

// New returns the module's pages.
func New(k *web.Kernel) *Pages { return &Pages{Kernel: k} }
