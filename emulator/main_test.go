package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Recognizable credentials: no log line, error or printed value may ever contain the secrets.
const (
	testToken = "tok-SECRET-7f3a"
	testAK    = "AKEMULATORTEST"
	testSK    = "sk-SECRET-9c1e"
)

// connectionsPath is the operation's path for a project and cluster, escaped as given.
func connectionsPath(project, cluster string) string {
	return "/v1.0/" + project + "/clusters/" + cluster + "/vpcepservice/connections"
}

// connectionsTemplate is the spec's path of ShowVpcepConnection and UpdateVpcepConnection.
const connectionsTemplate = "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections"

// specMethods returns the methods the spec has an operation for on the path template, sorted
// as a 405's Allow header lists them, so that a test of a method the spec lacks follows the
// spec as it grows.
func specMethods(t testing.TB, template string) []string {
	t.Helper()
	doc, err := api.Spec()
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value(template)
	if item == nil {
		t.Fatalf("the spec has no path %s", template)
	}
	return slices.Sorted(maps.Keys(item.Operations()))
}

// defaultPath is the path of the built-in seed's current-example cluster.
var defaultPath = connectionsPath(emulator.DefaultProjectID, emulator.DefaultClusterID)

// fixture is a TestServer (response validation on, strict) with HTTP clients whose transport
// validates the traffic too: strict fails the test on any request or response that breaks the
// spec; lax only on responses, for tests that send bad requests on purpose.
type fixture struct {
	*emulator.TestServer
	strict, lax *http.Client
}

func setup(t *testing.T, opts ...emulator.Option) *fixture {
	t.Helper()
	ts := emulator.NewTestServer(t, opts...)
	base := ts.Client().Transport
	return &fixture{
		TestServer: ts,
		strict:     &http.Client{Transport: contract.ForTest(t, base, contract.WithSecurityCheck(false))},
		lax: &http.Client{Transport: contract.ForTest(t, base, contract.WithSecurityCheck(false),
			contract.WithReporter(func(e *contract.ValidationError) {
				if e.Direction == contract.DirectionResponse {
					t.Errorf("%v", e)
				}
			}))},
	}
}

// generated returns the generated client over the strict validating transport.
func (f *fixture) generated(t *testing.T, editors ...api.ClientOption) *api.ClientWithResponses {
	t.Helper()
	c, err := api.NewClientWithResponses(f.URL, append([]api.ClientOption{api.WithHTTPClient(f.strict)}, editors...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ours returns package client's client over the strict validating transport, with the given
// credentials and without retries unless opts say otherwise.
func (f *fixture) ours(t *testing.T, creds client.Option, opts ...client.Option) *client.Client {
	t.Helper()
	base := []client.Option{
		client.WithEndpoint(f.URL),
		client.WithProjectID(f.ProjectID),
		client.WithHTTPClient(f.strict),
		client.WithRetry(1, 0, 0),
		creds,
	}
	c, err := client.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// response is what get returns: the status, the headers and the body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends GET target (a path with its query) through hc with the given header.
func get(t *testing.T, hc *http.Client, base, target string, header http.Header) response {
	t.Helper()
	return do(t, hc, http.MethodGet, base+target, header)
}

func do(t *testing.T, hc *http.Client, method, url string, header http.Header) response {
	t.Helper()
	return doRequest(t, hc, method, url, header, nil)
}

// doBody sends a JSON body.
func doBody(t *testing.T, hc *http.Client, method, url, body string) response {
	t.Helper()
	return doRequest(t, hc, method, url, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
}

func doRequest(t *testing.T, hc *http.Client, method, url string, header http.Header, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// errorBody decodes an error body in either shape.
type errorBody struct {
	ErrCode         string `json:"errCode"`
	ExternalMessage string `json:"externalMessage"`
	ErrorCode       string `json:"error_code"`
	ErrorMsg        string `json:"error_msg"`
	RequestID       string `json:"request_id"`
}

// checkError checks status, code and that the message contains each of want, that the body is
// an Error of the spec and that the response carries a request ID; it returns the body.
func checkError(t *testing.T, r response, status int, code string, want ...string) errorBody {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	checkErrorSchema(t, r.body)
	var b errorBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	gotCode, msg := b.ErrCode+b.ErrorCode, b.ExternalMessage+b.ErrorMsg
	if gotCode != code {
		t.Errorf("code %q, want %q; body %s", gotCode, code, r.body)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not contain %q", msg, w)
		}
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	checkRequestID(t, r.header)
	return b
}

// checkRequestID checks that a response carries an X-Request-Id of 32 hex digits.
func checkRequestID(t *testing.T, h http.Header) string {
	t.Helper()
	id := h.Get("X-Request-Id")
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("X-Request-Id %q is not 32 hex digits", id)
	}
	return id
}

// checkErrorSchema validates an error body against the spec's Error schema, for the answers
// (404 for an unknown path, 405) that match no operation, so that the validating transport
// cannot judge them.
func checkErrorSchema(t *testing.T, body []byte) {
	t.Helper()
	doc, err := api.Spec()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if err := doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		t.Errorf("body %s breaks the Error schema: %v", body, err)
	}
}

// specExample returns a response example of the spec, decoded into generic JSON.
func specExample(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := api.Example(name)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// decodeList decodes a 200 body into the generated type, failing on unknown fields.
func decodeList(t *testing.T, body []byte) api.ConnectionList {
	t.Helper()
	var l api.ConnectionList
	decodeStrict(t, body, &l)
	return l
}

// decodeStrict decodes body into v, failing on unknown fields.
func decodeStrict(t *testing.T, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}

// ids lists the IDs of connections.
func ids(conns []api.Connection) []string {
	out := make([]string, len(conns))
	for i, c := range conns {
		out[i] = c.Id
	}
	return out
}

// syntheticID is the ID of synthetic connection i.
func syntheticID(t *testing.T, i int) string {
	t.Helper()
	c, err := emulator.SyntheticCluster(i + 1)
	if err != nil {
		t.Fatal(err)
	}
	return c.Connections[i].Id
}

func ptr[T any](v T) *T { return &v }

// fixedClock returns a clock that always says t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }
