package member

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

const memberCols = `m.id, m.org_id, o.name, m.org_path, m.name, m.id_sealed, m.mobile_sealed, m.gender, m.birth_date,
	COALESCE(m.employer_id, 0), m.employer_name, m.job, m.status, m.status_on, m.tags, m.joined_on, m.source, m.card_serial,
	m.version, m.created_at, m.updated_at`

const memberFrom = ` FROM members m JOIN orgs o ON o.id = m.org_id`

// row is a scanned member with its sealed numbers.
type row struct {
	Member
	idSealed, mobileSealed string
}

func scanRow(r RowScanner) (row, error) {
	var m row
	var tags, created, updated int64
	err := r.Scan(&m.ID, &m.OrgID, &m.OrgName, &m.OrgPath, &m.Name, &m.idSealed, &m.mobileSealed, &m.Gender, &m.BirthDate,
		&m.EmployerID, &m.EmployerName, &m.Job, &m.Status, &m.StatusOn, &tags, &m.JoinedOn, &m.Source, &m.CardSerial,
		&m.Version, &created, &updated)
	m.Tags = TagNames(tags)
	m.CreatedAt, m.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return m, err
}

// masked fills the display forms of the personal numbers. A value that does
// not open (a lost key) shows as stars, never as the sealed text.
func (s *Store) masked(r *row) Member {
	m := r.Member
	m.IDNumber = cnid.MaskResidentID(s.openOr(r.idSealed, idAAD(r.ID)))
	if m.IDNumber == "" {
		m.IDNumber = "******************"
	}
	m.Mobile = cnid.MaskMobile(s.openOr(r.mobileSealed, mobileAAD(r.ID)))
	maskDerived(&m.BirthDate, &m.Gender)
	return m
}

// MaskedBirthDate is how a birth date shows while the ID number is masked.
const MaskedBirthDate = "****-**-**"

// maskDerived hides what the ID number's hidden digits encode. The mask
// keeps the first three and last four digits; with the birth date beside
// it only the three region digits stay unknown, and the check digit leaves
// one or two candidates, so the birth date (and the sex, which the full
// number holds too) go with the number: shown only on reveal.
func maskDerived(birth, gender *string) {
	if *birth != "" {
		*birth = MaskedBirthDate
	}
	*gender = ""
}

func (s *Store) load(ctx context.Context, id int64) (*row, error) {
	r, err := scanRow(s.DB.QueryRow(ctx, "SELECT "+memberCols+memberFrom+" WHERE m.id = ?", id))
	return One(r, err, "member", "member: load")
}

// loadFor loads member id for pr, who must pass may (rule.Readable or
// rule.Writable) where the member is.
func (s *Store) loadFor(ctx context.Context, pr *auth.Principal, id int64, may func(*auth.Principal, string) error) (*row, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := may(pr, r.OrgPath); err != nil {
		return nil, err
	}
	return r, nil
}

// Get returns one member the caller may see, numbers masked.
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Member, error) {
	r, err := s.loadFor(ctx, pr, id, rule.Readable)
	if err != nil {
		return nil, err
	}
	m := s.masked(r)
	return &m, nil
}

// Revealed are a member's personal numbers in full, with what the ID
// number encodes (masked with it otherwise).
type Revealed struct {
	IDNumber  string `json:"id_number"`
	Mobile    string `json:"mobile"`
	Gender    string `json:"gender"`
	BirthDate string `json:"birth_date"`
}

// Reveal returns a member's full ID and mobile numbers. It needs
// member.reveal over the member's union and leaves an audit record naming
// who saw whose numbers and why.
func (s *Store) Reveal(ctx context.Context, pr *auth.Principal, id int64, reason string) (*Revealed, error) {
	r, err := s.loadFor(ctx, pr, id, rule.Readable)
	if err != nil {
		return nil, err
	}
	if !pr.CanAt(auth.PermMemberReveal, r.OrgPath) {
		return nil, errs.Forbidden()
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 200 {
		return nil, fieldErr("reason", "field.too_long", 200)
	}
	out := &Revealed{IDNumber: s.openOr(r.idSealed, idAAD(id)), Mobile: s.openOr(r.mobileSealed, mobileAAD(id)),
		Gender: r.Gender, BirthDate: r.BirthDate}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "pii.reveal", Entity: "member", EntityID: db.FormatID(id), OrgPath: r.OrgPath,
			After: map[string]any{"fields": []string{"id_number", "mobile", "gender", "birth_date"}, "reason": reason}})
	})
	if err != nil {
		return nil, errs.Internal(err, "member: audit reveal")
	}
	s.NoteReads(ctx, pr, 1)
	return out, nil
}

