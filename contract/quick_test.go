package contract

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// quickSeeds are requests at and around every edge the quick check judges.
var quickSeeds = []struct {
	path, query, header string
}{
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=10&offset=0", "Authorization"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1000&offset=1000", ""},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=0", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1001", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "offset=-1", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "offset=abc", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=+5", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=-0", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=05", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1.0", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1e2", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=0x10", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1_0", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=2147483648", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=%31%30", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=%2B5", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=5+", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1%", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "lim%69t=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=5;limit=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=1&limit=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=&limit=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=%zz&limit=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "&&limit=3&&offset=4&", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=3=4", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "other=1&limit=3", "X-Auth-Token"},
	{"/v1.0//clusters/c1/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters//vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/%E2%82%AC/clusters/%F0%9F%98%80/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections/", "limit=3", "X-Auth-Token"},
}

// The quick check only ever says yes to a request kin-openapi accepts, whether credentials are
// checked or not; and it does say yes to ordinary valid requests, or it would be useless.
func FuzzQuickCheck(f *testing.F) {
	for _, s := range quickSeeds {
		f.Add(s.path, s.query, s.header)
	}
	validators := map[bool]*validator{}
	for _, security := range []bool{false, true} {
		v, err := newValidator(&config{bodyLimit: DefaultBodyLimit}, security)
		if err != nil {
			f.Fatal(err)
		}
		validators[security] = v
	}
	f.Fuzz(func(t *testing.T, path, query, header string) {
		u := &url.URL{Path: path, RawQuery: query}
		if _, err := url.ParseRequestURI(u.String()); err != nil {
			t.Skip()
		}
		req := httptest.NewRequest(http.MethodGet, "http://css.test/", nil)
		req.URL = u
		if header != "" {
			if !validHeaderName(header) {
				t.Skip()
			}
			req.Header.Set(header, "credential")
		}
		for security, v := range validators {
			route, params, verr := v.route(req)
			if verr != nil {
				continue
			}
			qc := v.spec.quick[route.Operation]
			if qc == nil {
				t.Fatalf("no quick check for %s", route.Operation.OperationID)
			}
			quick := qc.passes(req.Header, params, req.URL.RawQuery, security)
			kin := openapi3filter.ValidateRequest(context.Background(),
				&openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts})
			if quick && kin != nil {
				t.Errorf("security %v: the quick check passed %s?%s (%s), which kin-openapi rejects: %v", security, path, query, header, kin)
			}
		}
	})
}

func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !ok {
			return false
		}
	}
	return s != ""
}

func TestQuickCheck_passesOrdinaryRequests(t *testing.T) {
	v, err := newValidator(&config{bodyLimit: DefaultBodyLimit}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		"/v1.0/p1/clusters/c1/vpcepservice/connections",
		"/v1.0/p1/clusters/c1/vpcepservice/connections?offset=0&limit=10",
		"/v1.0/p1/clusters/c1/vpcepservice/connections?limit=1000&offset=1000&other=x",
	} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("X-Auth-Token", "t")
		route, params, verr := v.route(req)
		if verr != nil {
			t.Fatal(verr)
		}
		if !v.spec.quick[route.Operation].passes(req.Header, params, req.URL.RawQuery, true) {
			t.Errorf("the quick check does not pass %s", target)
		}
	}
}

// queryValue agrees with url.ParseQuery whenever it is sure and finds at most one value.
func TestQueryValue_agreesWithParseQuery(t *testing.T) {
	for _, s := range quickSeeds {
		for _, name := range []string{"limit", "offset", "other"} {
			v, n, sure := queryValue(s.query, name)
			if !sure || n > 1 {
				continue
			}
			q, _ := url.ParseQuery(s.query)
			vs := q[name]
			if len(vs) != n || n == 1 && vs[0] != v {
				t.Errorf("%q %s: queryValue %q ×%d, ParseQuery %q", s.query, name, v, n, vs)
			}
		}
	}
}
