package org

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/demo"
	"gonghui/internal/errs"
)

// Generate fills an empty database with a synthetic city of about orgs
// organisations for scale tests and benchmarks: the city federation, the 16
// district federations and all 349 street and township federations under
// their real names, then grassroots unions (some with sub-unions and union
// groups, so the tree is six levels deep), joint unions and preparatory
// committees, each with its employers, and unorganised employers owned by
// the street federations so that the organising rate is not 100%. The same
// seed makes the same city (IDs apart). Rows go in by BulkInsert, a few
// thousand per transaction; progress, if not nil, is told after each.
func Generate(ctx context.Context, s *Store, orgs int, seed int64, progress func(done, total int)) error {
	divs := demo.Divisions()
	var districts, streets []demo.Division
	for _, d := range divs {
		if d.Level == "district" {
			districts = append(districts, d)
		} else {
			streets = append(streets, d)
		}
	}
	fixed := 1 + len(districts) + len(streets)
	if orgs < fixed {
		return fmt.Errorf("org: generate: a city needs at least %d organisations (the city, its districts and streets)", fixed)
	}
	if _, err := s.RootID(ctx); err == nil {
		return errs.Conflict("root_exists", "org.root_exists")
	} else if !errs.Is(err, errs.KindNotFound) {
		return err
	}
	g := &generator{s: s, rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), names: map[string]bool{},
		codes: map[string]bool{}, total: orgs, progress: progress}

	root := NewNode{ID: db.NewID(), Name: "北京市总工会", Kind: KindCity, DivisionCode: "110000", Address: "北京市"}
	root.Officers = g.officers(2)
	g.add(root)
	districtOf := map[string]demo.Division{}
	districtIDs := map[string]int64{}
	for _, d := range districts {
		n := NewNode{ID: db.NewID(), ParentID: root.ID, Name: "北京市" + d.Name + "总工会", Kind: KindDistrict,
			DivisionCode: d.Code, Address: "北京市" + d.Name, Officers: g.officers(3)}
		g.add(n)
		districtOf[d.Code], districtIDs[d.Code] = d, n.ID
	}
	type slot struct {
		id       int64
		district demo.Division
		street   demo.Division
	}
	places := make([]slot, 0, len(streets))
	for _, st := range streets {
		d := districtOf[st.Parent]
		n := NewNode{ID: db.NewID(), ParentID: districtIDs[st.Parent], Name: "北京市" + d.Name + st.Name + "总工会",
			Kind: streetKindOf(st.Name), DivisionCode: st.Code, Address: "北京市" + d.Name + st.Name, Officers: g.officers(2)}
		g.add(n)
		places = append(places, slot{n.ID, d, st})
	}
	if err := g.flush(ctx); err != nil {
		return err
	}

	// Streets differ in size: weight each, then share out what is left.
	rest := orgs - fixed
	weights := make([]float64, len(places))
	sum := 0.0
	for i := range weights {
		weights[i] = 0.3 + 1.7*g.rng.Float64()
		sum += weights[i]
	}
	shares := make([]int, len(places))
	given := 0
	for i, w := range weights {
		shares[i] = int(float64(rest) * w / sum)
		given += shares[i]
	}
	for i := 0; given < rest; i = (i + 1) % len(shares) {
		shares[i]++
		given++
	}
	for i, pl := range places {
		g.street(pl.id, pl.district, pl.street, shares[i], i == 0)
		if len(g.batch) >= 5000 {
			if err := g.flush(ctx); err != nil {
				return err
			}
		}
	}
	if err := g.flush(ctx); err != nil {
		return err
	}
	// The planner's statistics predate the load; without fresh ones
	// PostgreSQL plans the first hours of queries for empty tables.
	if err := s.DB.AnalyzeFull(ctx); err != nil {
		return fmt.Errorf("org: generate: analyze: %w", err)
	}
	return nil
}

// streetKindOf follows the division list: 街道 and 地区 are streets; towns,
// townships, development zones and the like are township federations.
func streetKindOf(name string) Kind {
	if strings.HasSuffix(name, "街道") || strings.HasSuffix(name, "地区") {
		return KindStreet
	}
	return KindTownship
}

type generator struct {
	s        *Store
	rng      *rand.Rand
	names    map[string]bool // employer names, unique city-wide
	codes    map[string]bool // credit codes handed out
	batch    []NewNode
	loose    []EmployerInput
	done     int
	total    int
	progress func(done, total int)
}

func (g *generator) add(n NewNode) { g.batch = append(g.batch, n) }

