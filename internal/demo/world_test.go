package demo

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// walk visits every node depth-first with its path from the root.
func walk(n *Node, path []*Node, visit func(n *Node, path []*Node)) {
	visit(n, path)
	path = append(path, n)
	for i := range n.Children {
		walk(&n.Children[i], path, visit)
	}
}

func find(root *Node, name string) *Node {
	var got *Node
	walk(root, nil, func(n *Node, _ []*Node) {
		if got == nil && n.Name == name {
			got = n
		}
	})
	return got
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func TestRoot(t *testing.T) {
	w := World()
	if w.Name != "北京市总工会" || w.Kind != KindCity {
		t.Fatalf("root = %q (%s), want 北京市总工会 (city_federation)", w.Name, w.Kind)
	}
	if w.Employer != nil {
		t.Error("root has an employer")
	}
}

func TestAllDistricts(t *testing.T) {
	w := World()
	want := map[string]string{} // code -> name
	for _, d := range Divisions() {
		if d.Level == "district" {
			want[d.Code] = "北京市" + d.Name + "总工会"
		}
	}
	if len(want) != 16 {
		t.Fatalf("division list has %d districts, want 16", len(want))
	}
	got := map[string]string{}
	for _, c := range w.Children {
		if c.Kind != KindDistrict {
			continue
		}
		if !isDigits(c.Division, 6) {
			t.Errorf("%s: division %q is not 6 digits", c.Name, c.Division)
		}
		got[c.Division] = c.Name
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("districts = %v\nwant %v", got, want)
	}
}

func TestEveryStreetAndTownship(t *testing.T) {
	w := World()
	districts := map[string]*Node{}
	for i := range w.Children {
		if c := &w.Children[i]; c.Kind == KindDistrict {
			districts[c.Division] = c
		}
	}
	n := 0
	for _, d := range Divisions() {
		if d.Level != "township" {
			continue
		}
		n++
		dist := districts[d.Parent]
		if dist == nil {
			t.Fatalf("%s: no district %s", d.Name, d.Parent)
		}
		var found *Node
		for i := range dist.Children {
			if dist.Children[i].Division == d.Code {
				found = &dist.Children[i]
				break
			}
		}
		if found == nil {
			t.Errorf("%s (%s) missing under %s", d.Name, d.Code, dist.Name)
			continue
		}
		if found.Kind != KindStreet && found.Kind != KindTownship {
			t.Errorf("%s: kind %s", found.Name, found.Kind)
		}
		if !strings.Contains(found.Name, d.Name) || !strings.HasSuffix(found.Name, "总工会") {
			t.Errorf("%s: name %q does not carry the division name", d.Code, found.Name)
		}
		switch {
		case strings.HasSuffix(d.Name, "街道") && found.Kind != KindStreet,
			strings.HasSuffix(d.Name, "镇") && found.Kind != KindTownship,
			strings.HasSuffix(d.Name, "乡") && found.Kind != KindTownship:
			t.Errorf("%s: kind %s", found.Name, found.Kind)
		}
	}
	if n != 349 {
		t.Errorf("division list has %d streets and townships, want 349", n)
	}
}

func TestSiblingNamesUnique(t *testing.T) {
	w := World()
	walk(&w, nil, func(n *Node, _ []*Node) {
		seen := map[string]bool{}
		for _, c := range n.Children {
			if c.Name == "" {
				t.Errorf("unnamed child under %s", n.Name)
			}
			if seen[c.Name] {
				t.Errorf("%s: two children named %s", n.Name, c.Name)
			}
			seen[c.Name] = true
		}
	})
}

func TestKindsAndShape(t *testing.T) {
	w := World()
	counts := map[string]int{}
	walk(&w, nil, func(n *Node, path []*Node) {
		counts[n.Kind]++
		if !slices.Contains(Kinds, n.Kind) {
			t.Errorf("%s: unknown kind %q", n.Name, n.Kind)
		}
		switch n.Kind {
		case KindCity, KindDistrict, KindStreet, KindTownship, KindIndustry, KindGroup:
			if n.Employer != nil {
				t.Errorf("%s (%s) has an employer", n.Name, n.Kind)
			}
		case KindGrassroots:
			if n.Employer == nil {
				t.Errorf("grassroots union %s has no employer", n.Name)
			}
		case KindJoint:
			if n.Employer != nil {
				t.Errorf("joint union %s has an employer", n.Name)
			}
			if len(n.Covers) < 2 || len(n.Covers) > 6 {
				t.Errorf("joint union %s covers %d employers, want 2-6", n.Name, len(n.Covers))
			}
		}
		if n.Kind != KindJoint && len(n.Covers) > 0 {
			t.Errorf("%s (%s) covers employers", n.Name, n.Kind)
		}
		if n.Kind == KindSub && len(path) > 0 {
			if p := path[len(path)-1]; p.Kind != KindGrassroots && p.Kind != KindSub {
				t.Errorf("sub-union %s under %s (%s)", n.Name, p.Name, p.Kind)
			}
		}
		if n.Kind == KindGroup && len(n.Children) > 0 {
			t.Errorf("union group %s has children", n.Name)
		}
		switch d := n.Division; {
		case d == "", d == "110000", isDigits(d, 6) && strings.HasPrefix(d, "11"), isDigits(d, 9) && strings.HasPrefix(d, "11"):
		default:
			t.Errorf("%s: division %q", n.Name, d)
		}
		if n.Kind == KindStreet || n.Kind == KindTownship {
			if p := path[len(path)-1]; !strings.HasPrefix(n.Division, p.Division) {
				t.Errorf("%s: division %s not inside %s's %s", n.Name, n.Division, p.Name, p.Division)
			}
		}
	})
	for _, k := range []string{KindIndustry, KindGrassroots, KindJoint, KindSub, KindGroup, KindPreparatory} {
		if counts[k] == 0 {
			t.Errorf("no node of kind %s", k)
		}
	}
	t.Logf("nodes by kind: %v", counts)
}

func TestBITSubUnions(t *testing.T) {
	w := World()
	bit := find(&w, "北京理工大学工会")
	if bit == nil {
		t.Fatal("北京理工大学工会 not found")
	}
	if bit.Kind != KindGrassroots || bit.Employer == nil || bit.Employer.Name != "北京理工大学" {
		t.Fatalf("北京理工大学工会: kind %s, employer %v", bit.Kind, bit.Employer)
	}
	var subs []string
	for _, c := range bit.Children {
		if c.Kind == KindSub {
			subs = append(subs, c.Name)
		}
	}
	if len(subs) != 23 {
		t.Errorf("北京理工大学工会 has %d sub-unions, want 23: %v", len(subs), subs)
	}
	if !slices.Contains(subs, "人文学院分工会") {
		t.Errorf("人文学院分工会 missing: %v", subs)
	}
	var hits int
	walk(&w, nil, func(n *Node, _ []*Node) {
		if strings.Contains(n.Name, "人文学院") {
			hits++
		}
	})
	if hits != 1 {
		t.Errorf("a search for 人文学院 finds %d nodes, want 1", hits)
	}
	if !slices.ContainsFunc(bit.Officers, func(o Officer) bool {
		return o.Name == "高伟涛" && o.Position == PositionExecVice
	}) {
		t.Errorf("高伟涛 is not 常务副主席 of 北京理工大学工会: %v", bit.Officers)
	}
}

// creditPairs are the authority/category pairs of GB 32100 the demo uses.
var creditPairs = []string{"11", "12", "52", "59", "91", "92", "93"}

func TestEmployers(t *testing.T) {
	w := World()
	bodies := map[string]string{}
	names := map[string]bool{}
	check := func(owner string, e *Employer) {
		if names[e.Name] {
			t.Errorf("employer %s appears twice", e.Name)
		}
		names[e.Name] = true
		b := e.CreditBody
		if len(b) != 17 {
			t.Errorf("%s: credit body %q is %d chars, want 17", e.Name, b, len(b))
			return
		}
		for i := 0; i < len(b); i++ {
			if !strings.ContainsRune(CreditCharset, rune(b[i])) {
				t.Errorf("%s: credit body %q has %q outside the alphabet", e.Name, b, b[i])
			}
		}
		if !slices.Contains(creditPairs, b[:2]) {
			t.Errorf("%s: credit body %q starts with %q", e.Name, b, b[:2])
		}
		if !isDigits(b[2:8], 6) || !strings.HasPrefix(b[2:8], "11") {
			t.Errorf("%s: credit body %q has region %q", e.Name, b, b[2:8])
		}
		if len(e.Division) >= 6 && b[2:8] != e.Division[:6] {
			t.Errorf("%s: credit body region %s, division %s", e.Name, b[2:8], e.Division)
		}
		if other, dup := bodies[b]; dup {
			t.Errorf("%s and %s share credit body %s", e.Name, other, b)
		}
		if other, dup := bodies[b[8:16]]; dup {
			t.Errorf("%s and %s share organisation code %s", e.Name, other, b[8:16])
		}
		bodies[b] = e.Name
		bodies[b[8:16]] = e.Name
		if _, ok := Categories[e.Category]; !ok {
			t.Errorf("%s: category %q", e.Name, e.Category)
		}
		if len(e.Industry) != 1 || e.Industry[0] < 'A' || e.Industry[0] > 'T' {
			t.Errorf("%s: industry %q", e.Name, e.Industry)
		}
		if e.Employees <= 0 {
			t.Errorf("%s: %d employees", e.Name, e.Employees)
		}
		if !strings.HasPrefix(e.Address, "北京市") {
			t.Errorf("%s: address %q", e.Name, e.Address)
		}
		switch e.Category {
		case "500":
			if b[:2] != "11" {
				t.Errorf("%s: organ with credit body %s", e.Name, b)
			}
		case "400":
			if b[:2] != "12" {
				t.Errorf("%s: institution with credit body %s", e.Name, b)
			}
		}
	}
	n := 0
	walk(&w, nil, func(node *Node, _ []*Node) {
		if node.Employer != nil {
			check(node.Name, node.Employer)
			n++
		}
		for i := range node.Covers {
			check(node.Name, &node.Covers[i])
			n++
		}
	})
	if n < 50 {
		t.Errorf("only %d employers", n)
	}
	t.Logf("%d employers", n)
}

func TestSeedStreetsAndOrganisations(t *testing.T) {
	w := World()
	streets := map[string]string{ // name fragment -> division code it must carry
		"大栅栏":  "110102013",
		"西长安街": "110102001",
		"东四街道": "110101006",
		"朝阳门":  "110101007",
		"西三旗":  "110108019",
		"东风街道": "110111005",
		"兴谷":   "110117002",
		"长辛店":  "110106011",
		"九渡河":  "110116109",
		"桥梓":   "110116105",
	}
	for frag, code := range streets {
		var found bool
		walk(&w, nil, func(n *Node, _ []*Node) {
			if (n.Kind == KindStreet || n.Kind == KindTownship) && strings.Contains(n.Name, frag) && n.Division == code {
				found = true
			}
		})
		if !found {
			t.Errorf("no street or township federation %s (%s)", frag, code)
		}
	}
	for _, name := range []string{
		"北京市西城区大栅栏街道总工会",
		"北京市平谷区兴谷开发区总工会",
		"北京城市排水集团有限责任公司工会",
		"北京润宏保安服务有限公司工会",
		"北京城建集团有限责任公司工会",
		"通州警备中心项目部分工会",
		"国家税务总局北京市西城区税务局工会",
		"第一税务所分工会",
		"北京市门头沟区科学技术和信息化局工会",
		"北京京西生态资源管理有限公司工会",
		"北京城市副中心行政办公区工程建设办公室工会",
		"北京花乡花木公司工会",
		"北京市丰台区工人俱乐部工会",
		"北京长辛店二七纪念馆工会",
		"中国人民抗日战争纪念馆工会",
		"香山革命纪念馆工会",
		"北京市香山公园管理处工会",
		"北京城市学院工会",
		"北京电影学院工会",
		"八达岭长城管理处工会",
		"北京燕京啤酒股份有限公司工会",
		"北京市工会干部学院工会",
		"中共北京市委党校工会",
		"西三旗街道公元99商务楼宇联合工会",
		"九渡河镇局里村联合工会",
		"桥梓镇口头村联合工会",
		"大栅栏街道三井社区联合工会",
	} {
		if find(&w, name) == nil {
			t.Errorf("%s not found", name)
		}
	}
	dzl := find(&w, "北京市西城区大栅栏街道总工会")
	var joints int
	for _, c := range dzl.Children {
		if c.Kind == KindJoint && strings.HasSuffix(c.Name, "社区联合工会") {
			joints++
		}
	}
	if joints != 9 { // 003: "9个社区联合工会"
		t.Errorf("大栅栏 has %d community joint unions, want 9", joints)
	}
	var kang bool
	walk(&w, nil, func(n *Node, _ []*Node) {
		for _, c := range n.Covers {
			if c.Name == "北京市平谷区七彩阳光康复中心" {
				kang = true
			}
		}
	})
	if !kang {
		t.Error("北京市平谷区七彩阳光康复中心 not covered by any joint union")
	}
}

func TestOfficers(t *testing.T) {
	w := World()
	walk(&w, nil, func(n *Node, _ []*Node) {
		for _, o := range n.Officers {
			if o.Name == "" || !slices.Contains(Positions, o.Position) {
				t.Errorf("%s: officer %+v", n.Name, o)
			}
			s, err1 := time.Parse(time.DateOnly, o.TermStart)
			e, err2 := time.Parse(time.DateOnly, o.TermEnd)
			if err1 != nil || err2 != nil || !s.Before(e) {
				t.Errorf("%s: officer %s term %s..%s", n.Name, o.Name, o.TermStart, o.TermEnd)
			}
		}
	})
	want := []struct{ org, name, pos string }{
		{"北京市总工会", "郑默杰", PositionParty},
		{"北京市西城区总工会", "张中喜", PositionParty},
		{"北京市西城区总工会", "张中喜", PositionExecVice},
		{"北京市西城区总工会", "林育才", PositionVice},
		{"北京市西城区总工会", "许畅", PositionVice},
		{"北京市西城区总工会", "陈振海", PositionChair},
		{"北京市东城区总工会", "李长华", PositionExecVice},
		{"北京市朝阳区总工会", "张克斌", PositionChair},
		{"北京市海淀区总工会", "牛爱忠", PositionParty},
		{"北京市丰台区总工会", "王振华", PositionChair},
		{"北京市丰台区总工会", "王建斌", PositionParty},
		{"北京市石景山区总工会", "曹俊房", PositionParty},
		{"北京市门头沟区总工会", "李伟", PositionChair},
		{"北京市房山区总工会", "李建坡", PositionExecVice},
		{"北京市西城区大栅栏街道总工会", "李玉萍", PositionChair},
		{"北京市西城区西长安街街道总工会", "陈金喜", PositionChair},
		{"北京市东城区朝阳门街道总工会", "刘立东", PositionChair},
	}
	for _, x := range want {
		n := find(&w, x.org)
		if n == nil {
			t.Errorf("%s not found", x.org)
			continue
		}
		if !slices.ContainsFunc(n.Officers, func(o Officer) bool { return o.Name == x.name && o.Position == x.pos }) {
			t.Errorf("%s: %s is not %s; officers %v", x.org, x.name, x.pos, n.Officers)
		}
	}
}

func TestDeterministicAndIndependent(t *testing.T) {
	a, b := World(), World()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("World() differs between calls")
	}
	// A caller changing its copy must not change the next one.
	a.Children[1].Name = "changed"
	a.Children[1].Officers[0].Name = "changed"
	bit := find(&a, "北京理工大学工会")
	bit.Employer.Name = "changed"
	bit.Children[0].Name = "changed"
	if c := World(); !reflect.DeepEqual(c, b) {
		t.Fatal("changing one World() result changed the next")
	}
}
