package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
)

// Line is an entry in words: "<actor> <pre><object><post>（理由：…）" and a
// table of what changed. The page and the export both show it.
type Line struct {
	Seq         int64
	At          time.Time
	Actor       string // the actor in words: a name, or "系统", "会员 张三"
	ActorDetail string // the actor's role and organisation, or ""
	ActorID     int64  // the acting account (0: not an account)
	IP          string
	Pre, Post   string // the verb phrase around the object
	Object      string // the object in words ("" when the phrase names none)
	Page        string // the kind of page that shows the object ("" none or not for this auditor)
	PageID      int64
	Kind        string // the object's kind and ID, for a filter on it
	ObjectID    string
	Reason      string
	Changes     []Change
}

// Sentence is the line as one text (for the export).
func (l *Line) Sentence(lang i18n.Lang) string {
	s := l.Actor + " " + l.Pre + l.Object + l.Post
	if l.Reason != "" {
		s += i18n.T(lang, "audit.reason", l.Reason)
	}
	return s
}

// Change is one field's row of the before/after table.
type Change struct{ Label, Before, After string }

// idFields are fields whose value is an object's ID, shown by its name.
var idFields = map[string]string{"org_id": "org", "parent_id": "org", "from_org_id": "org", "to_org_id": "org",
	"member_id": "member", "employer_id": "employer", "actor_id": "user"}

// pathFields are fields whose value is an organisation's path.
var pathFields = map[string]bool{"path": true, "to_path": true}

// hiddenFields never reach a reader: hashes, seeds, key check values.
var hiddenFields = map[string]bool{"seed_hash": true, "seed": true, "check": true, "head_hash": true, "depth": true}

// Words turns one page of entries into lines in lang, reading the names of
// their objects and actors in one batch within the subtrees paths.
func Words(ctx context.Context, d *db.DB, lang i18n.Lang, paths []string, entries []Entry) ([]Line, error) {
	recs := make([][2]map[string]any, len(entries))
	var refs []Ref
	var actorIDs []int64
	seen := map[int64]bool{}
	for i := range entries {
		e := &entries[i]
		refs = append(refs, RefOf(e))
		if id, ok := db.ParseID(e.ActorID); ok && !seen[id] {
			seen[id] = true
			actorIDs = append(actorIDs, id)
		}
		if ActorKind(e) == "member" {
			refs = append(refs, Ref{"member", strings.TrimPrefix(e.ActorName, "member:")})
		}
		for j, raw := range []string{e.Before, e.After} {
			m := map[string]any{}
			_ = json.Unmarshal([]byte(raw), &m)
			recs[i][j] = m
			for k, v := range m {
				s, _ := v.(string)
				if kind, ok := idFields[k]; ok && s != "" {
					refs = append(refs, Ref{kind, s})
				}
				if pathFields[k] {
					refs = append(refs, Ref{"org", lastID(s)})
				}
			}
		}
	}
	names, err := Names(ctx, d, paths, refs)
	if err != nil {
		return nil, err
	}
	staff, err := Actors(ctx, d, actorIDs)
	if err != nil {
		return nil, err
	}
	w := wording{lang: lang, names: names}
	out := make([]Line, len(entries))
	for i := range entries {
		out[i] = w.line(&entries[i], staff, recs[i][0], recs[i][1])
	}
	return out, nil
}

type wording struct {
	lang  i18n.Lang
	names map[Ref]Name
}

func (w *wording) t(key string, args ...any) string { return i18n.T(w.lang, key, args...) }

// has reports whether key has words (both catalogues have the same keys).
func has(key string) bool { return i18n.Has(key) }

func (w *wording) line(e *Entry, staff map[int64]Staff, before, after map[string]any) Line {
	l := Line{Seq: e.Seq, At: e.At, IP: e.IP, Kind: e.Entity, ObjectID: e.EntityID}
	switch ActorKind(e) {
	case "user":
		l.ActorID, _ = db.ParseID(e.ActorID)
		if s, ok := staff[l.ActorID]; ok {
			l.Actor = s.Name
			if s.Role != "" {
				l.ActorDetail = w.t("audit.actor.detail", s.OrgName, w.t("role."+s.Role))
			} else {
				l.ActorDetail = s.OrgName
			}
		} else {
			l.Actor = w.t("audit.actor.gone")
		}
	case "member":
		n := w.names[Ref{"member", strings.TrimPrefix(e.ActorName, "member:")}]
		if n.Name != "" {
			l.Actor = w.t("audit.actor.member", n.Name)
		} else {
			l.Actor = w.t("audit.actor.a_member")
		}
	case "system":
		l.Actor = w.t("audit.actor.system")
		if e.ActorName == "system:retention" {
			l.Actor = w.t("audit.actor.retention")
		}
	default:
		l.Actor = w.t("audit.actor.visitor", e.ActorName)
	}
	phrase := w.t("audit.act.unknown")
	if Known(e.Action) && has("audit.act."+e.Action) {
		phrase = w.t("audit.act." + e.Action)
	}
	var hasObj bool
	l.Pre, l.Post, hasObj = strings.Cut(phrase, "{obj}")
	if hasObj {
		l.Object, l.Page, l.PageID = w.object(e)
	}
	if r, ok := after["reason"].(string); ok && r != "" {
		l.Reason = w.value("reason", r)
	}
	l.Changes = w.changes(before, after)
	return l
}

