package activity

import "gonghui/internal/notice"

// What members are told about their registrations (internal/notice
// keeps and sends them).
const (
	NoticePromoted   = "promoted"   // a place came free and is theirs
	NoticeApproved   = "approved"   // staff approved the registration
	NoticeWaitlisted = "waitlisted" // approved, but on the waiting list
	NoticeRejected   = "rejected"   // staff turned the registration down
	NoticeCancelled  = "cancelled"  // the activity was called off
)

func init() {
	notice.RegisterKinds(NoticePromoted, NoticeApproved, NoticeWaitlisted, NoticeRejected, NoticeCancelled)
}
