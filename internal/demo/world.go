// Package demo holds the demo world: Beijing's union organisations from the
// city federation down to union groups, drawn from the five newspaper pages
// in seeds/ and from the statistical division list of Beijing's 16 districts
// and 349 streets and townships.
//
// It is pure data and one pure function, World, which builds a fresh copy of
// the same tree on every call. Nothing here touches a database, the network
// or the clock.
package demo

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
)

// Node is one union organisation: a federation, a grassroots union, a joint
// union, a sub-union, a union group or a preparatory committee.
type Node struct {
	Name     string     // full official name, e.g. "北京市西城区大栅栏街道总工会"
	Short    string     // the short name people use (简称), e.g. "大栅栏街道总工会"; "" when none
	Kind     string     // one of the Kind constants
	Division string     // statistical division code where known: 6 digits for a district, 9 for a street
	Address  string     // postal address, as precise as is known
	Employer *Employer  // for grassroots unions and preparatory committees: the employer behind it
	Covers   []Employer // for joint unions: the small employers it covers
	Officers []Officer
	Children []Node
}

// Employer is the enterprise, institution or agency behind a union.
type Employer struct {
	Name       string
	Short      string // the short name people use, "北京排水集团"; "" when none
	CreditBody string // 17-char body of a unified social credit code; char 17 is a placeholder
	Category   string // registration category: "110" 国有企业 ... "900" 其他
	Industry   string // GB/T 4754-2017 section letter A..T
	NewForms   bool   // "new industries, new forms, new models" (platforms, internet firms)
	Employees  int
	Address    string
	Division   string
}

// Officer is a named post holder of a union organisation for one term.
type Officer struct {
	Name      string
	Position  string // one of the Position constants
	TermStart string // "2021-06-01"
	TermEnd   string // "2026-05-31"
}

// Kinds of node.
const (
	KindCity        = "city_federation"
	KindDistrict    = "district_federation"
	KindStreet      = "street_federation"
	KindTownship    = "township_federation"
	KindIndustry    = "industry_union"
	KindGrassroots  = "grassroots_union"
	KindJoint       = "joint_union"
	KindSub         = "sub_union"
	KindGroup       = "union_group"
	KindPreparatory = "preparatory_committee"
)

// Officer positions.
const (
	PositionChair    = "chair"            // 主席
	PositionExecVice = "exec_vice_chair"  // 常务副主席
	PositionVice     = "vice_chair"       // 副主席
	PositionParty    = "party_secretary"  // 党组书记
	PositionMember   = "committee_member" // 委员
	PositionTreasury = "treasurer"        // 经审委员
)

// Kinds lists every node kind, from the top of the tree down.
var Kinds = []string{
	KindCity, KindDistrict, KindStreet, KindTownship, KindIndustry,
	KindGrassroots, KindJoint, KindSub, KindGroup, KindPreparatory,
}

// Positions lists every officer position.
var Positions = []string{
	PositionChair, PositionExecVice, PositionVice, PositionParty, PositionMember, PositionTreasury,
}

// Categories maps the registration category codes used in Employer.Category
// to their Chinese names.
var Categories = map[string]string{
	"110": "国有企业", "120": "集体企业", "130": "股份合作企业", "140": "联营企业",
	"150": "有限责任公司", "160": "股份有限公司", "170": "私营企业", "190": "其他企业",
	"200": "港澳台商投资企业", "300": "外商投资企业", "400": "事业单位", "500": "机关",
	"600": "个体经济组织", "700": "民办非企业单位", "900": "其他",
}

// CreditCharset is the GB 32100 alphabet every CreditBody is drawn from.
const CreditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

//go:embed beijing-divisions.csv
var divisionsCSV []byte

// Division is one row of the embedded division list.
type Division struct {
	Level  string // "district" or "township"
	Code   string // 6 digits for a district, 9 for a township-level unit
	Name   string // e.g. "西城区", "大栅栏街道"
	Parent string // the district's code for a township-level unit, "1101" for a district
}

