package contract

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/cssvpcep/cssvpcep/api"
)

// spec is the embedded spec made ready for validation; shared, never modified after loading.
type spec struct {
	router routers.Router
	// methods holds every method the spec has an operation for, probed to tell "method not
	// allowed" from "no such path".
	methods []string
	// formats checks the formats kin-openapi leaves unchecked unless asked (ipv4, ipv6), per
	// validation rather than through kin-openapi's global format registry, which would change
	// the behaviour of every other user of kin-openapi in the program.
	formats []openapi3.SchemaValidationOption
	// rules holds, for every operation, the checks kin-openapi leaves out.
	rules map[*openapi3.Operation]*paramRules
	// bodies are the compiled checks of the JSON response bodies (bodycheck.go).
	bodies bodyChecks
}

// loadSpec loads the embedded spec once: decoding, resolving and validating it costs far more
// than a request, and the result never changes.
var loadSpec = sync.OnceValues(func() (*spec, error) {
	shared, err := api.Spec()
	if err != nil {
		return nil, fmt.Errorf("contract: loading the embedded spec: %w", err)
	}
	// A shallow copy, which the changes below touch only at its top level: the decoded spec is
	// shared with everyone else who reads it through api.Spec.
	doc := *shared
	// The spec's servers are the public endpoints; without them the router matches on the path
	// alone, so validation works against loopback test servers, the emulator and any region.
	// (The legacy router only looks at the document's servers, not at path or operation ones.)
	doc.Servers = nil
	// A map of the copy's own, never one the shared spec might hold.
	doc.SetStringFormatValidators(contractFormats())

	// The legacy router rather than gorillamux: gorillamux needs github.com/gorilla/mux, a module
	// this one does not depend on, and copies the route on every match, where legacy returns the
	// route it stored. Legacy's one gap, reporting a method the path lacks as "no matching
	// operation", is filled by allowedMethods on the (cold) miss path. NewRouter also validates
	// the document, so a spec that breaks its own examples or patterns fails here.
	router, err := legacy.NewRouter(&doc,
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	)
	if err != nil {
		return nil, fmt.Errorf("contract: the embedded spec is not valid: %w", err)
	}

	// The body checks key on the router's document's media types, and know the same formats.
	bodies, _ := compileResponseBodies(&doc, bodyFormats{strings: contractFormats()})
	s := &spec{router: router, formats: doc.GetSchemaValidationOptions(),
		rules: map[*openapi3.Operation]*paramRules{}, bodies: bodies}
	for _, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !slices.Contains(s.methods, method) {
				s.methods = append(s.methods, method)
			}
			s.rules[op] = newParamRules(item, op)
		}
	}
	slices.Sort(s.methods)
	return s, nil
})

// findRoute finds the route of req, as the legacy router does, but for a path that lacks a
// segment of the route's template: the router lets /v1.0/p/clusters be ShowClusterDetail with
// an empty cluster_id, where ServeMux (the generated server's router) routes nothing. (Like
// the router, it lets a trailing slash through; the emulator's router answers that itself.)
func (s *spec) findRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := s.router.FindRoute(req)
	if err == nil && strings.Count(strings.TrimSuffix(req.URL.Path, "/"), "/") != strings.Count(route.Path, "/") {
		return nil, nil, routers.ErrPathNotFound
	}
	return route, params, err
}

// allowedMethods lists the methods the spec has for req's path, for a request the router did
// not match: empty when the path is unknown, else the 405 Allow list.
func (s *spec) allowedMethods(req *http.Request) []string {
	var allow []string
	probe := *req
	for _, m := range s.methods {
		if m == req.Method {
			continue
		}
		probe.Method = m
		if _, _, err := s.findRoute(&probe); err == nil {
			allow = append(allow, m)
		}
	}
	return allow
}
