package activity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
)

// OrgCount is how many took part from one organisation's subtree.
type OrgCount struct {
	OrgID   int64  `json:"org_id,string"`
	OrgName string `json:"org_name"`
	Unions  int    `json:"unions"` // unions with at least one member checked in
	People  int    `json:"people"`
}

// Attendance sums up who came.
type Attendance struct {
	Confirmed int        `json:"confirmed"`
	Waiting   int        `json:"waiting"`
	WalkIns   int        `json:"walk_ins"`
	Attended  int        `json:"attended"` // members with at least one check-in
	Rate      float64    `json:"rate"`     // attended registered members / confirmed
	Unions    int        `json:"unions"`
	ByOrg     []OrgCount `json:"by_org"` // the audience organisation's children (and itself)
	Redeemed  int        `json:"prizes_redeemed"`
}

// Attendance counts an activity's attendance, and the people and unions
// that took part below each child of the audience organisation ("23
// unions, nearly 600 staff took part").
func (s *Store) Attendance(ctx context.Context, pr *auth.Principal, id int64) (*Attendance, error) {
	a, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	out := &Attendance{Confirmed: a.Confirmed, Waiting: a.Waiting, ByOrg: []OrgCount{}}
	var attendedRegistered int
	err = s.DB.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM registrations WHERE activity_id = ? AND status = ?),
		(SELECT COUNT(DISTINCT member_id) FROM checkins WHERE activity_id = ?),
		(SELECT COUNT(*) FROM registrations r WHERE r.activity_id = ? AND r.status = ?
			AND EXISTS (SELECT 1 FROM checkins c WHERE c.activity_id = r.activity_id AND c.member_id = r.member_id)),
		(SELECT COUNT(*) FROM prize_redemptions WHERE activity_id = ?)`,
		id, RegWalkIn, id, id, RegConfirmed, id).Scan(&out.WalkIns, &out.Attended, &attendedRegistered, &out.Redeemed)
	if err != nil {
		return nil, errs.Internal(err, "activity: attendance")
	}
	if a.Confirmed > 0 {
		out.Rate = float64(attendedRegistered) / float64(a.Confirmed)
	}
	rows, err := s.DB.Query(ctx, "SELECT member_org_path, COUNT(DISTINCT member_id) FROM checkins WHERE activity_id = ? GROUP BY member_org_path", id)
	if err != nil {
		return nil, errs.Internal(err, "activity: attendance by union")
	}
	type agg struct{ unions, people int }
	byChild := map[int64]*agg{}
	for rows.Next() {
		var path string
		var n int
		if err := rows.Scan(&path, &n); err != nil {
			rows.Close()
			return nil, errs.Internal(err, "activity: attendance by union")
		}
		out.Unions++
		child := a.AudienceOrgID
		if strings.HasPrefix(path, a.AudiencePath) && len(path) > len(a.AudiencePath) {
			seg, _, _ := strings.Cut(path[len(a.AudiencePath):], "/")
			if cid, ok := db.ParseID(seg); ok {
				child = cid
			}
		}
		g := byChild[child]
		if g == nil {
			g = &agg{}
			byChild[child] = g
		}
		g.unions++
		g.people += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "activity: attendance by union")
	}
	for cid, g := range byChild {
		var name string
		if err := s.DB.QueryRow(ctx, "SELECT name FROM orgs WHERE id = ?", cid).Scan(&name); err != nil {
			return nil, errs.Internal(err, "activity: attendance org name")
		}
		out.ByOrg = append(out.ByOrg, OrgCount{OrgID: cid, OrgName: name, Unions: g.unions, People: g.people})
	}
	sort.Slice(out.ByOrg, func(i, j int) bool {
		x, y := out.ByOrg[i], out.ByOrg[j]
		if x.People != y.People {
			return x.People > y.People
		}
		return x.OrgName < y.OrgName
	})
	return out, nil
}

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// ExportAttendance writes the activity's registrations with their
// check-ins as an .xlsx workbook.
func (s *Store) ExportAttendance(ctx context.Context, pr *auth.Principal, id int64, tr Translate, out io.Writer) error {
	a, err := s.Get(ctx, pr, id)
	if err != nil {
		return err
	}
	headers := []string{tr("activity.col.name"), tr("activity.col.org"), tr("activity.col.status"), tr("activity.col.via"),
		tr("activity.col.registered_at"), tr("activity.col.first_checkin")}
	for _, c := range a.Checkpoints {
		headers = append(headers, checkpointTitle(c, tr))
	}
	w, err := sheet.NewWriter(tr("activity.export_sheet"), headers)
	if err != nil {
		return err
	}
	defer w.Close()
	rows, err := s.DB.Query(ctx, `SELECT r.member_id, m.name, o.name, r.status, r.via, r.created_at
		FROM registrations r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
		WHERE r.activity_id = ? ORDER BY r.seq`, id)
	if err != nil {
		return errs.Internal(err, "activity: export")
	}
	type reg struct {
		id                   int64
		name, org, status, v string
		created              int64
	}
	var regs []reg
	for rows.Next() {
		var r reg
		if err := rows.Scan(&r.id, &r.name, &r.org, &r.status, &r.v, &r.created); err != nil {
			rows.Close()
			return errs.Internal(err, "activity: export")
		}
		regs = append(regs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal(err, "activity: export")
	}
	stamps, err := book.MarkTimes(ctx, s.DB, id)
	if err != nil {
		return err
	}
	local := func(ms int64) string { return scope.FromMillis(ms).In(beijing.Zone).Format("2006-01-02 15:04") }
	for _, r := range regs {
		first := int64(0)
		for _, at := range stamps[r.id] {
			if first == 0 || at < first {
				first = at
			}
		}
		vals := []any{r.name, r.org, tr("activity.reg." + r.status), tr("activity.via." + r.v), local(r.created), ""}
		if first != 0 {
			vals[5] = local(first)
		}
		for _, c := range a.Checkpoints {
			if at, ok := stamps[r.id][c.ID]; ok {
				vals = append(vals, local(at))
			} else {
				vals = append(vals, "")
			}
		}
		if err := w.Row(vals...); err != nil {
			return err
		}
	}
	// Names leave the system here: the export is audited with its row count
	// before a byte of it is sent.
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "activity.export", Entity: "activity", EntityID: db.FormatID(id), OrgPath: a.OrgPath,
			After: map[string]any{"rows": len(regs)}})
	}); err != nil {
		return err
	}
	_, err = w.WriteTo(out)
	return err
}

func checkpointTitle(c Checkpoint, tr Translate) string {
	if c.Name == "" {
		return tr("activity.checkpoint.main")
	}
	return c.Name
}

// ICS renders an activity as an iCalendar file (RFC 5545) that phones and
// Outlook add to a calendar; link is the activity's page.
func ICS(a *Activity, link string, stamp time.Time) []byte {
	var b strings.Builder
	line := func(name, value string) {
		l := name + ":" + value
		// Fold at 75 octets (the leading space of a continuation counts)
		// without splitting a UTF-8 sequence.
		limit := 75
		for len(l) > limit {
			cut := limit
			for cut > 0 && l[cut]&0xC0 == 0x80 {
				cut--
			}
			b.WriteString(l[:cut] + "\r\n ")
			l = l[cut:]
			limit = 74
		}
		b.WriteString(l + "\r\n")
	}
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//gonghui//activities//ZH")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", fmt.Sprintf("activity-%d@gonghui", a.ID))
	line("DTSTAMP", utc(stamp))
	line("DTSTART", utc(a.StartsAt))
	line("DTEND", utc(a.EndsAt))
	line("SUMMARY", icsText(a.Title))
	loc := strings.TrimSpace(strings.Join([]string{a.Venue, a.Address}, " "))
	if loc != "" {
		line("LOCATION", icsText(loc))
	}
	if a.Lat != nil && a.Lng != nil {
		line("GEO", fmt.Sprintf("%.6f;%.6f", *a.Lat, *a.Lng))
	}
	desc := a.Description
	if link != "" {
		desc = strings.TrimSpace(desc + "\n\n" + link)
		line("URL", link)
	}
	if desc != "" {
		line("DESCRIPTION", icsText(desc))
	}
	if a.Organiser != "" {
		line("ORGANIZER;CN="+icsParam(a.Organiser), "mailto:noreply@invalid")
	}
	if a.Status == StatusCancelled {
		line("STATUS", "CANCELLED")
	} else {
		line("STATUS", "CONFIRMED")
	}
	line("SEQUENCE", fmt.Sprint(a.Version))
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String())
}

// icsText escapes a TEXT value.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// icsParam quotes a parameter value (no double quotes or controls allowed).
func icsParam(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return `"` + s + `"`
}

// Photo is a picture taken at the activity.
type Photo struct {
	ID          int64     `json:"id,string"`
	ContentType string    `json:"content_type"`
	Caption     string    `json:"caption"`
	Size        int       `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// Photo limits.
