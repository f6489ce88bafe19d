// Package station keeps the service stations (服务阵地): 职工之家, 暖心驿站
// (outdoor workers' rest stops), service centres, libraries, nursing
// rooms, mediation centres and the types staff add, each kept by an
// organisation, with its place, amenities, opening hours, contact and
// photos. The public finds the nearest open ones from a phone (Nearest);
// workers scan a station's QR poster to record a visit or claim a service
// (Visit, Claim), counted per station and up the tree through the
// figures' change log; staff list, import and export them and see the
// busiest.
//
// Scoping: staff read with station.read and change with station.write
// over the keeping organisation's subtree (NotFound outside it). The
// public sees active stations only, through Nearest, ByCode and Public.
//
// Coordinates are stored in WGS-84 (geo.go); hours in canonical text
// (hours.go). Limits that must hold across processes are unique keys:
// one visit per member (or device) per station per Beijing day, one claim
// per member, station, service and day.
package station

import (
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/scope"
)

// Status is whether the public sees a station.
type Status string

const (
	StatusActive Status = "active" // shown on the map and in searches
	StatusClosed Status = "closed" // kept for the record, hidden from the public
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusActive, StatusClosed}

// Built-in types; staff add their own (station_types).
const (
	TypeHome      = "home"      // 职工之家
	TypeWarm      = "warm"      // 暖心驿站 / 户外劳动者服务站
	TypeCentre    = "centre"    // 职工服务中心
	TypeService   = "service"   // 工会服务站
	TypeLibrary   = "library"   // 职工书屋
	TypeNursing   = "nursing"   // 母婴关爱室
	TypeMediation = "mediation" // 调解中心
)

// BuiltinTypes lists the built-in types in display order.
var BuiltinTypes = []string{TypeHome, TypeWarm, TypeCentre, TypeService, TypeLibrary, TypeNursing, TypeMediation}

// Amenity is something a station offers; each is one bit of the stored
// set, in this list's order (append only: the bits are stored).
type Amenity string

const (
	AmWater     Amenity = "water"     // 饮水
	AmMicrowave Amenity = "microwave" // 微波炉
	AmCharging  Amenity = "charging"  // 手机充电
	AmToilet    Amenity = "toilet"    // 卫生间
	AmSeats     Amenity = "seats"     // 休息座椅
	AmFirstAid  Amenity = "first_aid" // 急救药箱
	AmTyrePump  Amenity = "tyre_pump" // 打气筒
	AmWifi      Amenity = "wifi"      // 无线网络
	AmAircon    Amenity = "aircon"    // 冷暖空调
	AmUmbrella  Amenity = "umbrella"  // 爱心雨伞
	AmBooks     Amenity = "books"     // 图书阅览
	AmNursing   Amenity = "nursing"   // 哺乳设施
)

// Amenities lists every amenity in bit order.
var Amenities = []Amenity{AmWater, AmMicrowave, AmCharging, AmToilet, AmSeats, AmFirstAid, AmTyrePump, AmWifi, AmAircon, AmUmbrella, AmBooks, AmNursing}

// Services are the amenities a worker claims by scanning (a free drink, a
// phone charge, a meal warmed, a tyre pumped, an umbrella lent): counted
// apart from visits.
var Services = []Amenity{AmWater, AmCharging, AmMicrowave, AmTyrePump, AmUmbrella}

func amenityBits(as []Amenity) int64 {
	var b int64
	for _, a := range as {
		if i := slices.Index(Amenities, a); i >= 0 {
			b |= 1 << i
		}
	}
	return b
}

func amenityList(b int64) []Amenity {
	out := []Amenity{}
	for i, a := range Amenities {
		if b&(1<<i) != 0 {
			out = append(out, a)
		}
	}
	return out
}

// Station is one station as staff and the API see it.
type Station struct {
	ID        int64     `json:"id,string"`
	OrgID     int64     `json:"org_id,string"`
	OrgName   string    `json:"org_name"`
	Type      string    `json:"type"`
	TypeName  string    `json:"type_name,omitempty"` // a staff-added type's name; built-ins are named by the reader's language
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	Location  Point     `json:"location"`     // WGS-84
	GCJ02     Point     `json:"location_gcj"` // the same place in GCJ-02, for Chinese maps
	Amenities []Amenity `json:"amenities"`
	Hours     HoursText `json:"hours"`
	OpenNow   bool      `json:"open_now"`
	Phone     string    `json:"phone"`
	Contact   string    `json:"contact"`
	Note      string    `json:"note"`
	Status    Status    `json:"status"`
	Code      string    `json:"code"` // the QR poster's code (/s/<code>)
	Photos    int       `json:"photos"`
	Visits30  int       `json:"visits_30d"` // visits in the last 30 Beijing days, signed in or not (lists only; 0 elsewhere)
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	path  string
	hours *Hours
}

// OrgPath is the keeping organisation's path.
func (s *Station) OrgPath() string { return s.path }

// Parsed is the station's hours, parsed.
func (s *Station) Parsed() *Hours { return s.hours }

// Type is one kind of station.
type Type struct {
	Code    string `json:"code"`
	Name    string `json:"name,omitempty"` // staff-added types; built-ins: empty (named by the reader's language)
	Builtin bool   `json:"builtin"`
}

// rule scopes stations: station.read to see them, station.write to keep
// them, over the keeping organisation's subtree.
var rule = scope.Rule{Entity: "station", Read: auth.PermStationRead, Write: auth.PermStationWrite}

// Store reads and changes stations.
type Store struct {
	DB   *db.DB
	now  func() time.Time
	near nearIndex // the active stations' positions (nearindex.go)
}

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{DB: d, now: time.Now} }

// SetClock replaces the clock (tests, the benchmark).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock: "open now" is decided by it.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
