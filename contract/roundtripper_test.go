package contract_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
)

const (
	requestPrefix  = "contract: request GET " + connectionsPath + " (ShowVpcepConnection): "
	responsePrefix = "contract: response 200 to GET " + connectionsPath + " (ShowVpcepConnection): "
)

// asValidationError fails the test unless err is (or wraps) a *contract.ValidationError.
func asValidationError(t *testing.T, err error) *contract.ValidationError {
	t.Helper()
	var ve *contract.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *contract.ValidationError", err, err)
	}
	return ve
}

// A response that breaks the spec fails the call, with a message that names the field and the
// rule.
func TestRoundTripper_rejectsBadResponses(t *testing.T) {
	tests := []struct {
		name string
		r    reply
		want string
	}{{
		name: `vpcepUpdateSwitch "yes"`,
		r:    jsonReply(listJSON("", `"vpcepUpdateSwitch":"yes"`)),
		want: responsePrefix + `vpcepUpdateSwitch: value doesn't match any schema from "oneOf" (value must be a boolean; or value is not one of the allowed values ["true","false"])`,
	}, {
		name: `total_count "1"`,
		r:    jsonReply(`{"connections":[],"total_count":"1"}`),
		want: responsePrefix + `total_count: value must be an integer`,
	}, {
		name: `status "pending"`,
		r:    jsonReply(`{"connections":[{"id":"a","status":"pending"}],"total_count":1}`),
		want: responsePrefix + `connections[0].status: value is not one of the allowed values ["accepted","rejected"]`,
	}, {
		name: "connections an object",
		r:    jsonReply(`{"connections":{},"total_count":1}`),
		want: responsePrefix + `connections: value must be an array`,
	}, {
		name: "total_count missing, id missing",
		r:    jsonReply(`{"connections":[{"status":"accepted"}]}`),
		want: responsePrefix + `connections[0].id: property "id" is missing; total_count: property "total_count" is missing`,
	}, {
		name: "bad IPv4, IPv4 as IPv6",
		r:    jsonReply(listJSON(`"vpcepIp":"192.168.0","vpcepIpv6Address":"192.168.0.1"`, "")),
		want: responsePrefix + `connections[0].vpcepIp: string doesn't match the format "ipv4" (Not an IP address); connections[0].vpcepIpv6Address: string doesn't match the format "ipv6" (Not an IPv6 address (it's IPv4))`,
	}, {
		name: "time stamp not ISO 8601",
		r:    jsonReply(listJSON(`"update_at":"17.09.2021"`, "")),
		want: responsePrefix + `connections[0].update_at: string doesn't match the regular expression "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"`,
	}, {
		name: "permission_type unknown",
		r:    jsonReply(listJSON("", `"permissions":[{"permission_type":"projectId"}]`)),
		want: responsePrefix + `permissions[0].permission_type: value is not one of the allowed values ["domainId"]`,
	}, {
		name: "not JSON",
		r:    jsonReply(`{"connections":`),
		want: responsePrefix + `body: cannot be decoded: unexpected EOF`,
	}, {
		name: "not an object",
		r:    jsonReply(`[]`),
		want: responsePrefix + `body: value must be an object`,
	}, {
		name: "wrong media type",
		r:    reply{status: http.StatusOK, header: http.Header{"Content-Type": {"text/html"}}, body: "<html>"},
		want: responsePrefix + `header "Content-Type": media type is not one the spec declares for this status (application/json)`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.r)
			client := newClient(t, srv.URL, validating(t))
			_, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
			ve := asValidationError(t, err)
			if got := ve.Error(); got != tt.want {
				t.Errorf("message\n got: %s\nwant: %s", got, tt.want)
			}
			if ve.Direction != contract.DirectionResponse || ve.OperationID != "ShowVpcepConnection" || ve.StatusCode != http.StatusOK {
				t.Errorf("error = %+v", ve)
			}
			var re *openapi3filter.ResponseError
			if !errors.As(err, &re) {
				t.Errorf("%v does not unwrap to an *openapi3filter.ResponseError", err)
			}
		})
	}
}

// An error response is validated against the Error schema.
func TestRoundTripper_rejectsEmptyErrorBody(t *testing.T) {
	srv := serve(t, reply{status: http.StatusNotFound, header: http.Header{"Content-Type": {"application/json"}}, body: `{}`})
	client := newClient(t, srv.URL, validating(t))
	_, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
	want := "contract: response 404 to GET " + connectionsPath + " (ShowVpcepConnection): body: doesn't match any schema from \"anyOf\""
	if got := asValidationError(t, err).Error(); got != want {
		t.Errorf("message\n got: %s\nwant: %s", got, want)
	}
}

