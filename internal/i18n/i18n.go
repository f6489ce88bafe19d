// Package i18n holds the message catalogues (zh-CN, the default, and en) and
// picks the user's language. Every user-facing string goes through T so that
// both catalogues stay complete; a test checks that they carry the same keys.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
)

// Lang is a supported language tag.
type Lang string

const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{ZH, EN}

//go:embed locales/*.json
var files embed.FS

// catalogues maps language to key to message. Each package of the product may
// keep its own pair of files (NAME.zh-CN.json, NAME.en.json) so that owners do
// not edit one shared file; they are merged here.
var catalogues = map[Lang]map[string]string{ZH: {}, EN: {}}

func init() {
	entries, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		panic(err)
	}
	sort.Strings(entries)
	for _, name := range entries {
		base := strings.TrimSuffix(path.Base(name), ".json")
		var lang Lang
		switch {
		case strings.HasSuffix(base, string(ZH)):
			lang = ZH
		case strings.HasSuffix(base, "."+string(EN)) || base == string(EN):
			lang = EN
		default:
			panic("i18n: catalogue of unknown language: " + name)
		}
		b, err := files.ReadFile(name)
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		for k, v := range m {
			if _, dup := catalogues[lang][k]; dup {
				panic(fmt.Sprintf("i18n: key %q defined twice for %s", k, lang))
			}
			catalogues[lang][k] = v
		}
	}
}

// Parse turns a tag such as "en-US" or "zh" into a supported Lang; ok is false
// for anything else.
func Parse(tag string) (Lang, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "":
		return "", false
	case strings.HasPrefix(tag, "zh"):
		return ZH, true
	case strings.HasPrefix(tag, "en"):
		return EN, true
	}
	return "", false
}

// FromRequest picks the language: an explicit ?lang=, then the "lang" cookie,
// then Accept-Language (in its order, ignoring q-values beyond ordering), then
// zh-CN.
func FromRequest(r *http.Request) Lang {
	if l, ok := Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie("lang"); err == nil {
		if l, ok := Parse(c.Value); ok {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l, ok := Parse(tag); ok {
			return l
		}
	}
	return ZH
}

// T returns the message for key in lang, formatted with args (fmt verbs).
// A missing key falls back to zh-CN, then to the key itself, so a gap shows
// up on screen rather than as a blank.
//
// A message that counts something may be kept as two keys, KEY:one and
// KEY:other, in a language whose grammar needs them (English); T(lang, KEY,
// n, ...) picks by the first integer argument, so callers keep one key and
// a language without plurals (Chinese) keeps the plain KEY.
func T(lang Lang, key string, args ...any) string {
	msg, ok := lookup(lang, key, args)
	if !ok {
		if msg, ok = lookup(ZH, key, args); !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func lookup(lang Lang, key string, args []any) (string, bool) {
	if msg, ok := catalogues[lang][key]; ok {
		return msg, true
	}
	msg, ok := catalogues[lang][key+":"+PluralForm(lang, args)]
	return msg, ok
}

// PluralForm is the plural variant ("one" or "other") a message in lang
// takes for args: English uses "one" when the first integer argument is 1.
func PluralForm(lang Lang, args []any) string {
	if lang != EN {
		return "other"
	}
	for _, a := range args {
		var n int64
		switch v := a.(type) {
		case int:
			n = int64(v)
		case int64:
			n = v
		case int32:
			n = int64(v)
		case uint:
			n = int64(v)
		case uint32:
			n = int64(v)
		case uint64:
			n = int64(v)
		default:
			continue
		}
		if n == 1 || n == -1 {
			return "one"
		}
		return "other"
	}
	return "other"
}

// BaseKey is key without a plural suffix (:one, :other): the key callers
// use.
func BaseKey(key string) string {
	for _, s := range []string{":one", ":other"} {
		if strings.HasSuffix(key, s) {
			return strings.TrimSuffix(key, s)
		}
	}
	return key
}

// Has reports whether key exists in the zh-CN catalogue.
func Has(key string) bool {
	_, ok := catalogues[ZH][key]
	if !ok {
		_, ok = catalogues[ZH][key+":other"]
	}
	return ok
}

// Keys returns the keys of a language's catalogue, sorted; tests use it.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogues[lang]))
	for k := range catalogues[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
