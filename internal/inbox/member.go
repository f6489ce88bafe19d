package inbox

import (
	"context"
	"slices"
	"time"
)

// The members' portal has its own inbox: replies and results for one
// worker (their application's result, their correction answered, their
// transfer done). What activities and courses tell members stays in
// internal/notice (with its SMS and unread count); the portal shows both.

// MemberItem is one thing for a member: what it is about, where it stands.
type MemberItem struct {
	Kind  string // "application", "correction", "transfer"
	State string // "pending", "approved", "rejected" (see the inbox.member.* messages)
	// What it is about: a message key (a field's label), or words (a
	// union's name) when SubjectKey is empty.
	SubjectKey, Subject string
	Reason              string // a refusal's reason, in the staff's words
	At                  time.Time
	Link                string
}

// Open reports whether the item still waits on someone else.
func (it MemberItem) Open() bool { return it.State == "pending" }

// MemberSource is a module's kind of things for a member: those still
// open, and those settled since since.
type MemberSource interface {
	ForMember(ctx context.Context, memberID int64, since time.Time) ([]MemberItem, error)
}

// WithMembers adds the sources of the members' portal.
func (r *Registry) WithMembers(ms ...MemberSource) *Registry {
	r.members = append(r.members, ms...)
	return r
}

// ForMember returns what is for a member: open things first, then the
// latest settled ones, newest first.
func (r *Registry) ForMember(ctx context.Context, memberID int64, since time.Time) ([]MemberItem, error) {
	out := []MemberItem{}
	if r == nil {
		return out, nil
	}
	for _, s := range r.members {
		items, err := s.ForMember(ctx, memberID, since)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	slices.SortStableFunc(out, func(a, b MemberItem) int {
		if a.Open() != b.Open() {
			if a.Open() {
				return -1
			}
			return 1
		}
		return b.At.Compare(a.At)
	})
	return out, nil
}
