package signer

// This fuzz target is in package signer, not signer_test, so that it can compare the canonical
// request (canonicalRequest, messageOf, wirePath) of a tampered request with the one signed.

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	fuzzAccessKey = "AK-FUZZ-0001"
	fuzzSecret    = "SK-FUZZ-secret"
)

// fuzzNow is both the signing time and the verifier's clock, in process and in the server, so
// that every input, a date tampered with included, gives the same result on every run.
var fuzzNow = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC) // X-Sdk-Date: 20240506T070809Z

func fuzzLookup(ak string) (string, bool) {
	if ak == fuzzAccessKey {
		return fuzzSecret, true
	}
	return "", false
}

// fuzzSeed is one seed input of FuzzSignVerify, its arguments in order.
type fuzzSeed struct {
	method, path, query                     string
	projectID, name1, value1, name2, value2 string
	body                                    []byte
	signHost                                bool
	part                                    uint8
	pos                                     uint16
	b                                       byte
	op                                      uint8
}

// at returns s set to change, with op, the byte at pos of the part of the given kind and index
// (see partMethod).
func (s fuzzSeed) at(kind, index int, pos uint16, b byte, op uint8) fuzzSeed {
	s.part, s.pos, s.b, s.op = uint8(kind+numParts*index), pos, b, op
	return s
}

const (
	replace uint8 = opReplace
	insert  uint8 = opInsert
	del     uint8 = opDelete
)

// The requests the seeds change. The positions and indexes of the seeds refer to these
// escaped paths, queries and headers (sorted by name, then in order of value).
var (
	// "/v1.0/p/clusters/c/vpcepservice/connections" (43 bytes), "offset=0&limit=10" (17);
	// X-Custom: "v", X-Other: "w", X-Project-Id: "p1".
	seedPlain = fuzzSeed{
		method: "GET", path: "v1.0/p/clusters/c/vpcepservice/connections", query: "offset=0&limit=10",
		projectID: "p1", name1: "X-Custom", value1: "v", name2: "X-Other", value2: "w",
	}
	// "/v1.0/p/clusters/a%2Fb%20c/x", segments "", "v1.0", "p", "clusters", "a%2Fb%20c", "x";
	// "a=1&a=&b+c=%2B&k%26=v&e" (23 bytes); the body is 23 bytes; Host signed;
	// Content-Type: "application/json", Host: "ignored", X-Project-Id: " padded ", X-Two: "é\tü".
	seedEscaped = fuzzSeed{
		method: "POST", path: "v1.0/p/clusters/a%2Fb%20c/x", query: "a=1&a=&b+c=%2B&k%26=v&e",
		projectID: " padded ", name1: "X-Two", value1: "é\tü", name2: "Content-Type", value2: "application/json",
		body: []byte("{\"Name\":\"test\",\"Id\":1}\n"), signHost: true,
	}
	// "/p", no query; X-Project-Id: "a", " c", "b" (an empty name adds to it).
	seedTwoValues = fuzzSeed{method: "PUT", path: "p", projectID: "a", value1: " c", value2: "b"}
	// "/"; TEST_UNDERSCORE: "", X-Project-Id: "", x-lower: "\x80\xff".
	seedUnsigned = fuzzSeed{method: "PATCH", name1: "TEST_UNDERSCORE", name2: "x-lower", value2: "\x80\xff", body: []byte{0, 0xff}}
	// "/a%41/~b/c+d/", segments "", "a%41", "~b", "c+d", ""; "a;b=%zz&&=".
	seedOdd = fuzzSeed{
		method: "get", path: "a%41/~b/c+d/", query: "a;b=%zz&&=", projectID: "x",
		name1: "Content-Type", value1: "text/plain", name2: "X-Sdk-Other", body: []byte("x"), signHost: true,
	}
	// "/%E9%9B%86/100%25"; X-Project-Id: "", "\t", x-project-id: "   ".
	seedSpelled = fuzzSeed{
		method: "DELETE", path: "%E9%9B%86/100%25", query: "%E4%B8%80=%28%29",
		name1: "x-project-id", value1: "   ", name2: "X-Project-Id", value2: "\t",
	}
)

