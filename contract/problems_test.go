package contract

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/go-cmp/cmp"
)

// secretValue stands for a credential, as secret does in the package's external tests.
const secretValue = "tok-SECRET-123"

// headerSpec has the header rules the CSS spec no longer has (its Retry-After became any
// string), so that what kin-openapi says of a header value is still seen to be kept out of
// the problems.
const headerSpec = `
openapi: 3.0.3
info: {title: headers, version: "1"}
paths:
  /h:
    get:
      parameters:
        - {name: X-Count, in: header, required: true, schema: {type: integer, minimum: 0}}
        - {name: X-Kind, in: header, schema: {type: string, enum: [a, b]}}
      responses:
        "200":
          description: ok
          headers:
            Retry-After: {schema: {type: integer, minimum: 0}}
`

func TestProblemsOf_neverQuotesHeaderValues(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(headerSpec))
	if err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/h", nil)
	req.Header.Set("X-Count", secretValue)
	req.Header.Set("X-Kind", secretValue)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: http.StatusOK, Options: opts,
		Header: http.Header{"Retry-After": {secretValue}}}
	rin.SetBodyBytes(nil)
	respErr := openapi3filter.ValidateResponse(context.Background(), rin)

	if !strings.Contains(reqErr.Error()+respErr.Error(), secretValue) {
		t.Fatal("no kin-openapi error quotes the secret: the test no longer proves anything")
	}
	got := append(problemsOf(reqErr), problemsOf(respErr)...)
	want := []Problem{
		{In: "header", Name: "X-Count", Rule: "value is an invalid integer"},
		{In: "header", Name: "X-Kind", Keyword: "enum", Rule: `value is not one of the allowed values ["a","b"]`},
		{In: "header", Name: "Retry-After", Rule: "value is an invalid integer"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	for _, p := range got {
		if strings.Contains(p.String(), secretValue) {
			t.Errorf("problem quotes a header value: %s", p)
		}
	}
}
