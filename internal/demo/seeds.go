package demo

import "strings"

// What the five newspaper pages in seeds/ name, placed where they put it.
// Officers are the union officials the pages name with their posts; other
// federations are left without officers rather than given invented people.
// Employee counts and categories are plausible estimates, not facts; an
// address is given to the house number only where it is well known, and to
// the street or district otherwise.

// officersOf returns the officers of the organisation with this exact name.
// Each call returns new slices.
func officersOf(name string) []Officer {
	switch name {
	// 004: 北京市总工会党组书记、副主席 郑默杰
	case "北京市总工会":
		return []Officer{term("郑默杰", PositionParty), term("郑默杰", PositionVice)}

	// 002: 东城区总工会党组书记、常务副主席 李长华
	case "北京市东城区总工会":
		return []Officer{term("李长华", PositionParty), term("李长华", PositionExecVice)}

	// 002: 区总工会主席 陈振海; 000: 党组书记、常务副主席 张中喜,
	// 党组成员、副主席 林育才、刘方振、许畅
	case "北京市西城区总工会":
		return []Officer{
			term("陈振海", PositionChair),
			term("张中喜", PositionParty),
			term("张中喜", PositionExecVice),
			term("林育才", PositionVice),
			term("刘方振", PositionVice),
			term("许畅", PositionVice),
		}

	// 002: 区总工会主席 张克斌
	case "北京市朝阳区总工会":
		return []Officer{term("张克斌", PositionChair)}

	// 002: 海淀区总工会党组书记、副主席 牛爱忠
	case "北京市海淀区总工会":
		return []Officer{term("牛爱忠", PositionParty), term("牛爱忠", PositionVice)}

	// 002 (2022): 区总工会党组书记、主席 王振华; 001 (2019): 党组书记 王建斌
	// (the previous term), 党组成员 陈威、刘振丽
	case "北京市丰台区总工会":
		return []Officer{
			term("王振华", PositionParty),
			term("王振华", PositionChair),
			{Name: "王建斌", Position: PositionParty, TermStart: "2016-06-01", TermEnd: "2021-05-31"},
			term("陈威", PositionMember),
			term("刘振丽", PositionMember),
		}

	// 002: 石景山区总工会党组书记、副主席 曹俊房
	case "北京市石景山区总工会":
		return []Officer{term("曹俊房", PositionParty), term("曹俊房", PositionVice)}

	// 002: 区总工会主席 李伟
	case "北京市门头沟区总工会":
		return []Officer{term("李伟", PositionChair)}

	// 002: 房山区总工会党组书记、常务副主席 李建坡
	case "北京市房山区总工会":
		return []Officer{term("李建坡", PositionParty), term("李建坡", PositionExecVice)}

	// 000, 003: 大栅栏街道总工会主席 李玉萍
	case "北京市西城区大栅栏街道总工会":
		return []Officer{term("李玉萍", PositionChair)}

	// 000: 西长安街街道总工会主席 陈金喜
	case "北京市西城区西长安街街道总工会":
		return []Officer{term("陈金喜", PositionChair)}

	// 003: 朝阳门街道总工会主席 刘立东
	case "北京市东城区朝阳门街道总工会":
		return []Officer{term("刘立东", PositionChair)}

	// 004: 北京理工大学工会常务副主席 高伟涛
	case "北京理工大学工会":
		return []Officer{term("高伟涛", PositionExecVice)}

	// A few chairs of the demo's own joint unions (invented names).
	case "大栅栏街道三井社区联合工会":
		return []Officer{term("王淑芬", PositionChair)}
	case "西三旗街道公元99商务楼宇联合工会":
		return []Officer{term("刘洋", PositionChair)}
	case "兴谷开发区企业联合工会":
		return []Officer{term("张海燕", PositionChair)}
	}
	return nil
}

// jointIn is "<street><label>联合工会" covering 2-6 generated small employers,
// e.g. "大栅栏街道三井社区联合工会" or "东四街道楼宇联合工会".
func (b *builder) jointIn(d, s Division, label string) Node {
	place := s.Name + label
	addr := "北京市" + d.Name + s.Name
	if strings.HasSuffix(label, "社区") && label != "社区" {
		addr += label
	}
	n := 2 + int(hash64(place)%5)
	firms := b.smallFirms(d.Name, place, s.Code, n)
	for i := range firms {
		firms[i].Address = addr
	}
	return joint(place+"联合工会", s.Code, addr, firms)
}