var fuzzSeeds = []fuzzSeed{
	// Arbitrary requests, each with some change.
	seedPlain.at(partMethod, 0, 0, 'P', replace),
	seedEscaped.at(partQuery, 0, 65535, 0xff, insert),
	seedTwoValues.at(partQuery, 0, 0, '=', insert),  // "" and "=" differ: one pair
	seedUnsigned.at(partHeader, 0, 0, 'X', replace), // names with "_" are not signed
	seedUnsigned.at(partHeader, 2, 1, 0, del),
	seedOdd.at(partQuery, 0, 4, 'Z', replace),
	seedOdd.at(partSegment, 1, 2, '6', replace), // "%41" to "%61": "A" to "a"
	seedSpelled.at(partHeader, 1, 0, 'x', replace),
	seedSpelled.at(partSegment, 1, 8, 'e', replace), // "%86" to "%8e"

	// The method: always signed as it is.
	seedPlain.at(partMethod, 0, 3, 'X', insert),
	seedPlain.at(partMethod, 0, 1, 0, del),
	seedPlain.at(partMethod, 0, 0, 'g', replace), // case counts
	seedPlain.at(partMethod, 0, 0, 'G', replace), // the same byte: nothing changes

	// The escaped path, as a whole and segment by segment.
	seedPlain.at(partPath, 0, 1, 'w', replace),
	seedPlain.at(partPath, 0, 5, '/', insert),
	seedPlain.at(partPath, 0, 1, 0, del),
	seedPlain.at(partPath, 0, 0, 0, del),            // no leading "/"
	seedPlain.at(partPath, 0, 43, '/', insert),      // a trailing "/" is not signed
	seedEscaped.at(partPath, 0, 20, 'f', replace),   // "%2F" as "%2f" is not signed
	seedEscaped.at(partPath, 0, 19, '3', replace),   // "%3F" is another byte
	seedEscaped.at(partPath, 0, 18, 0, del),         // "%2F" to "2F"
	seedEscaped.at(partSegment, 4, 1, '/', insert),  // an encoded "/" is not a separator
	seedEscaped.at(partSegment, 4, 8, 'C', replace), // "c" and "C" differ outside escapes
	seedEscaped.at(partSegment, 4, 3, 'f', replace),
	seedEscaped.at(partSegment, 5, 0, 0, del), // the path then ends with "/"
	seedEscaped.at(partSegment, 0, 0, '%', insert),
	seedTwoValues.at(partSegment, 0, 0, 'p', insert), // "/p" to "p/p"

	// The query: pairs are decoded and sorted.
	seedPlain.at(partQuery, 0, 8, ';', replace),
	seedPlain.at(partQuery, 0, 8, 0, del),          // two pairs become one
	seedPlain.at(partQuery, 0, 0, '&', insert),     // an empty pair is not signed
	seedPlain.at(partQuery, 0, 17, '&', insert),    // at the end either
	seedEscaped.at(partQuery, 0, 13, 'b', replace), // "%2B" as "%2b"
	seedEscaped.at(partQuery, 0, 8, ' ', replace),  // a raw space is the "+" it replaces
	seedEscaped.at(partQuery, 0, 23, '=', insert),  // "e" and "e=" are the same pair
	seedEscaped.at(partQuery, 0, 5, 0, del),        // "a=" and "a" too
	seedEscaped.at(partQuery, 0, 11, 0, del),       // "%2B" to "2B"

	// The body.
	seedEscaped.at(partBody, 0, 2, 'n', replace),
	seedEscaped.at(partBody, 0, 22, 0, del), // the final newline
	seedEscaped.at(partBody, 0, 0, ' ', insert),
	seedPlain.at(partBody, 0, 0, 0, insert), // a body where there was none

	// The host: signed in seedEscaped, not in seedPlain.
	seedEscaped.at(partHost, 0, 0, '2', replace),
	seedEscaped.at(partHost, 0, 0, 0, del),
	seedEscaped.at(partHost, 0, 0, ' ', insert), // the value is trimmed
	seedPlain.at(partHost, 0, 0, 'x', insert),

	// X-Sdk-Date: malformed, too far off, or a valid other time.
	seedPlain.at(partDate, 0, 15, 'z', replace),
	seedPlain.at(partDate, 0, 4, '1', replace), // month 15
	seedPlain.at(partDate, 0, 0, 0, del),
	seedPlain.at(partDate, 0, 8, '0', insert),
	seedPlain.at(partDate, 0, 3, '5', replace),  // a year later
	seedPlain.at(partDate, 0, 10, '8', replace), // an hour later
	seedPlain.at(partDate, 0, 14, '8', replace), // a second earlier
	seedPlain.at(partDate, 0, 11, '1', replace), // ten minutes later
	seedPlain.at(partDate, 0, 16, ' ', insert),  // the value is trimmed
	seedPlain.at(partDate, 0, 0, '\t', insert),

	// Other headers, by index in the sorted list of names (and values).
	seedPlain.at(partHeader, 0, 0, 'V', replace),
	seedPlain.at(partHeader, 1, 1, 'w', insert),
	seedPlain.at(partHeader, 2, 0, 0, del),
	seedPlain.at(partHeader, 2, 2, ' ', insert),      // trimmed
	seedEscaped.at(partHeader, 0, 0, 'A', replace),   // Content-Type is not signed
	seedEscaped.at(partHeader, 1, 0, 0, del),         // nor the value of a Host header
	seedEscaped.at(partHeader, 2, 0, 0, del),         // a space that is trimmed
	seedEscaped.at(partHeader, 2, 1, 0, del),         // "p" is not
	seedEscaped.at(partHeader, 3, 2, ' ', replace),   // X-Two: a tab within the value is signed
	seedTwoValues.at(partHeader, 1, 0, 0, del),       // " c" to "c"
	seedTwoValues.at(partHeader, 2, 0, 'c', replace), // "a", " c", "c": not a set of values
}

