package auth

import (
	"slices"
	"strings"
)

// Perm is one thing a role allows, always over the subtree of the
// organisation the role was granted at.
type Perm string

const (
	PermOrgRead       Perm = "org.read"       // see organisations, employers, officers
	PermOrgWrite      Perm = "org.write"      // create, edit and move organisations; employers; officers
	PermMemberRead    Perm = "member.read"    // see members (masked)
	PermMemberWrite   Perm = "member.write"   // change members
	PermMemberReveal  Perm = "member.reveal"  // see members' full ID and mobile numbers (audited)
	PermActivityRead  Perm = "activity.read"  // see activities, registrations and attendance
	PermActivityWrite Perm = "activity.write" // publish and run activities and courses
	PermContestRead   Perm = "contest.read"   // see question banks, contests, attempts and boards
	PermContestWrite  Perm = "contest.write"  // keep question banks and run contests
	PermLetterRead    Perm = "letter.read"    // see the suggestion box's letters addressed to the subtree
	PermLetterWrite   Perm = "letter.write"   // accept, answer, forward, decline and close letters
	PermContractRead  Perm = "contract.read"  // see collective contracts negotiated in the subtree
	PermContractWrite Perm = "contract.write" // draft, submit, record objections to and renew collective contracts
	PermStationRead   Perm = "station.read"   // see service stations, their visits and the busiest
	PermStationWrite  Perm = "station.write"  // keep service stations: add, edit, import, close
	PermCaseRead      Perm = "case.read"      // see rights cases (法律服务与维权) handled in the subtree, not their confidential notes
	PermCaseWrite     Perm = "case.write"     // take in, accept, assign, transfer, note and close rights cases
	PermCaseSupervise Perm = "case.supervise" // supervise the cases' handlers: overdue escalations, confidential notes
	PermCaseReveal    Perm = "case.reveal"    // see a rights case's workers in full (audited); not the member registry
	PermCongressRead  Perm = "congress.read"  // see workers' congress sessions, motions and open-affairs items
	PermCongressWrite Perm = "congress.write" // run sessions, review and answer motions, publish open affairs
	PermUserManage    Perm = "user.manage"    // accounts with business roles
	PermUserPrivilege Perm = "user.privilege" // accounts with the admin, security and auditor roles
	PermSecurity      Perm = "security.policy"
	PermAuditRead     Perm = "audit.read"
)

// Role is a named bundle of permissions. The three administrative roles are
// kept apart as classified protection level 3 asks (三员分立): the system
// administrator runs the organisation and its accounts but cannot read the
// audit log; the security administrator grants the administrative roles and
// sets the security policy; the auditor only reads the log.
type Role string

const (
	RoleAdmin             Role = "admin"
	RoleSecurity          Role = "security"
	RoleAuditor           Role = "auditor"
	RoleOfficer           Role = "officer"
	RoleMembershipOfficer Role = "membership_officer"
	RoleLeader            Role = "leader"
	RoleRightsOfficer     Role = "rights_officer"
)

var rolePerms = map[Role][]Perm{
	RoleAdmin:             {PermOrgRead, PermOrgWrite, PermMemberRead, PermMemberWrite, PermUserManage},
	RoleSecurity:          {PermOrgRead, PermUserManage, PermUserPrivilege, PermSecurity},
	RoleAuditor:           {PermOrgRead, PermAuditRead},
	RoleOfficer:           {PermOrgRead, PermOrgWrite, PermMemberRead, PermMemberWrite, PermMemberReveal, PermActivityRead, PermActivityWrite, PermContestRead, PermContestWrite, PermLetterRead, PermLetterWrite, PermContractRead, PermContractWrite, PermStationRead, PermStationWrite, PermCaseRead, PermCaseWrite, PermCaseReveal, PermCongressRead, PermCongressWrite},
	RoleMembershipOfficer: {PermOrgRead, PermMemberRead, PermMemberWrite, PermMemberReveal, PermActivityRead, PermContestRead},
	RoleLeader:            {PermOrgRead, PermMemberRead, PermActivityRead, PermContestRead, PermLetterRead, PermContractRead, PermStationRead, PermCaseRead, PermCaseSupervise, PermCongressRead},
	// A rights officer (维权干事: a staff lawyer or mediator) handles cases
	// and reveals their workers, without the member registry's reveal.
	RoleRightsOfficer: {PermOrgRead, PermCaseRead, PermCaseWrite, PermCaseReveal},
}

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleSecurity, RoleAuditor, RoleOfficer, RoleMembershipOfficer, RoleLeader, RoleRightsOfficer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := rolePerms[r]; return ok }