// A request that breaks the spec is not sent.
func TestRoundTripper_rejectsBadRequests(t *testing.T) {
	tests := []struct {
		name   string
		method string
		target string // path and query
		want   string
		is     error
	}{{
		name:   "limit=0",
		target: connectionsPath + "?limit=0",
		want:   requestPrefix + `query parameter "limit": number must be at least 1`,
	}, {
		name:   "limit=1001",
		target: connectionsPath + "?limit=1001",
		want:   requestPrefix + `query parameter "limit": number must be at most 1000`,
	}, {
		name:   "offset=-1",
		target: connectionsPath + "?offset=-1",
		want:   requestPrefix + `query parameter "offset": number must be at least 0`,
	}, {
		name:   "offset=abc",
		target: connectionsPath + "?offset=abc",
		want:   requestPrefix + `query parameter "offset": value is an invalid integer`,
	}, {
		name:   "limit beyond int32",
		target: connectionsPath + "?limit=99999999999",
		want:   requestPrefix + `query parameter "limit": value is an invalid integer (out of range)`,
	}, {
		name:   "limit empty",
		target: connectionsPath + "?limit=",
		want:   requestPrefix + `query parameter "limit": empty value is not allowed`,
	}, {
		name:   "every problem at once",
		target: connectionsPath + "?limit=1.5&offset=1001",
		want:   requestPrefix + `query parameter "offset": number must be at most 1000; query parameter "limit": value is an invalid integer`,
	}, {
		// kin-openapi judges the first value only; whatever the order, a repeat is the problem.
		name:   "limit twice, the bad value second",
		target: connectionsPath + "?limit=1&limit=5000",
		want:   requestPrefix + `query parameter "limit": appears 2 times, at most once allowed`,
	}, {
		name:   "limit twice, the bad value first",
		target: connectionsPath + "?limit=5000&limit=1",
		want:   requestPrefix + `query parameter "limit": appears 2 times, at most once allowed`,
	}, {
		name:   "offset twice with the same value",
		target: connectionsPath + "?offset=0&limit=10&offset=0",
		want:   requestPrefix + `query parameter "offset": appears 2 times, at most once allowed`,
	}, {
		name:   "cluster_id a dot segment",
		target: "/v1.0/p1/clusters/./vpcepservice/connections",
		want:   "contract: request GET /v1.0/p1/clusters/./vpcepservice/connections (ShowVpcepConnection): " + `path parameter "cluster_id": "." is a dot segment, which URL normalization removes`,
	}, {
		name:   "project_id an escaped dot-dot segment, cluster_id with an escaped slash",
		target: "/v1.0/%2E%2E/clusters/a%2Fb/vpcepservice/connections",
		want:   "contract: request GET /v1.0/%2E%2E/clusters/a%2Fb/vpcepservice/connections (ShowVpcepConnection): " + `path parameter "project_id": ".." is a dot segment, which URL normalization removes`,
	}, {
		// The legacy router matches an empty segment as an empty project_id, and kin-openapi
		// counts an empty path parameter as missing.
		name:   "empty project_id",
		target: "/v1.0//clusters/c1/vpcepservice/connections",
		want:   "contract: request GET /v1.0//clusters/c1/vpcepservice/connections (ShowVpcepConnection): " + `path parameter "project_id": value is required but missing`,
	}, {
		name:   "empty cluster_id",
		target: "/v1.0/p1/clusters//vpcepservice/connections",
		want:   "contract: request GET /v1.0/p1/clusters//vpcepservice/connections (ShowVpcepConnection): " + `path parameter "cluster_id": value is required but missing`,
	}, {
		name:   "unknown path",
		target: "/v1.0/p1/clusters/c1/vpcepservice",
		want:   "contract: request GET /v1.0/p1/clusters/c1/vpcepservice: no operation of the spec matches the path",
		is:     routers.ErrPathNotFound,
	}, {
		name:   "method not allowed",
		method: http.MethodDelete,
		target: connectionsPath,
		want:   "contract: request DELETE " + connectionsPath + ": method DELETE is not allowed (allowed: " + connectionsAllow(t) + ")",
		is:     routers.ErrMethodNotAllowed,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, jsonReply(listJSON("", "")))
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, srv.URL+tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Auth-Token", secret)
			resp, err := (&http.Client{Transport: validating(t)}).Do(req)
			if err == nil {
				resp.Body.Close()
			}
			ve := asValidationError(t, err)
			if got := ve.Error(); got != tt.want {
				t.Errorf("message\n got: %s\nwant: %s", got, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
			if ve.Direction != contract.DirectionRequest {
				t.Errorf("direction %q", ve.Direction)
			}
			if n := srv.hits.Load(); n != 0 {
				t.Errorf("the server got %d requests, want none", n)
			}
		})
	}
}