// FuzzSignVerify signs arbitrary requests (method, path, query, three header values under up to
// three names, body, Host signed or not) and checks, in process, that the request as signed
// verifies, that it no longer does without a signed header, and that a one-byte change (replace,
// insert or delete, of an arbitrary byte at an arbitrary place) to one part of it, signed or not,
// gives exactly the result it should. Whether the signature covers the change is worked out
// twice, from the rules of the package doc (tampered.same) and by comparing the canonical
// requests, and both must agree. Verify must then accept a change the signature does not cover,
// and reject any other with ErrSignatureMismatch, or, for X-Sdk-Date, with ErrBadDate or
// ErrDateSkew once the date is malformed or too far off. Finally the request as signed goes to
// a verifying server over real HTTP, which must accept it and read the body intact.
func FuzzSignVerify(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.method, s.path, s.query, s.projectID, s.name1, s.value1, s.name2, s.value2, s.body,
			s.signHost, s.part, s.pos, s.b, s.op)
	}

	srv := newFuzzServer()
	tr := &http.Transport{}
	f.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	// A request that hangs is a finding too: the timeout turns it into a failure.
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	creds, err := NewCredentials(fuzzAccessKey, fuzzSecret)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, method, path, query, projectID, name1, value1, name2, value2 string,
		body []byte, signHost bool, part uint8, pos uint16, b byte, op uint8) {
		if !isToken(method) || method == http.MethodConnect {
			t.Skip("not a method net/http sends as a plain request")
		}
		u, err := url.Parse(srv.URL + "/" + escapeLoosely(path, "?#"))
		if err != nil {
			t.Skip("not a path net/http sends")
		}
		u.RawQuery = escapeLoosely(query, "#")

		req, err := http.NewRequestWithContext(context.Background(), method, u.String(), bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.URL = u // keep the raw query exactly as built
		req.Header.Set("X-Project-Id", headerValue(projectID))
		for _, h := range [][2]string{{name1, value1}, {name2, value2}} {
			name := h[0]
			if name == "" {
				name = "X-Project-Id" // one more value for a signed header
			}
			if isToken(name) && !passedOnSpecially[http.CanonicalHeaderKey(name)] {
				// Set as given, not canonicalized: the signer and the server must agree anyway.
				req.Header[name] = append(req.Header[name], headerValue(h[1]))
			}
		}
		if signHost {
			req.Header.Set("Host", "ignored")
		}
		if err := Sign(req, creds, fuzzNow); err != nil {
			t.Fatal(err)
		}
		auth, verr := parseAuthorization(req.Header.Get(headerAuthorization))
		if verr != nil {
			t.Fatalf("Sign wrote an Authorization header Verify cannot read: %v", verr)
		}

		// In process: the request as signed verifies.
		if err := Verify(withBody(req, body), fuzzLookup, fuzzNow); err != nil {
			t.Fatalf("Verify of the request as signed: %v", err)
		}

		// In process: one byte of one part changed.
		tp := tamperWith(t, req, body, auth.signedHeaders, part, byteEdit{op: op, pos: pos, b: b})
		canonical := func(r *http.Request, body []byte) string {
			return canonicalRequest(messageOf(r), auth.signedHeaders, hexSHA256(body))
		}
		if same := canonical(tp.req, tp.body) == canonical(req, body); same != tp.same {
			if same {
				t.Errorf("%s: the canonical request is unchanged, though the change is one the signature must cover", tp.what)
			} else {
				t.Errorf("%s: the canonical request changed, though the change is one the signature must not see", tp.what)
			}
		}
		err = Verify(tp.req, fuzzLookup, fuzzNow)
		var ve *VerifyError
		switch {
		case tp.want == 0 && err != nil:
			t.Errorf("%s: Verify = %v, want success", tp.what, err)
		case tp.want != 0 && (!errors.As(err, &ve) || ve.Reason != tp.want):
			t.Errorf("%s: Verify = %v, want %v", tp.what, err, tp.want)
		}

		// In process: a signed header removed.
		r := withBody(req, body)
		for k := range r.Header {
			if strings.EqualFold(k, "X-Project-Id") {
				delete(r.Header, k)
			}
		}
		if err := Verify(r, fuzzLookup, fuzzNow); !errors.Is(err, ErrMissingSignedHeader) {
			t.Errorf("signed header removed: Verify = %v, want ErrMissingSignedHeader", err)
		}

		// Over the wire: the server sees what was signed.
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d: %s %s", method, u.RequestURI(), resp.StatusCode, got, resp.Header.Get("X-Verify-Error"))
		}
		if method != http.MethodHead && !bytes.Equal(got, body) {
			t.Errorf("the handler read %q, want %q", got, body)
		}
	})
}

