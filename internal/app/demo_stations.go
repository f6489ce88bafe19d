package app

import (
	"context"
	"fmt"
	"log/slog"

	"gonghui/internal/auth"
	"gonghui/internal/station"
)

// demoStation is one service station of the demo: the seeds' 暖心驿站 on
// every street, 职工之家 and the others, at places in Beijing (WGS-84,
// rounded: good enough for a demo map, not surveyed).
type demoStation struct {
	org, name, typ, address string
	lat, lng                float64
	amenities               []station.Amenity
	hours                   string // every day, unless weekend is set
	weekend                 string
	phone                   string
}

var (
	outdoor = []station.Amenity{station.AmWater, station.AmMicrowave, station.AmCharging, station.AmToilet, station.AmSeats, station.AmFirstAid, station.AmTyrePump, station.AmUmbrella}
	home    = []station.Amenity{station.AmWater, station.AmSeats, station.AmWifi, station.AmAircon, station.AmBooks}
)

var demoStationList = []demoStation{
	{"北京市西城区大栅栏街道总工会", "前门大街暖心驿站", station.TypeWarm, "北京市西城区前门大街北口", 39.8944, 116.3977, outdoor, "24小时", "", "010-6303 1100"},
	{"北京市西城区大栅栏街道总工会", "大栅栏职工之家", station.TypeHome, "北京市西城区大栅栏街 32 号", 39.8957, 116.3935, home, "09:00-12:00,13:30-18:00", "休息", "010-6303 1101"},
	{"北京市西城区大栅栏街道总工会", "煤市街户外劳动者服务站", station.TypeWarm, "北京市西城区煤市街 18 号", 39.8931, 116.3912, outdoor, "07:00-21:00", "", "010-6303 1102"},
	{"北京市西城区西长安街街道总工会", "西单暖心驿站", station.TypeWarm, "北京市西城区西单北大街 120 号", 39.9098, 116.3737, outdoor, "06:30-22:00", "", "010-6602 2200"},
	{"北京市西城区西长安街街道总工会", "西长安街职工书屋", station.TypeLibrary, "北京市西城区府右街 9 号", 39.9075, 116.3818, home, "09:00-17:30", "10:00-16:00", ""},
	{"北京市西城区金融街街道总工会", "金融街母婴关爱室", station.TypeNursing, "北京市西城区金融大街 7 号", 39.9155, 116.3588, []station.Amenity{station.AmWater, station.AmNursing, station.AmAircon, station.AmSeats}, "08:30-18:00", "休息", "010-6655 3300"},
	{"北京市东城区东华门街道总工会", "王府井暖心驿站", station.TypeWarm, "北京市东城区王府井大街 255 号", 39.9139, 116.4106, outdoor, "24小时", "", "010-6525 4400"},
	{"北京市东城区东华门街道总工会", "东华门职工服务中心", station.TypeCentre, "北京市东城区东华门大街 15 号", 39.9132, 116.4030, home, "08:30-17:30", "休息", "010-6525 4401"},
	{"北京市朝阳区三里屯街道总工会", "三里屯外卖骑手驿站", station.TypeWarm, "北京市朝阳区三里屯路 19 号", 39.9336, 116.4545, outdoor, "10:00-02:00", "", "010-6416 5500"},
	{"北京市朝阳区建外街道总工会", "国贸户外劳动者服务站", station.TypeWarm, "北京市朝阳区建国门外大街 1 号", 39.9087, 116.4597, outdoor, "06:00-23:00", "", "010-6505 6600"},
	{"北京市朝阳区望京街道总工会", "望京快递小哥之家", station.TypeWarm, "北京市朝阳区望京街 9 号", 39.9963, 116.4732, outdoor, "24小时", "", "010-6473 7700"},
	{"北京市朝阳区酒仙桥街道总工会", "酒仙桥劳动争议调解中心", station.TypeMediation, "北京市朝阳区酒仙桥路 4 号", 39.9713, 116.4926, []station.Amenity{station.AmWater, station.AmSeats}, "09:00-17:00", "休息", "010-6436 8800"},
	{"北京市海淀区中关村街道总工会", "中关村暖心驿站", station.TypeWarm, "北京市海淀区中关村大街 27 号", 39.9837, 116.3161, outdoor, "07:00-22:00", "", "010-6256 9900"},
	{"北京市海淀区学院路街道总工会", "学院路工会服务站", station.TypeService, "北京市海淀区学院路 37 号", 39.9912, 116.3534, home, "08:30-17:30", "休息", "010-6232 1000"},
	{"北京市海淀区海淀街道总工会", "海淀黄庄职工书屋", station.TypeLibrary, "北京市海淀区海淀大街 8 号", 39.9777, 116.3107, home, "09:00-21:00", "", ""},
	{"北京市丰台区丰台街道总工会", "丰台暖心驿站", station.TypeWarm, "北京市丰台区丰台北路 18 号", 39.8633, 116.2870, outdoor, "06:00-22:00", "", "010-6381 1200"},
	{"北京市丰台区卢沟桥街道总工会", "卢沟桥环卫工人休息站", station.TypeWarm, "北京市丰台区卢沟桥路 1 号", 39.8512, 116.2248, outdoor, "05:30-21:00", "", ""},
	{"北京市通州区永顺镇总工会", "永顺职工之家", station.TypeHome, "北京市通州区新华西街 58 号", 39.9069, 116.6533, home, "09:00-18:00", "10:00-16:00", "010-6954 1300"},
	{"北京市昌平区回龙观街道总工会", "回龙观暖心驿站", station.TypeWarm, "北京市昌平区回龙观西大街 9 号", 40.0740, 116.3304, outdoor, "07:00-21:00", "", "010-8171 1400"},
	{"北京市大兴区亦庄地区总工会", "亦庄职工服务中心", station.TypeCentre, "北京市大兴区亦庄荣华中路 10 号", 39.7953, 116.5063, home, "08:30-17:30", "休息", "010-6781 1500"},
}

// demoStations adds the demo's stations, each kept by its street's
// federation; a street missing from the tree is skipped with a warning.
func demoStations(ctx context.Context, m *Main, byName map[string]int64) error {
	for _, ds := range demoStationList {
		orgID, ok := byName[ds.org]
		if !ok {
			slog.Warn("demo: organisation for station not found", "org", ds.org)
			continue
		}
		var path string
		if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", orgID).Scan(&path); err != nil {
			return fmt.Errorf("demo station %s: %w", ds.name, err)
		}
		pr := &auth.Principal{Username: "demo", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: orgID, OrgPath: path}}}
		lat, lng := ds.lat, ds.lng
		in := station.Input{OrgID: orgID, Type: ds.typ, Name: ds.name, Address: ds.address, Lat: &lat, Lng: &lng, Amenities: ds.amenities,
			Phone: ds.phone, Contact: "站长", Hours: station.HoursText{Mon: ds.hours, Tue: ds.hours, Wed: ds.hours, Thu: ds.hours, Fri: ds.hours,
				Sat: ds.hours, Sun: ds.hours, Exceptions: []station.ExceptionText{}}}
		if ds.weekend != "" {
			in.Hours.Sat, in.Hours.Sun = ds.weekend, ds.weekend
		}
		if _, err := m.Stations.Create(ctx, pr, in); err != nil {
			return fmt.Errorf("demo station %s: %w", ds.name, err)
		}
	}
	return nil
}