const (
	MaxPhotoBytes = 8 << 20
	MaxPhotos     = 50
)

// AddPhoto attaches a JPEG, PNG or WebP picture to an activity; the type
// is read from the bytes, never from what the client claims.
func (s *Store) AddPhoto(ctx context.Context, pr *auth.Principal, id int64, data []byte, caption string) (*Photo, error) {
	a, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, a.OrgPath); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	ct := imageType(data)
	f.Check(len(data) > 0 && len(data) <= MaxPhotoBytes, "photo", "activity.photo_size", MaxPhotoBytes>>20)
	f.Check(ct != "", "photo", "activity.photo_type")
	caption = strings.TrimSpace(caption)
	f.Check(len([]rune(caption)) <= MaxText, "caption", "field.too_long", MaxText)
	if err := f.Err(); err != nil {
		return nil, err
	}
	p := &Photo{ID: db.NewID(), ContentType: ct, Caption: caption, Size: len(data), CreatedAt: s.now().UTC().Truncate(time.Millisecond)}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM activity_photos WHERE activity_id = ?", id).Scan(&n); err != nil {
			return errs.Internal(err, "activity: add photo")
		}
		if n >= MaxPhotos {
			return fieldErr("photo", "activity.too_many_photos", MaxPhotos)
		}
		var by any
		if pr.UserID != 0 {
			by = pr.UserID
		}
		if _, err := tx.Exec(ctx, "INSERT INTO activity_photos (id, activity_id, content_type, data, caption, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			p.ID, id, ct, data, caption, by, scope.Millis(p.CreatedAt)); err != nil {
			return errs.Internal(err, "activity: add photo")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "activity.photo", Entity: "activity", EntityID: db.FormatID(id), OrgPath: a.OrgPath})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Photos lists an activity's pictures (without their bytes).
