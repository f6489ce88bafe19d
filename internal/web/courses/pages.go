package courses

import (
	"embed"

	"gonghui/internal/course"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Courses *course.Store // nil: no courses (the pages are not served)
}

// New returns the module's pages.
func New(k *web.Kernel, courses *course.Store) *Pages { return &Pages{Kernel: k, Courses: courses} }