// object names an entry's object: its name where the auditor may see it,
// otherwise its kind in neutral words.
func (w *wording) object(e *Entry) (string, string, int64) {
	kind := w.t("audit.entity.other")
	if KnownEntity(e.Entity) {
		kind = w.t("audit.entity." + e.Entity)
	}
	ref := RefOf(e)
	if _, ok := lookup[ref.Kind]; !ok {
		if _, ok := pairs[ref.Kind]; !ok {
			return kind, "", 0
		}
	}
	if ref.Kind != e.Entity {
		kind = w.t("audit.entity." + ref.Kind)
	}
	if ref.ID == "" { // a sign-in attempt for a username nobody has
		return w.t("audit.obj.unknown", kind), "", 0
	}
	n := w.names[ref]
	switch {
	case n.Hidden:
		return w.t("audit.obj.hidden", kind), "", 0
	case n.Name == "":
		return w.t("audit.obj.gone", kind), "", 0
	case n.Of != "":
		return w.t("audit.obj.of", n.Name, n.Of), n.Page, n.PageID
	}
	return n.Name, n.Page, n.PageID
}

func (w *wording) changes(before, after map[string]any) []Change {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	delete(keys, "reason")
	var out []Change
	for k := range keys {
		if hiddenFields[k] {
			continue
		}
		label := w.t("audit.field.other")
		if has("audit.field." + k) {
			label = w.t("audit.field." + k)
		}
		c := Change{Label: label}
		if v, ok := before[k]; ok {
			c.Before = w.format(k, v)
		}
		if v, ok := after[k]; ok {
			c.After = w.format(k, v)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// format shows one stored value in words: names for IDs and paths, labels
// for field lists, yes/no, Beijing times; personal numbers stay masked.
func (w *wording) format(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return w.t("audit.yes")
		}
		return w.t("audit.no")
	case float64:
		return fmt.Sprintf("%v", x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			if s, ok := p.(string); ok && key == "fields" {
				parts = append(parts, w.fieldLabel(s))
				continue
			}
			parts = append(parts, w.format(key, p))
		}
		return strings.Join(parts, w.t("audit.list_sep"))
	case map[string]any:
		ks := make([]string, 0, len(x))
		for k := range x {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		var parts []string
		for _, k := range ks {
			if s := w.format(k, x[k]); s != "" && s != "—" {
				parts = append(parts, w.fieldLabel(k)+w.t("audit.colon")+s)
			}
		}
		return strings.Join(parts, w.t("audit.list_sep"))
	case string:
		return w.value(key, x)
	}
	return fmt.Sprint(v)
}

func (w *wording) fieldLabel(k string) string {
	if has("audit.field." + k) {
		return w.t("audit.field." + k)
	}
	return w.t("audit.field.other")
}

func (w *wording) value(key, s string) string {
	if s == "" {
		return "—"
	}
	switch {
	case key == "id_number" && !strings.Contains(s, "*"):
		return cnid.MaskResidentID(s)
	case key == "mobile" && !strings.Contains(s, "*"):
		return cnid.MaskMobile(s)
	case key == "field":
		return w.fieldLabel(s)
	case key == "action" && Known(s):
		return strings.ReplaceAll(w.t("audit.act."+s), "{obj}", "…")
	case key == "area" && IsArea(s):
		return w.t("audit.area." + s)
	case key == "entity" && KnownEntity(s):
		return w.t("audit.entity." + s)
	}
	if kind, ok := idFields[key]; ok {
		return w.named(kind, s)
	}
	if pathFields[key] {
		return w.named("org", lastID(s))
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(beijing.Zone).Format("2006-01-02 15:04")
	}
	// Codes of other modules (statuses, tags, kinds, roles) read in their
	// own words.
	for _, prefix := range []string{"audit.value.", "member.status.", "member.tag.", "org.kind.", "role.", "kind."} {
		if has(prefix + s) {
			return w.t(prefix + s)
		}
	}
	return s
}

func (w *wording) named(kind, id string) string {
	n := w.names[Ref{kind, id}]
	switch {
	case n.Name != "":
		return n.Name
	case n.Hidden:
		return w.t("audit.obj.hidden", w.t("audit.entity."+kind))
	}
	return w.t("audit.obj.gone", w.t("audit.entity."+kind))
}

// lastID is the ID at the end of an organisation's path ("/1/5/9/" → "9").
func lastID(path string) string {
	path = strings.TrimSuffix(path, "/")
	return path[strings.LastIndex(path, "/")+1:]
}

// ObjectWords names one object (the one a filter is on) as a line would.
func ObjectWords(ctx context.Context, d *db.DB, lang i18n.Lang, paths []string, kind, id string) (string, error) {
	e := Entry{Entity: kind, EntityID: id}
	names, err := Names(ctx, d, paths, []Ref{RefOf(&e)})
	if err != nil {
		return "", err
	}
	w := wording{lang: lang, names: names}
	s, _, _ := w.object(&e)
	return s, nil
}
