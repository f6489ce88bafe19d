package station

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Photos of a station. Staff who keep it (station.write over its
// organisation) upload, reorder and delete them; anyone sees them on the
// station's public page. They are public pictures of a public place, so
// they are deliberately stored unsealed (not through pii, unlike the
// photos of letters and works, which show people): what is stored is a
// copy re-encoded from the pixels, upright and without EXIF/GPS
// (imagefile.Clean), never the upload, and a copy for phones.

const (
	MaxPhotos     = 6       // photos a station keeps at most
	MaxPhotoBytes = 8 << 20 // bytes an uploaded photo may have
)

// Photo is one picture of a station (its bytes are read apart).
type Photo struct {
	ID        int64     `json:"id,string"`
	Position  int       `json:"position"` // 1 first
	Width     int       `json:"width"`    // of the kept copy
	Height    int       `json:"height"`
	Size      int       `json:"size"` // bytes of the kept copy
	CreatedAt time.Time `json:"created_at"`
}

// photo is an upload checked and re-encoded, ready to store.
type photo struct {
	data, thumb   []byte
	width, height int
}

// checkPhotos checks uploads as the field "photos" and makes their
// copies; nothing is stored unless every one is fine.
func checkPhotos(files [][]byte) ([]photo, error) {
	f := errs.Fields{}
	if !f.Check(len(files) > 0, "photos", "station.photos_required") {
		return nil, f.Err()
	}
	if !f.Check(len(files) <= MaxPhotos, "photos", "station.photos_too_many", MaxPhotos) {
		return nil, f.Err()
	}
	for _, b := range files {
		if !f.Check(len(b) > 0 && len(b) <= MaxPhotoBytes, "photos", "station.photo_size", MaxPhotoBytes>>20) {
			return nil, f.Err()
		}
		_, err := imagefile.Sniff(b)
		if errors.Is(err, imagefile.ErrPixels) {
			f.Add("photos", "station.photo_pixels", imagefile.MaxPixels/1_000_000)
			return nil, f.Err()
		}
		if !f.Check(err == nil, "photos", "station.photo_type") {
			return nil, f.Err()
		}
	}
	out := make([]photo, len(files))
	for i, b := range files {
		// A header that reads over pixels that do not is refused here,
		// not when someone opens the page.
		data, err := imagefile.Clean(b)
		if err != nil {
			return nil, signup.FieldErr("photos", "station.photo_unreadable")
		}
		thumb, err := imagefile.Thumb(data)
		if err != nil {
			return nil, signup.FieldErr("photos", "station.photo_unreadable")
		}
		in, err := imagefile.Sniff(data)
		if err != nil {
			return nil, signup.FieldErr("photos", "station.photo_unreadable")
		}
		out[i] = photo{data: data, thumb: thumb, width: in.Width, height: in.Height}
	}
	return out, nil
}

// AddPhotos adds pictures to a station pr keeps, after its others. The
// station's row lock makes the limit of MaxPhotos hold when several
// uploads race, from any process.
func (s *Store) AddPhotos(ctx context.Context, pr *auth.Principal, id int64, files [][]byte) ([]Photo, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("station: add photos")
	}
	// Scope first: someone outside the subtree learns nothing about
	// their files' faults.
	if _, err := s.Get(ctx, pr, id); err != nil {
		return nil, err
	}
	ps, err := checkPhotos(files)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		st, err := s.lock(ctx, tx, pr, id, 0)
		if err != nil {
			return err
		}
		var n, last int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM station_photos WHERE station_id = ?", id).Scan(&n, &last); err != nil {
			return errs.Internal(err, "station: photos")
		}
		if n+len(ps) > MaxPhotos {
			return signup.FieldErr("photos", "station.photos_left", MaxPhotos, MaxPhotos-n)
		}
		at := scope.Millis(s.stamp())
		ids := make([]string, len(ps))
		for i, p := range ps {
			pid := db.NewID()
			ids[i] = db.FormatID(pid)
			if _, err := tx.Exec(ctx, `INSERT INTO station_photos (id, station_id, content_type, size, data, thumb, position, width, height, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, pid, id, imagefile.OutType, len(p.data), p.data, p.thumb, last+1+i, p.width, p.height, by(pr), at); err != nil {
				return errs.Internal(err, "station: add photo")
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "station.photo_add", Entity: "station", EntityID: db.FormatID(id), OrgPath: st.path,
			After: map[string]any{"photos": ids, "count": n + len(ps)}})
	})
	if err != nil {
		return nil, err
	}
	return s.photos(ctx, s.DB, id)
}

// DeletePhoto removes a picture of a station pr keeps.
func (s *Store) DeletePhoto(ctx context.Context, pr *auth.Principal, id, photoID int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		st, err := s.lock(ctx, tx, pr, id, 0)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM station_photos WHERE id = ? AND station_id = ?", photoID, id)
		if err != nil {
			return errs.Internal(err, "station: delete photo")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("photo")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "station.photo_delete", Entity: "station", EntityID: db.FormatID(id), OrgPath: st.path,
			Before: map[string]any{"photo": db.FormatID(photoID)}})
	})
}

// MovePhoto moves a picture one place earlier (by -1) or later (+1)
// among its station's, swapping it with its neighbour.
func (s *Store) MovePhoto(ctx context.Context, pr *auth.Principal, id, photoID int64, by int) ([]Photo, error) {
	if by != -1 && by != 1 {
		return nil, signup.FieldErr("move", "field.invalid_choice")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.lock(ctx, tx, pr, id, 0); err != nil {
			return err
		}
		ps, err := s.photos(ctx, tx, id)
		if err != nil {
			return err
		}
		i := -1
		for k, p := range ps {
			if p.ID == photoID {
				i = k
			}
		}
		if i < 0 {
			return errs.NotFound("photo")
		}
		j := i + by
		if j < 0 || j >= len(ps) {
			return nil // already first or last
		}
		// Positions are renumbered 1.. in the new order.
		ps[i], ps[j] = ps[j], ps[i]
		for k, p := range ps {
			if _, err := tx.Exec(ctx, "UPDATE station_photos SET position = ? WHERE id = ?", k+1, p.ID); err != nil {
				return errs.Internal(err, "station: move photo")
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.photos(ctx, s.DB, id)
}

// querier reads rows in a transaction or not.
type querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Store) photos(ctx context.Context, q querier, id int64) ([]Photo, error) {
	rows, err := q.Query(ctx, "SELECT id, width, height, size, created_at FROM station_photos WHERE station_id = ? ORDER BY position, id", id)
	list, err := signup.All(rows, err, "station: photos", func(sc signup.Scanner) (Photo, error) {
		var p Photo
		var at int64
		err := sc.Scan(&p.ID, &p.Width, &p.Height, &p.Size, &at)
		p.CreatedAt = scope.FromMillis(at)
		return p, err
	})
	for i := range list {
		list[i].Position = i + 1
	}
	return list, err
}

// Photos lists the pictures of a station of the caller's subtrees.
func (s *Store) Photos(ctx context.Context, pr *auth.Principal, id int64) ([]Photo, error) {
	if _, err := s.Get(ctx, pr, id); err != nil {
		return nil, err
	}
	return s.photos(ctx, s.DB, id)
}

// PublicPhotos lists the pictures of an active station by its code.
func (s *Store) PublicPhotos(ctx context.Context, code string) ([]Photo, error) {
	st, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.photos(ctx, s.DB, st.ID)
}

// PhotoData is a picture's bytes: the kept copy, or with thumb the copy
// for phones, of a station of the caller's subtrees.
func (s *Store) PhotoData(ctx context.Context, pr *auth.Principal, id, photoID int64, thumb bool) ([]byte, error) {
	if _, err := s.Get(ctx, pr, id); err != nil {
		return nil, err
	}
	return s.photoData(ctx, id, photoID, thumb)
}

// PublicPhotoData is PhotoData for anyone, of an active station by its code.
func (s *Store) PublicPhotoData(ctx context.Context, code string, photoID int64, thumb bool) ([]byte, error) {
	st, err := s.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.photoData(ctx, st.ID, photoID, thumb)
}

func (s *Store) photoData(ctx context.Context, id, photoID int64, thumb bool) ([]byte, error) {
	col := "data"
	if thumb {
		col = "thumb"
	}
	var b []byte
	err := s.DB.QueryRow(ctx, "SELECT "+col+" FROM station_photos WHERE id = ? AND station_id = ?", photoID, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(b) == 0) {
		return nil, errs.NotFound("photo")
	}
	if err != nil {
		return nil, errs.Internal(err, "station: photo")
	}
	return b, nil
}
