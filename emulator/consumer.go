package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// EndpointsPath is the emulator-only path on which a consumer's VPC endpoint is added
// (Store.AddEndpoint over HTTP): POST with {"domain_id": "<account ID>"}, answered 201 with the
// new connection. It is outside /v1.0, the spec's, so that no CSS client takes it for an
// operation of the service.
const EndpointsPath = "/emulator/v1/{project_id}/clusters/{cluster_id}/endpoints"

// emulatorOnlyPrefix starts every path of the emulator's own, which package contract does not
// validate (they are not in the spec): the handler checks its input itself.
const emulatorOnlyPrefix = "/emulator/"

// emulatorOnly sends the emulator's own paths to own and every other request to spec, the
// contract layer in front of the generated handler.
type emulatorOnly struct{ spec, own http.Handler }

func (h *emulatorOnly) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.EscapedPath(), emulatorOnlyPrefix) {
		h.own.ServeHTTP(w, r)
		return
	}
	h.spec.ServeHTTP(w, r)
}

// newConsumerHandler serves EndpointsPath from store, behind the router that answers other
// paths (404 CSS.0016) and methods (405 CSS.0004) in the CSS shape.
func newConsumerHandler(store *Store) http.Handler {
	mux := newRouter()
	mux.HandleFunc(http.MethodPost+" "+EndpointsPath, func(w http.ResponseWriter, r *http.Request) {
		domainID, err := readEndpointRequest(r)
		if errors.Is(err, errBodyTooLarge) {
			writeTooLarge(w)
			return
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		conn, err := store.AddEndpoint(r.PathValue("project_id"), r.PathValue("cluster_id"), domainID)
		if err != nil {
			writeError(w, r, err)
			return
		}
		data, err := json.Marshal(conn)
		if err != nil {
			writeError(w, r, err)
			return
		}
		csserr.WriteJSON(w, http.StatusCreated, data)
	})
	return mux
}

// readEndpointRequest reads the body of a POST to EndpointsPath, {"domain_id": "<account>"}
// (see readJSON), and returns the account; every problem is an ErrIncorrectParameters naming
// it, or errBodyTooLarge.
func readEndpointRequest(r *http.Request) (string, error) {
	const want = `send {"domain_id": "<account ID>"}`
	var fields map[string]json.RawMessage
	if problem, tooLarge := readJSON(r, &fields, want); tooLarge {
		return "", errBodyTooLarge
	} else if problem != "" {
		return "", refuse(ErrIncorrectParameters, "body: %s", problem)
	}
	if fields == nil {
		return "", refuse(ErrIncorrectParameters, "body: the body is not a JSON object; %s", want)
	}
	for k := range fields {
		if k != "domain_id" {
			return "", refuse(ErrIncorrectParameters, "body: unknown key %s; %s", quote.Value(k), want)
		}
	}
	raw, ok := fields["domain_id"]
	if !ok {
		return "", refuse(ErrIncorrectParameters, "body: domain_id is missing; %s", want)
	}
	var domainID string
	if err := json.Unmarshal(raw, &domainID); err != nil {
		return "", refuse(ErrIncorrectParameters, "body: domain_id is not a string")
	}
	return domainID, nil
}
