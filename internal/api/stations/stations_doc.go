package stations

import (
	"gonghui/internal/api"
	"gonghui/internal/imagefile"
	"gonghui/internal/station"
)

// The routes of the service stations and what the OpenAPI document says
// of them.

func (h *API) routes() []api.Route {
	amenities := api.EnumOf(station.Amenities...)
	return api.WithTag("stations", []api.Route{
		api.R("GET", "/stations", api.Full, h.list, api.Doc("listStations", "Service stations of the caller's subtrees (station.read), by name unless sorted, with the filter's total").
			Params(api.QP("q", "words of the name or the address", api.Str()), api.QP("type", "a station type's code", api.Str()),
				api.QP("org", "an organisation's subtree", api.IDS()), api.QP("amenity", "", api.EnumS(amenities...)),
				api.QP("status", "", api.EnumS(api.EnumOf(station.Statuses...)...)), api.SortParam(station.Sorts.Names())).Paged().Out(api.TotalList[station.Station]{})),
		api.R("POST", "/stations", api.Full, h.create, api.Doc("createStation", "Add a station kept by an organisation where the caller holds station.write. Coordinates in WGS-84 unless system is gcj02 (they are stored in WGS-84); outside China, overlapping hours and every other fault are 422 on their field, nothing kept").
			In(stationInput{}).Made(station.Station{})),
		api.R("GET", "/stations/nearest", api.Public, h.nearest, api.Doc("nearestStations", "The active stations nearest a point (lat and lng in system, WGS-84 by default) or a typed district or street (place), nearest first, with distance and an estimated walk; no sign-in needed").
			Params(api.QP("lat", "latitude, decimal degrees", api.Str()), api.QP("lng", "longitude, decimal degrees", api.Str()),
				api.QP("system", "the point's coordinate system", api.EnumS(api.EnumOf(station.Systems...)...)),
				api.QP("place", "a district or street name (or words of stations' addresses) in place of lat and lng", api.Str()),
				api.QP("type", "a station type's code", api.Str()), api.QP("amenity", "an amenity the station must have (repeat for several)", api.EnumS(amenities...)),
				api.QP("open", "only stations open now (Beijing time)", api.FlagS()),
				api.QP("limit", "how many, 1 to 50 (default 20)", &api.Schema{Type: "integer", Minimum: api.Num(1), Maximum: api.Num(station.MaxNear)})).
			Out(nearAnswer{}).Errors(422)),
		api.R("GET", "/stations/busiest", api.Full, h.busiest, api.Doc("busiestStations", "The stations of the caller's subtrees (or of org's) with the most visits from … to, most first").
			Params(api.QP("from", "first day, YYYY-MM-DD", api.DateS()), api.QP("to", "last day, YYYY-MM-DD", api.DateS()), api.QP("org", "an organisation's subtree", api.IDS()),
				api.QP("limit", "1 to 100 (default 20)", &api.Schema{Type: "integer", Minimum: api.Num(1), Maximum: api.Num(100)})).
			Out(api.List[station.Busy]{}).Errors(422)),
		api.R("GET", "/stations/{id}", api.Full, h.get, api.Doc("getStation", "A station of the caller's subtrees").Out(station.Station{}).Errors(400, 422)),
		api.R("PUT", "/stations/{id}", api.Full, h.put, api.Doc("putStation", "Rewrite a station at the version it was read (409 stale_version otherwise)").In(stationUpdate{}).Out(station.Station{}).Errors(409)),
		api.R("POST", "/stations/{id}/close", api.Full, h.status(station.StatusClosed), api.Doc("closeStation", "Hide a station from the public (kept for the record)").OptIn(versionInput{}).Out(station.Station{}).Errors(409)),
		api.R("POST", "/stations/{id}/reopen", api.Full, h.status(station.StatusActive), api.Doc("reopenStation", "Show a closed station to the public again").OptIn(versionInput{}).Out(station.Station{}).Errors(409)),
		api.R("GET", "/stations/{id}/photos", api.Full, h.photos, api.Doc("listStationPhotos", "A station's photos in the order staff set (without their bytes)").Out(api.List[station.Photo]{}).Errors(400)),
		api.R("POST", "/stations/{id}/photos", api.Full, h.addPhotos, api.Doc("addStationPhotos", "Add photos to a station the caller keeps (station.write over its organisation), after its others; at most 6 in all. Each photo part is a JPEG, PNG or WebP picture (the type read from its bytes) of at most 8 MB and 50 million pixels. What is kept is a copy re-encoded from the pixels, upright and without EXIF or GPS metadata; the pictures are public on the station's page. Any fault is a 422 on photos and nothing is kept; audited").
			Form(photoForm).Out(api.List[station.Photo]{}).Errors(400)),
		api.R("GET", "/stations/{id}/photos/{photo_id}", api.Full, h.photo, api.Doc("getStationPhoto", "A photo's bytes (JPEG)").
			Image("The picture", imagefile.OutType).Params(api.QP("size", "thumb: the copy for phones (at most 1080 pixels on its longer side)", api.EnumS("original", "thumb")))),
		api.R("POST", "/stations/{id}/photos/{photo_id}/move", api.Full, h.movePhoto, api.Doc("moveStationPhoto", "Move a photo one place earlier (by -1) or later (by 1) among the station's").In(moveInput{}).Out(api.List[station.Photo]{}).Errors(400)),
		api.R("DELETE", "/stations/{id}/photos/{photo_id}", api.Full, h.deletePhoto, api.Doc("deleteStationPhoto", "Delete a photo of a station the caller keeps; audited").None("Deleted").Errors(400)),
		api.R("GET", "/stations/{id}/counts", api.Full, h.counts, api.Doc("stationCounts", "A station's visits and claims today, in the last 7 and the last 30 Beijing days (today included), and its claims per service").Out(station.Counts{}).Errors(400)),
		api.R("GET", "/station-types", api.Full, h.types, api.Doc("listStationTypes", "The types of station: the built-in ones, then those staff added").Out(api.List[station.Type]{})),
		api.R("POST", "/station-types", api.Full, h.addType, api.Doc("addStationType", "Add a type of station for everyone (anyone holding station.write somewhere)").In(typeInput{}).Made(station.Type{})),
		api.R("POST", "/me/stations/{code}/visit", api.Self, h.visit, api.Doc("visitStation", "Record the signed-in member's visit to the station of a scanned code: once per station and Beijing day (new is false on a repeat)").OptIn(api.Empty{}).Out(station.Visited{}).Errors(409)),
		api.R("POST", "/me/stations/{code}/claim", api.Self, h.claim, api.Doc("claimStationService", "Claim a service of the station (a free drink, a phone charge, …), once per service and day; records the visit too. 409 already_claimed; 422 on service when the station does not offer it").In(claimInput{}).Out(station.Visited{}).Errors(409)),
	})
}