var loadDivisions = sync.OnceValue(func() []Division {
	r := csv.NewReader(bytes.NewReader(divisionsCSV))
	rows, err := r.ReadAll()
	if err != nil {
		panic("demo: embedded beijing-divisions.csv: " + err.Error())
	}
	out := make([]Division, 0, len(rows))
	for i, row := range rows {
		if i == 0 {
			continue // header: level,code,name,parent_code
		}
		if len(row) != 4 {
			panic(fmt.Sprintf("demo: beijing-divisions.csv line %d: want 4 fields", i+1))
		}
		out = append(out, Division{
			Level:  strings.TrimSpace(row[0]),
			Code:   strings.TrimSpace(row[1]),
			Name:   strings.TrimSpace(row[2]),
			Parent: strings.TrimSpace(row[3]),
		})
	}
	return out
})

// Divisions returns a copy of the embedded division list in file order:
// the 16 districts first, then the 349 streets and townships.
func Divisions() []Division {
	d := loadDivisions()
	return append([]Division(nil), d...)
}

// World returns the demo world rooted at 北京市总工会. Every call builds a
// new tree with the same content, so callers may change what they get.
func World() Node {
	b := &builder{names: map[string]bool{}}
	root := Node{
		Name:     "北京市总工会",
		Kind:     KindCity,
		Division: "110000",
		Address:  "北京市",
		Officers: officersOf("北京市总工会"),
	}
	divs := loadDivisions()
	for _, d := range divs {
		if d.Level != "district" {
			continue
		}
		root.Children = append(root.Children, b.district(d, divs))
	}
	root.Children = append(root.Children, b.cityDirect()...)
	assignCreditBodies(&root)
	return root
}

// district builds a district federation with every street and township of
// the district, the seed-named organisations placed in them, and the unions
// attached directly to the district federation.
func (b *builder) district(d Division, divs []Division) Node {
	name := "北京市" + d.Name + "总工会"
	n := Node{
		Name:     name,
		Short:    d.Name + "总工会",
		Kind:     KindDistrict,
		Division: d.Code,
		Address:  "北京市" + d.Name,
		Officers: officersOf(name),
	}
	for _, s := range divs {
		if s.Level != "township" || s.Parent != d.Code {
			continue
		}
		sname := streetFederationName(d, s)
		short := s.Name + "总工会"
		if short == sname {
			short = ""
		}
		sn := Node{
			Name:     sname,
			Short:    short,
			Kind:     streetKind(s),
			Division: s.Code,
			Address:  "北京市" + d.Name + s.Name,
			Officers: officersOf(sname),
		}
		sn.Children = b.streetExtras(d, s)
		n.Children = append(n.Children, sn)
	}
	n.Children = append(n.Children, b.districtDirect(d)...)
	return n
}

// streetKind: 街道 and 地区 are street federations, 镇 and 乡 township
// federations. Units coded 400-599 (development zones, parks and the airport,
// which the statistics file as "like a township") are township federations.
func streetKind(s Division) string {
	if len(s.Code) == 9 && (s.Code[6] == '4' || s.Code[6] == '5') {
		return KindTownship
	}
	switch {
	case strings.HasSuffix(s.Name, "街道"), strings.HasSuffix(s.Name, "地区"):
		return KindStreet
	case strings.HasSuffix(s.Name, "镇"), strings.HasSuffix(s.Name, "乡"):
		return KindTownship
	}
	if len(s.Code) == 9 && s.Code[6] == '0' {
		return KindStreet
	}
	return KindTownship
}

// streetFederationName gives "北京市西城区大栅栏街道总工会" for an ordinary
// street. Development zones, parks and the airport carry their own names:
// "北京经济技术开发区总工会", "北京大兴国际机场总工会".
func streetFederationName(d, s Division) string {
	if len(s.Code) == 9 && (s.Code[6] == '4' || s.Code[6] == '5') {
		short := strings.TrimSuffix(d.Name, "区")
		switch {
		case strings.HasPrefix(s.Name, "北京"), strings.HasPrefix(s.Name, "中关村"):
			return s.Name + "总工会"
		case strings.HasPrefix(s.Name, short):
			return "北京" + s.Name + "总工会"
		}
	}
	return "北京市" + d.Name + s.Name + "总工会"
}

