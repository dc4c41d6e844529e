package contract

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/cssvpcep/cssvpcep/api"
)

// TestBodyChecks_forResponse: whenever forResponse gives a check, kin-openapi's
// ValidateResponse (after the status and headers, which pass here) decodes that body with
// encoding/json and reports what the check reports; and it gives one for the spec's JSON
// responses.
func TestBodyChecks_forResponse(t *testing.T) {
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	checks, refused := compileResponseBodies(doc, bodyFormats{strings: contractFormats()})
	if len(refused) > 0 || len(checks) == 0 {
		t.Fatalf("compiled %d, refused %v", len(checks), refused)
	}
	s, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, SchemaValidationOptions: s.formats,
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	found := 0
	route, _, err := router.FindRoute(httptest.NewRequest(http.MethodGet, "http://css.test/v1.0/p/clusters/c/vpcepservice/connections", nil))
	if err != nil {
		t.Fatal(err)
	}
	// The spec has no HEAD operation; kin-openapi validates no response to a HEAD request.
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req := httptest.NewRequest(method, "http://css.test/v1.0/p/clusters/c/vpcepservice/connections", nil)
		for _, status := range []int{200, 201, 400, 404, 599, 301, 304, 307, 308} {
			for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON", "text/plain",
				"application/problem+json", "", "application/json;;", "*/*"} {
				bc := checks.forResponse(method, route.Operation, status, ct)
				if bc == nil {
					continue
				}
				found++
				for _, body := range []string{`{`, `[]`, `{}`, `{"connections":[{}],"total_count":0}`} {
					in := &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: opts}
					rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status,
						Header: http.Header{"Content-Type": {ct}}, Options: opts}
					rin.SetBodyBytes([]byte(body))
					want := problemsOf(openapi3filter.ValidateResponse(context.Background(), rin))
					if got, _, _ := bodyCheckProblems(bc, []byte(body), 100); !slices.Equal(got, want) {
						t.Errorf("%s, status %d, %q, body %s: the check says %v, kin-openapi %v", method, status, ct, body, got, want)
					}
				}
			}
		}
	}
	if found == 0 || checks.forResponse(http.MethodGet, nil, 200, "application/json") != nil {
		t.Errorf("forResponse found %d checks", found)
	}
	for _, status := range []int{200, 400, 599} {
		if checks.forResponse(http.MethodGet, route.Operation, status, "application/json") == nil {
			t.Errorf("no check for GET's %d", status)
		}
	}
}