// streetExtras returns the unions placed under one street or township.
func (b *builder) streetExtras(d, s Division) []Node {
	addr := "北京市" + d.Name + s.Name
	var out []Node
	switch s.Code {

	// ---- 东城区 ----
	case "110101006": // 东四街道 (002): 北京润宏保安服务有限公司 is named with it
		out = []Node{
			grassroots(emp("北京润宏保安服务有限公司", "150", "L", 460, addr, s.Code)),
			b.jointIn(d, s, "隆福寺商圈"),
			b.jointIn(d, s, "楼宇"),
		}
	case "110101007": // 朝阳门街道 (003)
		for _, c := range []string{"史家社区", "演乐社区", "竹杆社区"} {
			out = append(out, b.jointIn(d, s, c))
		}

	// ---- 西城区 ----
	case "110102013": // 大栅栏街道 (000, 003): 9 community joint unions
		for _, c := range []string{
			"前门西河沿街社区", "延寿街社区", "三井社区", "大栅栏西街社区", "石头社区",
			"铁树斜街社区", "百顺社区", "大安澜营社区", "煤市街东社区",
		} {
			out = append(out, b.jointIn(d, s, c))
		}
	case "110102001": // 西长安街街道 (000)
		for _, c := range []string{"西单北社区", "六部口社区", "西交民巷社区", "府右街南社区"} {
			out = append(out, b.jointIn(d, s, c))
		}

	// ---- 朝阳区 ----
	case "110105030": // 东风地区: a joint union of platform workers being set up
		out = []Node{{
			Name:     "东风地区新就业形态劳动者联合工会筹建会",
			Kind:     KindPreparatory,
			Division: s.Code,
			Address:  addr,
		}}

	// ---- 丰台区 ----
	case "110106011": // 长辛店街道 (001): 长辛店二七纪念馆
		out = []Node{grassroots(emp("北京长辛店二七纪念馆", "400", "R", 28, addr, s.Code))}
	case "110106014": // 宛平街道 (001): 中国人民抗日战争纪念馆
		out = []Node{grassroots(emp("中国人民抗日战争纪念馆", "400", "R", 160,
			"北京市丰台区宛平城内街101号", s.Code))}
	case "110106018": // 花乡街道 (001): 北京花乡花木公司
		out = []Node{grassroots(emp("北京花乡花木公司", "120", "A", 260, addr, s.Code))}

	// ---- 石景山区 ----
	case "110107011": // 鲁谷街道
		out = []Node{b.jointIn(d, s, "楼宇")}

	// ---- 海淀区 ----
	case "110108008": // 北太平庄街道: 北京城建集团 (003) and its project in 通州
		addr := "北京市海淀区北太平庄路18号"
		out = []Node{grassroots(emp("北京城建集团有限责任公司", "110", "E", 22000, addr, s.Code),
			subUnion("通州警备中心项目部分工会", "110112", "北京市通州区",
				groups("110112", "北京市通州区", "钢筋班组", "木工班组", "安全质量部")...),
			subUnion("机关分工会", s.Code, addr),
		)}
	case "110108016": // 香山街道 (000, 001): 香山公园, 香山革命纪念馆
		out = []Node{
			grassroots(emp("北京市香山公园管理处", "400", "N", 380, "北京市海淀区买卖街40号", s.Code)),
			grassroots(emp("香山革命纪念馆", "400", "R", 80, addr, s.Code)),
		}
	case "110108019": // 西三旗街道 (003): the 公元99 office building; a new delivery station
		bld := addr + "公元99商务楼宇"
		out = []Node{
			joint("西三旗街道公元99商务楼宇联合工会", s.Code, bld, []Employer{
				*newForms(emp("北京云帆数智科技有限公司", "170", "I", 45, bld, s.Code)),
				*newForms(emp("北京知行远教育科技有限公司", "170", "P", 30, bld, s.Code)),
				*emp("北京启明星文化传播有限公司", "170", "R", 12, bld, s.Code),
				*emp("北京汇通众创企业管理咨询有限公司", "170", "L", 18, bld, s.Code),
				*newForms(emp("北京乐跑网络科技有限公司", "170", "I", 26, bld, s.Code)),
			}),
			{
				Name:     "北京京骑同城配送服务有限公司西三旗分公司工会筹建会",
				Kind:     KindPreparatory,
				Division: s.Code,
				Address:  addr,
				Employer: newForms(emp("北京京骑同城配送服务有限公司西三旗分公司", "170", "G", 64, addr, s.Code)),
			},
		}
	case "110108022": // 上地街道: platform workers (002 names 新就业形态劳动者 in 海淀)
		out = []Node{joint("上地街道新就业形态劳动者联合工会", s.Code, addr, []Employer{
			*newForms(emp("北京京骑同城配送服务有限公司上地分公司", "170", "G", 58, addr, s.Code)),
			*newForms(emp("北京快帮跑腿服务有限公司", "170", "O", 35, addr, s.Code)),
			*newForms(emp("北京安心到家网络科技有限公司", "170", "O", 42, addr, s.Code)),
			*newForms(emp("北京通达网约车服务有限公司", "170", "G", 27, addr, s.Code)),
		})}

	// ---- 房山区 ----
	case "110111005": // 东风街道 (燕山, 004)
		out = []Node{b.jointIn(d, s, "社区"), b.jointIn(d, s, "商户")}

	// ---- 通州区 ----
	case "110112119": // 潞城镇: 北京城市副中心行政办公区 (003)
		out = []Node{
			grassroots(emp("北京城市副中心行政办公区工程建设办公室", "500", "S", 90, addr, s.Code)),
			b.jointIn(d, s, "小微企业"),
		}

	// ---- 顺义区 ----
	case "110113003": // 仁和地区: 燕京啤酒 (004, advertisement)
		addr := "北京市顺义区双河路9号"
		out = []Node{grassroots(emp("北京燕京啤酒股份有限公司", "160", "C", 5200, addr, s.Code),
			subUnion("酿造车间分工会", s.Code, addr),
			subUnion("包装车间分工会", s.Code, addr, groups(s.Code, addr, "包装一班", "包装二班", "包装三班")...),
			subUnion("动力车间分工会", s.Code, addr),
		)}

	// ---- 怀柔区 ---- (004: 党史班车 to 九渡河镇局里村, 桥梓镇口头村)
	case "110116109": // 九渡河镇
		v := addr + "局里村"
		out = []Node{joint("九渡河镇局里村联合工会", s.Code, v, []Employer{
			*emp("北京局里板栗种植专业合作社", "190", "A", 14, v, s.Code),
			*emp("北京市怀柔区局里山居农家院", "600", "H", 4, v, s.Code),
			*emp("北京局里长城旅游服务有限公司", "170", "N", 12, v, s.Code),
		})}
	case "110116105": // 桥梓镇
		v := addr + "口头村"
		out = []Node{joint("桥梓镇口头村联合工会", s.Code, v, []Employer{
			*emp("北京口头村古槐巷民俗旅游专业合作社", "190", "N", 12, v, s.Code),
			*emp("北京市怀柔区口头村古槐农家院", "600", "H", 4, v, s.Code),
			*emp("北京桥梓尜尜枣种植专业合作社", "190", "A", 10, v, s.Code),
		})}

	// ---- 平谷区 ----
	case "110117002": // 兴谷街道: 七彩阳光康复中心 (003)
		out = []Node{joint("兴谷街道社会组织联合工会", s.Code, addr, []Employer{
			*emp("北京市平谷区七彩阳光康复中心", "700", "Q", 22, addr, s.Code),
			*emp("北京市平谷区兴谷社区养老服务中心", "700", "Q", 9, addr, s.Code),
			*emp("北京市平谷区益民社会工作事务所", "700", "Q", 6, addr, s.Code),
		})}

	// ---- 延庆区 ----
	case "110119102": // 八达岭镇: 八达岭长城管理处 (004)
		out = []Node{grassroots(emp("八达岭长城管理处", "400", "N", 620, addr, s.Code))}
	}
	return out
}