func (g *generator) flush(ctx context.Context) error {
	if len(g.batch) == 0 && len(g.loose) == 0 {
		return nil
	}
	if err := g.s.bulkInsert(ctx, g.batch, g.loose); err != nil {
		return err
	}
	g.done += len(g.batch)
	g.batch, g.loose = g.batch[:0], g.loose[:0]
	if g.progress != nil {
		g.progress(g.done, g.total)
	}
	return nil
}

// street fills one street federation with n organisations. deep forces its
// first union to reach the sixth level, so that every city, however small,
// has the full depth.
func (g *generator) street(id int64, d, st demo.Division, n int, deep bool) {
	p := place{district: d, street: st}
	organised := 0
	joints := map[string]bool{}
	for n > 0 {
		r := g.rng.Float64()
		switch {
		case r < 0.05:
			name := g.jointName(st, joints)
			node := NewNode{ID: db.NewID(), ParentID: id, Name: name, Kind: KindJoint, DivisionCode: st.Code,
				Address: p.address(g.rng), Officers: g.officers(1)}
			for k := 2 + g.rng.IntN(4); k > 0; k-- {
				node.Covers = append(node.Covers, g.employer(p, "small"))
			}
			organised += len(node.Covers)
			g.add(node)
			n--
		case r < 0.06:
			e := g.employer(p, "")
			g.add(NewNode{ID: db.NewID(), ParentID: id, Name: e.Name + "工会筹备委员会", Kind: KindPreparatory,
				DivisionCode: st.Code, Address: e.Address, Employer: &e})
			organised++
			n--
		default:
			n -= g.union(id, p, n, deep)
			deep = false
			organised++
		}
	}
	// About one employer in six in the street has no union yet.
	for k := organised * (10 + g.rng.IntN(15)) / 100; k > 0; k-- {
		e := g.employer(p, "")
		e.OwnerOrgID = id
		g.loose = append(g.loose, e)
	}
}

// place is where an organisation or employer is: a street of a district.
type place struct{ district, street demo.Division }

func (p place) address(rng *rand.Rand) string {
	return fmt.Sprintf("北京市%s%s%s%d号", p.district.Name, p.street.Name, pick(rng, roads), 1+rng.IntN(300))
}

// union adds a grassroots union with its employer and, sometimes, its
// sub-unions and union groups, within budget; it returns how many
// organisations it added.
func (g *generator) union(parent int64, p place, budget int, deep bool) int {
	e := g.employer(p, "")
	u := NewNode{ID: db.NewID(), ParentID: parent, Name: e.Name + "工会", Kind: KindGrassroots, DivisionCode: p.street.Code,
		Address: e.Address, Employer: &e}
	if g.rng.Float64() < 0.3 {
		u.Officers = g.officers(1)
	}
	g.add(u)
	added := 1
	r := g.rng.Float64()
	switch {
	case (deep || r < 0.08) && budget >= 3:
		// A large employer: sub-unions for its departments, some with groups.
		depts := g.rng.Perm(len(departments))
		for i := 0; i < 2+g.rng.IntN(5) && i < len(depts) && added < budget; i++ {
			sub := NewNode{ID: db.NewID(), ParentID: u.ID, Name: departments[depts[i]] + "分工会", Kind: KindSub,
				DivisionCode: p.street.Code, Address: e.Address}
			g.add(sub)
			added++
			groups := g.rng.IntN(4)
			if deep && i == 0 {
				groups = max(groups, 1)
			}
			added += g.groups(sub.ID, p, e.Address, min(groups, budget-added))
		}
	case r < 0.18 && budget >= 2:
		added += g.groups(u.ID, p, e.Address, min(2+g.rng.IntN(3), budget-1))
	}
	return added
}

func (g *generator) groups(parent int64, p place, address string, n int) int {
	for i := 0; i < n; i++ {
		g.add(NewNode{ID: db.NewID(), ParentID: parent, Name: ordinals[i] + "工会小组", Kind: KindGroup,
			DivisionCode: p.street.Code, Address: address})
	}
	return max(n, 0)
}

func (g *generator) jointName(st demo.Division, used map[string]bool) string {
	for {
		name := st.Name + pick(g.rng, tradeWords) + pick(g.rng, communityWords) + "社区联合工会"
		if !used[name] {
			used[name] = true
			return name
		}
	}
}