// builder keeps the names of generated small employers unique.
type builder struct {
	names map[string]bool
}

// ---- constructors used by the seed data ----

// emp describes an employer. The credit body is filled in by World at the end.
func emp(name, category, industry string, employees int, address, division string) *Employer {
	return &Employer{
		Name:      name,
		Category:  category,
		Industry:  industry,
		Employees: employees,
		Address:   address,
		Division:  division,
	}
}

// called gives an employer the short name people know it by.
func (e *Employer) called(short string) *Employer {
	e.Short = short
	return e
}

// newForms marks an employer as belonging to the new industries, forms and models.
func newForms(e *Employer) *Employer {
	e.NewForms = true
	return e
}

// grassroots is the union of one employer, named "<employer>工会".
func grassroots(e *Employer, children ...Node) Node {
	short := ""
	if e.Short != "" {
		short = e.Short + "工会"
	}
	return Node{
		Name:     e.Name + "工会",
		Short:    short,
		Kind:     KindGrassroots,
		Division: e.Division,
		Address:  e.Address,
		Employer: e,
		Officers: officersOf(e.Name + "工会"),
		Children: children,
	}
}

// subUnion is a sub-union (分工会) of a department, campus, plant or project.
// It has no employer of its own: the employer is the parent union's.
func subUnion(name, division, address string, children ...Node) Node {
	return Node{Name: name, Kind: KindSub, Division: division, Address: address, Children: children}
}

// groups makes union groups (工会小组) named "<name>工会小组".
func groups(division, address string, names ...string) []Node {
	out := make([]Node, 0, len(names))
	for _, n := range names {
		out = append(out, Node{Name: n + "工会小组", Kind: KindGroup, Division: division, Address: address})
	}
	return out
}

// joint is a joint union (联合工会) covering several small employers.
func joint(name, division, address string, covers []Employer) Node {
	return Node{
		Name:     name,
		Kind:     KindJoint,
		Division: division,
		Address:  address,
		Covers:   covers,
		Officers: officersOf(name),
	}
}

// term makes an officer with the usual five-year term of the current
// committees (June 2021 to May 2026).
func term(name, position string) Officer {
	return Officer{Name: name, Position: position, TermStart: "2021-06-01", TermEnd: "2026-05-31"}
}

// ---- small employers covered by joint unions ----

// firmKind is a template for a small employer.
type firmKind struct {
	pattern  string // %[1]s is the district name, %[2]s the trade name
	category string
	industry string
	min, max int // employees
	newForms bool
}

var firmKinds = []firmKind{
	{"北京%[2]s餐饮有限公司", "170", "H", 8, 40, false},
	{"北京市%[1]s%[2]s便利店", "600", "F", 2, 6, false},
	{"北京%[2]s文化传媒有限公司", "170", "R", 5, 20, false},
	{"北京市%[1]s%[2]s美发店", "600", "O", 3, 9, false},
	{"北京%[2]s物业管理有限公司", "170", "K", 20, 80, false},
	{"北京%[2]s网络科技有限公司", "170", "I", 10, 60, true},
	{"北京%[2]s家政服务有限公司", "170", "O", 10, 45, false},
	{"北京市%[1]s%[2]s宾馆", "600", "H", 6, 25, false},
	{"北京%[2]s商贸有限公司", "170", "F", 5, 20, false},
	{"北京市%[1]s%[2]s茶叶店", "600", "F", 2, 6, false},
	{"北京%[2]s同城配送服务有限公司", "170", "G", 15, 70, true},
	{"北京%[2]s中医诊所", "700", "Q", 4, 15, false},
}