// districtDirect returns the unions attached directly to a district
// federation (区直属基层工会) and the district's development-zone federation.
func (b *builder) districtDirect(d Division) []Node {
	switch d.Code {
	case "110102": // 西城区
		px := "北京市西城区车公庄大街北里37号"
		return []Node{
			// 003: 北京排水集团, with its water reclamation plants
			grassroots(emp("北京城市排水集团有限责任公司", "110", "D", 5600, px, d.Code).called("北京排水集团"),
				subUnion("高碑店再生水厂分工会", "110105022", "北京市朝阳区高碑店地区",
					groups("110105022", "北京市朝阳区高碑店地区", "运行一班", "运行二班", "设备维修班")...),
				subUnion("清河再生水厂分工会", "110108017", "北京市海淀区清河街道"),
				subUnion("小红门再生水厂分工会", "110105027", "北京市朝阳区小红门地区"),
				subUnion("槐房再生水厂分工会", "110106", "北京市丰台区"),
				subUnion("机关分工会", d.Code, px),
			),
			// 002: 陈卫华, 第一税务所副所长
			grassroots(emp("国家税务总局北京市西城区税务局", "500", "S", 1100, "北京市西城区", d.Code).called("西城区税务局"),
				subUnion("第一税务所分工会", d.Code, "北京市西城区"),
				subUnion("机关分工会", d.Code, "北京市西城区"),
			),
			// 003: 市委党校 experts at 朝阳门
			grassroots(emp("中共北京市委党校", "400", "P", 520, "北京市西城区车公庄大街6号", d.Code).called("市委党校")),
		}
	case "110106": // 丰台区 (001): 丰台工人俱乐部
		return []Node{grassroots(emp("北京市丰台区工人俱乐部", "400", "R", 45, "北京市丰台区", d.Code))}
	case "110109": // 门头沟区 (002): 高同雨's two employers
		return []Node{
			grassroots(emp("北京市门头沟区科学技术和信息化局", "500", "S", 55, "北京市门头沟区", d.Code)),
			grassroots(emp("北京京西生态资源管理有限公司", "150", "N", 310, "北京市门头沟区", d.Code)),
		}
	case "110117": // 平谷区 (003): 兴谷开发区总工会. The zone lies in today's
		// 兴谷街道 but is a federation of its own, at township level like the
		// development zones of the division list.
		addr := "北京市平谷区兴谷经济开发区"
		return []Node{{
			Name:     "北京市平谷区兴谷开发区总工会",
			Kind:     KindTownship,
			Division: d.Code,
			Address:  addr,
			Children: []Node{joint("兴谷开发区企业联合工会", d.Code, addr, []Employer{
				*emp("北京兴谷精密机械有限公司", "170", "C", 85, addr, d.Code),
				*emp("北京谷丰食品有限公司", "170", "C", 120, addr, d.Code),
				*emp("北京绿源包装材料有限公司", "170", "C", 60, addr, d.Code),
				*emp("北京兴谷物流有限公司", "170", "G", 40, addr, d.Code),
			})},
		}}
	}
	return nil
}

