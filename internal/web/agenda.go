package web

import (
	"context"
	"log/slog"
	"time"
)

// AgendaItem is a coming item of a member's timetable (an activity, a
// course session, …) and a card of a module's list.
type AgendaItem struct {
	ID, URL, Title   string
	Kind             string // translated
	When             string // "12月1日 周二 09:00–11:30", Beijing time
	Venue            string
	Places           string // "余 12 个名额", "已满，可候补", "不限名额"
	PlacesFull       bool
	Status, StatusV  string // the member's registration ("" = none)
	Closed, ClosedV  string // the item's state when cancelled or finished
	Day              string // timetable: the day heading
	Position         string // "候补第 3 位"
	HasRegistration  bool
	RegistrationLive bool
	At               time.Time // timetable: the order within a day
}

// AgendaGroup is one day of the timetable.
type AgendaGroup struct {
	Day   string
	Items []AgendaItem
}

// Unread counts the member's unread notices for the badge of the bottom
// bar; a failure only hides the badge.
func (h *Kernel) Unread(ctx context.Context, memberID int64) int {
	if !h.noticesTab {
		return 0 // no module shows the notices: no badge
	}
	n, err := h.Notices.Unread(ctx, memberID)
	if err != nil {
		slog.Warn("portal: unread notices", "err", err)
		return 0
	}
	return n
}

// ServeNotices tells the kernel that a module serves the member's notices
// page (/m/notices), so the bottom bar counts unread notices.
func (h *Kernel) ServeNotices() { h.noticesTab = true }
