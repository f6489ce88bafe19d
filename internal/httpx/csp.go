package httpx

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// pageCSPFormat is the Content-Security-Policy of every page: everything
// from the site itself, pictures also from data: and blob: addresses and
// from the one map tile server an operator configured (%s), nothing else.
const pageCSPFormat = "default-src 'self'; img-src 'self' data: blob:%s; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// PageCSP is the pages' Content-Security-Policy with the origin of the
// tile template tiles allowed for pictures ("" or a bad template: none).
func PageCSP(tiles string) string {
	origin, err := TileOrigin(tiles)
	if err != nil || origin == "" {
		return strings.Replace(pageCSPFormat, "%s", "", 1)
	}
	return strings.Replace(pageCSPFormat, "%s", " "+origin, 1)
}

// originRE is what an origin put in the policy may be: a scheme, a host
// name or address and a port; nothing that could end a directive.
var originRE = regexp.MustCompile(`^https?://([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// ErrTiles is a map tile template TileOrigin refuses.
var ErrTiles = errors.New("the map tile address must be an http(s) URL with {z}, {x} and {y}, e.g. https://tiles.example/{z}/{x}/{y}.png")

// TileOrigin checks a map tile template ("https://host/{z}/{x}/{y}.png")
// and returns its origin (scheme, host and port), "" for an empty one.
func TileOrigin(tiles string) (string, error) {
	tiles = strings.TrimSpace(tiles)
	if tiles == "" {
		return "", nil
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tiles, p) {
			return "", ErrTiles
		}
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tiles))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", ErrTiles
	}
	origin := strings.ToLower(u.Scheme) + "://" + u.Host
	if !originRE.MatchString(origin) {
		return "", ErrTiles
	}
	return origin, nil
}
