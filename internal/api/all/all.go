// Package all is the map of the JSON API: the kernel and the list of its
// modules, one line each. A new capability's API is one more line here.
package all

import (
	"net/http"

	"gonghui/internal/activity"
	"gonghui/internal/api"
	"gonghui/internal/api/activities"
	"gonghui/internal/api/admin"
	congressapi "gonghui/internal/api/congress"
	"gonghui/internal/api/contests"
	contractsapi "gonghui/internal/api/contracts"
	"gonghui/internal/api/courses"
	inboxapi "gonghui/internal/api/inbox"
	mailboxapi "gonghui/internal/api/mailbox"
	"gonghui/internal/api/members"
	"gonghui/internal/api/orgs"
	rightsapi "gonghui/internal/api/rights"
	stationsapi "gonghui/internal/api/stations"
	"gonghui/internal/api/surveys"
	worksapi "gonghui/internal/api/works"
	"gonghui/internal/congress"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/contract"
	"gonghui/internal/course"
	"gonghui/internal/inbox"
	"gonghui/internal/mailbox"
	"gonghui/internal/rights"
	"gonghui/internal/station"
	"gonghui/internal/survey"
	"gonghui/internal/works"
)

// Deps are what the kernel needs and each module's own store.
type Deps struct {
	api.Deps
	Acts      *activity.Store
	Courses   *course.Store
	Banks     *bank.Store
	Contest   *contest.Store
	Letters   *mailbox.Store
	Survey    *survey.Store
	Inbox     *inbox.Registry
	Works     *works.Store
	Contracts *contract.Store
	Stations  *station.Store
	Cases     *rights.Store
	Congress  *congress.Store
}

// Mount builds the API's kernel and registers every module's routes on mux.
func Mount(mux *http.ServeMux, d Deps) (*api.Handler, error) {
	h := api.New(d.Deps)
	err := h.Mount(mux,
		orgs.New(h),                         // organisations, officers, employers
		admin.New(h),                        // accounts, the audit log, the security policy
		members.New(h),                      // the registry, joining, transfers, import/export, cards, data rights
		activities.New(h, d.Acts),           // activities: sign-up, check-in, attendance
		courses.New(h, d.Courses),           // courses, terms, sessions, interest groups
		contests.New(h, d.Banks, d.Contest), // question banks, contests, papers taken
		mailboxapi.New(h, d.Letters),        // the suggestion box: letters, answers, ratings
		surveys.New(h, d.Survey),            // surveys: questions with skip logic, responses, results
		inboxapi.New(h, d.Inbox),            // what waits for the caller's decision
		worksapi.New(h, d.Works),            // calls for works: entries, screening, blind judging, awards
		contractsapi.New(h, d.Contracts),    // collective contracts: review, objections, renewals, coverage
		stationsapi.New(h, d.Stations),      // service stations: keeping, nearest, visits and claims
		rightsapi.New(h, d.Cases),           // rights cases: intake, handling, deadlines, notes, the member's view
		congressapi.New(h, d.Congress),      // workers' congress: sessions, delegates, votes, motions; open affairs
	)
	return h, err
}