// newFuzzServer echoes the body of requests that verify at fuzzNow; it reports the error in a
// header too, since a HEAD response has no body.
func newFuzzServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Verify(r, fuzzLookup, fuzzNow); err != nil {
			w.Header().Set("X-Verify-Error", err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		_, _ = io.Copy(w, r.Body)
	}))
}

// The parts a tamper changes. FuzzSignVerify's part argument picks the kind, part%numParts,
// and, for the kinds with several parts, which one, part/numParts modulo their number.
const (
	partMethod  = iota
	partPath    // the escaped path as a whole
	partSegment // one segment of the escaped path
	partQuery
	partBody
	partHost   // the host the request is sent to, signed or not
	partDate   // the X-Sdk-Date value
	partHeader // one value of a header other than X-Sdk-Date and Authorization, signed or not
	numParts
)

// The one-byte changes; on an empty part, every one inserts.
const (
	opReplace = iota
	opInsert
	opDelete
	numOps
)

// byteEdit is a one-byte change at a position: pos modulo the number of possible places.
type byteEdit struct {
	op  uint8
	pos uint16
	b   byte
}

// apply returns s changed, and says how.
func (e byteEdit) apply(s string) (changed, how string) {
	op := e.op % numOps
	if s == "" {
		op = opInsert
	}
	b := string([]byte{e.b})
	switch op {
	case opReplace:
		i := int(e.pos) % len(s)
		return s[:i] + b + s[i+1:], fmt.Sprintf("%q: byte %d %q replaced by %q", s, i, s[i:i+1], b)
	case opInsert:
		i := int(e.pos) % (len(s) + 1)
		return s[:i] + b + s[i:], fmt.Sprintf("%q: %q inserted at %d", s, b, i)
	default:
		i := int(e.pos) % len(s)
		return s[:i] + s[i+1:], fmt.Sprintf("%q: byte %d %q deleted", s, i, s[i:i+1])
	}
}

