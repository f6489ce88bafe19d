package station

import (
	"slices"
	"strings"
	"unicode/utf8"

	"gonghui/internal/errs"
)

// Input is a station as staff write it. Coordinates come as numbers (the
// API) or as typed text (forms, imports: LatText, LngText), in System
// (WGS-84 unless GCJ-02 is named: a point read off a Chinese map app).
type Input struct {
	OrgID     int64     `json:"org_id,string"`
	Type      string    `json:"type"`
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	Lat       *float64  `json:"lat"`
	Lng       *float64  `json:"lng"`
	System    System    `json:"system"`
	Amenities []Amenity `json:"amenities"`
	Hours     HoursText `json:"hours"`
	Phone     string    `json:"phone"`
	Contact   string    `json:"contact"`
	Note      string    `json:"note"`
	Status    Status    `json:"status"` // default active

	LatText string `json:"-"`
	LngText string `json:"-"`
}

// Limits of a station.
const (
	MaxName     = 60
	MaxAddress  = 120
	MaxContact  = 40
	MaxNote     = 500
	MaxPhone    = 20
	MaxTypeName = 20
)

// parsed is an Input after validation: the point in WGS-84, the hours
// canonical.
type parsed struct {
	Input
	at    Point
	bits  int64
	hours HoursText
}

func cleanLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func checkLen(f errs.Fields, field string, v *string, max int, required bool) {
	*v = cleanLine(*v)
	n := utf8.RuneCountInString(*v)
	switch {
	case n == 0 && required:
		f.Add(field, "field.required")
	case n > max:
		f.Add(field, "field.too_long", max)
	}
}

// phoneOK: digits with the separators people write in a landline or a
// mobile number (010-6512 3456, +86 138 0000 0000, 12351).
func phoneOK(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ' || r == '+' || r == '(' || r == ')' || r == '转':
		default:
			return false
		}
	}
	return digits >= 5
}

// coord reads one coordinate from its number or its text.
func coord(f errs.Fields, field string, num *float64, text string) (float64, bool) {
	if num != nil {
		return *num, true
	}
	if strings.TrimSpace(text) == "" {
		f.Add(field, "field.required")
		return 0, false
	}
	v, ok := ParseCoord(text)
	if !ok {
		f.Add(field, "station.coord_format")
	}
	return v, ok
}

// CheckPoint reads a point written in sys, adding to f what is wrong
// with it (under "lat" and "lng"); the point returned is WGS-84.
func CheckPoint(f errs.Fields, lat, lng *float64, latText, lngText string, sys System) (Point, bool) {
	if sys == "" {
		sys = WGS84
	}
	if !slices.Contains(Systems, sys) {
		f.Add("system", "field.invalid_choice")
		return Point{}, false
	}
	la, ok1 := coord(f, "lat", lat, latText)
	lo, ok2 := coord(f, "lng", lng, lngText)
	if !ok1 || !ok2 {
		return Point{}, false
	}
	p := Point{Lat: la, Lng: lo}
	if InChina(p) {
		return FromSystem(p, sys), true
	}
	if InChina(Point{Lat: lo, Lng: la}) {
		// The commonest slip: longitude typed first, as map apps show it.
		f.Add("lat", "station.coord_swapped")
		return Point{}, false
	}
	if la < minLat || la > maxLat {
		f.Add("lat", "station.outside_china_lat", minLat, maxLat)
	}
	if lo < minLng || lo > maxLng {
		f.Add("lng", "station.outside_china_lng", minLng, maxLng)
	}
	return Point{}, false
}

// validate checks everything that needs no database; the type and the
// organisation are checked in the write's transaction.
func (in Input) validate() (*parsed, errs.Fields) {
	f := errs.Fields{}
	p := &parsed{Input: in}
	f.Check(in.OrgID != 0, "org_id", "field.required")
	p.Type = strings.TrimSpace(in.Type)
	f.Check(p.Type != "", "type", "field.required")
	checkLen(f, "name", &p.Name, MaxName, true)
	checkLen(f, "address", &p.Address, MaxAddress, true)
	checkLen(f, "contact", &p.Contact, MaxContact, false)
	checkLen(f, "phone", &p.Phone, MaxPhone, false)
	if p.Phone != "" && !phoneOK(p.Phone) {
		f.Add("phone", "station.phone_format")
	}
	p.Note = strings.TrimSpace(strings.ReplaceAll(in.Note, "\r\n", "\n"))
	f.Check(utf8.RuneCountInString(p.Note) <= MaxNote, "note", "field.too_long", MaxNote)
	if p.Status == "" {
		p.Status = StatusActive
	}
	f.Check(slices.Contains(Statuses, p.Status), "status", "field.invalid_choice")
	for _, a := range in.Amenities {
		if !slices.Contains(Amenities, a) {
			f.Add("amenities", "field.invalid_choice")
		}
	}
	p.bits = amenityBits(in.Amenities)
	p.at, _ = CheckPoint(f, in.Lat, in.Lng, in.LatText, in.LngText, in.System)
	_, p.hours = in.Hours.Parse(f)
	return p, f
}
