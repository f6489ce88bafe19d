package api

// Inputs of the shapes the modules decode (the modules' own types live in
// their packages): plain fields, an ID, an embedded struct, an array of
// objects.

type orgLikeInput struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Note     string `json:"note"`
	ParentID ID     `json:"parent_id"`
}

type activityLikeBase struct {
	Title string `json:"title"`
	OrgID ID     `json:"org_id"`
}

type checkpointLike struct {
	Name          string `json:"name"`
	RotateSeconds int    `json:"rotate_seconds"`
}

type activityLikeInput struct {
	activityLikeBase
	Checkpoints []checkpointLike `json:"checkpoints"`
}

// fieldPathInput has the shapes of the modules' inputs: an embedded
// struct, an ID, an array of objects.
type fieldPathInput struct {
	Capacity    int    `json:"capacity"`
	OrgID       ID     `json:"org_id"`
	Name        string `json:"name"`
	Checkpoints []struct {
		RotateSeconds int `json:"rotate_seconds"`
	} `json:"checkpoints"`
}

type fieldPathUpdate struct {
	fieldPathInput
	Version int `json:"version"`
}
