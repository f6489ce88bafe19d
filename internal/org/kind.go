package org

import "slices"

// Kind is what an organisation is: a federation at some level, or a union
// at the base of the tree and its inner parts.
type Kind string

const (
	KindCity        Kind = "city_federation"       // 市总工会
	KindDistrict    Kind = "district_federation"   // 区总工会
	KindStreet      Kind = "street_federation"     // 街道总工会
	KindTownship    Kind = "township_federation"   // 乡镇总工会
	KindIndustry    Kind = "industry_union"        // 产业工会
	KindGrassroots  Kind = "grassroots_union"      // 基层工会 (one employer)
	KindJoint       Kind = "joint_union"           // 联合基层工会 (several employers)
	KindSub         Kind = "sub_union"             // 分工会
	KindGroup       Kind = "union_group"           // 工会小组
	KindPreparatory Kind = "preparatory_committee" // 工会筹备委员会
)

// Kinds lists every kind in display order, from the top of the tree down.
var Kinds = []Kind{
	KindCity, KindDistrict, KindStreet, KindTownship, KindIndustry,
	KindGrassroots, KindJoint, KindSub, KindGroup, KindPreparatory,
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// IsFederation reports whether k is a territorial federation (总工会).
func (k Kind) IsFederation() bool {
	return k == KindCity || k == KindDistrict || k == KindStreet || k == KindTownship
}

// upper kinds lead other unions: federations and industry unions. They may
// not sit inside a union, whose staff would then run their own leadership.
func (k Kind) upper() bool { return k.IsFederation() || k == KindIndustry }

// base kinds are a union and its inner parts: nothing upper may sit below them.
func (k Kind) base() bool {
	switch k {
	case KindGrassroots, KindJoint, KindSub, KindGroup, KindPreparatory:
		return true
	}
	return false
}

// employerCap is how many employers a kind of organisation may organise:
// one for a single grassroots union (and a committee preparing one), any
// number (-1) for a joint union, none for federations and for the inner
// parts of a union, whose employer is the union's.
func (k Kind) employerCap() int {
	switch k {
	case KindGrassroots, KindPreparatory:
		return 1
	case KindJoint:
		return -1
	}
	return 0
}

// Positions lists the officer posts in order of rank; labels are in the
// catalogue under org.position.*.
var Positions = []string{
	"chair",            // 主席
	"exec_vice_chair",  // 常务副主席
	"vice_chair",       // 副主席
	"party_secretary",  // 党组书记
	"committee_member", // 委员
	"treasurer",        // 经审委员
}

func positionRank(p string) int {
	if i := slices.Index(Positions, p); i >= 0 {
		return i
	}
	return len(Positions)
}

// Categories are the registration categories of employers used in union
// statistics, in code order.
var Categories = []string{
	"110", "120", "130", "140", "150", "160", "170", "190",
	"200", "300", "400", "500", "600", "700", "900",
}

// categoryNames are the labels of Categories. The catalogue carries the same
// texts as org.category.<code> (a test keeps the two equal); this table is
// for callers with no language machinery at hand, such as exports.
var categoryNames = map[string][2]string{
	"110": {"国有企业", "State-owned enterprise"},
	"120": {"集体企业", "Collective enterprise"},
	"130": {"股份合作企业", "Joint-stock co-operative"},
	"140": {"联营企业", "Associated enterprise"},
	"150": {"有限责任公司", "Limited liability company"},
	"160": {"股份有限公司", "Company limited by shares"},
	"170": {"私营企业", "Private enterprise"},
	"190": {"其他企业", "Other enterprise"},
	"200": {"港澳台商投资企业", "Hong Kong, Macao or Taiwan invested enterprise"},
	"300": {"外商投资企业", "Foreign-invested enterprise"},
	"400": {"事业单位", "Public institution"},
	"500": {"机关", "Government organ"},
	"600": {"个体经济组织", "Individual business"},
	"700": {"民办非企业单位", "Private non-enterprise unit"},
	"900": {"其他", "Other"},
}

// CategoryName returns the Chinese (zh) or English name of a category code,
// or "" for an unknown code.
func CategoryName(code string, zh bool) string {
	n, ok := categoryNames[code]
	if !ok {
		return ""
	}
	if zh {
		return n[0]
	}
	return n[1]
}

// DefaultPublic says whether employers of a category count as public-sector
// (公有制) when the user does not say: state-owned and collective
// enterprises, public institutions and government organs.
func DefaultPublic(category string) bool {
	switch category {
	case "110", "120", "400", "500":
		return true
	}
	return false
}

// Industries are the sections of GB/T 4754-2017; labels are in the
// catalogue under org.industry.*.
var Industries = []string{
	"A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
	"K", "L", "M", "N", "O", "P", "Q", "R", "S", "T",
}
