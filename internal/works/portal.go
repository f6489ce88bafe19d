package works

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/imagefile"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Listed is a call on a member's list, with how many entries they have in it.
type Listed struct {
	Call
	Phase   Phase `json:"phase"`
	Entries int   `json:"entries"`
}

// ForMember lists the published calls whose audience includes the member
// (their union or one above it, and their tags) that take entries, judge
// them, or published their results within the last 60 days.
func (s *Store) ForMember(ctx context.Context, pr *auth.Principal) ([]Listed, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	m, paths, err := signup.Reach(ctx, s.Members, pr.MemberID)
	if err != nil || len(paths) == 0 {
		return []Listed{}, err
	}
	now := s.stamp()
	since := scope.Millis(now.AddDate(0, 0, -60))
	args := append([]any{StatusPublished, since, since}, paths...)
	rows, err := s.DB.Query(ctx, "SELECT "+callCols+callFrom+` WHERE c.status = ? AND (c.judge_until > ? OR c.results_at > ?) AND c.audience_path IN (`+
		db.Placeholders(len(paths))+`) ORDER BY c.closes_at, c.id LIMIT 100`, args...)
	all, err := signup.All(rows, err, "works: member list", scanCall)
	if err != nil {
		return nil, err
	}
	out := []Listed{}
	for _, c := range all {
		tags, _ := member.TagBits(c.AudienceTags)
		if tags != 0 && m.Tags&tags == 0 {
			continue
		}
		l := Listed{Call: c, Phase: c.PhaseAt(now)}
		if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM works_entries WHERE call_id = ? AND member_id = ? AND status <> ?",
			c.ID, m.ID, EntryWithdrawn).Scan(&l.Entries); err != nil {
			return nil, errs.Internal(err, "works: member entries")
		}
		out = append(out, l)
	}
	return out, nil
}

// Winner is an awarded entry as members read the results: the work
// itself (an essay's text, a photo call's pictures) with its author.
type Winner struct {
	EntryID int64    `json:"entry_id,string"`
	Place   int      `json:"place"`
	Award   string   `json:"award"`
	Title   string   `json:"title"`
	Name    string   `json:"name"`
	Union   string   `json:"union"`
	Score   *float64 `json:"score,omitempty"`
	Body    string   `json:"body"`
	Note    string   `json:"note"`
	Photos  []Photo  `json:"photos"`
}

// MemberCall is a call as a member reads it: their own entries, whether
// they may hand in another, and the winners once published.
type MemberCall struct {
	Call      *Call    `json:"call"`
	Phase     Phase    `json:"phase"`
	Entries   []Entry  `json:"entries"`
	CanSubmit bool     `json:"can_submit"`
	Winners   []Winner `json:"winners"`
}

// ForMemberOne reads a call for a member of its audience.
func (s *Store) ForMemberOne(ctx context.Context, pr *auth.Principal, callID int64) (*MemberCall, error) {
	c, err := load(ctx, s.DB, callID)
	if err != nil {
		return nil, err
	}
	m, err := s.entrant(ctx, pr, c)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.call_id = ? AND e.member_id = ? AND e.status <> ? ORDER BY e.id",
		callID, m.ID, EntryWithdrawn)
	entries, err := signup.All(rows, err, "works: own entries", scanEntry)
	if err != nil {
		return nil, err
	}
	if err := s.photos(ctx, entries); err != nil {
		return nil, err
	}
	now := s.stamp()
	mc := &MemberCall{Call: c, Phase: c.PhaseAt(now), Entries: entries, Winners: []Winner{}}
	mc.CanSubmit = mc.Phase == PhaseOpen && len(entries) < c.PerMember
	if mc.Phase != PhaseResults {
		// The award is news only once the results are out.
		for i := range mc.Entries {
			mc.Entries[i].Score, mc.Entries[i].Place, mc.Entries[i].Award = nil, 0, ""
		}
		return mc, nil
	}
	mc.Winners, err = s.winners(ctx, callID)
	return mc, err
}

// MaxWinners bounds the winners a results page lists.
const MaxWinners = 500