var tradeNames = []string{
	"瑞丰", "德顺", "福兴", "聚源", "和盛", "恒泰", "鸿运", "嘉禾", "益民", "利群",
	"同和", "永兴", "安康", "祥云", "宏达", "兴隆", "春和", "金穗", "广源", "华美",
	"新禾", "益康", "敬业", "乐活", "京韵", "锦程", "明德", "长青", "睿思", "立信",
	"海纳", "惠丰", "晨曦", "宜和", "润泽", "佳信", "悦来", "丰泽", "合力", "正阳",
}

// smallFirms generates n small employers in one community, deterministically
// from the place's name: shops, restaurants, small offices.
func (b *builder) smallFirms(districtName, place, division string, n int) []Employer {
	out := make([]Employer, 0, n)
	h := hash64(place)
	for i := 0; len(out) < n; i++ {
		k := firmKinds[(h>>8+uint64(i)*7)%uint64(len(firmKinds))]
		t := tradeNames[(h+uint64(i)*13+uint64(i*i))%uint64(len(tradeNames))]
		name := fmt.Sprintf(k.pattern, districtName, t)
		if b.names[name] {
			continue
		}
		b.names[name] = true
		span := uint64(k.max - k.min + 1)
		out = append(out, Employer{
			Name:      name,
			Category:  k.category,
			Industry:  k.industry,
			NewForms:  k.newForms,
			Employees: k.min + int(hash64(name)%span),
			Address:   "北京市" + districtName + place,
			Division:  division,
		})
	}
	return out
}

// communityJoint is "<street><community>联合工会" with 2-6 generated employers.
func (b *builder) communityJoint(d, s Division, community string) Node {
	place := s.Name + community
	n := 2 + int(hash64(place)%5)
	return joint(place+"联合工会", s.Code, "北京市"+d.Name+place, b.smallFirms(d.Name, place, s.Code, n))
}

// ---- credit codes ----

// creditPrefix returns the registration authority and category characters
// of GB 32100 for a registration category.
func creditPrefix(e *Employer) string {
	if strings.HasSuffix(e.Name, "专业合作社") {
		return "93" // market regulation: farmers' specialised co-operative
	}
	switch e.Category {
	case "500":
		return "11" // establishment office: organ
	case "400":
		return "12" // establishment office: public institution
	case "700":
		return "52" // civil affairs: private non-enterprise unit
	case "900":
		return "59" // civil affairs: other social organisation
	case "600":
		return "92" // market regulation: individual business
	}
	return "91" // market regulation: enterprise
}

// creditBody derives a 17-char body: prefix, the district code (110000 for
// city-level units), an 8-char organisation code body hashed from the name
// and salt, and a placeholder "0" for the organisation code check.
func creditBody(e *Employer, salt int) string {
	region := "110000"
	if len(e.Division) >= 6 {
		region = e.Division[:6]
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d", e.Name, salt)))
	v := binary.BigEndian.Uint64(sum[:8])
	org := make([]byte, 8)
	for i := range org {
		org[i] = CreditCharset[v%uint64(len(CreditCharset))]
		v /= uint64(len(CreditCharset))
	}
	return creditPrefix(e) + region + string(org) + "0"
}

// assignCreditBodies walks the tree in order and gives every employer a
// distinct credit body; a collision (never seen, but possible) is resolved by
// salting the hash, which keeps the result deterministic.
func assignCreditBodies(root *Node) {
	used := map[string]bool{}
	set := func(e *Employer) {
		for salt := 0; ; salt++ {
			body := creditBody(e, salt)
			if !used[body[8:16]] {
				used[body[8:16]] = true
				e.CreditBody = body
				return
			}
		}
	}
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Employer != nil {
			set(n.Employer)
		}
		for i := range n.Covers {
			set(&n.Covers[i])
		}
		for i := range n.Children {
			walk(&n.Children[i])
		}
	}
	walk(root)
}

func hash64(s string) uint64 {
	sum := sha256.Sum256([]byte(s))
	return binary.BigEndian.Uint64(sum[:8])
}