func (s *Store) Photos(ctx context.Context, pr *auth.Principal, id int64) ([]Photo, error) {
	if _, err := s.Get(ctx, pr, id); err != nil {
		return nil, err
	}
	return s.photos(ctx, id)
}

func (s *Store) photos(ctx context.Context, id int64) ([]Photo, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, content_type, caption, LENGTH(data), created_at FROM activity_photos WHERE activity_id = ? ORDER BY id", id)
	if err != nil {
		return nil, errs.Internal(err, "activity: photos")
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		var at int64
		if err := rows.Scan(&p.ID, &p.ContentType, &p.Caption, &p.Size, &at); err != nil {
			return nil, errs.Internal(err, "activity: photos")
		}
		p.CreatedAt = scope.FromMillis(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// PhotoData returns one picture's type and bytes.
func (s *Store) PhotoData(ctx context.Context, pr *auth.Principal, id, photoID int64) (string, []byte, error) {
	if _, err := s.Get(ctx, pr, id); err != nil {
		return "", nil, err
	}
	return s.photoData(ctx, id, photoID)
}

func (s *Store) photoData(ctx context.Context, id, photoID int64) (string, []byte, error) {
	var ct string
	var data []byte
	err := s.DB.QueryRow(ctx, "SELECT content_type, data FROM activity_photos WHERE id = ? AND activity_id = ?", photoID, id).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, errs.NotFound("photo")
	}
	if err != nil {
		return "", nil, errs.Internal(err, "activity: photo")
	}
	return ct, data, nil
}

// DeletePhoto removes a picture.
func (s *Store) DeletePhoto(ctx context.Context, pr *auth.Principal, id, photoID int64) error {
	a, err := s.Get(ctx, pr, id)
	if err != nil {
		return err
	}
	if err := rule.Writable(pr, a.OrgPath); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM activity_photos WHERE id = ? AND activity_id = ?", photoID, id)
		if err != nil {
			return errs.Internal(err, "activity: delete photo")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("photo")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "activity.photo_delete", Entity: "activity", EntityID: db.FormatID(id), OrgPath: a.OrgPath})
	})
}

// imageType names a JPEG, PNG or WebP image by its first bytes, "" for
// anything else: the type is never taken from what the client claims.
func imageType(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "image/jpeg"
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// Figures are the activities held by the organisations of a subtree in a
// period.
type Figures struct {
	Held          int `json:"held"`          // published or finished, starting in the period
	Cancelled     int `json:"cancelled"`     // called off
	Registrations int `json:"registrations"` // places taken (confirmed and walk-ins)
	Attended      int `json:"attended"`      // members who checked in at least once
}