func (s *Store) winners(ctx context.Context, callID int64) ([]Winner, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.place, e.award, e.title, m.name, o.name, e.score, e.body, e.note`+entryFrom+
		` WHERE e.call_id = ? AND e.status = ? AND e.award <> '' ORDER BY e.place LIMIT ?`, callID, EntryAccepted, MaxWinners)
	ws, err := signup.All(rows, err, "works: winners", func(sc signup.Scanner) (Winner, error) {
		var w Winner
		var score sql.NullInt64
		err := sc.Scan(&w.EntryID, &w.Place, &w.Award, &w.Title, &w.Name, &w.Union, &score, &w.Body, &w.Note)
		if score.Valid {
			v := float64(score.Int64) / 100
			w.Score = &v
		}
		return w, err
	})
	if err != nil {
		return nil, err
	}
	withPhotos := make([]Entry, len(ws))
	for i := range ws {
		withPhotos[i].ID = ws[i].EntryID
	}
	if err := s.photos(ctx, withPhotos); err != nil {
		return nil, err
	}
	for i := range ws {
		ws[i].Photos = withPhotos[i].Photos
	}
	return ws, nil
}

// PhotoSize is which copy of a photo is asked for.
type PhotoSize int

const (
	// PhotoOriginal: the bytes as handed in (the author, staff, judges).
	PhotoOriginal PhotoSize = iota
	// PhotoThumb: the copy for phones (Thumb), JPEG without metadata.
	PhotoThumb
)

// PhotoData returns one photo's type and bytes to whoever may see it: its
// author, staff who read the call, a judge of the call once the entry is
// accepted (but not one of the judge's own union), and, once the results
// are published, members of the call's audience for the winners' photos.
// Those last get only the copy for phones, whatever size they ask for:
// the original may carry where and when it was taken. Anyone else finds
// nothing.
func (s *Store) PhotoData(ctx context.Context, pr *auth.Principal, photoID int64, size PhotoSize) (string, []byte, error) {
	if pr == nil {
		return "", nil, scope.NilPrincipal("works: photo")
	}
	var ct, orgPath, award, memberPath string
	var sealed, thumb []byte
	var entryID, memberID, callID int64
	var status EntryStatus
	err := s.DB.QueryRow(ctx, `SELECT p.content_type, p.data, p.thumb, e.id, e.member_id, e.member_org_path, e.call_id, e.status, e.award, c.org_path
		FROM works_photos p JOIN works_entries e ON e.id = p.entry_id JOIN works_calls c ON c.id = e.call_id WHERE p.id = ?`, photoID).
		Scan(&ct, &sealed, &thumb, &entryID, &memberID, &memberPath, &callID, &status, &award, &orgPath)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, errs.NotFound("photo")
	}
	if err != nil {
		return "", nil, errs.Internal(err, "works: photo")
	}
	allowed := false
	switch {
	case pr.Kind == auth.KindMember && pr.MemberID == memberID:
		allowed = true
	case pr.Kind == auth.KindMember:
		// A winner's photo, to the call's audience once the results are out.
		if status == EntryAccepted && award != "" {
			c, err := load(ctx, s.DB, callID)
			if err != nil {
				return "", nil, err
			}
			if c.Status == StatusPublished && c.ResultsAt != nil {
				if _, err := s.entrant(ctx, pr, c); err == nil {
					allowed, size = true, PhotoThumb
				}
			}
		}
	case rule.CanRead(pr, orgPath):
		allowed = true
	case status == EntryAccepted:
		st, err := s.judgeSeat(ctx, pr, callID)
		allowed = err == nil && !st.recuses(memberPath)
	}
	if !allowed {
		return "", nil, errs.NotFound("photo")
	}
	if size == PhotoThumb {
		if len(thumb) > 0 {
			if data, err := s.Keys.Open(string(thumb), ThumbAAD(photoID)); err == nil {
				return ThumbType, data, nil
			}
		}
	}
	data, err := s.Keys.Open(string(sealed), PhotoAAD(photoID))
	if err != nil {
		return "", nil, errs.Internal(err, "works: open photo")
	}
	if size != PhotoThumb {
		return ct, data, nil
	}
	// A photo handed in before copies for phones were made (or whose copy
	// no longer opens) gets its copy now, kept for the next time.
	t, err := imagefile.Thumb(data)
	if err != nil {
		return "", nil, errs.Internal(err, "works: photo copy")
	}
	if sealedThumb, err := s.Keys.Seal(t, ThumbAAD(photoID)); err == nil {
		if _, err := s.DB.Exec(ctx, "UPDATE works_photos SET thumb = ? WHERE id = ?", []byte(sealedThumb), photoID); err != nil {
			return "", nil, errs.Internal(err, "works: keep photo copy")
		}
	}
	return ThumbType, t, nil
}

// EntryQuery filters a call's entries for staff.
type EntryQuery struct {
	Q      string // title or author
	Status EntryStatus
	Offset int
	Limit  int
}

// Entries lists a call's entries for its staff, ranked ones by place and
// the rest newest first; withdrawn ones only when asked.
func (s *Store) Entries(ctx context.Context, pr *auth.Principal, callID int64, q EntryQuery) ([]Entry, listing.Total, error) {
	if _, err := s.Get(ctx, pr, callID); err != nil {
		return nil, listing.Total{}, err
	}
	found := false
	for _, st := range EntryStatuses {
		found = found || st == q.Status
	}
	if q.Status != "" && !found {
		return nil, listing.Total{}, signup.FieldErr("status", "field.invalid_choice")
	}
	where, args := []string{"e.call_id = ?"}, []any{callID}
	if q.Status != "" {
		where, args = append(where, "e.status = ?"), append(args, q.Status)
	} else {
		where, args = append(where, "e.status <> ?"), append(args, EntryWithdrawn)
	}
	if t := strings.TrimSpace(q.Q); t != "" {
		where = append(where, "("+s.DB.ContainsFold("e.title")+" OR "+s.DB.ContainsFold("m.name")+")")
		args = append(args, s.DB.ContainsFoldArg(t), s.DB.ContainsFoldArg(t))
	}
	cond := strings.Join(where, " AND ")
	total, err := listing.Count(ctx, s.DB, 0, "FROM works_entries e JOIN members m ON m.id = e.member_id", where, args)
	if err != nil {
		return nil, total, err
	}
	limit := scope.PageLimit(q.Limit)
	offset := min(max(q.Offset, 0), listing.Cap)
	rows, err := s.DB.Query(ctx, "SELECT "+entryCols+entryFrom+" WHERE "+cond+
		" ORDER BY CASE WHEN e.place > 0 THEN 0 ELSE 1 END, e.place, e.id DESC LIMIT ? OFFSET ?", append(args, limit, offset)...)
	list, err := signup.All(rows, err, "works: entries", scanEntry)
	if err != nil {
		return nil, total, err
	}
	return list, total, s.photos(ctx, list)
}

// StaffEntry reads one entry of a call the caller sees as staff.
func (s *Store) StaffEntry(ctx context.Context, pr *auth.Principal, id int64) (*Entry, *Call, error) {
	e, err := s.entry(ctx, s.DB, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Get(ctx, pr, e.CallID)
	if err != nil || e.Status == EntryWithdrawn {
		return nil, nil, errs.NotFound("entry")
	}
	list := []Entry{*e}
	return &list[0], c, s.photos(ctx, list)
}

// EntryCounts counts a call's entries by status (withdrawn ones too), for
// staff who read the call.
func (s *Store) EntryCounts(ctx context.Context, pr *auth.Principal, callID int64) (map[EntryStatus]int, error) {
	if _, err := s.Get(ctx, pr, callID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT status, COUNT(*) FROM works_entries WHERE call_id = ? GROUP BY status", callID)
	type count struct {
		st EntryStatus
		n  int
	}
	all, err := signup.All(rows, err, "works: count entries", func(sc signup.Scanner) (count, error) {
		var c count
		return c, sc.Scan(&c.st, &c.n)
	})
	out := map[EntryStatus]int{}
	for _, c := range all {
		out[c.st] = c.n
	}
	return out, err
}
