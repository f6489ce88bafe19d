// Package inbox is every staff account's to-do list: what waits for this
// person's decision in the subtrees where they may decide it, grouped by
// kind, with counts and the oldest items first. Each module adds its kinds
// through Source (join applications, transfers, corrections, export
// approvals, activity registrations today; cases, claims, nominations and
// reviews when they land); the app wires them into one Registry, which the
// workbench, the navigation badge and GET /api/v1/inbox read.
//
// A kind counts only where the principal holds its permission (the paths
// handed to Count and Oldest are those of Kind.Perm, from internal/scope's
// view of the principal), so an officer of one street never sees another
// street's items, and a leader sees exactly the kinds that need their
// sign-off.
package inbox

import (
	"context"
	"time"

	"gonghui/internal/auth"
)

// Kind describes one kind of waiting item.
type Kind struct {
	Key   string    // "join_application": stable, in the API
	Title string    // message key of the group's heading
	Perm  auth.Perm // what deciding one needs; counted only where held
	List  string    // the staff page listing what waits, filtered to it
}

// Item is one waiting thing, as the workbench and the API show it.
type Item struct {
	Kind    string    `json:"kind"`
	ID      string    `json:"id"`
	Title   string    `json:"title"`    // in words: a name, a member and an activity
	OrgName string    `json:"org_name"` // the organisation it waits in
	Since   time.Time `json:"since"`    // when it started waiting
	Link    string    `json:"link"`     // its page, where it is decided
}

// Source is a module's kind of waiting item. paths are the subtrees where
// the principal holds the kind's permission, never empty; a source keeps
// its query inside them (scope.SQL) and may narrow further by principal
// (nobody approves their own export).
type Source interface {
	Kind() Kind
	Count(ctx context.Context, p *auth.Principal, paths []string) (int, error)
	Oldest(ctx context.Context, p *auth.Principal, paths []string, limit int) ([]Item, error)
}

// Group is one kind with what waits of it.
type Group struct {
	Kind
	Count int
	Items []Item // the oldest, up to the limit asked for
}

// Registry is the list of sources the app wires, one line per module.
type Registry struct {
	sources []Source
	members []MemberSource // the members' portal (member.go)
}

// New returns a registry of sources, in the order the workbench shows them.
func New(sources ...Source) *Registry { return &Registry{sources: sources} }

// paths is where p may decide items of k; none means the kind is not p's.
func paths(p *auth.Principal, k Kind) []string {
	if p == nil || p.Kind == auth.KindMember {
		return nil
	}
	return p.Paths(k.Perm)
}

// Total counts everything waiting for p: the navigation's badge. A nil
// registry (no module wired) counts nothing.
func (r *Registry) Total(ctx context.Context, p *auth.Principal) (int, error) {
	if r == nil {
		return 0, nil
	}
	total := 0
	for _, s := range r.sources {
		ps := paths(p, s.Kind())
		if len(ps) == 0 {
			continue
		}
		n, err := s.Count(ctx, p, ps)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// Groups returns the kinds with something waiting for p, each with its
// count and up to limit of its oldest items.
func (r *Registry) Groups(ctx context.Context, p *auth.Principal, limit int) ([]Group, error) {
	out := []Group{}
	if r == nil {
		return out, nil
	}
	for _, s := range r.sources {
		k := s.Kind()
		ps := paths(p, k)
		if len(ps) == 0 {
			continue
		}
		n, err := s.Count(ctx, p, ps)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		g := Group{Kind: k, Count: n, Items: []Item{}}
		if limit > 0 {
			if g.Items, err = s.Oldest(ctx, p, ps, limit); err != nil {
				return nil, err
			}
		}
		out = append(out, g)
	}
	return out, nil
}
