package contests

import (
	"gonghui/internal/api"
	"gonghui/internal/contest"
)

// The routes of certificates and teams and what the OpenAPI document says
// of them.

func (h *API) certificateRoutes() []api.Route {
	offsetP := api.QP("offset", "rows to skip (page numbers), at most 10,000", &api.Schema{Type: "integer", Minimum: api.Num(0), Maximum: api.Num(10000)})
	return api.WithTag("contests", []api.Route{
		api.R("GET", "/attempts/{id}/certificate", api.Self, h.certificate, api.Doc("getCertificate", "A member's certificate of their counting attempt that passed (not in practice): what it says and its signed payload for the QR code. 409 no_certificate or not_counting otherwise").Out(contest.Certificate{}).Errors(409)),
		api.R("POST", "/certificates/verify", api.Public, h.verifyCertificate, api.Doc("verifyCertificate", "Check a scanned certificate (public): valid, tampered, unknown_key or revoked (the result no longer stands); a genuine one says what it certifies, the name masked. An unreadable payload is a field error that never echoes it").In(certVerifyInput{}).Out(contest.CertCheck{})),
		api.R("GET", "/contests/{id}/teams", api.Full, h.teams, api.Doc("contestTeams", "The team board (ranks over every team; staff below the publisher see their subtrees' teams), the rules and the organisations for which the caller may enter teams").
			Params(api.Param{Ref: "limit"}, offsetP).Out(teamBoard{}).Errors(422)),
		api.R("POST", "/contests/{id}/teams", api.Full, h.createTeam, api.Doc("createTeam", "Enter a team of an organisation in the contest's audience where the caller holds contest.write, while the contest is published and open (409 teams_closed)").In(teamInput{}).Made(contest.Team{}).Errors(409)),
		api.R("PUT", "/contests/{id}/team-rules", api.Full, h.putTeamRules, api.Doc("putTeamRules", "The publisher sets how a team's score is made (average or sum of its members' counting scores, non-takers 0) and the cap on a team's size").In(contest.TeamRules{}).Out(contest.TeamRules{}).Errors(409)),
		api.R("GET", "/teams/{id}", api.Full, h.getTeam, api.Doc("getTeam", "A team with its members and their counting results, for staff of its organisation's subtree").Out(contest.Team{}).Errors(400)),
		api.R("PUT", "/teams/{id}", api.Full, h.putTeam, api.Doc("putTeam", "Rename a team at the version read (0: as it is now; 409 stale otherwise)").In(teamUpdateInput{}).Out(contest.Team{}).Errors(409)),
		api.R("DELETE", "/teams/{id}", api.Full, h.deleteTeam, api.Doc("deleteTeam", "Withdraw a team").None("Withdrawn").Errors(409)),
		api.R("POST", "/teams/{id}/members", api.Full, h.addTeamMember, api.Doc("addTeamMember", "Put a member on a team: an active member of the team's organisation's subtree in the contest's audience, on no other team, below the cap (field errors on member_id). Adding one already on it changes nothing").In(teamMemberInput{}).Out(contest.Team{}).Errors(409)),
		api.R("DELETE", "/teams/{id}/members/{member_id}", api.Full, h.removeTeamMember, api.Doc("removeTeamMember", "Take a member off a team").Out(contest.Team{}).Errors(409, 422)),
	})
}

func certificateNotes(ns api.Notes) {
	api.Named[contest.Certificate](ns, "ContestCertificate")
	api.Note[contest.Certificate](ns, api.TypeNote{Name: "ContestCertificate", Fields: map[string]api.FieldNote{
		"kind":        {Desc: "pass: 合格证书; honour: 荣誉证书 (nine tenths of the points or more)", Enum: api.EnumOf(contest.CertPass, contest.CertHonour)},
		"payload":     {Desc: "the signed payload (GHZ1:…); the QR code holds the public verify page's address with it"},
		"masked_name": {Desc: "the name as the payload and the verify page show it (张*喜)"},
		"issued_on":   {Desc: "midnight (Beijing) of the day of the counting submission"},
	}})
	api.Note[contest.CertCheck](ns, api.TypeNote{Name: "CertificateCheck", Fields: map[string]api.FieldNote{
		"status": {Enum: api.EnumOf(contest.CertStatuses...)},
		"kind":   {Enum: api.EnumOf(contest.CertPass, contest.CertHonour)},
	}})
	api.Note[certVerifyInput](ns, api.TypeNote{Name: "CertificateVerifyInput", Required: []string{"payload"}, Fields: map[string]api.FieldNote{"payload": {MaxLength: api.Count(1000)}}})
	api.Note[contest.TeamRules](ns, api.TypeNote{Name: "TeamRules", Fields: map[string]api.FieldNote{
		"max_members": {Desc: "most members a team (0: no cap)", Min: api.Num(0), Max: api.Num(contest.MaxTeamMembers)},
		"scoring":     {Desc: "average (default) or sum of the members' counting scores; non-takers count 0", Enum: api.EnumOf(contest.Scorings...)},
	}})
	api.Named[contest.Team](ns, "ContestTeam")
	api.Named[contest.TeamMember](ns, "ContestTeamMember")
	api.Named[contest.TeamRow](ns, "TeamBoardRow")
	api.Named[contest.TeamOrg](ns, "TeamOrg")
	api.Note[contest.TeamRow](ns, api.TypeNote{Name: "TeamBoardRow", Fields: map[string]api.FieldNote{
		"rank": {Desc: "place among every team of the contest; ties share it"}, "mine": {Desc: "the team is in the caller's subtrees"}}})
	api.Note[contest.Team](ns, api.TypeNote{Name: "ContestTeam", Fields: map[string]api.FieldNote{"taken": {Desc: "members with a counting attempt"}}})
	api.Note[teamInput](ns, api.TypeNote{Name: "TeamInput", Required: []string{"org_id", "name"}, Fields: map[string]api.FieldNote{"name": {MaxLength: api.Count(contest.MaxTeamName)}}})
	api.Note[teamUpdateInput](ns, api.TypeNote{Name: "TeamUpdate", Required: []string{"name"}, Fields: map[string]api.FieldNote{"name": {MaxLength: api.Count(contest.MaxTeamName)}}})
	api.Note[teamMemberInput](ns, api.TypeNote{Name: "TeamMemberInput", Required: []string{"member_id"}})
	api.Note[teamBoard](ns, api.TypeNote{Name: "TeamBoard", Fields: map[string]api.FieldNote{"total": {Desc: "teams the caller sees"}}})
}
