package station

import (
	"math"
	"strconv"
	"strings"
)

// Coordinates. Stations are stored in WGS-84 (what GPS and the browser's
// geolocation give); Chinese map apps and the vendored Beijing district
// map use GCJ-02, the officially obfuscated system, and every value
// crossing that edge is converted here.
//
// No maintained Go module does the conversion: the Go module proxy holds
// none of the known ones (eviltransform, coordtransform), and geometry
// libraries (golang/geo, go-geos) do not know GCJ-02. The transform is the
// well-known public one (the same constants and series as eviltransform,
// checked against its published reference points in geo_test.go); its
// inverse has no closed form and is found by fixed-point iteration, which
// converges to well under a centimetre in a few steps.

// System is a coordinate system a caller writes or reads in.
type System string

const (
	WGS84 System = "wgs84" // GPS, browsers, the API's default and the store's
	GCJ02 System = "gcj02" // Chinese map apps (高德, 腾讯), the district map
)

// Systems lists the systems callers may write in.
var Systems = []System{WGS84, GCJ02}

// Point is a position in degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// China's rough bounding box, the one the transform applies inside
// (outside it GCJ-02 equals WGS-84).
func outOfChina(lat, lng float64) bool {
	return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271
}

// Mainland China's extent for input checks: a station outside it is a
// typing slip (swapped latitude and longitude, a missing digit).
const (
	minLat, maxLat = 18.0, 53.6
	minLng, maxLng = 73.5, 135.1
)

// InChina reports whether p lies within the extent stations may have.
func InChina(p Point) bool {
	return p.Lat >= minLat && p.Lat <= maxLat && p.Lng >= minLng && p.Lng <= maxLng
}

const (
	krasA  = 6378245.0              // the Krasovsky 1940 ellipsoid's semi-major axis, as the transform uses it
	krasEE = 0.00669342162296594323 // and its eccentricity squared
)

func transformLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func transformLng(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// offset is GCJ-02 minus WGS-84 at a WGS-84 point.
func offset(lat, lng float64) (dLat, dLng float64) {
	if outOfChina(lat, lng) {
		return 0, 0
	}
	dLat = transformLat(lng-105.0, lat-35.0)
	dLng = transformLng(lng-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - krasEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((krasA * (1 - krasEE)) / (magic * sqrtMagic) * math.Pi)
	dLng = (dLng * 180.0) / (krasA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLat, dLng
}

// ToGCJ02 converts a WGS-84 point to GCJ-02.
func ToGCJ02(p Point) Point {
	dLat, dLng := offset(p.Lat, p.Lng)
	return Point{Lat: p.Lat + dLat, Lng: p.Lng + dLng}
}

// ToWGS84 converts a GCJ-02 point back to WGS-84: the WGS-84 point whose
// GCJ-02 image is p, by iterating w ← w − (gcj(w) − p). The offset varies
// slowly (a few metres per kilometre), so each step gains about three
// decimal digits.
func ToWGS84(p Point) Point {
	w := p
	for range 30 {
		g := ToGCJ02(w)
		eLat, eLng := g.Lat-p.Lat, g.Lng-p.Lng
		w.Lat -= eLat
		w.Lng -= eLng
		if math.Abs(eLat) < 1e-10 && math.Abs(eLng) < 1e-10 {
			break
		}
	}
	return w
}

// In converts a WGS-84 point into sys for display.
func (p Point) In(sys System) Point {
	if sys == GCJ02 {
		return ToGCJ02(p)
	}
	return p
}

// FromSystem reads a point written in sys as WGS-84.
func FromSystem(p Point, sys System) Point {
	if sys == GCJ02 {
		return ToWGS84(p)
	}
	return p
}

// Stored points are microdegrees.
func toE6(v float64) int64   { return int64(math.Round(v * 1e6)) }
func fromE6(v int64) float64 { return float64(v) / 1e6 }

func pointE6(lat, lng int64) Point { return Point{Lat: fromE6(lat), Lng: fromE6(lng)} }

// earthRadius is the mean radius in metres (IUGG), what the haversine
// distance takes.
const earthRadius = 6371008.8

// Distance is the great-circle distance between two WGS-84 points in
// metres (haversine).
func Distance(a, b Point) float64 {
	la1, la2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dLat := la2 - la1
	dLng := (b.Lng - a.Lng) * math.Pi / 180
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Walking: there is no routing here, so the walk is the straight line
// stretched by the detour city streets add (about 1.3 in grid cities) at
// an unhurried 75 m a minute.
const (
	walkDetour    = 1.3
	walkPerMinute = 75.0
)

// WalkMetres and WalkMinutes estimate the walk to a point d metres away
// as the crow flies.
func WalkMetres(d float64) int { return int(math.Round(d * walkDetour)) }

// WalkMinutes: see WalkMetres; at least one minute.
func WalkMinutes(d float64) int { return max(1, int(math.Ceil(d*walkDetour/walkPerMinute))) }

// ParseCoord reads a latitude or longitude as people type it: a decimal
// number of degrees, optionally with a degree sign or a full-width point.
// ok is false for anything else (NaN, infinities, words).
func ParseCoord(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("°", "", "。", ".", "．", ".", "－", "-", "＋", "+").Replace(s)
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 24 {
		return 0, false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}