// The generated client turns an empty project ID into an empty path segment, which the
// RoundTripper stops.
func TestRoundTripper_generatedClientEmptyProjectID(t *testing.T) {
	srv := serve(t, jsonReply(listJSON("", "")))
	client := newClient(t, srv.URL, validating(t))
	_, err := client.ShowVpcepConnectionWithResponse(context.Background(), "", "c1", nil)
	ve := asValidationError(t, err)
	want := []contract.Problem{{In: "path", Name: "project_id", Rule: "value is required but missing"}}
	if diff := cmp.Diff(want, ve.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil || re.Parameter.Name != "project_id" {
		t.Errorf("%v does not unwrap to kin-openapi's RequestError for project_id", err)
	}
}

// The RoundTripper routes on the escaped path the transport sends: the generated client escapes
// a "/" in a cluster ID, and the value validated is the segment decoded once.
func TestRoundTripper_escapedSlashInPathParameters(t *testing.T) {
	tests := []struct {
		project, cluster string
		sent             string // the path on the wire
		want             string // the message reported; "" for none
	}{
		{"p1", "a/b", "/v1.0/p1/clusters/a%2Fb/vpcepservice/connections", ""},
		{"p1", "a%2Fb", "/v1.0/p1/clusters/a%252Fb/vpcepservice/connections", ""},
		{"p/1", "%2E", "/v1.0/p%2F1/clusters/%252E/vpcepservice/connections", ""},
		// Why a dot segment can never be a value: the generated client resolves the URL, which
		// removes it, and sends another path.
		{"p/1", "..", "/v1.0/p%2F1/vpcepservice/connections",
			"contract: request GET /v1.0/p%2F1/vpcepservice/connections: no operation of the spec matches the path"},
		{"p1", ".", "/v1.0/p1/clusters/vpcepservice/connections",
			"contract: request GET /v1.0/p1/clusters/vpcepservice/connections: no operation of the spec matches the path"},
	}
	for _, tt := range tests {
		t.Run(tt.project+" "+tt.cluster, func(t *testing.T) {
			srv := serve(t, jsonReply(listJSON("", "")))
			var reported collect
			client := newClient(t, srv.URL, validating(t, contract.WithReporter(reported.report)))
			resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), tt.project, tt.cluster, nil)
			if err != nil || resp.JSON200 == nil {
				t.Fatalf("err %v, response %+v", err, resp)
			}
			if got := srv.lastURI(); got != tt.sent {
				t.Errorf("the server got %s, want %s", got, tt.sent)
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if diff := cmp.Diff(want, reported.messages()); diff != "" {
				t.Errorf("reported (-want +got):\n%s", diff)
			}
		})
	}
}

// The presence of a credential is checked by default, and only its presence.
func TestRoundTripper_security(t *testing.T) {
	srv := serve(t, jsonReply(listJSON("", "")))
	send := func(t *testing.T, rt http.RoundTripper, header, value string) error {
		req, err := http.NewRequest(http.MethodGet, srv.URL+connectionsPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		if header != "" {
			req.Header.Set(header, value)
		}
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}

	err := send(t, validating(t), "", "")
	want := requestPrefix + `security: no credentials: send header "X-Auth-Token" for token, or header "Authorization" for aksk`
	if got := asValidationError(t, err).Error(); got != want {
		t.Errorf("message\n got: %s\nwant: %s", got, want)
	}
	var se *openapi3filter.SecurityRequirementsError
	if !errors.As(err, &se) {
		t.Errorf("%v does not unwrap to an *openapi3filter.SecurityRequirementsError", err)
	}
	if err := send(t, validating(t), "X-Auth-Token", ""); err == nil {
		t.Error("an empty X-Auth-Token passed")
	}
	if err := send(t, validating(t), "Authorization", "SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=00"); err != nil {
		t.Errorf("AK/SK: %v", err)
	}
	if err := send(t, validating(t), "X-Auth-Token", "not even a real token"); err != nil {
		t.Errorf("token: %v", err)
	}
	if err := send(t, validating(t, contract.WithSecurityCheck(false)), "", ""); err != nil {
		t.Errorf("WithSecurityCheck(false): %v", err)
	}
}

// trackingBody records whether it was closed.
type trackingBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackingBody) Close() error { b.closed.Store(true); return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// respondWith is a transport that answers with body, without a network.
func respondWith(status int, body io.ReadCloser) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: body, ContentLength: -1, Request: r}, nil
	}
}