// Query filters List.
type Query struct {
	Q          string // name (substring), pinyin initials, full ID number or mobile number
	Org        int64  // a union: its whole subtree, or only itself with OrgOnly
	OrgOnly    bool
	Status     Status
	Tags       []string // members carrying all of these
	JoinedFrom string
	JoinedTo   string
	Employer   int64
	// IDs, when set, narrows the filter to these members (a selection on a
	// page): at most MaxBulk.
	IDs   []int64
	Sort  Sort   // the listing's order (see Sort); ignored by counts
	After string // cursor
	Limit int    // default 50, at most 200
}

// plan is a listing's SQL: which index it walks, in which order, and how
// it resumes.
type plan struct {
	where   []string // conditions on the member row (m)
	args    []any
	order   string   // "path", "id", "gram", "tag", "name" or "initials"
	key     string   // the bigram or tag the "gram" and "tag" orders walk
	scope   []string // subtrees; or
	exact   string   // only this union
	tagBits int64
	sort    Sort // a column order instead of the walk's own
	// walkSort: the sort column's index is walked instead (sort.go).
	walkSort bool
}

// List returns a page of the members the caller may see that match q, and
// the cursor of the next page ("" after the last). Each kind of search walks
// an index in its own order so that a page costs a seek and about a page of
// rows whatever the registry's size: the union path for browsing, the
// bigram index for names, the initials index for pinyin, the name index
// for a one-character query (a surname), the hashes for exact numbers.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Member, string, error) {
	paths, err := rule.Paths(pr)
	if err != nil {
		return nil, "", err
	}
	pl, err := s.plan(ctx, pr, q, paths)
	if err != nil || pl == nil {
		return nil, "", err
	}
	limit := scope.PageLimit(q.Limit)
	rows, next, err := s.page(ctx, s.DB.Stale(ctx), pl, q.After, limit) // a staff list: a read replica may serve it
	if err != nil {
		return nil, "", err
	}
	out := make([]Member, len(rows))
	for i := range rows {
		out[i] = s.masked(&rows[i])
	}
	return out, next, nil
}