// inHeader makes the byte one a server can receive in a header value, as headerValue does.
func (e byteEdit) inHeader() byteEdit {
	e.b = headerValue(string([]byte{e.b}))[0]
	return e
}

// tampered is a request with one part changed and what Verify must say about it.
type tampered struct {
	what string // the part and the change, for messages
	req  *http.Request
	body []byte
	// same says whether the change is one the signature does not cover, by the rules of the
	// package doc, worked out without the canonical request.
	same bool
	want Reason // 0 for success
}

// tamperWith returns a copy of the signed req with the part that part picks changed by e.
func tamperWith(t *testing.T, req *http.Request, body []byte, signed []string, part uint8, e byteEdit) tampered {
	t.Helper()
	tp := tampered{req: withBody(req, nil), body: body}
	r := tp.req
	index := int(part / numParts)
	var how string
	switch part % numParts {
	case partMethod:
		var m string
		m, how = e.apply(req.Method)
		tp.what = "method " + how
		r.Method = m
		tp.same = sentMethod(m) == sentMethod(req.Method)
	case partPath, partSegment:
		old := wirePath(req.URL)
		var p string
		if part%numParts == partPath {
			p, how = e.apply(old)
			tp.what = "escaped path " + how
		} else {
			segs := strings.Split(old, "/")
			i := index % len(segs)
			segs[i], how = e.apply(segs[i])
			p = strings.Join(segs, "/")
			tp.what = fmt.Sprintf("path segment %d %s", i, how)
		}
		r.URL = withEscapedPath(req.URL, p)
		if got := wirePath(r.URL); got != p {
			t.Fatalf("%s: test bug: the tampered URL has the escaped path %q, not %q", tp.what, got, p)
		}
		tp.same = slices.Equal(pathSegments(p), pathSegments(old))
	case partQuery:
		r.URL.RawQuery, how = e.apply(req.URL.RawQuery)
		tp.what = "query " + how
		tp.same = slices.Equal(queryPairs(r.URL.RawQuery), queryPairs(req.URL.RawQuery))
	case partBody:
		var b string
		b, how = e.apply(string(body))
		tp.what = "body " + how
		tp.body = []byte(b)
		tp.same = b == string(body)
	case partHost:
		r.Host, how = e.inHeader().apply(req.Host)
		tp.what = "host " + how
		sentHost := func(h string) string { return cmp.Or(h, req.URL.Host) }
		tp.same = !slices.Contains(signed, "host") || trimOWS(sentHost(r.Host)) == trimOWS(sentHost(req.Host))
	case partDate:
		old := req.Header.Get(HeaderDate)
		var d string
		d, how = e.inHeader().apply(old)
		tp.what = "X-Sdk-Date " + how
		r.Header.Set(HeaderDate, d)
		tp.same = trimOWS(d) == trimOWS(old)
		tp.want = dateReason(d)
	case partHeader:
		type value struct {
			name string
			i    int
		}
		var values []value
		for _, name := range slices.Sorted(maps.Keys(req.Header)) {
			if name == headerAuthorization || name == HeaderDate {
				continue
			}
			for i := range req.Header[name] {
				values = append(values, value{name, i})
			}
		}
		v := values[index%len(values)] // never empty: X-Project-Id is always there
		old := req.Header[v.name][v.i]
		var nv string
		nv, how = e.inHeader().apply(old)
		tp.what = fmt.Sprintf("header %s value %d %s", v.name, v.i, how)
		r.Header[v.name][v.i] = nv
		// The value of a Host key is never signed: the host sent is (partHost).
		lower := strings.ToLower(v.name)
		tp.same = !slices.Contains(signed, lower) || lower == "host" || trimOWS(nv) == trimOWS(old)
	}
	r.Body = io.NopCloser(bytes.NewReader(tp.body))
	r.ContentLength = int64(len(tp.body))
	if tp.want == 0 && !tp.same {
		tp.want = ErrSignatureMismatch
	}
	return tp
}

