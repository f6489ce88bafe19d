package signup

// Published is who a sign-up event (an activity, a course term) is
// published by and for: the publishing organisation, and the audience, an
// organisation's subtree narrowed by member tags (none: every member of
// it). The modules' event types embed it; its fields stand in their JSON
// as their own.
type Published struct {
	OrgID           int64    `json:"org_id,string"`
	OrgName         string   `json:"org_name"`
	OrgPath         string   `json:"-"`
	AudienceOrgID   int64    `json:"audience_org_id,string"`
	AudienceOrgName string   `json:"audience_org_name"`
	AudiencePath    string   `json:"-"`
	AudienceTags    []string `json:"audience_tags"`
}