// Each runs fn over every member matching q in the plan's order, a page at
// a time, for exports; fn gets the member with sealed numbers opened only
// if reveal is set (the caller has checked and audited that).
func (s *Store) Each(ctx context.Context, pr *auth.Principal, q Query, reveal bool, fn func(m *Member) error) error {
	paths, err := rule.Paths(pr)
	if err != nil {
		return err
	}
	pl, err := s.plan(ctx, pr, q, paths)
	if err != nil || pl == nil {
		return err
	}
	after := ""
	for {
		rows, next, err := s.page(ctx, s.DB.Stale(ctx), pl, after, 500) // an export: a read replica may serve it
		if err != nil {
			return err
		}
		for i := range rows {
			m := s.masked(&rows[i])
			if reveal {
				m.IDNumber = s.openOr(rows[i].idSealed, idAAD(m.ID))
				m.Mobile = s.openOr(rows[i].mobileSealed, mobileAAD(m.ID))
				m.Gender, m.BirthDate = rows[i].Gender, rows[i].BirthDate
			}
			if err := fn(&m); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		after = next
	}
}

func (s *Store) plan(ctx context.Context, pr *auth.Principal, q Query, paths []string) (*plan, error) {
	pl, err := s.filterPlan(ctx, pr, q, paths)
	if err != nil || pl == nil {
		return pl, err
	}
	pl.walkSort, err = s.sortWalks(ctx, pl, q.Employer)
	return pl, err
}

// filterPlan is the plan of q's filters.
func (s *Store) filterPlan(ctx context.Context, pr *auth.Principal, q Query, paths []string) (*plan, error) {
	f := errs.Fields{}
	q.Q = strings.TrimSpace(q.Q)
	_, isToken := IsNumberToken(q.Q)
	f.Check(isToken || utf8.RuneCountInString(q.Q) <= 50, "q", "field.too_long", 50)
	f.Check(q.Status == "" || q.Status.Valid(), "status", "field.invalid_choice")
	bits, ok := TagBits(q.Tags)
	f.Check(ok, "tags", "field.invalid_choice")
	f.Check(q.JoinedFrom == "" || validDate(q.JoinedFrom), "joined_from", "field.invalid_date")
	if f.Check(q.JoinedTo == "" || validDate(q.JoinedTo), "joined_to", "field.invalid_date") && q.JoinedFrom != "" && q.JoinedTo != "" {
		// An empty answer to a reversed range would read as "nobody".
		f.Check(q.JoinedFrom <= q.JoinedTo, "joined_to", "field.date_order")
	}
	f.Check(q.Sort.Valid(), "sort", "field.invalid_choice")
	f.Check(len(q.IDs) <= MaxBulk, "ids", "field.too_many", MaxBulk)
	if err := f.Err(); err != nil {
		return nil, err
	}
	pl := &plan{order: "path", scope: paths, sort: q.Sort.norm()}
	if q.Org != 0 {
		u, err := loadUnion(ctx, s.DB, q.Org)
		if err != nil || !rule.CanRead(pr, u.Path) {
			return nil, fieldErr("org", "field.invalid_id")
		}
		if q.OrgOnly {
			pl.exact = u.Path
		} else {
			pl.scope = []string{u.Path}
		}
	}
	if len(pl.scope) == 0 {
		return nil, nil
	}
	if q.Status != "" {
		pl.where = append(pl.where, "m.status = ?")
		pl.args = append(pl.args, string(q.Status))
	}
	if bits != 0 {
		// Walk the rarest-looking tag's index; a bit test per other tag
		// (one test each: PostgreSQL guesses "<> 0" as likely, where a
		// combined "= bits" would be guessed rare and planned as a sort).
		pl.order, pl.key = "tag", rarestTag(q.Tags)
		for _, t := range q.Tags {
			if t = strings.TrimSpace(t); t != pl.key {
				pl.where = append(pl.where, "(m.tags & CAST(? AS INTEGER)) <> 0")
				pl.args = append(pl.args, Tag(t).Bit())
			}
		}
		pl.tagBits = bits
	}
	if q.JoinedFrom != "" {
		pl.where = append(pl.where, "m.joined_on >= ?")
		pl.args = append(pl.args, q.JoinedFrom)
	}
	if q.JoinedTo != "" {
		pl.where = append(pl.where, "m.joined_on <= ?")
		pl.args = append(pl.args, q.JoinedTo)
	}
	if q.Employer != 0 {
		pl.where = append(pl.where, "m.employer_id = ?")
		pl.args = append(pl.args, q.Employer)
	}
	if len(q.IDs) > 0 {
		pl.where = append(pl.where, "m.id IN ("+db.Placeholders(len(q.IDs))+")")
		for _, id := range q.IDs {
			pl.args = append(pl.args, id)
		}
	}
	if q.Q == "" {
		return pl, nil
	}
	if pl.tagBits != 0 {
		// A search walks its own index; tags become bit tests again.
		pl.where = append(pl.where, "(m.tags & CAST(? AS INTEGER)) = CAST(? AS INTEGER)")
		pl.args = append(pl.args, pl.tagBits, pl.tagBits)
	}
	pl.order, pl.key = "path", ""
	if kind, hash, ok := parseNumberToken(q.Q); ok {
		pl.where = append(pl.where, "m."+kind+"_hash = ?")
		pl.args = append(pl.args, hash)
		pl.order = "id"
		return pl, nil
	}
	switch classify(q.Q) {
	case queryIDNumber:
		pl.where = append(pl.where, "m.id_hash = ?")
		pl.args = append(pl.args, s.Keys.Hash("id_number", strings.ToUpper(q.Q)))
		pl.order = "id"
	case queryMobile:
		n, err := cnid.NormalizeMobile(q.Q)
		if err != nil {
			return nil, fieldErr("q", "field.mobile.invalid")
		}
		pl.where = append(pl.where, "m.mobile_hash = ?")
		pl.args = append(pl.args, s.Keys.Hash("mobile", n))
		pl.order = "id"
	case queryInitials:
		lo := strings.ToLower(q.Q)
		pl.where = append(pl.where, "m.initials >= ? AND m.initials < ?")
		pl.args = append(pl.args, lo, lo+"\x7f")
		pl.order = "initials"
	default:
		name := cleanName(q.Q)
		g := bigrams(name)
		if len(g) == 0 {
			// One character: names starting with it (a surname), through
			// the name index. A single character anywhere in a name would
			// match a large share of the city and is not offered.
			pl.where = append(pl.where, "m.name >= ? AND m.name < ?")
			pl.args = append(pl.args, name, nextString(name))
			pl.order = "name"
			return pl, nil
		}
		// Walk one bigram's entries within the scope, in listing order,
		// checking the whole name on each. The last bigram leaves the
		// surname out, which makes it the rarer one for most names.
		pl.order, pl.key = "gram", g[len(g)-1]
		if len(g) > 1 || utf8.RuneCountInString(name) != 2 {
			// More than the one bigram: check the whole name.
			cond, arg := s.DB.ContainsFold("m.name"), s.DB.ContainsFoldArg(name)
			pl.where = append(pl.where, cond)
			pl.args = append(pl.args, arg)
		}
	}
	return pl, nil
}

// NumberToken turns a search for a full ID or mobile number into a token
// that names the number by its keyed hash ("id_number:<hex>",
// "mobile:<hex>"), which List accepts in its place: pages put the token in
// their URLs, so that browser histories and proxy logs never hold the
// number. ok is false for any other search.
func (s *Store) NumberToken(q string) (token string, ok bool) {
	q = strings.TrimSpace(q)
	switch classify(q) {
	case queryIDNumber:
		return "id_number:" + s.Keys.Hash("id_number", strings.ToUpper(q)), true
	case queryMobile:
		if n, err := cnid.NormalizeMobile(q); err == nil {
			return "mobile:" + s.Keys.Hash("mobile", n), true
		}
	}
	return "", false
}

// IsNumberToken reports whether q is a token from NumberToken, and of what.
func IsNumberToken(q string) (kind string, ok bool) {
	if _, _, ok = parseNumberToken(q); ok {
		kind, _, _ = strings.Cut(q, ":")
	}
	return kind, ok
}

func parseNumberToken(q string) (kind, hash string, ok bool) {
	kind, hash, found := strings.Cut(q, ":")
	if !found || (kind != "id_number" && kind != "mobile") || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return "", "", false
	}
	if kind == "id_number" {
		kind = "id"
	}
	return kind, hash, true
}

