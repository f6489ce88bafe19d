package station

import "strings"

// Beijing's 16 districts with the centres the vendored district map gives
// them (its features' "cp", in the map's GCJ-02-like system; centre()
// converts to WGS-84). They place a typed district name on the map when
// there is no geocoder to ask.
type district struct {
	code, name string
	cp         Point // GCJ-02
}

var districts = []district{
	{"110101", "东城区", Point{39.917544, 116.418757}},
	{"110102", "西城区", Point{39.915309, 116.366794}},
	{"110105", "朝阳区", Point{39.921489, 116.486409}},
	{"110106", "丰台区", Point{39.863642, 116.286968}},
	{"110107", "石景山区", Point{39.914601, 116.195445}},
	{"110108", "海淀区", Point{39.956074, 116.310316}},
	{"110109", "门头沟区", Point{39.937183, 116.105381}},
	{"110111", "房山区", Point{39.735535, 116.139157}},
	{"110112", "通州区", Point{39.902486, 116.658603}},
	{"110113", "顺义区", Point{40.128936, 116.653525}},
	{"110114", "昌平区", Point{40.218085, 116.235906}},
	{"110115", "大兴区", Point{39.728908, 116.338033}},
	{"110116", "怀柔区", Point{40.324272, 116.637122}},
	{"110117", "平谷区", Point{40.144783, 117.112335}},
	{"110118", "密云区", Point{40.377362, 116.843352}},
	{"110119", "延庆区", Point{40.465325, 115.985006}},
}

func (d district) centre() Point { return ToWGS84(d.cp) }

// districtNamed finds the district q names: exactly (with or without
// 区), or, when loose, a district whose name q holds ("朝阳区三里屯").
func districtNamed(q string, exact bool) (district, bool) {
	for _, d := range districts {
		short := strings.TrimSuffix(d.name, "区")
		if q == d.name || q == short || q == short+"区总工会" {
			return d, true
		}
		if !exact && (strings.Contains(q, d.name) || strings.HasPrefix(q, short)) {
			return d, true
		}
	}
	return district{}, false
}

func districtByCode(code string) (district, bool) {
	for _, d := range districts {
		if d.code == code {
			return d, true
		}
	}
	return district{}, false
}
