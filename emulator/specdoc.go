package emulator

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// SpecPath is where the emulator serves the spec it validates against: GET or HEAD, without
// authentication (the spec is public, and a tool reading it should not need the emulator's
// credentials), before faults are injected.
const SpecPath = "/openapi.yaml"

// specDocument answers SpecPath and passes every other request on.
type specDocument struct {
	next http.Handler
	body []byte
}

// newSpecDocument serves the spec embedded in package api, which package contract validates
// against: its JSON form, which is YAML too (YAML 1.2 is a superset of JSON), byte for byte.
func newSpecDocument(next http.Handler) (*specDocument, error) {
	body, err := api.GetSpecJSON()
	if err != nil {
		return nil, fmt.Errorf("emulator: loading the embedded spec: %w", err)
	}
	return &specDocument{next: next, body: body}, nil
}

func (d *specDocument) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.EscapedPath() != SpecPath {
		d.next.ServeHTTP(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	default:
		w.Header().Set("Allow", "GET, HEAD")
		csserr.WriteService(w, http.StatusMethodNotAllowed, csserr.BadMethod,
			fmt.Sprintf("Invalid operation: method %s is not allowed on %s (allowed: GET, HEAD)", csserr.Bounded(r.Method, quote.Max), SpecPath))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/yaml")
	h.Set("Content-Length", strconv.Itoa(len(d.body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(d.body) // the client went away; nothing left to tell it
	}
}
