package contract

import (
	"net/http"
	"net/url"
	"strings"
)

// segmentEscaper writes a decoded path segment for the legacy router, escaping only what would
// change how the router splits it or how it reads back: "/" and the escape character itself. A
// literal segment of the spec holds neither, so it matches as it reads; segmentUnescaper undoes
// exactly that, no more.
var (
	segmentEscaper   = strings.NewReplacer("%", "%25", "/", "%2F")
	segmentUnescaper = strings.NewReplacer("%25", "%", "%2F", "/")
)

// routingRequest returns the request to give the legacy router for req, and whether the path
// parameters it finds must go through segmentUnescaper.
//
// Routing is on the escaped path, segment by segment, as Go's ServeMux (which the generated
// server uses) routes: "/clusters/a%2Fb/" is one segment whose value is "a/b", where the
// decoded path, which the legacy router matches, has two. Each segment is decoded for
// matching, so "v1%2E0" matches the spec's "v1.0", as for ServeMux, and a path parameter is
// its segment decoded exactly once.
//
// Without an escaped slash, the decoded path splits into the decoded segments, so req itself
// is routed, without allocating. Otherwise it is a shallow copy whose URL.Path is built from
// the escaped path, each segment decoded and then escaped by segmentEscaper. It fails only on
// an escape that does not decode, which URL.EscapedPath never returns (it falls back to
// escaping Path).
func routingRequest(req *http.Request) (*http.Request, bool, error) {
	escaped := req.URL.EscapedPath()
	if !hasEscapedSlash(escaped) {
		return req, false, nil
	}
	path, err := routingPath(escaped)
	if err != nil {
		return nil, false, err
	}
	u := *req.URL
	u.Path, u.RawPath = path, ""
	r := *req
	r.URL = &u
	return &r, true, nil
}

// routingPath decodes each segment of an escaped path and escapes it with segmentEscaper.
func routingPath(escaped string) (string, error) {
	var b strings.Builder
	b.Grow(len(escaped))
	for i, seg := range strings.Split(escaped, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		s, err := url.PathUnescape(seg)
		if err != nil {
			return "", err
		}
		_, _ = segmentEscaper.WriteString(&b, s) // a strings.Builder does not fail
	}
	return b.String(), nil
}

// hasEscapedSlash reports whether an escaped path holds %2F or %2f.
func hasEscapedSlash(escaped string) bool {
	for i := 0; i+2 < len(escaped); i++ {
		if escaped[i] == '%' && escaped[i+1] == '2' && (escaped[i+2] == 'F' || escaped[i+2] == 'f') {
			return true
		}
	}
	return false
}
