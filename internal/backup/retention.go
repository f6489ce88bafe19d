package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// List returns the complete backups gonghui made in dir, oldest first: the
// directories named gonghui-… holding a manifest of this format. Anything
// else there (a backup still being written, an operator's files) is not
// listed, so retention never touches it.
func List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("backups in %s: %w", dir, err)
	}
	type found struct {
		path string
		m    *Manifest
	}
	var list []found
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), Prefix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(filepath.Join(p, ManifestFile))
		if err != nil {
			continue
		}
		m, err := parseManifest(data)
		if err != nil {
			continue
		}
		list = append(list, found{p, m})
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].m.CreatedAt.Equal(list[j].m.CreatedAt) {
			return list[i].m.CreatedAt.Before(list[j].m.CreatedAt)
		}
		return list[i].path < list[j].path
	})
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = f.path
	}
	return out, nil
}

// Prune deletes the oldest complete backups in dir beyond the newest keep,
// and returns what it deleted.
func Prune(dir string, keep int) ([]string, error) {
	if keep < 1 {
		return nil, errors.New("backup: keep at least one backup")
	}
	list, err := List(dir)
	if err != nil || len(list) <= keep {
		return nil, err
	}
	var removed []string
	for _, p := range list[:len(list)-keep] {
		if err := os.RemoveAll(p); err != nil {
			return removed, fmt.Errorf("backup: remove %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}
