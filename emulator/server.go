package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// The documented paging of ShowVpcepConnection (a test holds them to the spec).
const (
	defaultLimit = 10
	maxOffset    = 1000
	minLimit     = 1
	maxLimit     = 1000
)

var _ api.StrictServerInterface = (*Server)(nil)

// Server implements the generated strict server interface (api.StrictServerInterface) over a
// Store. Emulator puts it behind the generated router and its layers; Handler gives it bare.
type Server struct {
	store  *Store
	quirks bool
}

// NewServer returns a Server answering from store. With docQuirks, a 200 answer has the form of
// the 2023 page's example (see WithDocQuirks).
func NewServer(store *Store, docQuirks bool) *Server {
	return &Server{store: store, quirks: docQuirks}
}

// Handler returns s behind the generated router (api.HandlerWithOptions over
// api.NewStrictHandlerWithOptions), with every error it produces in the CSS error shape: 400
// CSS.0001 for a parameter that does not parse, 404 CSS.0016 for a path and 405 CSS.0004 for
// a method it has no operation for, 500 CSS.9999 when a response cannot be written. It neither
// validates against the spec nor authenticates; Emulator.Handler adds both.
func (s *Server) Handler() http.Handler { return strictHandler(s) }

// strictHandler puts ssi behind the generated router with the CSS error handlers.
func strictHandler(ssi api.StrictServerInterface) http.Handler {
	strict := api.NewStrictHandlerWithOptions(ssi, nil, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  badRequest,
		ResponseErrorHandlerFunc: serverError,
	})
	return api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter:       newRouter(),
		ErrorHandlerFunc: badRequest,
	})
}

// ShowVpcepConnection answers GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections
// from the Store: a page of the cluster's connections (offset 0-1000, default 0; limit 1-1000,
// default 10), 400 CSS.0001 for a value out of range and 404 CSS.3027 for an unknown project
// or cluster.
func (s *Server) ShowVpcepConnection(_ context.Context, req api.ShowVpcepConnectionRequestObject) (api.ShowVpcepConnectionResponseObject, error) {
	offset, limit := 0, defaultLimit
	if p := req.Params.Offset; p != nil {
		offset = int(*p)
	}
	if p := req.Params.Limit; p != nil {
		limit = int(*p)
	}
	// Package contract rejects these first; the checks keep the handler safe on its own.
	switch {
	case offset < 0 || offset > maxOffset:
		return outOfRange("offset", offset, 0, maxOffset), nil
	case limit < minLimit || limit > maxLimit:
		return outOfRange("limit", limit, minLimit, maxLimit), nil
	}
	pg, err := s.store.page(req.ProjectId, req.ClusterId, offset, limit)
	var nf *notFoundError
	switch {
	case errors.As(err, &nf):
		return api.ShowVpcepConnection404JSONResponse{NotFoundJSONResponse: api.NotFoundJSONResponse{Body: cssError(codeNoCluster, "The cluster does not exist: "+nf.detail())}}, nil
	case err != nil:
		return nil, err
	case s.quirks:
		return quirkResponse(pg), nil
	}
	return pageResponse(pg), nil
}

// pageResponse is a 200 answer: the bytes the generated ShowVpcepConnection200JSONResponse
// writes for the page (a test holds it to that), joined from the snapshot's encoded parts
// instead of encoded per request.
type pageResponse page

var _ api.ShowVpcepConnectionResponseObject = pageResponse{}

// VisitShowVpcepConnectionResponse writes the page with status 200.
func (r pageResponse) VisitShowVpcepConnectionResponse(w http.ResponseWriter) error {
	snap := r.snap
	var conns []byte // the page's connections, without the comma after the last
	if r.end > r.start {
		conns = snap.joined[snap.starts[r.start] : snap.starts[r.end]-1]
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(bodyHead)+len(conns)+len(snap.tail)))
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, bodyHead); err != nil {
		return err
	}
	if _, err := w.Write(conns); err != nil {
		return err
	}
	_, err := w.Write(snap.tail)
	return err
}

func outOfRange(name string, v, lo, hi int) api.ShowVpcepConnection400JSONResponse {
	msg := fmt.Sprintf("Incorrect parameters: query parameter %q: %d is out of the range %d-%d", name, v, lo, hi)
	return api.ShowVpcepConnection400JSONResponse{BadRequestJSONResponse: api.BadRequestJSONResponse{Body: cssError(codeBadRequest, msg)}}
}

// notFoundError is the Store's error for an unknown project or cluster; errors.Is matches it
// to ErrNotFound.
type notFoundError struct {
	projectID, clusterID string
	noProject            bool
}

func (e *notFoundError) Error() string { return ErrNotFound.Error() + ": " + e.detail() }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

// detail names the project and cluster, quoting at most quote.Max bytes of each: an ID can be
// as long as the request line allows, and an error body should not echo kilobytes back.
func (e *notFoundError) detail() string {
	if e.noProject {
		return fmt.Sprintf("project %s has no clusters", quote.Value(e.projectID))
	}
	return fmt.Sprintf("project %s has no cluster %s", quote.Value(e.projectID), quote.Value(e.clusterID))
}

// allMethods are probed to fill the Allow header of a 405.
var allMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

// router is the ServeMux the generated code registers its route on, made to answer everything
// else in the CSS error shape rather than in ServeMux's plain text or HTML: a fallback route
// for the paths and methods no route matches (404, 405), and a check, in front, for paths
// ServeMux would redirect to their clean form (with "." or ".." segments, or "//"). Neither
// routes anything the generated code routes.
type router struct{ *http.ServeMux }

func newRouter() router {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		probe := *r
		for _, m := range allMethods {
			probe.Method = m
			if _, pattern := mux.Handler(&probe); m != r.Method && pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			writeCSSError(w, http.StatusNotFound, codeNoRoute,
				fmt.Sprintf("Resource not found: no operation matches %s %s", bounded(r.Method, quote.Max), bounded(r.URL.EscapedPath(), maxPath)))
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeCSSError(w, http.StatusMethodNotAllowed, codeBadMethod,
			fmt.Sprintf("Invalid operation: method %s is not allowed on %s (allowed: %s)", bounded(r.Method, quote.Max), bounded(r.URL.EscapedPath(), maxPath), strings.Join(allow, ", ")))
	})
	return router{mux}
}

// ServeHTTP answers a path that is not clean with 404 and passes the rest to the ServeMux.
func (m router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.EscapedPath(); cleanPath(p) != p {
		writeCSSError(w, http.StatusNotFound, codeNoRoute,
			fmt.Sprintf(`Resource not found: the path %s has an empty, "." or ".." segment`, bounded(p, maxPath)))
		return
	}
	m.ServeMux.ServeHTTP(w, r)
}

// cleanPath is the canonical form of an escaped path as ServeMux computes it (net/http's
// cleanPath): path.Clean, keeping a trailing slash. It does not allocate for a clean path.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		if len(p) == len(np)+1 && strings.HasPrefix(p, np) {
			return p
		}
		return np + "/"
	}
	return np
}
