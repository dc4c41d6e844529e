package contract

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	gopath "path"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cssvpcep/cssvpcep/api"
)

// requestSeeds are requests at and around every edge of parameter validation, the rules and
// routing on the escaped path. path is escaped, as it comes in a request line.
var requestSeeds = []struct {
	path, query, header string
}{
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/", "", "X-Auth-Token"},
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
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=5000&limit=1", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=3&offset=2&limit=3", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=3&lim%69t=3", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=3&limit=4;x&limit", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=&limit=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=%zz&limit=5000", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=%zz&limit=5&limit=%zz", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "&&limit=3&&offset=4&", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "limit=3=4", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "other=1&limit=3", "X-Auth-Token"},
	{"/v1.0//clusters/c1/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters//vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/%E2%82%AC/clusters/%F0%9F%98%80/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/%25E2%2582%25AC/clusters/%25/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections/", "limit=3", "X-Auth-Token"},
	{"/v1.0/p1/clusters/./vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/../clusters/c1/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/%2E/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/.%2e/vpcepservice/connections", "limit=1&limit=1", "X-Auth-Token"},
	{"/v1.0/p1/clusters/a%2Fb/vpcepservice/connections", "limit=3", "X-Auth-Token"},
	{"/v1.0/p%2f1/clusters/a%252Fb/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1%2E0/p1/clusters/a%2F..%25/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/%2F/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters%2Fc1/vpcepservice/connections", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections%2F", "", "X-Auth-Token"},
	{"/v1.0/p1/clusters/c1/vpcepservice/connections", "", "X-Auth-Token"},
}

// muxMatch is the context key under which the generated server's ServeMux hands back the path
// values it matched.
type muxMatch struct{}

// muxRouter is the ServeMux the generated server registers its routes on, with each handler
// replaced by one that hands back ServeMux's PathValue.
type muxRouter struct{ *http.ServeMux }

func (m muxRouter) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	m.ServeMux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
		*r.Context().Value(muxMatch{}).(*func(string) string) = r.PathValue
	})
}

// muxPathValue routes req as the generated server does; nil when it does not reach the
// operation (no match, or a redirect to the clean path).
func muxPathValue(mux http.Handler, req *http.Request) func(string) string {
	var pathValue func(string) string
	mux.ServeHTTP(httptest.NewRecorder(), req.WithContext(context.WithValue(req.Context(), muxMatch{}, &pathValue)))
	return pathValue
}

// FuzzValidator_request holds the validator to what it must agree with, whatever the path
// (escaped, as in a request line), query and credential header:
//
//   - Routing: every request the generated server's ServeMux routes to the operation, contract
//     routes to it too, with the same path parameter values; and contract routes no clean path
//     (one ServeMux would not redirect) that ServeMux does not.
//   - The validator accepts exactly what kin-openapi accepts, less what the rules reject,
//     computed here the slow way: a query parameter repeated in url.ParseQuery's map, a path
//     parameter "." or "..".
//   - Its problems do not depend on the order of the query's pairs.
func FuzzValidator_request(f *testing.F) {
	for _, s := range requestSeeds {
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
	mux := api.HandlerWithOptions(nil, api.StdHTTPServerOptions{BaseRouter: muxRouter{http.NewServeMux()}})
	f.Fuzz(func(t *testing.T, path, query, header string) {
		target := path
		if query != "" {
			target += "?" + query
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || u.RawQuery != query || !strings.HasPrefix(path, "/") {
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

		muxValue := muxPathValue(mux, req)
		for security, v := range validators {
			route, params, verr := v.route(req)
			if verr != nil {
				if muxValue != nil {
					t.Fatalf("%s: ServeMux routes it, contract does not: %v", path, verr)
				}
				continue
			}
			// ServeMux takes a segment that decodes to "/" for a trailing slash, which no
			// wildcard matches (net/http's routing_tree.go); the spec allows the value.
			if esc := req.URL.EscapedPath(); muxValue == nil && gopath.Clean(esc) == esc && !slices.Contains(slices.Collect(maps.Values(params)), "/") {
				t.Fatalf("%s: contract routes the clean path %s, ServeMux does not", path, esc)
			}
			for name, value := range params {
				if muxValue != nil && muxValue(name) != value {
					t.Errorf("%s: path parameter %s is %q, ServeMux's %q", path, name, value, muxValue(name))
				}
			}
			kin := openapi3filter.ValidateRequest(context.Background(),
				&openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts})

			want := kin == nil && !breaksRules(route.Operation, params, query)
			_, got := v.checkRequest(req, route, params, nil)
			if (got == nil) != want {
				t.Errorf("security %v: %s?%s (%s): the validator says %v, want accepted %v", security, path, query, header, got, want)
			}

			reversed := req.Clone(context.Background())
			pairs := strings.Split(query, "&")
			slices.Reverse(pairs)
			reversed.URL.RawQuery = strings.Join(pairs, "&")
			_, rgot := v.checkRequest(reversed, route, params, nil)
			if (got == nil) != (rgot == nil) || (got != nil && !slices.Equal(got.Problems, rgot.Problems)) {
				t.Errorf("security %v: %s: query %s: %v; reversed %s: %v", security, path, query, got, reversed.URL.RawQuery, rgot)
			}
		}
	})
}

// breaksRules reports, the slow way, whether a request breaks the rules kin-openapi leaves out.
func breaksRules(op *openapi3.Operation, params map[string]string, rawQuery string) bool {
	for _, v := range params {
		if v == "." || v == ".." {
			return true
		}
	}
	query, _ := url.ParseQuery(rawQuery)
	for _, ref := range op.Parameters {
		p := ref.Value
		if p.In == openapi3.ParameterInQuery && !p.Schema.Value.Type.Is(openapi3.TypeArray) && len(query[p.Name]) > 1 {
			return true
		}
	}
	return false
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