// tagRarity orders tags from the rarest, as real rosters have them.
var tagRarity = []Tag{TagModelWorker, TagCraftsman, TagHardship, TagOutdoorWorker, TagPlatformWorker, TagPartyMember}

func rarestTag(tags []string) string {
	for _, t := range tagRarity {
		for _, q := range tags {
			if strings.TrimSpace(q) == string(t) {
				return string(t)
			}
		}
	}
	return strings.TrimSpace(tags[0])
}

// nextString is the smallest string above every string starting with s:
// s with its last rune incremented.
func nextString(s string) string {
	r := []rune(s)
	r[len(r)-1]++
	return string(r)
}

// page runs a plan from cursor after.
func (s *Store) page(ctx context.Context, rd db.StaleReader, pl *plan, after string, limit int) ([]row, string, error) {
	where := append([]string{}, pl.where...)
	args := append([]any{}, pl.args...)
	corder := pl.order
	if pl.sort != SortOrg {
		corder = pl.sort.cursorOrder()
	}
	key, id, err := ParseCursor(after, corder)
	if err != nil {
		return nil, "", err
	}
	from, where, args, order := pl.walk(where, args)
	if id != 0 {
		if pl.sort != SortOrg {
			_, resume := pl.sort.orderBy()
			where = append(where, resume)
			args = append(args, key, id)
		} else if !strings.Contains(order, ",") {
			where = append(where, order+" > ?")
			args = append(args, id)
		} else {
			// A row-value comparison: both engines seek the index to it.
			where = append(where, "("+order+") > (?, ?)")
			args = append(args, key, id)
		}
	}
	args = append(args, limit+1)
	rows, err := rd.QueryFresh(ctx, "SELECT "+memberCols+from+" WHERE "+strings.Join(where, " AND ")+" ORDER BY "+order+" LIMIT ?", args...)
	out, err := ScanAll(rows, err, []row(nil), "member: list", scanRow)
	if err != nil {
		return nil, "", err
	}
	if len(out) <= limit {
		return out, "", nil
	}
	out = out[:limit]
	last := out[limit-1]
	if pl.sort != SortOrg {
		return out, makeCursor(corder, pl.sort.sortKey(&last), last.ID), nil
	}
	var k string
	switch pl.order {
	case "path", "gram", "tag":
		k = last.OrgPath
	case "name":
		k = last.Name
	case "initials":
		k = initials(last.Name)
	}
	return out, makeCursor(pl.order, k, last.ID), nil
}

