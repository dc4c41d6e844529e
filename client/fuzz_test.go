package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
)

// The fuzz targets of the client drive ListConnections through fakeTransport, so that every
// execution runs the whole response path (status, headers, size limit, decoding, mapping,
// errors) without a network. Crashers go to testdata/fuzz/<FuzzName>/ and are kept there.

// fuzzLimit is the response size limit of the fuzzed clients: small enough that the size check
// is fuzzed too, and far above any page the fuzzer makes.
const fuzzLimit = 4096

// fuzzStatuses are the statuses FuzzClient_ListConnections_response answers with; 200 comes
// up most, since its body has the most to decode.
var fuzzStatuses = [...]int{200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503}

// fakeResponseKey is the context key of the response fakeTransport answers with.
type fakeResponseKey struct{}

// fakeResponse is a response for fakeTransport to answer with.
type fakeResponse struct {
	status int
	header http.Header
	body   []byte
	// contentLength sends len(body) as the Content-Length; otherwise the length is unknown,
	// as with a chunked body.
	contentLength bool
}

// fakeTransport is an http.RoundTripper that answers every request with the fakeResponse in
// its context, or, when there is none, with an empty valid page. It keeps the last request.
type fakeTransport struct {
	requests atomic.Int64
	last     atomic.Pointer[http.Request]
}

func (t *fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	t.last.Store(req)
	fr, _ := req.Context().Value(fakeResponseKey{}).(*fakeResponse)
	if fr == nil {
		fr = &fakeResponse{status: http.StatusOK, body: []byte(`{"connections":[],"total_count":0}`),
			header: http.Header{"Content-Type": {"application/json"}}, contentLength: true}
	}
	n := int64(-1)
	if fr.contentLength {
		n = int64(len(fr.body))
	}
	return &http.Response{
		Status:        strconv.Itoa(fr.status) + " " + http.StatusText(fr.status),
		StatusCode:    fr.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        fr.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(fr.body)),
		ContentLength: n,
		Request:       req,
	}, nil
}

