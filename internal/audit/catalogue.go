package audit

import "strings"

// The catalogue of actions: every action string the code writes, grouped by
// area. Each action has words in both languages under "audit.act.<action>"
// (a verb phrase; "{obj}" stands for the object's name) and each area under
// "audit.area.<area>". TestEveryActionHasWords fails when the code writes an
// action missing here, so a new module adds its actions with its words.

// Area is one group of the action picker.
type Area struct {
	Key     string
	Actions []string
}

// ActionExport is the entry the log's own export leaves.
const ActionExport = "audit.export"

// Areas lists the kinds of action in the order the picker shows them.
var Areas = []Area{
	{"pii", []string{"pii.reveal", "pii.self_reveal", "pii.export_request", "pii.export_approve", "pii.export_reject", "pii.export"}},
	{"member", []string{"member.create", "member.update", "member.status", "member.import", "member.export",
		"member.correction_request", "member.correction_approved", "member.correction_rejected", "member.anonymise",
		"member.bulk_tag", "member.message"}},
	{"join", []string{"join.apply", "join.approved", "join.rejected"}},
	{"transfer", []string{"transfer.request", "transfer.release", "transfer.accept", "transfer.reject", "transfer.cancel"}},
	{"org", []string{"org.create", "org.update", "org.bulk_insert", "org.move", "org.move_out", "org.link_employer", "org.unlink_employer"}},
	{"employer", []string{"employer.create", "employer.update", "employer.move_out"}},
	{"officer", []string{"officer.create", "officer.update", "officer.remove"}},
	{"activity", []string{"activity.create", "activity.update", "activity.publish", "activity.cancel", "activity.finish",
		"activity.register", "activity.unregister", "activity.decide", "activity.prize", "activity.report", "activity.photo",
		"activity.photo_delete", "activity.export"}},
	{"course", []string{"course.create", "course.update", "course.term_create", "course.term_update", "course.term_publish",
		"course.term_cancel", "course.term_finish", "course.session_cancel", "course.enrol", "course.withdraw", "course.draw",
		"course.attend", "course.group_create", "course.export"}},
	{"contest", []string{"contest.create", "contest.update", "contest.publish", "contest.cancel", "contest.grade", "contest.bank_create", "contest.bank_update", "contest.bank_delete", "contest.bank_import",
		"contest.question_create", "contest.question_update", "contest.question_delete",
		"contest.team_rules", "contest.team_create", "contest.team_update", "contest.team_delete", "contest.team_member_add", "contest.team_member_remove",
		"contest.live_start", "contest.live_next", "contest.live_reveal", "contest.live_end"}},
	{"mailbox", []string{"mailbox.write", "mailbox.accept", "mailbox.answer", "mailbox.forward", "mailbox.decline", "mailbox.close",
		"mailbox.rate", "mailbox.follow_up"}},
	{"contract", []string{"contract.create", "contract.update", "contract.submit", "contract.object", "contract.renew", "contract.file"}},
	{"case", []string{"case.create", "case.accept", "case.assign", "case.transfer", "case.extend", "case.claims", "case.evidence", "case.close",
		"case.note", "case.note_read", "case.reveal", "case.export", "case.rate",
		"case.worker_add", "case.worker_edit", "case.worker_remove", "case.claim_add", "case.claim_edit", "case.claim_remove"}},
	{"congress", []string{"congress.session_create", "congress.session_status", "congress.session_edit", "congress.agenda_move", "congress.agenda_delete", "congress.motion_withdraw", "congress.delegate_add", "congress.delegate_remove", "congress.attendance",
		"congress.agenda_add", "congress.vote", "congress.motion_submit", "congress.second", "congress.motion_review", "congress.motion_assign",
		"congress.motion_answer", "congress.motion_rate", "congress.affair_publish", "congress.affair_withdraw", "congress.export"}},
	{"survey", []string{"survey.create", "survey.update", "survey.publish", "survey.close", "survey.export"}},
	{"works", []string{"works.create", "works.update", "works.publish", "works.cancel", "works.close", "works.submit", "works.edit",
		"works.withdraw", "works.screen", "works.judge_add", "works.judge_remove", "works.score", "works.award", "works.results", "works.export"}},
	{"station", []string{"station.create", "station.update", "station.close", "station.reopen", "station.import", "station.export", "station.type_create",
		"station.photo_add", "station.photo_delete"}},
	{"auth", []string{"auth.login", "auth.password_ok", "auth.login_failed", "auth.locked", "auth.logout", "auth.logout_everywhere",
		"auth.totp_enabled", "auth.totp_disabled", "auth.recovery_codes", "auth.recovery_code_used",
		"auth.member_login", "auth.member_locked", "auth.member_password", "auth.member_tokens"}},
	{"user", []string{"user.create", "user.grant", "user.revoke", "user.disable", "user.unlock", "user.reset_password",
		"user.change_password", "user.token_create", "user.sessions_revoked"}},
	{"system", []string{"security.policy", "keys.rotate", "keys.export", "keys.import", ActionKeyed, ActionHeadInvalid, ActionExport}},
	{"backup", []string{"backup.create", "backup.create_failed", "backup.verify", "backup.verify_failed", "backup.restore"}},
}

var known = func() map[string]string {
	m := map[string]string{}
	for _, a := range Areas {
		for _, act := range a.Actions {
			m[act] = a.Key
		}
	}
	return m
}()

// Known reports whether action is in the catalogue.
func Known(action string) bool { _, ok := known[action]; return ok }

// AreaOf returns the area of a catalogued action, or "".
func AreaOf(action string) string { return known[action] }

// IsArea reports whether key names an area of the picker.
func IsArea(key string) bool {
	for _, a := range Areas {
		if a.Key == key {
			return true
		}
	}
	return false
}

// areaActions returns the actions of an area (for a filter by area).
func areaActions(key string) []string {
	for _, a := range Areas {
		if a.Key == key {
			return a.Actions
		}
	}
	return nil
}

// Entities are the kinds of object an entry names, in the order the
// object filter lists them; each has words under "audit.entity.<kind>".
var Entities = []string{"member", "org", "employer", "officer", "user", "activity", "registration", "course", "course_term",
	"course_session", "enrolment", "interest_group", "contest", "question_bank", "question", "transfer", "join_application", "export_request", "letter", "case", "survey", "station", "settings", "key", "backup", "audit"}

// KnownEntity reports whether kind is in Entities.
func KnownEntity(kind string) bool {
	for _, e := range Entities {
		if e == kind {
			return true
		}
	}
	return false
}

// ActorKind tells what kind of actor a stored actor name is: "user" (with
// an actor ID), "member" ("member:<id>"), "system" ("system", "system:*"),
// or "visitor" (a name typed at the sign-in form, no account behind it).
func ActorKind(e *Entry) string {
	switch {
	case e.ActorID != "":
		return "user"
	case strings.HasPrefix(e.ActorName, "member:"):
		return "member"
	case e.ActorName == "system" || strings.HasPrefix(e.ActorName, "system:"):
		return "system"
	}
	return "visitor"
}
