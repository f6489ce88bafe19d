// Package job keeps long-running work (roster imports) and the files it
// works on in the database, so that any server process can show a job's
// progress and result, and a file uploaded once can be checked and then
// imported without sending it again.
package job

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/pii"
)

// Status of a job.
const (
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// staleAfter: a running job whose process has not reported for this long
// died with it (a crash or a restart) and is shown as failed.
const staleAfter = 2 * time.Minute

// UploadTTL is how long an uploaded file is kept.
const UploadTTL = 24 * time.Hour

// Job is one piece of long work.
type Job struct {
	ID        int64
	Kind      string
	UserID    int64
	OrgID     int64
	UploadID  int64
	Params    string
	Status    string
	Done      int64
	Total     int64
	Result    string // JSON, when done
	Error     string // when failed: a Message as JSON
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Percent is the progress in whole percent.
func (j *Job) Percent() int {
	if j.Total <= 0 {
		return 0
	}
	return int(j.Done * 100 / j.Total)
}

// Store keeps jobs and uploads. Uploads are rosters of personal data, so
// they are kept sealed with Keys and dropped when their job ends.
type Store struct {
	DB   *db.DB
	Keys *pii.Keyring
}

// Upload is a stored file.
type Upload struct {
	ID     int64
	Name   string
	Size   int64
	SHA256 string
	Data   []byte
}

// UploadAAD binds a sealed upload to its row.
func UploadAAD(id int64) string { return "upload.data:" + db.FormatID(id) }

// SaveUpload stores a file for its owner, sealed: a copy of the database,
// or a backup taken while the file waits, holds no roster in clear.
func (s *Store) SaveUpload(ctx context.Context, userID int64, name string, data []byte) (int64, error) {
	if s.Keys == nil {
		return 0, errs.Internal(errors.New("no keys to seal uploads with"), "job: save upload")
	}
	sum := sha256.Sum256(data)
	id := db.NewID()
	sealed, err := s.Keys.Seal(data, UploadAAD(id))
	if err != nil {
		return 0, errs.Internal(err, "job: seal upload")
	}
	_, err = s.DB.Exec(ctx, "INSERT INTO uploads (id, user_id, name, size, sha256, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		id, userID, truncate(name, 200), len(data), hex.EncodeToString(sum[:]), []byte(sealed), time.Now().UnixMilli())
	if err != nil {
		return 0, errs.Internal(err, "job: save upload")
	}
	return id, nil
}

// LoadUpload reads a file back, for its owner only.
func (s *Store) LoadUpload(ctx context.Context, id, userID int64) (*Upload, error) {
	u := &Upload{ID: id}
	var sealed []byte
	err := s.DB.QueryRow(ctx, "SELECT name, size, sha256, data FROM uploads WHERE id = ? AND user_id = ?", id, userID).Scan(&u.Name, &u.Size, &u.SHA256, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("upload")
	}
	if err != nil {
		return nil, errs.Internal(err, "job: load upload")
	}
	if s.Keys == nil {
		return nil, errs.Internal(errors.New("no keys to open uploads with"), "job: load upload")
	}
	if u.Data, err = s.Keys.Open(string(sealed), UploadAAD(id)); err != nil {
		return nil, errs.Internal(err, "job: open upload")
	}
	return u, nil
}

// DropUpload deletes an upload once no job needs it any more (its import
// ended); the jobs that used it keep their results.
func (s *Store) DropUpload(ctx context.Context, id int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE jobs SET upload_id = NULL WHERE upload_id = ?", id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM uploads WHERE id = ?", id)
		return err
	})
}

// Start records a new running job; uploadID 0 is a job without a file.
func (s *Store) Start(ctx context.Context, kind string, userID, orgID, uploadID int64, params string) (int64, error) {
	id := db.NewID()
	now := time.Now().UnixMilli()
	var upload any
	if uploadID != 0 {
		upload = uploadID
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO jobs (id, kind, user_id, org_id, upload_id, params, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, kind, userID, orgID, upload, params, Running, now, now)
	if err != nil {
		return 0, errs.Internal(err, "job: start")
	}
	return id, nil
}

// Progress records how far a job has come.
func (s *Store) Progress(ctx context.Context, id, done, total int64) error {
	_, err := s.DB.Exec(ctx, "UPDATE jobs SET done = ?, total = ?, updated_at = ? WHERE id = ? AND status = ?", done, total, time.Now().UnixMilli(), id, Running)
	return err
}

// Finish records a job's result, or its failure.
func (s *Store) Finish(ctx context.Context, id int64, result any, failure error) error {
	status, res, code := Done, "", ""
	if failure != nil {
		status = Failed
		m := Message{Key: "error.internal"}
		if e, ok := errs.As(failure); ok && e.Kind != errs.KindInternal {
			m = Message{Key: e.Key, Args: e.Args}
			if f, ok := e.FirstField(); ok {
				m = Message{Key: f.Key, Args: f.Args} // a field's message says more
			}
		}
		b, _ := json.Marshal(m)
		code = string(b)
	}
	if result != nil && !isNilPointer(result) {
		// A failed job may still have done part of its work: keep it.
		b, err := json.Marshal(result)
		if err != nil {
			return err
		}
		res = string(b)
	}
	_, err := s.DB.Exec(ctx, "UPDATE jobs SET status = ?, result = ?, error = ?, done = total, updated_at = ? WHERE id = ?",
		status, res, code, time.Now().UnixMilli(), id)
	return err
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// Get returns a job to its owner.
func (s *Store) Get(ctx context.Context, id, userID int64) (*Job, error) {
	j := &Job{ID: id}
	var created, updated int64
	var upload sql.NullInt64
	err := s.DB.QueryRow(ctx, `SELECT kind, user_id, org_id, upload_id, params, status, done, total, result, error, created_at, updated_at
		FROM jobs WHERE id = ? AND user_id = ?`, id, userID).
		Scan(&j.Kind, &j.UserID, &j.OrgID, &upload, &j.Params, &j.Status, &j.Done, &j.Total, &j.Result, &j.Error, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("job")
	}
	if err != nil {
		return nil, errs.Internal(err, "job: get")
	}
	j.UploadID = upload.Int64
	j.CreatedAt, j.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	if j.Status == Running && time.Since(j.UpdatedAt) > staleAfter {
		j.Status, j.Error = Failed, `{"key":"job.interrupted"}`
	}
	return j, nil
}

// Purge deletes uploads past UploadTTL and jobs older than a month; any
// process may run it now and then. Uploads normally go when their job ends
// (DropUpload); this catches those whose process died, and the file of a
// dry run that was never imported.
func (s *Store) Purge(ctx context.Context) error {
	cut := time.Now().Add(-UploadTTL).UnixMilli()
	if _, err := s.DB.Exec(ctx, "UPDATE jobs SET upload_id = NULL WHERE upload_id IN (SELECT id FROM uploads WHERE created_at < ?)", cut); err != nil {
		return err
	}
	if _, err := s.DB.Exec(ctx, "DELETE FROM uploads WHERE created_at < ?", cut); err != nil {
		return err
	}
	_, err := s.DB.Exec(ctx, "DELETE FROM jobs WHERE created_at < ?", time.Now().AddDate(0, -1, 0).UnixMilli())
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// Message is a failed job's reason: a catalogue key and its arguments.
type Message struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

// Failure returns why a failed job failed.
func (j *Job) Failure() Message {
	var m Message
	if err := json.Unmarshal([]byte(j.Error), &m); err != nil || m.Key == "" {
		return Message{Key: "error.internal"}
	}
	return m
}
