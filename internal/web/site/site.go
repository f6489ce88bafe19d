// Package site is the map of the web pages: the kernel and the list of page
// modules, one line each. A new capability's pages are one more line here.
package site

import (
	"context"
	"net/http"

	"gonghui/internal/activity"
	"gonghui/internal/congress"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/contract"
	"gonghui/internal/course"
	"gonghui/internal/mailbox"
	"gonghui/internal/rights"
	"gonghui/internal/station"
	"gonghui/internal/survey"
	"gonghui/internal/web"
	"gonghui/internal/web/activities"
	"gonghui/internal/web/admin"
	congresspages "gonghui/internal/web/congress"
	"gonghui/internal/web/contests"
	contractpages "gonghui/internal/web/contracts"
	"gonghui/internal/web/courses"
	"gonghui/internal/web/dashboard"
	mailboxpages "gonghui/internal/web/mailbox"
	"gonghui/internal/web/members"
	"gonghui/internal/web/orgs"
	rightspages "gonghui/internal/web/rights"
	stationpages "gonghui/internal/web/stations"
	"gonghui/internal/web/surveys"
	workspages "gonghui/internal/web/works"
	"gonghui/internal/works"
)

// Deps are what the kernel needs and each module's own store (nil: the
// module's pages are not served).
type Deps struct {
	web.Deps
	Acts      *activity.Store
	Courses   *course.Store
	Banks     *bank.Store
	Contest   *contest.Store
	Letters   *mailbox.Store
	Survey    *survey.Store
	Works     *works.Store
	Contracts *contract.Store
	Stations  *station.Store
	Cases     *rights.Store
	Congress  *congress.Store
}

// Mount builds the kernel and registers every module's pages on mux.
func Mount(ctx context.Context, mux *http.ServeMux, d Deps) error {
	k, err := web.New(ctx, d.Deps)
	if err != nil {
		return err
	}
	k.Routes(mux,
		dashboard.New(k),                    // the home page, a subtree's figures and reports
		orgs.New(k),                         // the organisation tree, officers, employers
		members.New(k),                      // the registry, joining, transfers, import/export, members' own pages
		activities.New(k, d.Acts),           // activities: staff pages and members' pages
		courses.New(k, d.Courses),           // courses and their terms: staff pages and members' pages
		contests.New(k, d.Banks, d.Contest), // question banks, contests, papers taken on the phone
		mailboxpages.New(k, d.Letters),      // the suggestion box: staff pages and members' pages
		surveys.New(k, d.Survey),            // surveys: staff pages, results, members' answers on the phone
		workspages.New(k, d.Works),          // calls for works: staff, judges, members
		contractpages.New(k, d.Contracts),   // collective contracts: list, form, review, renewal, coverage
		stationpages.New(k, d.Stations),     // service stations: the public finder, QR check-in, staff pages
		rightspages.New(k, d.Cases),         // rights cases: staff pages and members' pages
		congresspages.New(k, d.Congress),    // workers' congress and open affairs: staff and members
		admin.New(k),                        // accounts, the audit log, the security policy, one's own account
	)
	return nil
}
