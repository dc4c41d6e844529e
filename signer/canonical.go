package signer

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Algorithm is the scheme name that opens the Authorization header and the string to sign.
const Algorithm = "SDK-HMAC-SHA256"

// HeaderDate is the header carrying the signing time, formatted with DateLayout.
const HeaderDate = "X-Sdk-Date"

// DateLayout is the time.Layout of HeaderDate: basic ISO 8601, always UTC.
const DateLayout = "20060102T150405Z"

const (
	headerAuthorization = "Authorization"
	// headerContentSHA256 lets a client state the body hash itself; the SDK sends the value
	// UNSIGNED-PAYLOAD when the body is not to be signed.
	headerContentSHA256 = "X-Sdk-Content-Sha256"
	unsignedPayload     = "UNSIGNED-PAYLOAD"
)

// message is what the signature covers, taken from a request in the same way whether the
// request is about to be sent (Sign) or has just been received (Verify).
type message struct {
	method      string
	escapedPath string
	rawQuery    string
	host        string
	// headers maps lower-cased names to all their values: Go's server canonicalizes names,
	// while a client may have set the same name in two spellings directly in the map.
	headers map[string][]string
}

func messageOf(r *http.Request) message {
	m := message{
		method:      r.Method,
		escapedPath: wirePath(r.URL),
		rawQuery:    r.URL.RawQuery,
		host:        r.Host,
		headers:     lowerHeaders(r.Header),
	}
	if m.method == "" {
		// net/http sends GET for an empty method.
		m.method = http.MethodGet
	}
	if m.host == "" {
		m.host = r.URL.Host
	}
	return m
}

func lowerHeaders(h http.Header) map[string][]string {
	lower := make(map[string][]string, len(h))
	for k, vs := range h {
		name := strings.ToLower(k)
		lower[name] = append(lower[name], vs...)
	}
	return lower
}

// statedPayloadHash returns the value of X-Sdk-Content-Sha256 when the request carries exactly
// one, non-empty.
func statedPayloadHash(headers map[string][]string) (string, bool) {
	vs := headers[strings.ToLower(headerContentSHA256)]
	if len(vs) != 1 || strings.TrimSpace(vs[0]) == "" {
		return "", false
	}
	return strings.TrimSpace(vs[0]), true
}

// values returns the values a signed header contributes. The host is taken from where the
// transport and the server keep it, never from a Host key in the header map.
func (m message) values(name string) []string {
	if name == "host" {
		if m.host == "" {
			return nil
		}
		return []string{m.host}
	}
	return m.headers[name]
}

// wirePath returns the path as the transport writes it in the request line (see
// url.URL.RequestURI), still escaped.
func wirePath(u *url.URL) string {
	if u.Opaque == "" {
		return u.EscapedPath()
	}
	if rest, ok := strings.CutPrefix(u.Opaque, "//"); ok {
		// "//host/path" goes out as an absolute URL; the server keeps only its path.
		if _, path, found := strings.Cut(rest, "/"); found {
			return "/" + path
		}
		return ""
	}
	return u.Opaque
}

// canonicalRequest builds the text that is hashed into the string to sign. signed must be
// sorted, lower-case and free of duplicates.
func canonicalRequest(m message, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(m.method)
	b.WriteByte('\n')
	writeCanonicalURI(&b, m.escapedPath)
	b.WriteByte('\n')
	writeCanonicalQuery(&b, m.rawQuery)
	b.WriteByte('\n')
	for _, name := range signed {
		raw := m.values(name)
		vs := make([]string, 0, len(raw))
		for _, v := range raw {
			vs = append(vs, strings.TrimSpace(v))
		}
		// Sorted after trimming: the server receives the values trimmed, so only this order
		// is one both sides can compute.
		slices.Sort(vs)
		for _, v := range vs {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// writeCanonicalURI re-encodes the escaped path segment by segment and ends it with "/".
func writeCanonicalURI(b *strings.Builder, escapedPath string) {
	start := b.Len()
	for i, seg := range strings.Split(escapedPath, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		// Decoding each segment on its own keeps an encoded "/" in its segment. A segment
		// that does not decode (possible only in a request built by hand; Go's server
		// answers 400 to such a path) is encoded as it is, "%" included, on both sides.
		if decoded, err := url.PathUnescape(seg); err == nil {
			seg = decoded
		}
		writeEscaped(b, seg)
	}
	if b.Len() == start || b.String()[b.Len()-1] != '/' {
		b.WriteByte('/')
	}
}

// writeCanonicalQuery writes the query's pairs decoded, sorted by key then value (as decoded,
// like the SDK, whose order differs from that of the encoded forms for bytes above "~"), and
// re-encoded.
func writeCanonicalQuery(b *strings.Builder, rawQuery string) {
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{queryUnescape(k), queryUnescape(v)})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(strings.Compare(a.k, b.k), strings.Compare(a.v, b.v))
	})
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		writeEscaped(b, p.k)
		b.WriteByte('=')
		writeEscaped(b, p.v)
	}
}

// queryUnescape decodes like url.ParseQuery ("+" is a space) but keeps text with a bad escape
// as it is instead of dropping the pair, so that every byte sent is signed.
func queryUnescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

func writeEscaped(b *strings.Builder, s string) {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// signature returns the raw HMAC of the string to sign for the given date and canonical
// request.
func signature(secret []byte, date, canonical string) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(Algorithm + "\n" + date + "\n" + hexSHA256([]byte(canonical))))
	return mac.Sum(nil)
}