// categoryMix is the share of each registration category among generated
// employers: mostly private and limited companies, as in a city's statistics.
var categoryMix = []struct {
	code   string
	weight int
}{
	{"170", 44}, {"150", 24}, {"160", 4}, {"110", 4}, {"120", 1}, {"200", 3}, {"300", 3},
	{"400", 6}, {"500", 2}, {"600", 5}, {"700", 3}, {"900", 1},
}

func (g *generator) category() string {
	r := g.rng.IntN(100)
	for _, c := range categoryMix {
		if r < c.weight {
			return c.code
		}
		r -= c.weight
	}
	return "170"
}

// employer makes an employer in a place; kind "small" makes a shop-sized
// one of the kind joint unions cover.
func (g *generator) employer(p place, kind string) EmployerInput {
	cat := g.category()
	if kind == "small" {
		cat = []string{"170", "600", "600", "700"}[g.rng.IntN(4)]
	}
	e := EmployerInput{Category: cat, Address: p.address(g.rng), DivisionCode: p.street.Code}
	district := strings.TrimSuffix(p.district.Name, "区")
	switch cat {
	case "500":
		e.Industry, e.Employees = "S", 20+g.rng.IntN(300)
		e.Name = g.unique("北京市" + p.district.Name + pick(g.rng, tradeWords) + pick(g.rng, organs))
	case "400":
		e.Industry, e.Employees = pick(g.rng, []string{"P", "P", "Q", "M", "R"}), 30+g.rng.IntN(2000)
		e.Name = g.unique("北京市" + p.district.Name + pick(g.rng, tradeWords) + pick(g.rng, institutions[e.Industry]))
	case "600":
		e.Industry, e.Employees = pick(g.rng, []string{"F", "H", "O"}), 2+g.rng.IntN(8)
		e.Name = g.unique("北京市" + district + pick(g.rng, tradeWords) + pick(g.rng, shops[e.Industry]))
	case "700":
		e.Industry, e.Employees = pick(g.rng, []string{"P", "Q", "O"}), 5+g.rng.IntN(80)
		e.Name = g.unique("北京" + pick(g.rng, tradeWords) + pick(g.rng, nonProfits[e.Industry]))
	default:
		e.Industry = pick(g.rng, enterpriseIndustries)
		if g.rng.Float64() < 0.12 {
			// Platforms and internet firms: the new forms of employment.
			e.NewForms, e.Industry = true, pick(g.rng, []string{"I", "I", "G", "L"})
		}
		e.Employees = int(math.Min(50000, math.Exp(2.5+g.rng.NormFloat64()*1.3)+5))
		if cat == "110" {
			e.Employees = 200 + g.rng.IntN(20000)
		}
		if kind == "small" {
			e.Employees = 3 + g.rng.IntN(40)
		}
		e.Name = g.unique("北京" + pick(g.rng, tradeWords) + pick(g.rng, tradeWords) + pick(g.rng, trades[e.Industry]) + companyForm(cat))
	}
	if g.rng.IntN(100) >= 3 { // a few are recorded without a credit code yet
		e.CreditCode = g.creditCode(cat, p.district.Code)
	}
	return e
}

func companyForm(cat string) string {
	switch cat {
	case "110":
		return "集团有限公司"
	case "120":
		return "合作社"
	case "160":
		return "股份有限公司"
	case "150":
		return "有限责任公司"
	case "200", "300":
		return "（北京）有限公司"
	}
	return "有限公司"
}

// unique returns name, or a numbered branch of it when the name is taken.
func (g *generator) unique(name string) string {
	out := name
	for i := 2; g.names[out]; i++ {
		out = fmt.Sprintf("%s第%d分公司", name, i)
	}
	g.names[out] = true
	return out
}

// creditCode makes a valid, unused unified social credit code registered
// in the district.
func (g *generator) creditCode(cat, region string) string {
	prefix := "91" // market regulation: enterprise
	switch cat {
	case "500":
		prefix = "11"
	case "400":
		prefix = "12"
	case "700":
		prefix = "52"
	case "600":
		prefix = "92"
	case "120":
		prefix = "93"
	}
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for {
		var b strings.Builder
		b.WriteString(prefix)
		b.WriteString(region)
		for range 8 {
			b.WriteByte(charset[g.rng.IntN(len(charset))])
		}
		b.WriteByte('0')
		code, err := cnid.MakeCreditCode(b.String())
		if err != nil {
			panic("org: generate: bad credit body " + b.String() + ": " + err.Error())
		}
		if !g.codes[code] {
			g.codes[code] = true
			return code
		}
	}
}

