package app

import (
	"time"

	"gonghui/internal/inbox"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/privacy"
)

// inboxRegistry lists what waits for staff decisions (see internal/inbox),
// one line per module, in the workbench's order, and what the members'
// portal tells a worker besides the notices.
func inboxRegistry(m *Main) *inbox.Registry {
	var s []inbox.Source
	s = append(s, m.Members.InboxSources()...)              // join applications, transfers
	s = append(s, privacy.InboxSource(m.Members))           // corrections of members' records
	s = append(s, exports.InboxSource(m.Members, time.Now)) // full-number exports to approve
	s = append(s, m.Acts.InboxSource())                     // activity registrations to approve
	s = append(s, m.Contest.InboxSource())                  // contest papers with short answers to grade
	s = append(s, m.Letters.InboxSources()...)              // letters to accept, and accepted ones overdue
	s = append(s, m.Works.InboxSources()...)                // works to screen, entries to score
	s = append(s, m.Contracts.InboxSource())                // collective contracts expiring with no renewal
	s = append(s, m.Cases.InboxSources()...)                // cases to accept, handlers' reminders, supervisors' escalations
	s = append(s, m.Congress.InboxSources()...)             // congress motions to review, and overdue ones
	return inbox.New(s...).
		WithMembers(m.Members.MemberInboxSource(), privacy.MemberInboxSource(m.Members), // the portal: applications, transfers, corrections,
			m.Notices.MessageSource(),      // staff messages
			m.Letters.MemberSource(),       // the member's letters to the suggestion box
			m.Congress.MemberInboxSource()) // and their congress motions
}
