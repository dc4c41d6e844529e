package emulator

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/ids"
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
// Its methods answer a request the service refuses with an error wrapping one of the Err
// variables (ErrNotFound, ErrServiceNotEnabled, ...), which the strict handler's error
// handler turns into the CSS error shape (see the package doc for every answer).
type Server struct {
	store  *Store
	quirks bool
}

// NewServer returns a Server answering from store. With docQuirks, a 200 answer of
// ShowVpcepConnection has the form of the 2023 page's example (see WithDocQuirks).
func NewServer(store *Store, docQuirks bool) *Server {
	return &Server{store: store, quirks: docQuirks}
}

// Handler returns s behind the generated router (api.HandlerWithOptions over
// api.NewStrictHandlerWithOptions), with every error it produces in the CSS error shape: the
// refusals of its methods as the package doc lists them, 400 CSS.0001 for a parameter or a
// body that does not parse, 404 CSS.0016 for a path and 405 CSS.0004 for a method it has no
// operation for, 500 CSS.9999 when a response cannot be written. It neither validates against
// the spec nor authenticates; Emulator.Handler adds both.
func (s *Server) Handler() http.Handler { return strictHandler(s) }

// strictHandler puts ssi behind the generated router with the CSS error handlers.
func strictHandler(ssi api.StrictServerInterface) http.Handler {
	strict := api.NewStrictHandlerWithOptions(ssi, nil, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  badRequest,
		ResponseErrorHandlerFunc: writeError,
	})
	return api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter:       newRouter(),
		ErrorHandlerFunc: badRequest,
	})
}

// StartVpecp answers POST .../vpcepservice/open: it starts the task enabling the cluster's VPC
// endpoint service with the body's options and answers {"action":"createVpcepservice"}.
func (s *Server) StartVpecp(_ context.Context, req api.StartVpecpRequestObject) (api.StartVpecpResponseObject, error) {
	var opts ServiceOptions
	if b := req.Body; b != nil {
		opts = ServiceOptions{DNSName: isTrue(b.EndpointWithDnsName), Professional: isTrue(b.ProfessionVpcep), DualStack: isTrue(b.DualstackEnable)}
	}
	if err := checkOptions("body", opts); err != nil {
		return nil, refuse(ErrIncorrectParameters, "%v: %s", err, "the spec says dual-stack can be enabled only when a professional VPC endpoint is created")
	}
	if err := s.store.startTask(req.ProjectId, req.ClusterId, ActionEnablingVPCEP, opts); err != nil {
		return nil, err
	}
	action := api.ActionCreateVpcepservice
	return api.StartVpecp200JSONResponse{Action: &action}, nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// StopVpecp answers PUT .../vpcepservice/close: it starts the task disabling the cluster's VPC
// endpoint service and answers {"action":"deleteVpcepservice"}.
func (s *Server) StopVpecp(_ context.Context, req api.StopVpecpRequestObject) (api.StopVpecpResponseObject, error) {
	if err := s.store.startTask(req.ProjectId, req.ClusterId, ActionDisablingVPCEP, ServiceOptions{}); err != nil {
		return nil, err
	}
	action := api.ActionDeleteVpcepservice
	return api.StopVpecp200JSONResponse{Action: &action}, nil
}

// ShowVpcepConnection answers GET .../vpcepservice/connections from the Store: a page of the
// cluster's connections (offset 0-1000, default 0; limit 1-1000, default 10).
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
		return nil, outOfRange("offset", offset, 0, maxOffset)
	case limit < minLimit || limit > maxLimit:
		return nil, outOfRange("limit", limit, minLimit, maxLimit)
	}
	e, err := s.store.get(req.ProjectId, req.ClusterId)
	if err != nil {
		return nil, err
	}
	if !e.c.enabled() {
		return nil, checkEnabled(req.ClusterId, &e.c)
	}
	if s.quirks {
		return quirkResponse(pageOf(e, offset, limit)), nil
	}
	return pageResponse(pageOf(e, offset, limit)), nil
}

func outOfRange(name string, v, lo, hi int) error {
	return refuse(ErrIncorrectParameters, "query parameter %q: %d is out of the range %d-%d", name, v, lo, hi)
}