func (g *generator) officers(n int) []OfficerInput {
	out := make([]OfficerInput, 0, n)
	for i := 0; i < n; i++ {
		pos := Positions[min(i, 2)]
		out = append(out, OfficerInput{Name: pick(g.rng, surnames) + pick(g.rng, givenNames), Position: pos,
			TermStart: "2021-06-01", TermEnd: "2026-05-31"})
	}
	return out
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

var (
	tradeWords = []string{
		"瑞丰", "德顺", "福兴", "聚源", "和盛", "恒泰", "鸿运", "嘉禾", "益民", "利群", "同和", "永兴", "安康", "祥云",
		"宏达", "兴隆", "春和", "金穗", "广源", "华美", "新禾", "益康", "敬业", "乐活", "京韵", "锦程", "明德", "长青",
		"睿思", "立信", "海纳", "惠丰", "晨曦", "宜和", "润泽", "佳信", "悦来", "丰泽", "合力", "正阳", "天成", "中联",
		"北辰", "东方", "华夏", "燕京", "京华", "首信", "宏图", "远航", "博雅", "卓越", "鼎盛", "信诚", "万通", "泰和",
		"嘉华", "新锐", "志远", "众合", "安泰", "金桥", "联创", "兴业", "融通", "银河", "星火", "云帆", "蓝海", "绿源",
		"华信", "思源", "致远", "鑫达", "恒信", "圣元", "金鼎", "天润", "方圆", "世纪",
	}
	trades = map[string][]string{
		"C": {"机械制造", "电子设备", "食品", "服装", "印刷", "医疗器械", "精密仪器", "汽车配件", "新材料", "家具"},
		"D": {"热力", "燃气", "电力工程", "供水"},
		"E": {"建筑工程", "建设", "装饰工程", "市政工程", "安装工程"},
		"F": {"商贸", "商业", "贸易", "超市", "百货", "医药连锁"},
		"G": {"物流", "运输", "快递", "仓储", "客运"},
		"H": {"餐饮管理", "酒店管理", "餐饮", "宾馆"},
		"I": {"网络科技", "信息技术", "软件", "数据科技", "智能科技", "互联网科技"},
		"J": {"投资管理", "资产管理", "保险代理", "融资担保"},
		"K": {"房地产开发", "物业管理", "置业"},
		"L": {"企业管理", "人力资源", "商务服务", "广告", "会展服务", "劳务派遣"},
		"M": {"工程设计", "科技发展", "检测技术", "咨询"},
		"N": {"环境工程", "园林绿化", "环卫服务"},
		"O": {"家政服务", "保洁服务", "维修服务", "洗染"},
		"R": {"文化传媒", "影视文化", "体育发展", "文化发展"},
	}
	enterpriseIndustries = []string{
		"C", "C", "C", "F", "F", "F", "I", "I", "L", "L", "M", "M", "E", "E", "G", "G",
		"H", "H", "K", "J", "O", "R", "D", "N",
	}
	organs       = []string{"行政服务中心", "市场监督管理所", "税务所", "司法所", "城市管理中心", "社区服务中心"}
	institutions = map[string][]string{
		"P": {"中学", "小学", "幼儿园", "职业学校"},
		"Q": {"医院", "社区卫生服务中心", "疾病预防控制中心"},
		"M": {"研究所", "科技研究院", "检测中心"},
		"R": {"图书馆", "文化馆", "体育中心"},
	}
	shops = map[string][]string{
		"F": {"便利店", "五金店", "茶叶店", "水果店"},
		"H": {"餐馆", "面馆", "快餐店"},
		"O": {"美发店", "洗衣店", "修理部"},
	}
	nonProfits = map[string][]string{
		"P": {"培训学校", "艺术培训中心"},
		"Q": {"养老服务中心", "康复中心"},
		"O": {"社会工作服务中心", "社区服务社"},
	}
	communityWords = []string{"东里", "西里", "南里", "北里", "花园", "家园", "新村", "小区", "苑", "园"}
	roads          = []string{"路", "大街", "胡同", "东路", "西路", "南路", "北路", "街"}
	departments    = []string{
		"行政部", "财务部", "技术部", "生产部", "销售部", "研发中心", "质量部", "物流部", "客服中心", "第一车间",
		"第二车间", "第三车间", "后勤服务中心", "人力资源部", "市场部", "工程部",
	}
	ordinals   = []string{"第一", "第二", "第三", "第四", "第五", "第六"}
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "桂英", "文博", "子涵"}
)