// photoForm is the body of an upload of photos.
var photoForm = &api.Schema{Type: "object", Required: []string{"photo"}, Properties: api.PropsOf(
	"photo", &api.Schema{Type: "array", Description: "the pictures: JPEG, PNG or WebP, each at most 8 MB",
		MaxItems: api.Count(station.MaxPhotos), Items: &api.Schema{Type: "string", Format: "binary"}})}

func notes(ns api.Notes) {
	amenities := api.EnumOf(station.Amenities...)
	hours := "opening hours per weekday as text: \"08:00-12:00,13:30-18:00\", \"00:00-24:00\" (round the clock), \"20:00-02:00\" (past midnight), \"\" closed; spans of a day may not overlap"
	api.Note[station.Point](ns, api.TypeNote{Name: "StationPoint", Desc: "A position in decimal degrees", Fields: map[string]api.FieldNote{
		"lat": {Min: api.Num(-90), Max: api.Num(90)}, "lng": {Min: api.Num(-180), Max: api.Num(180)}}})
	api.Note[station.HoursText](ns, api.TypeNote{Name: "StationHours", Desc: hours + "; exceptions give a date its own hours", Fields: map[string]api.FieldNote{
		"exceptions": {MaxItems: api.Count(station.MaxExceptions)}}})
	api.Note[station.ExceptionText](ns, api.TypeNote{Name: "StationHoursException", Fields: map[string]api.FieldNote{
		"date": {Desc: "YYYY-MM-DD (Beijing)"}, "hours": {Desc: "that date's hours; \"\" closed"}}})
	stationFields := map[string]api.FieldNote{
		"type":         {Desc: "a type's code (GET /station-types)"},
		"type_name":    {Desc: "a staff-added type's name; built-in types are named by the reader's language"},
		"location":     {Desc: "WGS-84 (GPS, browsers): how positions are stored"},
		"location_gcj": {Desc: "the same place in GCJ-02, for Chinese map apps"},
		"amenities":    {Enum: amenities},
		"open_now":     {Desc: "open at this moment (Beijing time); never for a closed station"},
		"status":       {Enum: api.EnumOf(station.Statuses...), Desc: "active: shown to the public; closed: hidden"},
		"code":         {Desc: "the code of the station's QR poster (/s/{code}): 12 digits"},
		"photos":       {Desc: "how many photos the station has"},
		"visits_30d":   {Desc: "visits in the last 30 Beijing days, signed in or not: filled in lists (sort=-visits), 0 elsewhere"},
	}
	api.Note[station.Station](ns, api.TypeNote{Name: "Station", Desc: "A service station (服务阵地)", Fields: stationFields})
	api.Note[stationInput](ns, api.TypeNote{Name: "StationInput", Required: []string{"org_id", "type", "name", "address", "lat", "lng", "hours"}, Fields: map[string]api.FieldNote{
		"org_id":    {Desc: "the keeping organisation (where the caller holds station.write)"},
		"type":      {Desc: "a type's code (GET /station-types)"},
		"name":      {MaxLength: api.Count(station.MaxName)},
		"address":   {MaxLength: api.Count(station.MaxAddress)},
		"lat":       {Desc: "latitude in system, within China", Min: api.Num(-90), Max: api.Num(90)},
		"lng":       {Desc: "longitude in system, within China", Min: api.Num(-180), Max: api.Num(180)},
		"system":    {Desc: "the coordinates' system: wgs84 (default; GPS) or gcj02 (read off a Chinese map app)", Enum: api.EnumOf(station.Systems...)},
		"amenities": {Enum: amenities},
		"phone":     {MaxLength: api.Count(station.MaxPhone)},
		"contact":   {MaxLength: api.Count(station.MaxContact)},
		"note":      {MaxLength: api.Count(station.MaxNote)},
		"status":    {Enum: api.EnumOf(station.Statuses...), Desc: "default active"},
	}})
	api.Note[stationUpdate](ns, api.TypeNote{Name: "StationUpdate", Required: []string{"org_id", "type", "name", "address", "lat", "lng", "hours", "version"},
		Fields: map[string]api.FieldNote{"version": {Desc: "the version the station was read at"}}})
	api.Note[versionInput](ns, api.TypeNote{Name: "StationVersion", Fields: map[string]api.FieldNote{"version": {Desc: "the version read (0: as it is now)"}}})
	api.Note[station.Type](ns, api.TypeNote{Name: "StationType", Fields: map[string]api.FieldNote{"name": {Desc: "staff-added types' name"}}})
	api.Note[typeInput](ns, api.TypeNote{Name: "StationTypeInput", Required: []string{"name"}, Fields: map[string]api.FieldNote{"name": {MaxLength: api.Count(station.MaxTypeName)}}})
	api.Note[station.Busy](ns, api.TypeNote{Name: "StationBusy", Fields: map[string]api.FieldNote{
		"visits": {Desc: "visits by signed-in workers"}, "anonymous": {Desc: "visits by devices not signed in"}, "claims": {Desc: "services claimed"}}})
	api.Note[station.Public](ns, api.TypeNote{Name: "StationPublic", Desc: "A station as anyone sees it", Fields: map[string]api.FieldNote{
		"location": {Desc: "WGS-84"}, "location_gcj": {Desc: "GCJ-02, for Chinese map apps"}, "amenities": {Enum: amenities},
		"today": {Desc: "today's hours (Beijing); empty: closed all day"}, "code": {Desc: "the station's code"}}})
	api.Note[station.Near](ns, api.TypeNote{Name: "StationNear", Fields: map[string]api.FieldNote{
		"distance_m": {Desc: "metres as the crow flies"}, "walk_m": {Desc: "estimated walk in metres (no routing: the straight line × 1.3)"},
		"walk_min": {Desc: "estimated minutes on foot at 75 m a minute"}}})
	api.Note[station.Place](ns, api.TypeNote{Name: "StationPlace", Desc: "What a typed place matched (no online geocoder)", Fields: map[string]api.FieldNote{
		"from": {Enum: []string{station.FromDistrict, station.FromStreet, station.FromAddresses},
			Desc: "district: the district's centre; street: the centre of the stations kept on that street, else its district's; addresses: the centre of the stations whose address holds the words"},
		"at": {Desc: "WGS-84"}}})
	api.Note[nearAnswer](ns, api.TypeNote{Name: "StationsNearest", Fields: map[string]api.FieldNote{
		"at": {Desc: "the point searched from, in WGS-84"}, "system": {Desc: "the system lat and lng were given in", Enum: api.EnumOf(station.Systems...)}}})
	api.Note[station.Visited](ns, api.TypeNote{Name: "StationVisit", Fields: map[string]api.FieldNote{
		"new": {Desc: "the visit was recorded now; false: already recorded today"}, "today": {Desc: "visits to this station today, everyone's"},
		"claimed": {Desc: "services the member claimed here today", Enum: amenities}, "offered": {Desc: "services this station lets workers claim", Enum: amenities}}})
	api.Note[claimInput](ns, api.TypeNote{Name: "StationClaim", Required: []string{"service"}, Fields: map[string]api.FieldNote{"service": {Enum: api.EnumOf(station.Services...)}}})
	api.Note[station.TypeCount](ns, api.TypeNote{Name: "StationTypeCount", Fields: map[string]api.FieldNote{"type": {Desc: "a built-in type, or other: staff-added types together"}}})
	api.Note[station.Figures](ns, api.TypeNote{Name: "StationFigures", Fields: map[string]api.FieldNote{"by_type": {Desc: "active stations by type; staff-added types together as other"}}})
	api.Note[station.Photo](ns, api.TypeNote{Name: "StationPhoto", Desc: "A photo of a station: a public picture of a public place, kept as a JPEG without the camera's metadata", Fields: map[string]api.FieldNote{
		"position": {Desc: "its place in the station's order, 1 first"}, "width": {Desc: "pixels of the kept copy"}, "height": {Desc: "pixels of the kept copy"},
		"size": {Desc: "bytes of the kept copy"}}})
	api.Note[moveInput](ns, api.TypeNote{Name: "StationPhotoMove", Required: []string{"by"}, Fields: map[string]api.FieldNote{"by": {Desc: "-1: one place earlier; 1: one place later", Min: api.Num(-1), Max: api.Num(1)}}})
	api.Note[station.Counts](ns, api.TypeNote{Name: "StationCounts", Fields: map[string]api.FieldNote{
		"today": {Desc: "today (Beijing)"}, "week": {Desc: "the last 7 days, today included"}, "month": {Desc: "the last 30 days, today included"},
		"services": {Desc: "the services the station offers (and any claimed in the period), in order"}}})
	api.Note[station.Window](ns, api.TypeNote{Name: "StationWindow", Fields: map[string]api.FieldNote{
		"visits": {Desc: "visits by signed-in workers"}, "anonymous": {Desc: "visits by devices not signed in"}, "claims": {Desc: "services claimed"}}})
	api.Note[station.ServiceClaims](ns, api.TypeNote{Name: "StationServiceClaims", Fields: map[string]api.FieldNote{
		"service": {Enum: api.EnumOf(station.Services...)}, "today": {Desc: "claims today"}, "week": {Desc: "in the last 7 days"}, "month": {Desc: "in the last 30 days"}}})
	api.Named[api.List[station.Photo]](ns, "StationPhotoList")
	api.Named[api.TotalList[station.Station]](ns, "StationPage")
	api.Named[api.List[station.Type]](ns, "StationTypeList")
	api.Named[api.List[station.Busy]](ns, "StationBusyList")
}