// sentMethod is the method net/http sends.
func sentMethod(m string) string { return cmp.Or(m, http.MethodGet) }

// withEscapedPath returns a copy of u whose path Verify reads as p exactly, whatever bytes p
// holds, valid escapes or not (an opaque URL: see wirePath).
func withEscapedPath(u *url.URL, p string) *url.URL {
	v := *u
	v.Path, v.RawPath = "", ""
	if p == "" || p[0] == '/' {
		v.Opaque = "//" + u.Host + p
	} else {
		v.Opaque = p
	}
	return &v
}

// pathSegments is what the signature covers of an escaped path: its segments, split on "/",
// each decoded (or kept as it is when it does not decode), less a trailing "/".
func pathSegments(p string) []string {
	segs := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for i, s := range segs {
		if d, err := url.PathUnescape(s); err == nil {
			segs[i] = d
		}
	}
	return segs
}

// queryPairs is what the signature covers of a raw query: its non-empty "&"-separated pairs,
// split at the first "=" ("k" is "k="), each side decoded with "+" as a space (or kept as it
// is when it does not decode), in no particular order.
func queryPairs(q string) [][2]string {
	var pairs [][2]string
	for p := range strings.SplitSeq(q, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		pairs = append(pairs, [2]string{queryDecoded(k), queryDecoded(v)})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	return pairs
}

func queryDecoded(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// trimOWS trims what the canonical form trims around a header value, and so what a value may
// gain or lose without the signature noticing: white space as strings.TrimSpace sees it, the
// SDK's rule (Unicode spaces too; see the package doc).
func trimOWS(s string) string { return strings.TrimSpace(s) }

var dateForm = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z$`)

// dateReason says why Verify at fuzzNow rejects the X-Sdk-Date value d, or 0 if it does not.
func dateReason(d string) Reason {
	d = trimOWS(d)
	if !dateForm.MatchString(d) {
		return ErrBadDate
	}
	t, err := time.Parse(DateLayout, d)
	if err != nil {
		return ErrBadDate // a month 13, a second 60
	}
	if t.Before(fuzzNow.Add(-DefaultMaxSkew)) || t.After(fuzzNow.Add(DefaultMaxSkew)) {
		return ErrDateSkew
	}
	return 0
}

// passedOnSpecially lists the headers net/http does not carry from req.Header to the server's
// r.Header as they are, or that change how the message is framed; the signer has no say in
// them. User-Agent and Accept-Encoding are among them: the transport drops an empty one, sends
// one value of several, or adds its own next to a lower-case key, which the package doc lists
// as what the signature cannot cover.
var passedOnSpecially = map[string]bool{
	"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Trailer": true, "Te": true,
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Upgrade": true, "Expect": true,
	"Authorization": true, "X-Sdk-Date": true, "X-Sdk-Content-Sha256": true,
	"User-Agent": true, "Accept-Encoding": true,
}

// withBody returns a copy of req with its own reader over body.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r
}

// escapeLoosely percent-encodes the bytes a request line cannot carry raw (and those in
// special), leaving "%" alone so that the input can hold escapes, valid or not.
func escapeLoosely(s, special string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(special, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// headerValue replaces the bytes net/http refuses in a header value, keeping all others, even
// those that are not UTF-8.
func headerValue(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			b[i] = '?'
		}
	}
	return string(b)
}

// isToken reports whether s is an RFC 9110 token, as a method must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