// Privileged roles may be granted only by holders of PermUserPrivilege.
func (r Role) Privileged() bool {
	return r == RoleAdmin || r == RoleSecurity || r == RoleAuditor
}

// Duty is the part of the separation of duties (三员分立) a role belongs to:
// "system", "security", "audit", or "business" for every other role. One
// account holds roles of one duty only, so that no one person both runs the
// system and controls its accounts, or acts and audits the acts.
func (r Role) Duty() string {
	switch r {
	case RoleAdmin:
		return "system"
	case RoleSecurity:
		return "security"
	case RoleAuditor:
		return "audit"
	}
	return "business"
}

// GrantedBySecurity reports whether only a holder of PermUserPrivilege (the
// security administrator, whose duty is authorisation) may grant r: the
// administrative roles, and roles carrying powers the system administrator
// is barred from holding (revealing personal data, reading the audit log).
// Nobody hands out a power they could not hold themselves.
func (r Role) GrantedBySecurity() bool {
	if r.Privileged() {
		return true
	}
	return slices.Contains(r.Perms(), PermMemberReveal) || slices.Contains(r.Perms(), PermCaseReveal) || slices.Contains(r.Perms(), PermAuditRead)
}

// Perms returns the permissions of a role.
func (r Role) Perms() []Perm { return rolePerms[r] }

// Grant is a role over the subtree of one organisation.
type Grant struct {
	ID      int64
	Role    Role
	OrgID   int64
	OrgPath string
	OrgName string
}

// Principal is the caller of a request: who, and what they may do where.
// Every store method that touches an organisation's data takes one and
// scopes its query with Paths.
type Principal struct {
	UserID      int64
	Username    string
	Name        string
	Kind        string // "staff", "service" or "member"
	MemberID    int64  // a signed-in member (Kind "member"): no grants
	FreshCode   bool   // a member who signed in with a one-time code minutes ago
	OrgID       int64  // the account's home organisation
	OrgPath     string
	TOTPEnabled bool
	Grants      []Grant
	SessionKind string // "web" or "api"
	// PasswordExpired: the policy's maximum password age has passed; the
	// person may only change their password (and sign out) until they do.
	PasswordExpired bool
}

// Can reports whether the principal holds perm anywhere.
func (p *Principal) Can(perm Perm) bool {
	return len(p.Paths(perm)) > 0
}

// Paths returns the subtree paths over which the principal holds perm, with
// nested ones removed (a grant inside another grant's subtree adds nothing).
func (p *Principal) Paths(perm Perm) []string { return p.PathsAny(perm) }

// PathsAny returns the subtree paths over which the principal holds any of
// perms, nested ones removed.
func (p *Principal) PathsAny(perms ...Perm) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, g := range p.Grants {
		for _, perm := range perms {
			if slices.Contains(g.Role.Perms(), perm) {
				out = append(out, g.OrgPath)
				break
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	// After sorting, a path's ancestors come before it.
	kept := out[:0]
	for _, s := range out {
		if len(kept) > 0 && strings.HasPrefix(s, kept[len(kept)-1]) {
			continue
		}
		kept = append(kept, s)
	}
	return kept
}

// CanAt reports whether the principal holds perm over the organisation
// whose path is path.
func (p *Principal) CanAt(perm Perm, path string) bool {
	for _, s := range p.Paths(perm) {
		if strings.HasPrefix(path, s) {
			return true
		}
	}
	return false
}

// HasRole reports whether any grant carries role r.
func (p *Principal) HasRole(r Role) bool {
	for _, g := range p.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// Inside reports whether path lies in the subtree rooted at ancestor (both
// materialised paths ending in '/'); a node is inside its own subtree.
func Inside(path, ancestor string) bool {
	return ancestor != "" && strings.HasPrefix(path, ancestor)
}

// Ancestors lists the paths of the organisation at path and of every one
// above it, root first: the audiences that include it.
func Ancestors(path string) []string {
	var out []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			out = append(out, path[:i+1])
		}
	}
	return out
}
