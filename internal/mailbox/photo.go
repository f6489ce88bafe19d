package mailbox

import (
	"context"
	"database/sql"
	"errors"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/scope"
)

// checkPhotos checks the pictures of a new letter, as the field "photos".
func checkPhotos(f errs.Fields, photos [][]byte) []string {
	if !f.Check(len(photos) <= MaxPhotos, "photos", "mailbox.photos_too_many", MaxPhotos) {
		return nil
	}
	types := make([]string, len(photos))
	for i, p := range photos {
		if !f.Check(len(p) > 0 && len(p) <= MaxPhotoBytes, "photos", "mailbox.photo_size", MaxPhotoBytes>>20) {
			return nil
		}
		if types[i] = imagefile.Type(p); !f.Check(types[i] != "", "photos", "mailbox.photo_type") {
			return nil
		}
	}
	return types
}

// PhotoAAD binds a sealed photo to its row.
func PhotoAAD(id int64) string { return "letter_photo.data:" + db.FormatID(id) }

// savePhotos stores a letter's pictures sealed, inside tx.
func (s *Store) savePhotos(ctx context.Context, tx *db.Tx, letterID int64, photos [][]byte, types []string, at int64) error {
	for i, p := range photos {
		if s.Keys == nil {
			return errs.Internal(errors.New("no keys to seal photos with"), "mailbox: save photo")
		}
		id := db.NewID()
		sealed, err := s.Keys.Seal(p, PhotoAAD(id))
		if err != nil {
			return errs.Internal(err, "mailbox: seal photo")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO letter_photos (id, letter_id, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			id, letterID, types[i], len(p), []byte(sealed), at); err != nil {
			return errs.Internal(err, "mailbox: save photo")
		}
	}
	return nil
}

func (s *Store) photos(ctx context.Context, letterID int64) ([]Photo, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, content_type, size, created_at FROM letter_photos WHERE letter_id = ? ORDER BY id", letterID)
	if err != nil {
		return nil, errs.Internal(err, "mailbox: photos")
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		var at int64
		if err := rows.Scan(&p.ID, &p.ContentType, &p.Size, &at); err != nil {
			return nil, errs.Internal(err, "mailbox: photos")
		}
		p.CreatedAt = scope.FromMillis(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// PhotoData returns one picture of a letter, opened, to staff who may see
// the letter or to its writer.
func (s *Store) PhotoData(ctx context.Context, pr *auth.Principal, letterID, photoID int64) (string, []byte, error) {
	if _, err := s.readable(ctx, pr, letterID); err != nil {
		return "", nil, err
	}
	var ct string
	var sealed []byte
	err := s.DB.QueryRow(ctx, "SELECT content_type, data FROM letter_photos WHERE id = ? AND letter_id = ?", photoID, letterID).Scan(&ct, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, errs.NotFound("photo")
	}
	if err != nil {
		return "", nil, errs.Internal(err, "mailbox: photo")
	}
	if s.Keys == nil {
		return "", nil, errs.Internal(errors.New("no keys to open photos with"), "mailbox: photo")
	}
	data, err := s.Keys.Open(string(sealed), PhotoAAD(photoID))
	if err != nil {
		return "", nil, errs.Internal(err, "mailbox: open photo")
	}
	return ct, data, nil
}
