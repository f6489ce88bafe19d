package signup

import (
	"context"
	"database/sql"
	"errors"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
)

// Acting says whether pr acts as the member themself on member memberID's
// sign-up (self) or as staff. A member may act only on their own: another
// member's is missing (NotFound of what). action names a nil principal.
func Acting(pr *auth.Principal, memberID int64, action, what string) (self bool, err error) {
	if pr == nil {
		return false, scope.NilPrincipal(action)
	}
	self = pr.Kind == auth.KindMember
	if self && pr.MemberID != memberID {
		return true, errs.NotFound(what)
	}
	return self, nil
}

// Member reads the member a sign-up is for. A member staff named who does
// not exist is their field's error (member_id); a member acting for
// themself gets the store's answer.
func Member(ctx context.Context, ms *member.Store, memberID int64, self bool) (*member.Brief, error) {
	m, err := ms.Brief(ctx, memberID)
	if err != nil && errs.Is(err, errs.KindNotFound) && !self {
		f := errs.Fields{}
		f.Add("member_id", "field.invalid_id")
		return nil, f.Err()
	}
	return m, err
}

// Held reads a member's sign-up under the host's lock; one that does not
// exist is missing (NotFound of what).
func (b *Book) Held(ctx context.Context, tx *db.Tx, s *Seats, memberID int64, what string) (*Entry, error) {
	e, err := b.Read(ctx, tx, s.ID, memberID, false)
	if err == nil && e == nil {
		return nil, errs.NotFound(what)
	}
	return e, err
}

// OrgPath reads an organisation's path; ok is false when it does not exist.
func OrgPath(ctx context.Context, q Queryer, id int64) (path string, ok bool, err error) {
	err = q.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, errs.Internal(err, "signup: read org")
	}
	return path, true, nil
}

// Audience resolves the audience of a host published by organisation
// publisher (at path): *id 0 is the publisher itself; one that does not
// exist or lies outside the publisher's subtree is refused.
func (b *Book) Audience(ctx context.Context, q Queryer, id *int64, publisher int64, path string) (string, error) {
	if *id == 0 {
		*id = publisher
	}
	audP, ok, err := OrgPath(ctx, q, *id)
	if err != nil {
		return "", err
	}
	if !ok || !auth.Inside(audP, path) {
		f := errs.Fields{}
		f.Add("audience_org_id", b.Name+".audience_outside")
		return "", f.Err()
	}
	return audP, nil
}

// FieldErr is the error of one field breaking one rule.
func FieldErr(field, key string, args ...any) error {
	f := errs.Fields{}
	f.Add(field, key, args...)
	return f.Err()
}

// CardMember reads a scanned membership card as the member it names; the
// errors' keys start with the host's name ("activity", "course").
func CardMember(ctx context.Context, ms *member.Store, payload, name string) (int64, error) {
	chk, err := ms.VerifyCard(ctx, payload)
	if err != nil {
		return 0, FieldErr("card", name+".card_unreadable")
	}
	if chk.Status != card.StatusValid {
		return 0, FieldErr("card", name+".card_"+string(chk.Status))
	}
	return chk.MemberID, nil
}

// Seen answers x, loaded with err, if pr may see it at its organisation's
// path under r.
func Seen[T any](r scope.Rule, pr *auth.Principal, x *T, err error, path func(*T) string) (*T, error) {
	if err != nil {
		return nil, err
	}
	if err := r.Readable(pr, path(x)); err != nil {
		return nil, err
	}
	return x, nil
}

// SeenOrg reads the path of organisation id, named in field (a filter, a
// publisher): unknown or out of pr's sight under r, the field is wrong.
func SeenOrg(ctx context.Context, q Queryer, r scope.Rule, pr *auth.Principal, id int64, field string) (string, error) {
	path, ok, err := OrgPath(ctx, q, id)
	if err != nil {
		return "", err
	}
	if !ok || r.Readable(pr, path) != nil {
		return "", FieldErr(field, "field.invalid_id")
	}
	return path, nil
}

// Reach reads a member for the lists of what is open to them, with the
// paths of their union and the organisations above it (as query
// arguments); none when they are not an active member.
func Reach(ctx context.Context, ms *member.Store, memberID int64) (*member.Brief, []any, error) {
	m, err := ms.Brief(ctx, memberID)
	if err != nil {
		return nil, nil, err
	}
	anc := auth.Ancestors(m.OrgPath)
	if m.Status != member.StatusActive {
		return m, nil, nil
	}
	paths := make([]any, 0, len(anc))
	for _, p := range anc {
		paths = append(paths, p)
	}
	return m, paths, nil
}

// Places resolves the publisher and the audience of a host (a contest, a
// survey, a call for works): the publisher must be one pr sees and may
// write at; the audience (0: the publisher) must lie in its subtree, or
// audience_org_id is refused with outsideKey.
func Places(ctx context.Context, q Queryer, r scope.Rule, pr *auth.Principal, orgID int64, audienceID *int64, outsideKey string) (orgP, audP string, err error) {
	if orgID == 0 {
		return "", "", FieldErr("org_id", "field.required")
	}
	if orgP, err = SeenOrg(ctx, q, r, pr, orgID, "org_id"); err != nil {
		return "", "", err
	}
	if !r.CanWrite(pr, orgP) {
		return "", "", errs.Forbidden()
	}
	if *audienceID == 0 {
		*audienceID = orgID
	}
	audP, ok, err := OrgPath(ctx, q, *audienceID)
	if err != nil {
		return "", "", err
	}
	if !ok || !auth.Inside(audP, orgP) {
		return "", "", FieldErr("audience_org_id", outsideKey)
	}
	return orgP, audP, nil
}
