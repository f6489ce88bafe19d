// Package httpx holds the small request facts that both the web pages and
// the JSON API need: who the client is, whether the connection is secure,
// and the caller's principal in the request context.
package httpx

import (
	"context"
	"net"
	"net/http"
	"strings"

	"gonghui/internal/auth"
)

// Options are the deployment facts the handlers need.
type Options struct {
	// TrustProxy: the server sits behind a reverse proxy that sets
	// X-Forwarded-For and X-Forwarded-Proto; believe them.
	TrustProxy bool
	// InsecureHTTP allows session cookies over plain HTTP from machines other
	// than this one (for a closed network without TLS; not recommended).
	InsecureHTTP bool
	// MapTiles is the map tile address template drawn under the service
	// stations' district map (--map-tiles; "" none); the pages' CSP
	// (PageCSP) allows its origin for pictures and nothing else.
	MapTiles string
}

// ClientIP is the address the request came from: the proxy's last
// X-Forwarded-For hop when the proxy is trusted, the TCP peer otherwise.
func ClientIP(r *http.Request, o Options) string {
	if o.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Secure reports whether the client reached us over TLS (directly, or
// through a trusted proxy that says so).
func Secure(r *http.Request, o Options) bool {
	if r.TLS != nil {
		return true
	}
	return o.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// Loopback reports whether the request comes from this machine.
func Loopback(r *http.Request, o Options) bool {
	ip := net.ParseIP(ClientIP(r, o))
	return ip != nil && ip.IsLoopback()
}

// CredentialsAllowed says whether a password or a session cookie may travel
// on this request: over TLS always, over plain HTTP only from this machine or
// when the operator allowed it explicitly.
func CredentialsAllowed(r *http.Request, o Options) bool {
	return Secure(r, o) || Loopback(r, o) || o.InsecureHTTP
}

type principalKey struct{}

// WithPrincipal stores the authenticated caller in ctx.
func WithPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller, or nil when signed out.
func PrincipalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey{}).(*auth.Principal)
	return p
}
