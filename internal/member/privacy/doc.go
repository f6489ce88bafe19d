// Package privacy serves a member's rights over their personal data and
// the registry's duty to let it go: what a member sees and takes away of
// everything held about them (OwnData, audited as a self-reveal), the
// corrections they ask for and staff decide (correction_requests), and the
// sweep that anonymises memberships ended longer ago than the retention
// period.
//
// It is split from package member along the line between keeping a record
// and the person's claims on it. Member offers what this side needs: the
// member's own record in full, history, applications and transfers
// (Store.OwnInFull, Store.OwnHistory, Store.OwnApplications,
// Store.OwnTransfers), the checks of a field of the record (CheckValue,
// CheckText), the edit a correction becomes (Store.Edit), the decision a
// request takes (Decision, Reviewable) and the helpers requests share for
// reading (One, ScanAll, StampOf). Consents are recorded by member as
// people enter; this package reads them. The sweep is the exception to
// "member's tables are member's": anonymising must reach every copy of a
// person in one transaction, so it rewrites the registry's rows (and
// applications, transfers, sign-ins, history) itself. Member does not
// import this package.
package privacy