// bitSchools are the 23 grassroots units of 北京理工大学's union (004: "全校23
// 个基层工会", 人文学院工会 named): its schools, departments and offices.
var bitSchools = []string{
	"人文学院", "宇航学院", "机电学院", "机械与车辆学院", "光电学院", "信息与电子学院",
	"自动化学院", "计算机学院", "网络空间安全学院", "材料学院", "化学与化工学院", "生命学院",
	"物理学院", "数学与统计学院", "管理与经济学院", "法学院", "外国语学院", "设计与艺术学院",
	"马克思主义学院", "体育部", "图书馆", "机关", "后勤集团",
}

// cityDirect returns the unions directly under 北京市总工会: the education
// industry union with the universities the seeds name, and the union of the
// city federation's own cadre college.
func (b *builder) cityDirect() []Node {
	bitAddr := "北京市海淀区中关村南大街5号"
	var bitSubs []Node
	for _, s := range bitSchools {
		bitSubs = append(bitSubs, subUnion(s+"分工会", "110108", bitAddr))
	}
	edu := Node{
		Name:     "北京市教育工会",
		Kind:     KindIndustry,
		Division: "110000",
		Address:  "北京市",
		Children: []Node{
			grassroots(emp("北京理工大学", "400", "P", 3600, bitAddr, "110108").called("北理工"), bitSubs...),
			// 004: 北京市总工会 and 北京城市学院 set up 北京市劳模精神与工匠文化发展中心
			grassroots(emp("北京城市学院", "700", "P", 1300, "北京市海淀区北四环中路269号", "110108")),
			// 004: 北京电影学院怀柔校区
			grassroots(emp("北京电影学院", "400", "P", 980, "北京市海淀区西土城路4号", "110108"),
				subUnion("怀柔校区分工会", "110116", "北京市怀柔区"),
			),
		},
	}
	// 003: 市工会干部学院 experts at 朝阳门 (范丽娜, 范韶华)
	college := grassroots(emp("北京市工会干部学院", "400", "P", 120, "北京市", ""))
	return []Node{edu, college}
}
