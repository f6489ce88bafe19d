package web

import (
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// moduleFiles are the templates/ and static/ folders of the page packages,
// registered by each package's init (AddFiles) before the kernel starts.
var (
	moduleFilesMu sync.Mutex
	moduleFiles   []fs.FS
)

// AddFiles registers a page package's embedded files: templates/*.html
// (parsed with the layout and components) and static/* (served under
// /static/ with content hashes). Names must be unique across packages.
func AddFiles(fsys fs.FS) {
	moduleFilesMu.Lock()
	defer moduleFilesMu.Unlock()
	moduleFiles = append(moduleFiles, fsys)
}

// siteFiles is the kernel's own files and every registered package's, as
// one tree.
func siteFiles() fs.FS {
	moduleFilesMu.Lock()
	defer moduleFilesMu.Unlock()
	return unionFS(append([]fs.FS{templateFS, staticFS}, moduleFiles...))
}

// unionFS overlays several trees; a folder lists the entries of all.
type unionFS []fs.FS

func (u unionFS) Open(name string) (fs.File, error) {
	for _, f := range u {
		if file, err := f.Open(name); err == nil {
			return file, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (u unionFS) ReadDir(name string) ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	found := false
	for _, f := range u {
		es, err := fs.ReadDir(f, name)
		if err != nil {
			continue
		}
		found = true
		out = append(out, es...)
	}
	if !found {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for i := 1; i < len(out); i++ {
		if out[i].Name() == out[i-1].Name() && !out[i].IsDir() {
			return nil, &fs.PathError{Op: "readdir", Path: name + "/" + out[i].Name(), Err: fs.ErrExist}
		}
	}
	return slices.CompactFunc(out, func(a, b fs.DirEntry) bool { return a.Name() == b.Name() }), nil
}
