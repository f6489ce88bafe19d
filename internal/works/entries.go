package works

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// A photo's copy for phones (imagefile.Thumb): what is shown beyond the
// author, staff and the judges, to the call's audience once the winners
// are published, since it keeps none of the original's metadata.
const (
	ThumbSide = imagefile.ThumbSide
	ThumbType = imagefile.OutType
)

// Photo is one picture of an entry (its bytes are read apart).
type Photo struct {
	ID          int64  `json:"id,string"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
}

// Entry is one work handed in. Name and Union are the author's: staff and
// the author see them, a judge's view (BlindEntry) never carries them.
type Entry struct {
	ID        int64       `json:"id,string"`
	CallID    int64       `json:"call_id,string"`
	MemberID  int64       `json:"member_id,string"`
	Name      string      `json:"name"`
	Union     string      `json:"union"`
	Title     string      `json:"title"`
	Body      string      `json:"body"`
	Note      string      `json:"note"`
	Photos    []Photo     `json:"photos"`
	Status    EntryStatus `json:"status"`
	Reason    string      `json:"reason"`
	Score     *float64    `json:"score,omitempty"` // final, once worked out
	Judges    int         `json:"judges"`          // judges who scored it, once worked out
	Place     int         `json:"place"`           // rank, 0 before
	Award     string      `json:"award"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

const entryCols = `e.id, e.call_id, e.member_id, m.name, o.name, e.title, e.body, e.note, e.status, e.reason, e.score, e.judges,
	e.place, e.award, e.created_at, e.updated_at`

const entryFrom = ` FROM works_entries e JOIN members m ON m.id = e.member_id JOIN orgs o ON o.id = m.org_id`

func scanEntry(sc signup.Scanner) (Entry, error) {
	var e Entry
	var score sql.NullInt64
	var created, updated int64
	err := sc.Scan(&e.ID, &e.CallID, &e.MemberID, &e.Name, &e.Union, &e.Title, &e.Body, &e.Note, &e.Status, &e.Reason, &score, &e.Judges,
		&e.Place, &e.Award, &created, &updated)
	if score.Valid {
		v := float64(score.Int64) / 100
		e.Score = &v
	}
	e.CreatedAt, e.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	e.Photos = []Photo{}
	return e, err
}

func (s *Store) entry(ctx context.Context, q signup.Queryer, id int64) (*Entry, error) {
	e, err := scanEntry(q.QueryRow(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("entry")
	}
	if err != nil {
		return nil, errs.Internal(err, "works: read entry")
	}
	return &e, nil
}

// photos fills the entries' photos, in their order, a few hundred
// entries a query.
func (s *Store) photos(ctx context.Context, list []Entry) error {
	at := make(map[int64]int, len(list))
	ids := make([]any, len(list))
	for i := range list {
		list[i].Photos = []Photo{}
		at[list[i].ID], ids[i] = i, list[i].ID
	}
	const chunk = 400
	for from := 0; from < len(ids); from += chunk {
		part := ids[from:min(from+chunk, len(ids))]
		rows, err := s.DB.Query(ctx, "SELECT entry_id, id, content_type, size, width, height FROM works_photos WHERE entry_id IN ("+
			db.Placeholders(len(part))+") ORDER BY entry_id, position, id", part...)
		type owned struct {
			entry int64
			Photo
		}
		ps, err := signup.All(rows, err, "works: photos", func(sc signup.Scanner) (owned, error) {
			var p owned
			return p, sc.Scan(&p.entry, &p.ID, &p.ContentType, &p.Size, &p.Width, &p.Height)
		})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if i, ok := at[p.entry]; ok {
				list[i].Photos = append(list[i].Photos, p.Photo)
			}
		}
	}
	return nil
}

// PhotoAAD binds a sealed photo to its row.
func PhotoAAD(id int64) string { return "works_photos.data:" + db.FormatID(id) }

// ThumbAAD binds a photo's sealed copy for phones to its row.
func ThumbAAD(id int64) string { return "works_photos.thumb:" + db.FormatID(id) }

type upload struct {
	data          []byte
	thumb         []byte // the copy for phones (Thumb)
	ct            string
	width, height int
}

// checkEntry validates in against c's rules; have is how many photos the
// entry keeps (editing). Photos are sniffed here, once.
func checkEntry(c *Call, in *EntryInput, have int) ([]upload, error) {
	f := errs.Fields{}
	in.Title = strings.TrimSpace(in.Title)
	if f.Check(in.Title != "", "title", "field.required") {
		f.Check(utf8.RuneCountInString(in.Title) <= MaxEntryTitle, "title", "field.too_long", MaxEntryTitle)
	}
	in.Note = strings.TrimSpace(in.Note)
	f.Check(utf8.RuneCountInString(in.Note) <= MaxEntryNote, "note", "field.too_long", MaxEntryNote)
	f.Check(in.Original, "original", "works.original_required")
	var ups []upload
	switch c.Kind {
	case KindEssay:
		in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
		n := utf8.RuneCountInString(in.Body)
		switch {
		case n == 0:
			f.Add("body", "field.required")
		case n < c.MinChars:
			f.Add("body", "works.too_short", c.MinChars, n)
		case n > c.MaxChars:
			f.Add("body", "works.too_long", c.MaxChars, n)
		}
		f.Check(len(in.Photos) == 0, "photos", "works.no_photos_here")
	case KindPhoto:
		in.Body = ""
		for _, b := range in.Photos {
			if len(b) > c.MaxPhotoKB<<10 {
				f.Add("photos", "works.photo_size", c.MaxPhotoKB)
				break
			}
			in, err := imagefile.Sniff(b)
			if errors.Is(err, imagefile.ErrPixels) {
				f.Add("photos", "works.photo_pixels", imagefile.MaxPixels/1_000_000)
				break
			}
			if err != nil {
				f.Add("photos", "works.photo_type")
				break
			}
			ups = append(ups, upload{data: b, ct: in.Type, width: in.Width, height: in.Height})
		}
		n := have + len(in.Photos)
		f.Check(n >= 1, "photos", "works.photos_required")
		f.Check(n <= c.MaxPhotos, "photos", "works.too_many_photos", c.MaxPhotos)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// The copies for phones are made now, once the entry is otherwise
	// fine: a picture whose header reads but whose pixels do not is
	// refused here, not when someone opens it.
	for i := range ups {
		t, err := imagefile.Thumb(ups[i].data)
		if err != nil {
			return nil, signup.FieldErr("photos", "works.photo_unreadable")
		}
		ups[i].thumb = t
	}
	return ups, nil
}

// entrant reads the member acting on c: active, in its audience (union
// and tags); anyone else finds no such call.
func (s *Store) entrant(ctx context.Context, pr *auth.Principal, c *Call) (*member.Brief, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	m, err := s.Members.Brief(ctx, pr.MemberID)
	if err != nil {
		return nil, err
	}
	tags, _ := member.TagBits(c.AudienceTags)
	if c.Status == StatusDraft || m.Status != member.StatusActive || !signup.Admits(m, c.AudiencePath, tags) {
		return nil, errs.NotFound("call")
	}
	return m, nil
}

func (s *Store) addPhotos(ctx context.Context, tx *db.Tx, entryID int64, from int, ups []upload, at int64) error {
	for i, u := range ups {
		id := db.NewID()
		sealed, err := s.Keys.Seal(u.data, PhotoAAD(id))
		if err != nil {
			return errs.Internal(err, "works: seal photo")
		}
		thumb, err := s.Keys.Seal(u.thumb, ThumbAAD(id))
		if err != nil {
			return errs.Internal(err, "works: seal photo")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO works_photos (id, entry_id, position, content_type, size, width, height, data, thumb, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, entryID, from+i, u.ct, len(u.data), u.width, u.height, []byte(sealed), []byte(thumb), at); err != nil {
			return errs.Internal(err, "works: add photo")
		}
	}
	return nil
}

// Submit hands in a member's entry to an open call. The entry takes the
// member's lowest free slot: two requests racing for the last one meet
// at the unique (call, member, slot) and the loser looks again.
func (s *Store) Submit(ctx context.Context, pr *auth.Principal, callID int64, in EntryInput) (*Entry, error) {
	c, err := load(ctx, s.DB, callID)
	if err != nil {
		return nil, err
	}
	m, err := s.entrant(ctx, pr, c)
	if err != nil {
		return nil, err
	}
	if c.PhaseAt(s.stamp()) != PhaseOpen {
		return nil, errs.Conflict("not_open", "works.not_open")
	}
	ups, err := checkEntry(c, &in, 0)
	if err != nil {
		return nil, err
	}
	id := db.NewID()
	for try := 0; ; try++ {
		err = s.DB.Tx(ctx, func(tx *db.Tx) error {
			rows, err := tx.Query(ctx, "SELECT slot FROM works_entries WHERE call_id = ? AND member_id = ? AND slot IS NOT NULL", callID, m.ID)
			used, err := signup.All(rows, err, "works: slots", func(sc signup.Scanner) (int, error) {
				var n int
				return n, sc.Scan(&n)
			})
			if err != nil {
				return err
			}
			slot := 0
			for n := 1; n <= c.PerMember && slot == 0; n++ {
				slot = n
				for _, u := range used {
					if u == n {
						slot = 0
					}
				}
			}
			if slot == 0 {
				return errs.Conflict("limit", "works.limit_reached", c.PerMember)
			}
			now := s.stamp()
			ms := scope.Millis(now)
			if _, err := tx.Exec(ctx, `INSERT INTO works_entries (id, call_id, member_id, member_org_path, slot, title, body, note, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, callID, m.ID, m.OrgPath, slot, in.Title, in.Body, in.Note, EntrySubmitted, ms, ms); err != nil {
				return err
			}
			if err := s.addPhotos(ctx, tx, id, 0, ups, ms); err != nil {
				return err
			}
			if err := logEntry(ctx, tx, m.OrgPath, now, 1); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "works.submit", Entity: "works_entry", EntityID: db.FormatID(id), OrgPath: m.OrgPath,
				After: map[string]any{"call": db.FormatID(callID), "title": in.Title, "photos": len(ups)}})
		})
		if err == nil || !db.IsUnique(err) || try >= c.PerMember {
			break
		}
	}
	if err != nil {
		if _, ok := errs.As(err); !ok {
			return nil, errs.Internal(err, "works: submit")
		}
		return nil, err
	}
	return s.Own(ctx, pr, id)
}

// own reads an entry of the member pr under its row's lock (nil tx: no
// lock); another's is missing.
func (s *Store) own(ctx context.Context, q signup.Queryer, pr *auth.Principal, id int64) (*Entry, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("entry")
	}
	e, err := s.entry(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if e.MemberID != pr.MemberID || e.Status == EntryWithdrawn {
		return nil, errs.NotFound("entry")
	}
	return e, nil
}

// Own reads one of the member's own entries with its photos.
func (s *Store) Own(ctx context.Context, pr *auth.Principal, id int64) (*Entry, error) {
	e, err := s.own(ctx, s.DB, pr, id)
	if err != nil {
		return nil, err
	}
	list := []Entry{*e}
	if err := s.photos(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// Edit rewrites a member's entry while the call takes entries; a screened
// entry goes back to be screened again.
func (s *Store) Edit(ctx context.Context, pr *auth.Principal, id int64, in EntryInput) (*Entry, error) {
	e, err := s.Own(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	c, err := load(ctx, s.DB, e.CallID)
	if err != nil {
		return nil, err
	}
	if c.PhaseAt(s.stamp()) != PhaseOpen {
		return nil, errs.Conflict("not_open", "works.not_open")
	}
	drop := map[int64]bool{}
	for _, pid := range in.Remove {
		for _, p := range e.Photos {
			if p.ID == pid {
				drop[pid] = true
			}
		}
	}
	ups, err := checkEntry(c, &in, len(e.Photos)-len(drop))
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRows(ctx, "SELECT id FROM works_entries WHERE id = ?", id); err != nil {
			return errs.Internal(err, "works: lock entry")
		}
		cur, err := s.own(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		var n, last int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM works_photos WHERE entry_id = ?", id).Scan(&n, &last); err != nil {
			return errs.Internal(err, "works: count photos")
		}
		if c.Kind == KindPhoto && n-len(drop)+len(ups) > c.MaxPhotos {
			return signup.FieldErr("photos", "works.too_many_photos", c.MaxPhotos)
		}
		for pid := range drop {
			if _, err := tx.Exec(ctx, "DELETE FROM works_photos WHERE id = ? AND entry_id = ?", pid, id); err != nil {
				return errs.Internal(err, "works: drop photo")
			}
		}
		ms := scope.Millis(s.stamp())
		if err := s.addPhotos(ctx, tx, id, last+1, ups, ms); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE works_entries SET title = ?, body = ?, note = ?, status = ?, reason = '', screened_by = NULL, updated_at = ? WHERE id = ?",
			in.Title, in.Body, in.Note, EntrySubmitted, ms, id); err != nil {
			return errs.Internal(err, "works: edit")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.edit", Entity: "works_entry", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			Before: map[string]any{"title": cur.Title, "status": cur.Status}, After: map[string]any{"title": in.Title, "added": len(ups), "removed": len(drop)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Own(ctx, pr, id)
}

// Withdraw takes a member's entry back while the call takes entries: its
// slot is free again and its photos are deleted.
func (s *Store) Withdraw(ctx context.Context, pr *auth.Principal, id int64) error {
	e, err := s.own(ctx, s.DB, pr, id)
	if err != nil {
		return err
	}
	c, err := load(ctx, s.DB, e.CallID)
	if err != nil {
		return err
	}
	if c.PhaseAt(s.stamp()) != PhaseOpen {
		return errs.Conflict("not_open", "works.not_open")
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var path string
		var created int64
		err := tx.QueryRow(ctx, "SELECT member_org_path, created_at FROM works_entries WHERE id = ? AND status <> ?"+tx.ForUpdate(), id, EntryWithdrawn).Scan(&path, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("entry")
		}
		if err != nil {
			return errs.Internal(err, "works: withdraw")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM works_photos WHERE entry_id = ?", id); err != nil {
			return errs.Internal(err, "works: withdraw")
		}
		if _, err := tx.Exec(ctx, "UPDATE works_entries SET status = ?, slot = NULL, updated_at = ? WHERE id = ?", EntryWithdrawn, scope.Millis(s.stamp()), id); err != nil {
			return errs.Internal(err, "works: withdraw")
		}
		if err := logEntry(ctx, tx, path, scope.FromMillis(created), -1); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.withdraw", Entity: "works_entry", EntityID: db.FormatID(id), OrgPath: c.OrgPath,
			Before: map[string]any{"status": e.Status}, After: map[string]any{"status": EntryWithdrawn}})
	})
}