// walk completes a plan's SQL: the FROM clause, its conditions (where and
// args, the plan's own, extended with the key and the scope) and the
// ORDER BY of the index it walks.
func (pl *plan) walk(where []string, args []any) (from string, _ []string, _ []any, order string) {
	if pl.walkSort {
		cond, a := pl.sortWalk(where, args)
		order, _ = pl.sort.orderBy()
		return memberFrom, []string{cond}, a, order
	}
	// The path and id columns of the walk: the members' own, or those of
	// the key table (bigrams, tags) that drives it.
	from, pathCol, idCol := memberFrom, "m.org_path", "m.id"
	switch pl.order {
	case "gram", "tag":
		table, col := "member_grams", "k.gram"
		if pl.order == "tag" {
			table, col = "member_tags", "k.tag"
		}
		from = " FROM " + table + " k JOIN members m ON m.id = k.member_id JOIN orgs o ON o.id = m.org_id"
		pathCol, idCol = "k.org_path", "k.member_id"
		where = append([]string{col + " = ?"}, where...)
		args = append([]any{pl.key}, args...)
	}
	if pl.exact != "" {
		where = append(where, pathCol+" = ?")
		args = append(args, pl.exact)
	} else {
		inScope, a := scope.SQL(pathCol, pl.scope)
		where, args = append(where, inScope), append(args, a...)
	}
	switch pl.order {
	case "path", "gram", "tag":
		order = pathCol + ", " + idCol
	case "name":
		order = "m.name, m.id"
	case "initials":
		order = "m.initials, m.id"
	default:
		order = "m.id"
	}
	if pl.sort != SortOrg {
		order, _ = pl.sort.orderBy()
	}
	return from, where, args, order
}

// Cursors are base64url of "<order>\x00<key>\x00<id>": tagged with the
// listing's order, so a cursor from one kind of search is refused by another.
func makeCursor(order, key string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(order + "\x00" + key + "\x00" + strconv.FormatInt(id, 10)))
}

func badCursor() error { return errs.Invalid("bad_cursor", "error.bad_cursor") }

// ParseCursor reads a cursor of the listing order into its sort key and
// id, refusing one made by another listing.
func ParseCursor(c, order string) (string, int64, error) {
	if c == "" {
		return "", 0, nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	if err != nil || !utf8.Valid(b) {
		return "", 0, badCursor()
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 3 || parts[0] != order {
		return "", 0, badCursor()
	}
	id, ok := db.ParseID(parts[2])
	if !ok || id <= 0 {
		return "", 0, badCursor()
	}
	return parts[1], id, nil
}
