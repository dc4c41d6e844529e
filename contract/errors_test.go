package contract_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/contract"
)

// No message, whether an error's or a middleware reply's, quotes a header value: credentials
// travel in headers. kin-openapi's own errors may, which is why the test also checks that the
// secret does reach at least one of them (otherwise it would prove nothing). The spec's
// headers are all strings but Content-Type; TestProblemsOf_neverQuotesHeaderValues covers
// header values that break a schema.
func TestValidationError_neverQuotesHeaderValues(t *testing.T) {
	credentials := http.Header{"X-Auth-Token": {secret}, "Authorization": {secret}, "X-Sdk-Date": {secret}}
	responses := []struct {
		name string
		r    reply
		want string // the problem the message must still name; "" for none
	}{{
		name: "Retry-After any text",
		r: reply{status: http.StatusTooManyRequests, body: `{"error_code":"APIGW.0308","error_msg":"too many"}`,
			header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {secret}, "X-Request-Id": {secret}}},
	}, {
		name: "Content-Type",
		r:    reply{status: http.StatusOK, body: `{}`, header: http.Header{"Content-Type": {"application/" + secret}}},
		want: `header "Content-Type": media type is not one the spec declares for this status (application/json)`,
	}, {
		name: "bad body, secret headers",
		r: reply{status: http.StatusOK, body: `{"connections":{}}`,
			header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {secret}, "Set-Cookie": {"s=" + secret}}},
		want: `connections: value must be an array`,
	}}
	var kinQuotes bool
	for _, tt := range responses {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.r)
			req, err := http.NewRequest(http.MethodGet, srv.URL+connectionsPath+"?limit=0", nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range credentials {
				req.Header[k] = v
			}
			var got collect
			resp, err := (&http.Client{Transport: validating(t, contract.WithReporter(got.report))}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			msgs := got.messages()
			switch {
			case tt.want == "" && len(msgs) != 1:
				t.Errorf("messages %q, want a request problem only", msgs)
			case tt.want != "" && (len(msgs) != 2 || !strings.Contains(msgs[1], tt.want)):
				t.Errorf("messages %q, want a request problem and a response one with %q", msgs, tt.want)
			}
			for _, e := range got.errs {
				if m := e.Error(); strings.Contains(m, secret) {
					t.Errorf("message quotes a header value: %s", m)
				}
				for _, p := range e.Problems {
					if strings.Contains(p.String(), secret) {
						t.Errorf("problem quotes a header value: %s", p)
					}
				}
				if e.Err != nil && strings.Contains(e.Err.Error(), secret) {
					kinQuotes = true
				}
			}
		})
	}
	if !kinQuotes {
		t.Error("no kin-openapi error quoted the secret: the test no longer proves anything")
	}

	t.Run("middleware replies", func(t *testing.T) {
		h := middleware(t, &recordNext{}, contract.WithSecurityCheck(true))
		for _, target := range []string{
			connectionsPath + "?limit=abc",
			"/nowhere",
			connectionsPath + "?limit=1&limit=2",
			"/v1.0/p1/clusters/./vpcepservice/connections",
			"/v1.0/p%2F1/clusters/%2E%2E/vpcepservice/connections?offset=1&offset=x",
		} {
			w := do(h, http.MethodGet, target, credentials, nil)
			if strings.Contains(w.Body.String(), secret) || w.Code < 400 {
				t.Errorf("%s: %d %s", target, w.Code, w.Body)
			}
		}
	})
}

// A ValidationError unwraps to kin-openapi's error type for its direction: for a JSON response
// body, which the compiled body check judges, a *openapi3filter.ResponseError around the
// check's *contract.BodyError (the same problems; no schema errors are built for them).
func TestValidationError_unwrapsToKinOpenAPI(t *testing.T) {
	srv := serve(t, jsonReply(`{"connections":[{"id":"a","status":"pending"}],"total_count":1}`))
	client := newClient(t, srv.URL, validating(t))
	_, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
	ve := asValidationError(t, err)

	var be *contract.BodyError
	if !errors.As(err, &be) || len(be.Problems) != 1 || be.Problems[0].Name != "connections[0].status" {
		t.Fatalf("%v does not unwrap to a *contract.BodyError with the problem", err)
	}
	var re *openapi3filter.ResponseError
	if !errors.As(ve, &re) || re.Input.Status != 200 {
		t.Errorf("%v does not unwrap to the *openapi3filter.ResponseError", ve)
	}
	want := []contract.Problem{{In: "body", Name: "connections[0].status", Keyword: "enum",
		Rule: `value is not one of the allowed values ["accepted","rejected"]`}}
	if diff := cmp.Diff(want, ve.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestProblem_String(t *testing.T) {
	tests := []struct {
		p    contract.Problem
		want string
	}{
		{contract.Problem{In: "query", Name: "limit", Rule: "number must be at most 1000"}, `query parameter "limit": number must be at most 1000`},
		{contract.Problem{In: "path", Name: "project_id", Rule: "r"}, `path parameter "project_id": r`},
		{contract.Problem{In: "header", Name: "Retry-After", Rule: "r"}, `header "Retry-After": r`},
		{contract.Problem{In: "body", Name: "connections[0].status", Rule: "r"}, `connections[0].status: r`},
		{contract.Problem{In: "body", Rule: "r"}, `body: r`},
		{contract.Problem{In: "security", Rule: "r"}, `security: r`},
		{contract.Problem{Rule: "no operation"}, `no operation`},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v: got %s, want %s", tt.p, got, tt.want)
		}
	}
}

// A decoder's message that spans lines still makes a one-line error.
func TestValidationError_isOneLine(t *testing.T) {
	e := &contract.ValidationError{Direction: contract.DirectionRequest, Method: "GET", Path: "/p",
		Problems: []contract.Problem{{In: "body", Rule: "first\nsecond\r\n third"}}}
	if got, want := e.Error(), "contract: request GET /p: body: first second third"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestValidationError_boundsMethodAndPath: a 405's method and any path are the peer's, of any
// length; the message keeps 64 and 256 bytes of them.
func TestValidationError_boundsMethodAndPath(t *testing.T) {
	e := &contract.ValidationError{Direction: contract.DirectionRequest, Method: strings.Repeat("M", 100_000),
		Path: "/" + strings.Repeat("p", 100_000), Problems: []contract.Problem{{In: "", Rule: "method not allowed"}}}
	got := e.Error()
	if len(got) > 1024 {
		t.Fatalf("the message is %d bytes: %.200q", len(got), got)
	}
	if !strings.Contains(got, strings.Repeat("M", 64)+"…") || strings.Contains(got, strings.Repeat("M", 65)) {
		t.Errorf("the method is not cut at 64 bytes: %.200q", got)
	}
}