// newFakeClient returns a client that sends through rt, with a single attempt and the size
// limit fuzzLimit.
func newFakeClient(tb testing.TB, rt http.RoundTripper, opts ...Option) *Client {
	tb.Helper()
	base := []Option{
		WithEndpoint("https://css.fuzz.test"),
		WithProjectID(testProject),
		WithToken(testToken),
		WithHTTPClient(&http.Client{Transport: rt}),
		WithRetry(1, 0, 0),
		WithMaxResponseSize(fuzzLimit),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// fuzzBodies are the seeds of the body targets: the spec's examples, what the decoding tests
// pin, gateway and proxy answers, and inputs where JSON decoders are known to differ (Unicode
// case folding of names, surrogates, invalid UTF-8, duplicates, depth, huge numbers).
func fuzzBodies(f *testing.F) [][]byte {
	f.Helper()
	doc, err := api.GetSpec()
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, ex := range doc.Components.Examples {
		if ex.Value != nil {
			b, err := json.Marshal(ex.Value.Value)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	for _, s := range []string{
		``, ` `, `null`, `[]`, `{}`, `"x"`,
		`{"connections":[],"total_count":0}`,
		`{"connections":[{"id":"a","status":"accepted","maxSession":"3000","specificationName":"s","domain_id":"d","vpcepIp":"10.0.0.1","vpcepIpv6Address":"::1","vpcepDnsName":"n","created_at":"2024-06-11T09:36:24Z","update_at":null}],"total_count":1,"vpcepUpdateSwitch":"false","vpcServiceName":"svc","permissions":[{"id":"p","permission":"iam:domain::x","permission_type":"domainId","created_at":"2024-06-11T09:36:24"}]}`,
		`{"connections":[{"id":"a","status":"accepted","created_at":"soon","update_at":"2024-01-02T03:04:05.123+02:00"}],"total_count":7}`,
		`{"connections":[{"id":"a","status":"accepted","created_at":""}],"total_count":1}`,
		`{"connections":[null],"total_count":1}`,
		`{"connections":[],"total_count":-1}`,
		`{"connections":[],"total_count":2147483647}`,
		`{"connections":[],"total_count":2147483648}`,
		`{"connections":[],"total_count":1e2}`,
		`{"connections":[],"total_count":-0}`,
		`{"connections":[],"total_count":0} {}`,
		`{"connections":[],"total_count":0}x`,
		`{"connections":[`,
		`{"connections":[],"total_count":0,"vpcepUpdateSwitch":"\u0074rue"}`,
		`{"connections":[],"total_count":0,"vpcepUpdateSwitch":null,"permissions":null,"vpcServiceName":null}`,
		`{"CONNECTIONS":[],"Total_Count":0}`,
		`{"connectionſ":[],"total_count":0}`,                         // U+017F folds to s
		`{"connections":[],"total_count":0,"vpcepUpdate\u212aey":1}`, // U+212A folds to k
		`{"connections":[{"id":"a","status":"accepted","ID":"b"}],"total_count":1}`,
		`{"connections":[{"id":"a","status":"accepted"}],"total_count":1,"connections":[],"total_count":0}`,
		`{"connections":[],"total_count":0,"vpcServiceName":"\ud800\u0041\udc00"}`,
		"{\"connections\":[],\"total_count\":0,\"vpcServiceName\":\"a\xffb\xc0\"}",
		"\xef\xbb\xbf{\"connections\":[],\"total_count\":0}",
		"{\"connections\":[],\"total_count\":0}\x00",
		`{"connections":[],"total_count":0,"x":1e999,"y":-1e-999,"z":123456789012345678901234567890}`,
		`{"connections":[],"total_count":0,"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		`{"errCode":"CSS.3027","externalMessage":"The cluster does not exist!"}`,
		`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}`,
		`{"error_msg":"Incorrect IAM\nauthentication\u202e information."}`,
		"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
		"<!DOCTYPE html><script>x<y</script><style>a{}</style><!-- c --><p>&amp;&#x41;&bogus;</p>",
		"\x1b[31mred\x1b[0m\r\nline\u2028two",
	} {
		out = append(out, []byte(s))
	}
	return out
}

// FuzzClient_ListConnections_response answers a ListConnections call with an arbitrary body
// (and status, X-Request-Id and Retry-After) and checks that the call gives a page or a typed
// error, never a panic:
//   - 200 within the size limit: a page exactly when decodeList and newPage accept the body
//     (the transport, the size limit and the buffer pool change nothing), which then
//     re-encodes (checkReencodes); otherwise a *ResponseError;
//   - 200 over the limit: ErrResponseTooLarge, with or without a Content-Length;
//   - another 2xx: a *ResponseError; any other status: an *APIError with that status, whose
//     texts are one clean, bounded line;
//   - run-time validation in report mode changes nothing, and a 200 body it finds no problem
//     with is one the client uses (but for its own checks beyond the spec); in fail mode it
//     only turns a page into a *ResponseError holding a *contract.ValidationError.
func FuzzClient_ListConnections_response(f *testing.F) {
	for i, body := range fuzzBodies(f) {
		f.Add(uint8(i), uint8(i), "req-1", "", body)
		f.Add(uint8(0), uint8(1<<2), "", "", body) // 200, validation in report mode
	}
	f.Add(uint8(0), uint8(1), "", "3", []byte(`{"connections":[],"total_count":0}`))
	f.Add(uint8(10), uint8(0), "req\n\u202eid", "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`{}`))
	f.Add(uint8(13), uint8(0), strings.Repeat("r", 300), "99999999999999999999", []byte(`<h1>503</h1>`))
	f.Add(uint8(0), uint8(0), "", "", bytes.Repeat([]byte(" "), fuzzLimit+1))

	rt := new(fakeTransport)
	plain := newFakeClient(f, rt)
	var problems problemLog
	report := newFakeClient(f, rt, WithValidation(ValidationReport, problems.add))
	fail := newFakeClient(f, rt, WithValidation(ValidationFail, nil))

	f.Fuzz(func(t *testing.T, statusPick, flags uint8, reqID, retryAfter string, body []byte) {
		status := fuzzStatuses[int(statusPick)%len(fuzzStatuses)]
		fr := &fakeResponse{status: status, body: body, contentLength: flags&1 != 0, header: http.Header{}}
		if flags&2 == 0 {
			fr.header.Set("Content-Type", "application/json")
		} else {
			fr.header.Set("Content-Type", "text/html")
		}
		if reqID != "" {
			fr.header["X-Request-Id"] = []string{reqID}
		}
		if retryAfter != "" {
			fr.header["Retry-After"] = []string{retryAfter}
		}
		ctx := context.WithValue(context.Background(), fakeResponseKey{}, fr)

		before := rt.requests.Load()
		page, err := plain.ListConnections(ctx, testCluster, nil)
		if n := rt.requests.Load() - before; n != 1 {
			t.Fatalf("%d requests, want 1", n)
		}
		checkResponseOutcome(t, fr, page, err)

		switch (flags >> 2) % 3 {
		case 1:
			problems.reset()
			rpage, rerr := report.ListConnections(ctx, testCluster, nil)
			if diff := cmp.Diff(page, rpage); diff != "" || errText(err) != errText(rerr) {
				t.Fatalf("validation in report mode changed the outcome: page (-plain +report):\n%s\nerror %v, plain %v", diff, rerr, err)
			}
			// A 200 body the spec allows is one the client uses, but for its own documented
			// checks beyond the spec (see stricterThanSpec).
			if status == http.StatusOK && len(body) <= fuzzLimit && !problems.response() && err != nil && !stricterThanSpec(err) {
				t.Fatalf("the spec allows the body, yet the client refuses it: %v", err)
			}
		case 2:
			fpage, ferr := fail.ListConnections(ctx, testCluster, nil)
			switch {
			case ferr == nil && err != nil:
				t.Fatalf("validation in fail mode accepted what the client alone refuses: %v", err)
			case ferr == nil:
				if diff := cmp.Diff(page, fpage); diff != "" {
					t.Fatalf("validation in fail mode changed the page (-plain +fail):\n%s", diff)
				}
			case err == nil:
				var re *ResponseError
				var ve *contract.ValidationError
				if !errors.As(ferr, &re) || !errors.As(ferr, &ve) || IsRetryable(ferr) {
					t.Fatalf("validation in fail mode refused a page with %v (%T), want a *ResponseError holding a *contract.ValidationError", ferr, ferr)
				}
			case errKind(err) != errKind(ferr) || errors.Is(err, ErrResponseTooLarge) != errors.Is(ferr, ErrResponseTooLarge):
				t.Fatalf("validation in fail mode changed the error from %v to %v", err, ferr)
			}
		}
	})
}

// problemLog collects the problems run-time validation reports during one call.
type problemLog struct {
	mu   sync.Mutex
	list []*contract.ValidationError
}

func (l *problemLog) add(e *contract.ValidationError) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, e)
}

func (l *problemLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = nil
}

// response reports whether a problem with a response was reported.
func (l *problemLog) response() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.list, func(e *contract.ValidationError) bool { return e.Direction == contract.DirectionResponse })
}

// stricterThanSpec reports whether err is one of the client's checks that go beyond what the
// validator enforces, by design: an empty id or status and a negative total_count (newPage),
// and an integer written with a fraction or an exponent (1.0, 1e2), which is no integer in
// OpenAPI 3.0's JSON Schema, although kin-openapi accepts it.
func stricterThanSpec(err error) bool {
	msg := err.Error()
	for _, s := range []string{"].id is missing or empty", "].status is missing or empty", "is negative"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	if _, rest, ok := strings.Cut(msg, "cannot decode number "); ok {
		number, _, _ := strings.Cut(rest, " ")
		return strings.ContainsAny(number, ".eE")
	}
	return false
}

// checkResponseOutcome checks what a call answered with fr gave.
func checkResponseOutcome(t *testing.T, fr *fakeResponse, page *Page, err error) {
	t.Helper()
	if err != nil {
		if page != nil {
			t.Fatalf("a page and an error: %v", err)
		}
		checkOneLine(t, "Error()", err.Error(), len(err.Error()))
	}
	wantID := newMasker(&config{}).requestID(fr.header)
	switch {
	case fr.status == http.StatusOK && len(fr.body) > fuzzLimit:
		if !errors.Is(err, ErrResponseTooLarge) || IsRetryable(err) {
			t.Fatalf("a body of %d bytes: error %v, want ErrResponseTooLarge", len(fr.body), err)
		}
	case fr.status == http.StatusOK:
		list, fields, derr := decodeList(fr.body, MaxPageSize)
		if derr == nil && fields.Code() != "" {
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusOK || ae.RequestID != wantID {
				t.Fatalf("a 200 carrying an error code: error %v (%T), want an *APIError", err, err)
			}
			return
		}
		var want *Page
		if derr == nil {
			want, derr = newPage(list, wantID)
		}
		if derr != nil {
			var re *ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusOK || re.Operation != opShowConnections.ID || re.RequestID != wantID || IsRetryable(err) {
				t.Fatalf("the body does not decode (%v): error %v (%T), want a final *ResponseError", derr, err, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("the body decodes, yet ListConnections failed: %v", err)
		}
		if diff := cmp.Diff(want, page); diff != "" {
			t.Fatalf("page (-decodeList +ListConnections):\n%s", diff)
		}
		checkReencodes(t, list)
	case fr.status >= 200 && fr.status <= 299 && decodeErrFields(fr.body).Code() != "":
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != fr.status || ae.RequestID != wantID {
			t.Fatalf("status %d carrying an error code: error %v (%T), want an *APIError", fr.status, err, err)
		}
	case fr.status >= 200 && fr.status <= 299:
		var re *ResponseError
		if !errors.As(err, &re) || re.StatusCode != fr.status || re.RequestID != wantID {
			t.Fatalf("status %d: error %v (%T), want a *ResponseError", fr.status, err, err)
		}
	default:
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != fr.status || ae.Operation != opShowConnections.ID || ae.RequestID != wantID {
			t.Fatalf("status %d: error %v (%T), want an *APIError with that status", fr.status, err, err)
		}
		if IsRetryable(err) != (retryableStatus(fr.status) || ae.Code == CodeBusy) || ae.RetryAfter < 0 {
			t.Fatalf("status %d: IsRetryable %v, RetryAfter %v", fr.status, IsRetryable(err), ae.RetryAfter)
		}
		checkOneLine(t, "Code", ae.Code, maxCodeLen)
		checkOneLine(t, "Message", ae.Message, maxMessageLen)
	}
	if err == nil {
		if page.RequestID != wantID || page.TotalCount < 0 {
			t.Fatalf("page: request id %q (want %q), total_count %d", page.RequestID, wantID, page.TotalCount)
		}
		checkOneLine(t, "RequestID", page.RequestID, maxRequestIDLen)
	}
}

// checkOneLine checks that s, a text from a response, is at most max bytes (plus a "…" marking
// a cut) of valid UTF-8 without control or format characters, so that it cannot break or
// disguise a log line.
func checkOneLine(t *testing.T, what, s string, max int) {
	t.Helper()
	if len(s) > max+len("…") || !utf8.ValidString(s) {
		t.Fatalf("%s is %d bytes (at most %d) or not UTF-8: %q", what, len(s), max, s)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }); i >= 0 {
		t.Fatalf("%s has a line break at byte %d: %q", what, i, s)
	}
	if what == "Error()" {
		return // the decoder's message may quote what it read, escaped
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
		t.Fatalf("%s has a control or format character at byte %d: %q", what, i, s)
	}
}

// errKind names the typed error err holds, for comparing outcomes.
func errKind(err error) string {
	var ae *APIError
	var re *ResponseError
	var ge *ArgumentError
	switch {
	case err == nil:
		return "nil"
	case errors.As(err, &ae):
		return "*client.APIError"
	case errors.As(err, &re):
		return "*client.ResponseError"
	case errors.As(err, &ge):
		return "*client.ArgumentError"
	}
	return "other"
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// checkReencodes checks that a decoded page re-encodes: encoding/json encodes it, decodeList
// and encoding/json both decode that encoding to the same value and the same Page, and from
// then on decoding and encoding change nothing (a fixed point). The one thing JSON cannot
// carry back is an empty time stamp: FlexTime encodes "" (no instant, no text) as null, which
// decodes as absent; the client maps both to a zero time and an empty text.
func checkReencodes(t *testing.T, list *api.ConnectionList) {
	t.Helper()
	enc, err := json.Marshal(list)
	if err != nil {
		t.Fatalf("the decoded page does not encode: %v", err)
	}
	again, _, err := decodeList(enc, MaxPageSize)
	if err != nil {
		t.Fatalf("the encoding does not decode: %v\n%s", err, enc)
	}
	if diff := cmp.Diff(withoutEmptyTimes(list), again); diff != "" {
		t.Fatalf("re-decoded page (-decoded +re-decoded):\n%s\nencoding: %s", diff, enc)
	}
	std, _, err := stdDecodeList(enc)
	if err != nil || !cmp.Equal(again, std) {
		t.Fatalf("encoding/json decodes the encoding differently (%v): %s", err, cmp.Diff(again, std))
	}
	p1, err1 := newPage(list, "")
	p2, err2 := newPage(again, "")
	if diff := cmp.Diff(p1, p2); diff != "" || (err1 == nil) != (err2 == nil) {
		t.Fatalf("re-decoded Page (-decoded +re-decoded):\n%s\nerrors %v, %v", diff, err1, err2)
	}
	// From the first re-decoding on, decoding and encoding change nothing.
	enc2, err := json.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	if normalized, _ := json.Marshal(withoutEmptyTimes(list)); !bytes.Equal(enc2, normalized) {
		t.Fatalf("the re-decoded page encodes differently:\n%s\n%s", normalized, enc2)
	}
	third, _, err := decodeList(enc2, MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	if enc3, err := json.Marshal(third); err != nil || !bytes.Equal(enc2, enc3) {
		t.Fatalf("the encoding is not a fixed point (%v):\n%s\n%s", err, enc2, enc3)
	}
}

// withoutEmptyTimes returns a copy of list whose time stamps that hold neither an instant nor
// a text are absent, as they come back from their encoding (null).
func withoutEmptyTimes(list *api.ConnectionList) *api.ConnectionList {
	empty := func(ft *api.FlexTime) *api.FlexTime {
		if ft != nil && ft.Raw == "" && ft.Time.IsZero() {
			return nil
		}
		return ft
	}
	out := *list
	out.Connections = make([]api.Connection, len(list.Connections))
	for i, c := range list.Connections {
		c.CreatedAt, c.UpdateAt = empty(c.CreatedAt), empty(c.UpdateAt)
		out.Connections[i] = c
	}
	if list.Permissions != nil {
		perms := make([]api.Permission, len(*list.Permissions))
		for i, p := range *list.Permissions {
			p.CreatedAt = empty(p.CreatedAt)
			perms[i] = p
		}
		out.Permissions = &perms
	}
	return &out
}

// stdDecodeList is decodeList with encoding/json: the reference the decoder is held to.
func stdDecodeList(body []byte) (*api.ConnectionList, errFields, error) {
	return unmarshalList(body, MaxPageSize, json.Unmarshal)
}

// FuzzDecodeList_matchesEncodingJSON holds decodeList (goccy/go-json) to encoding/json on the
// same bytes: the same acceptance and the same value. It is a regression guard for the
// decoder's replacement (see decode.go); what is accepted also re-encodes (checkReencodes).
func FuzzDecodeList_matchesEncodingJSON(f *testing.F) {
	for _, body := range fuzzBodies(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotFields, gotErr := decodeList(body, MaxPageSize)
		want, wantFields, wantErr := stdDecodeList(body)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("decodeList error %v, encoding/json error %v", gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if diff := cmp.Diff(wantFields, gotFields); diff != "" {
			t.Fatalf("error fields (-encoding/json +decodeList):\n%s", diff)
		}
		if gotFields.Code() != "" {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("decoded (-encoding/json +decodeList):\n%s", diff)
		}
		checkReencodes(t, got)
	})
}

// FuzzClient_ListConnections_pathParameters gives ListConnections an arbitrary project ID and
// cluster ID, with and without an endpoint path prefix. Each is either refused before any
// request, naming the parameter (a *ConfigError from WithProjectID, an *ArgumentError for
// clusterID), or sent as exactly one path segment that decodes to exactly the value: the
// escaped path has exactly the expected segments, holds only characters a path may carry, is
// the request line sent on the wire, and routes on a Go server to the same path values.
func FuzzClient_ListConnections_pathParameters(f *testing.F) {
	for _, id := range []string{"c-456", "54b7f739-31a1-40d0-862b-ac85b83ab2da", "c 1", "%2F", "%", "100%25",
		"ü-ß-東京", "a;b", "a+b", "a:b", "a@b", "a=b&c", "a,b", "~x", "a.b", "...", "a..b", "%2e%2e", "%2e",
		"", " ", "/", "a/b", `a\b`, ".", "..", "?", "#", "a?b", "a#b", "\x00", "a\nb", "\xff", " a", "a ",
		"\u202e", "\u00a0", "a\u2028b", "\ufeff", strings.Repeat("x", MaxIDLength), strings.Repeat("x", MaxIDLength+1)} {
		f.Add(testProject, id, false)
		f.Add(id, testCluster, true)
	}
	mux := http.NewServeMux()
	for _, prefix := range []string{"", "/proxy/css"} {
		mux.HandleFunc("GET "+prefix+"/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections", func(w http.ResponseWriter, r *http.Request) {
			got := r.Context().Value(routedKey{}).(*[2]string)
			got[0], got[1] = r.PathValue("project_id"), r.PathValue("cluster_id")
		})
	}

	f.Fuzz(func(t *testing.T, projectID, clusterID string, prefixed bool) {
		endpoint, prefix := "https://css.fuzz.test", []string{""}
		if prefixed {
			endpoint, prefix = "https://css.fuzz.test/proxy/css", []string{"", "proxy", "css"}
		}
		rt := new(fakeTransport)
		c, err := New(WithEndpoint(endpoint), WithProjectID(projectID), WithToken(testToken),
			WithHTTPClient(&http.Client{Transport: rt}), WithRetry(1, 0, 0))
		if CheckID("projectID", projectID) != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Option != "WithProjectID" || !strings.HasPrefix(err.Error(), "client: WithProjectID: project ID ") {
				t.Fatalf("WithProjectID(%q): error %v, want a *ConfigError naming WithProjectID", projectID, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("New with project ID %q: %v", projectID, err)
		}

		_, err = c.ListConnections(context.Background(), clusterID, nil)
		if CheckID("clusterID", clusterID) != nil {
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Func != "ListConnections" || ae.Name != "clusterID" || ae.Reason == "" {
				t.Fatalf("ListConnections(%q): error %v, want an *ArgumentError naming clusterID", clusterID, err)
			}
			if rt.requests.Load() != 0 {
				t.Fatalf("ListConnections(%q) was refused but sent %d requests", clusterID, rt.requests.Load())
			}
			checkOneLine(t, "Error()", err.Error(), len(err.Error()))
			return
		}
		if err != nil || rt.requests.Load() != 1 {
			t.Fatalf("ListConnections(%q): %v after %d requests", clusterID, err, rt.requests.Load())
		}
		req := rt.last.Load()
		escaped := req.URL.EscapedPath()
		want := slices.Concat(prefix, []string{"v1.0", projectID, "clusters", clusterID, "vpcepservice", "connections"})
		segs := strings.Split(escaped, "/")
		if len(segs) != len(want) {
			t.Fatalf("path %q has %d segments, want %d", escaped, len(segs), len(want))
		}
		for i, seg := range segs {
			got, err := url.PathUnescape(seg)
			if err != nil || got != want[i] {
				t.Fatalf("segment %d of %q decodes to %q (%v), want %q", i, escaped, got, err, want[i])
			}
		}
		if i := strings.IndexFunc(escaped, func(r rune) bool { return !isPathChar(r) }); i >= 0 {
			t.Fatalf("path %q has %q at byte %d, which a path cannot carry unescaped", escaped, escaped[i], i)
		}

		// What goes on the wire: the request line carries exactly the escaped path.
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(wire.String(), "\r\n")
		if line != "GET "+escaped+" HTTP/1.1" {
			t.Fatalf("request line %q, want the escaped path %q", line, escaped)
		}
		// And a Go server routes it to the same values.
		sent, err := http.ReadRequest(bufio.NewReader(&wire))
		if err != nil {
			t.Fatalf("the request sent does not parse: %v", err)
		}
		var routed [2]string
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, sent.WithContext(context.WithValue(context.Background(), routedKey{}, &routed)))
		if rec.Code != http.StatusOK || routed != [2]string{projectID, clusterID} {
			t.Fatalf("a Go server answers %d and routes %q to project %q, cluster %q", rec.Code, escaped, routed[0], routed[1])
		}
	})
}

// routedKey is the context key under which the test mux stores the path values it routed.
type routedKey struct{}

// isPathChar reports whether r may appear in an escaped path: RFC 3986 pchar, "/" and "%"
// (whose escapes url.PathUnescape has already checked).
func isPathChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		strings.ContainsRune("-._~!$&'()*+,;=:@/%", r)
}