func TestRoundTripper_failModeClosesTheBody(t *testing.T) {
	body := &trackingBody{Reader: strings.NewReader(`{"connections":{},"total_count":1}`)}
	rt, err := contract.NewRoundTripper(respondWith(200, body))
	if err != nil {
		t.Fatal(err)
	}
	client := newClient(t, "http://css.test", rt)
	resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
	_ = asValidationError(t, err)
	if resp != nil {
		t.Errorf("a response came back with the error: %+v", resp)
	}
	if !body.closed.Load() {
		t.Error("the response body was not closed")
	}
}

// In report mode the caller gets the response exactly as sent, bad or not.
func TestRoundTripper_reportModePassesThrough(t *testing.T) {
	sent := `{"connections":[{"id":"a","status":"pending"}],"total_count":1}`
	srv := serve(t, jsonReply(sent))
	var got collect
	client := newClient(t, srv.URL, validating(t, contract.WithReporter(got.report)))

	resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != sent {
		t.Errorf("body\n got: %s\nwant: %s", resp.Body, sent)
	}
	if resp.JSON200 == nil || resp.JSON200.Connections[0].Status != "pending" {
		t.Errorf("decoded %+v", resp.JSON200)
	}
	want := []string{responsePrefix + `connections[0].status: value is not one of the allowed values ["accepted","rejected"]`}
	if diff := cmp.Diff(want, got.messages()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// Report mode reports bad requests too, and sends them.
func TestRoundTripper_reportModeSendsBadRequests(t *testing.T) {
	srv := serve(t, jsonReply(listJSON("", "")))
	var got collect
	client := newClient(t, srv.URL, validating(t, contract.WithReporter(got.report)))
	resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil, func(_ context.Context, r *http.Request) error {
		r.URL.RawQuery = "limit=0"
		return nil
	})
	if err != nil || resp.JSON200 == nil {
		t.Fatalf("err %v, response %+v", err, resp)
	}
	want := []string{requestPrefix + `query parameter "limit": number must be at least 1`}
	if diff := cmp.Diff(want, got.messages()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	if srv.hits.Load() != 1 {
		t.Errorf("the server got %d requests, want 1", srv.hits.Load())
	}
}

// A body over the limit is not validated but reported, and still reaches the caller whole.
func TestRoundTripper_bodyLimit(t *testing.T) {
	seed := example(t, api.ExampleSeed)
	srv := serve(t, jsonReply(seed))
	wantMsg := responsePrefix + "body: is larger than the 64-byte limit, so it was not validated"

	t.Run("fail", func(t *testing.T) {
		client := newClient(t, srv.URL, validating(t, contract.WithBodyLimit(64)))
		_, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
		if got := asValidationError(t, err).Error(); got != wantMsg {
			t.Errorf("message\n got: %s\nwant: %s", got, wantMsg)
		}
		if !errors.Is(err, contract.ErrBodyTooLarge) {
			t.Errorf("%v is not ErrBodyTooLarge", err)
		}
	})
	t.Run("report", func(t *testing.T) {
		var got collect
		client := newClient(t, srv.URL, validating(t, contract.WithBodyLimit(64), contract.WithReporter(got.report)))
		resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != seed || resp.JSON200 == nil || resp.JSON200.TotalCount != 1 {
			t.Errorf("body %s, decoded %+v", resp.Body, resp.JSON200)
		}
		if diff := cmp.Diff([]string{wantMsg}, got.messages()); diff != "" {
			t.Errorf("reported (-want +got):\n%s", diff)
		}
	})
	t.Run("at the limit", func(t *testing.T) {
		client := newClient(t, srv.URL, validating(t, contract.WithBodyLimit(int64(len(seed)))))
		if _, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil); err != nil {
			t.Error(err)
		}
	})
}

// onlyReader hides everything but Read, so http.NewRequest sets no GetBody.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// A request body reaches the next transport whole, whether it could be read twice (GetBody) or
// not, and whether or not it is over the limit.
func TestRoundTripper_requestBodyReachesTheServer(t *testing.T) {
	const payload = `{"hello":"world"}`
	tests := []struct {
		name  string
		body  func() io.Reader
		limit int64
		want  []string
	}{
		{"GetBody", func() io.Reader { return strings.NewReader(payload) }, 0,
			[]string{requestPrefix + `body: the operation takes no request body`}},
		{"no GetBody", func() io.Reader { return onlyReader{strings.NewReader(payload)} }, 0,
			[]string{requestPrefix + `body: the operation takes no request body`}},
		{"over the limit", func() io.Reader { return onlyReader{strings.NewReader(payload)} }, 4, []string{
			requestPrefix + `body: is larger than the 4-byte limit, so it was not validated`,
			responsePrefix + `body: is larger than the 4-byte limit, so it was not validated`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, jsonReply(listJSON("", "")))
			var got collect
			opts := []contract.Option{contract.WithReporter(got.report)}
			if tt.limit > 0 {
				opts = append(opts, contract.WithBodyLimit(tt.limit))
			}
			req, err := http.NewRequest(http.MethodGet, srv.URL+connectionsPath, tt.body())
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Auth-Token", secret)
			body := req.Body
			resp, err := (&http.Client{Transport: validating(t, opts...)}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := srv.lastBody(); string(got) != payload {
				t.Errorf("the server got %q, want %q", got, payload)
			}
			if req.Body != body {
				t.Error("the caller's request was modified")
			}
			if diff := cmp.Diff(tt.want, got.messages()); diff != "" {
				t.Errorf("reported (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("fail mode does not send", func(t *testing.T) {
		srv := serve(t, jsonReply(listJSON("", "")))
		body := &trackingBody{Reader: strings.NewReader(payload)}
		req, err := http.NewRequest(http.MethodGet, srv.URL+connectionsPath, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", secret)
		resp, err := (&http.Client{Transport: validating(t)}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		_ = asValidationError(t, err)
		if srv.hits.Load() != 0 || !body.closed.Load() {
			t.Errorf("hits %d, request body closed %v; want 0, true", srv.hits.Load(), body.closed.Load())
		}
	})
}

var errBroken = errors.New("connection broke")

// brokenBody yields its data, then errBroken.
func brokenBody(data string) io.ReadCloser {
	return io.NopCloser(io.MultiReader(strings.NewReader(data), readerFunc(func([]byte) (int, error) { return 0, errBroken })))
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// A response body that breaks off cannot be judged: failing, the call fails with the read
// error; reporting, the caller reads what arrived and then the same error.
func TestRoundTripper_brokenResponseBody(t *testing.T) {
	const part = `{"connections":[`
	t.Run("fail", func(t *testing.T) {
		rt, err := contract.NewRoundTripper(respondWith(200, brokenBody(part)))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := newClient(t, "http://css.test", rt).ShowVpcepConnection(context.Background(), "p1", "c1", nil)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, errBroken) {
			t.Errorf("error %v, want %v", err, errBroken)
		}
	})
	t.Run("report", func(t *testing.T) {
		var got collect
		rt, err := contract.NewRoundTripper(respondWith(200, brokenBody(part)), contract.WithReporter(got.report))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := newClient(t, "http://css.test", rt).ShowVpcepConnection(context.Background(), "p1", "c1", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if string(data) != part || !errors.Is(err, errBroken) {
			t.Errorf("read %q, %v; want %q, %v", data, err, part, errBroken)
		}
		if len(got.messages()) != 0 {
			t.Errorf("reported %v", got.messages())
		}
	})
}

type idleCloser struct {
	http.RoundTripper
	closed atomic.Bool
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Store(true) }

func TestRoundTripper_closeIdleConnectionsReachesNext(t *testing.T) {
	next := &idleCloser{RoundTripper: transport(t)}
	rt, err := contract.NewRoundTripper(next)
	if err != nil {
		t.Fatal(err)
	}
	(&http.Client{Transport: rt}).CloseIdleConnections()
	if !next.closed.Load() {
		t.Error("CloseIdleConnections did not reach the next transport")
	}
}

// fakeTB records what ForTest reports.
type fakeTB struct {
	errors, fatals []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatals = append(f.fatals, sprintf(format, args...))
}

func TestForTest(t *testing.T) {
	t.Run("bad response fails the test and passes through", func(t *testing.T) {
		srv := serve(t, jsonReply(`{"connections":[{"id":"a","status":"pending"}],"total_count":1}`))
		tb := &fakeTB{}
		client := newClient(t, srv.URL, contract.ForTest(tb, transport(t)))
		resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
		if err != nil || resp.JSON200 == nil {
			t.Fatalf("err %v, response %+v", err, resp)
		}
		want := []string{responsePrefix + `connections[0].status: value is not one of the allowed values ["accepted","rejected"]`}
		if diff := cmp.Diff(want, tb.errors); diff != "" {
			t.Errorf("Errorf calls (-want +got):\n%s", diff)
		}
	})
	t.Run("good traffic reports nothing", func(t *testing.T) {
		srv := serve(t, jsonReply(example(t, api.ExampleCurrent)))
		tb := &fakeTB{}
		client := newClient(t, srv.URL, contract.ForTest(tb, transport(t)))
		if _, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil); err != nil {
			t.Fatal(err)
		}
		if len(tb.errors)+len(tb.fatals) != 0 {
			t.Errorf("reported %v %v", tb.errors, tb.fatals)
		}
	})
	t.Run("a bad option is fatal", func(t *testing.T) {
		tb := &fakeTB{}
		contract.ForTest(tb, nil, contract.WithBodyLimit(-1))
		if len(tb.fatals) != 1 || !strings.Contains(tb.fatals[0], "WithBodyLimit(-1)") {
			t.Errorf("Fatalf calls %v", tb.fatals)
		}
	})
}

func TestOptions_rejectWrongValues(t *testing.T) {
	tests := []struct {
		name  string
		build func() error
		want  string
	}{{
		name:  "WithBodyLimit(0)",
		build: func() error { _, err := contract.NewRoundTripper(nil, contract.WithBodyLimit(0)); return err },
		want:  "contract: WithBodyLimit(0): the limit must be positive",
	}, {
		name:  "WithReporter(nil)",
		build: func() error { _, err := contract.NewRoundTripper(nil, contract.WithReporter(nil)); return err },
		want:  "contract: WithReporter(nil): the reporter must be a function",
	}, {
		name: "WithResponseValidation on a RoundTripper",
		build: func() error {
			_, err := contract.NewRoundTripper(nil, contract.WithResponseValidation(true))
			return err
		},
		want: "contract: WithResponseValidation applies to NewMiddleware, not NewRoundTripper, which always validates responses",
	}, {
		name: "WithResponseValidation(false) without a reporter",
		build: func() error {
			_, err := contract.NewMiddleware(http.NotFoundHandler(), contract.WithResponseValidation(false))
			return err
		},
		want: "contract: WithResponseValidation(false) reports bad responses to WithReporter's function, and none is given",
	}, {
		name:  "NewMiddleware(nil)",
		build: func() error { _, err := contract.NewMiddleware(nil); return err },
		want:  "contract: NewMiddleware: the next handler is nil",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %s", err, tt.want)
			}
		})
	}
}

// The spec loads and is valid with examples, formats and patterns checked.
func TestSpec_isValid(t *testing.T) {
	doc, err := apiSpec()
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil // as the package uses it
	err = doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := contract.NewRoundTripper(nil); err != nil {
		t.Fatalf("the package cannot load the spec: %v", err)
	}
	if len(bytes.TrimSpace([]byte(example(t, api.ExampleSeed)))) == 0 {
		t.Fatal("no seed example")
	}
}

// kin-openapi decodes only the first JSON value of a body; data after it is reported too, and
// the error is ErrTrailingData.
func TestRoundTripper_rejectsTrailingData(t *testing.T) {
	for _, body := range []string{
		`{"connections":[],"total_count":0}x`,
		`{"connections":[],"total_count":0} {}`,
		`{"connections":[],"total_count":0}` + "\x00",
	} {
		srv := serve(t, jsonReply(body))
		client := newClient(t, srv.URL, validating(t))
		_, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
		want := responsePrefix + "body: holds more data after its JSON value"
		if got := asValidationError(t, err).Error(); got != want {
			t.Errorf("%q: message\n got: %s\nwant: %s", body, got, want)
		}
		if !errors.Is(err, contract.ErrTrailingData) {
			t.Errorf("%q: %v is not ErrTrailingData", body, err)
		}
	}
	// White space after the value is no data.
	srv := serve(t, jsonReply(`{"connections":[],"total_count":0}`+" \n\t"))
	client := newClient(t, srv.URL, validating(t))
	if _, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil); err != nil {
		t.Errorf("trailing white space: %v", err)
	}
}