// UpdateVpcepConnection answers POST .../vpcepservice/connections: it accepts (receive) or
// rejects (reject) the connections of the VPC endpoints listed, and answers 200 without a body.
func (s *Server) UpdateVpcepConnection(_ context.Context, req api.UpdateVpcepConnectionRequestObject) (api.UpdateVpcepConnectionResponseObject, error) {
	b := req.Body
	if b == nil {
		return nil, refuse(ErrIncorrectParameters, "body: the request has none")
	}
	status := api.Accepted
	switch b.Action {
	case api.ConnectionActionReceive:
	case api.ConnectionActionReject:
		status = api.Rejected
	default:
		return nil, refuse(ErrIncorrectParameters, "body: action %s is not %q or %q", quote.Value(string(b.Action)), api.ConnectionActionReceive, api.ConnectionActionReject)
	}
	// Package contract checks these first; the checks keep the handler safe on its own.
	if p := ids.ListProblem(b.EndpointIdList, "endpoint ID", ids.EndpointID, "a UUID", 1, ids.MaxEndpointIDs); p != "" {
		return nil, refuse(ErrIncorrectParameters, "body: endpoint_id_list %s", p)
	}
	if err := s.store.setConnectionStatus(req.ProjectId, req.ClusterId, status, b.EndpointIdList); err != nil {
		return nil, err
	}
	return api.UpdateVpcepConnection200Response{}, nil
}

// UpdateVpcepWhitelist answers POST .../vpcepservice/permissions: it replaces the whitelist of
// the cluster's VPC endpoint service and answers 200 without a body.
func (s *Server) UpdateVpcepWhitelist(_ context.Context, req api.UpdateVpcepWhitelistRequestObject) (api.UpdateVpcepWhitelistResponseObject, error) {
	b := req.Body
	if b == nil {
		return nil, refuse(ErrIncorrectParameters, "body: the request has none")
	}
	if b.VpcPermissions == nil {
		return nil, refuse(ErrIncorrectParameters, "body: vpc_permissions is missing; send [] for nobody")
	}
	if p := ids.ListProblem(b.VpcPermissions, "account ID", ids.AccountID, "32 lower-case hexadecimal characters", 0, ids.MaxAccountIDs); p != "" {
		return nil, refuse(ErrIncorrectParameters, "body: vpc_permissions %s", p)
	}
	if err := s.store.setWhitelist(req.ProjectId, req.ClusterId, b.VpcPermissions); err != nil {
		return nil, err
	}
	return api.UpdateVpcepWhitelist200Response{}, nil
}

// ShowClusterDetail answers GET /v1.0/{project_id}/clusters/{cluster_id}: the cluster's details
// (Cluster.Detail), with status "100" and the task's action while a task runs.
func (s *Server) ShowClusterDetail(_ context.Context, req api.ShowClusterDetailRequestObject) (api.ShowClusterDetailResponseObject, error) {
	e, err := s.store.get(req.ProjectId, req.ClusterId)
	if err != nil {
		return nil, err
	}
	d := *e.c.Detail
	if t := e.c.Task; t != nil {
		d.Status = api.ClusterStatusInProgress
		d.Actions = &[]string{t.Action}
	}
	return api.ShowClusterDetail200JSONResponse(d), nil
}

// allMethods are probed to fill the Allow header of a 405.
var allMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

// router is the ServeMux the generated code registers its routes on (and the emulator-only path its own), made to answer everything
// else in the CSS error shape rather than in ServeMux's plain text or HTML: a fallback route
// for the paths and methods no route matches (404, 405), and a check, in front, for paths
// ServeMux would redirect to their clean form (with "." or ".." segments, or "//"). Neither
// routes anything a registered route routes.
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
			csserr.WriteService(w, http.StatusNotFound, csserr.NoRoute,
				fmt.Sprintf("Resource not found: no operation matches %s %s", csserr.Bounded(r.Method, quote.Max), csserr.Bounded(r.URL.EscapedPath(), csserr.MaxPath)))
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		csserr.WriteService(w, http.StatusMethodNotAllowed, csserr.BadMethod,
			fmt.Sprintf("Invalid operation: method %s is not allowed on %s (allowed: %s)", csserr.Bounded(r.Method, quote.Max), csserr.Bounded(r.URL.EscapedPath(), csserr.MaxPath), strings.Join(allow, ", ")))
	})
	return router{mux}
}

// ServeHTTP answers a path that is not clean with 404 and passes the rest to the ServeMux.
func (m router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.EscapedPath(); cleanPath(p) != p {
		csserr.WriteService(w, http.StatusNotFound, csserr.NoRoute,
			fmt.Sprintf(`Resource not found: the path %s has an empty, "." or ".." segment`, csserr.Bounded(p, csserr.MaxPath)))
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
