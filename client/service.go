package client

import (
	"context"
	"net/http"

	"github.com/cssvpcep/cssvpcep/api"
)

// EnableOptions are the options of EnableVPCEndpointService. The zero value enables a basic VPC
// endpoint service without a private domain name.
type EnableOptions struct {
	// DNSName gives the VPC endpoint a private domain name (endpoint_with_dns_name).
	DNSName bool
	// Professional creates a professional VPC endpoint (profession_vpcep).
	Professional bool
	// DualStack enables the IPv4/IPv6 dual-stack network (dualstack_enable); the service
	// allows it only with Professional, in a VPC that supports IPv6.
	DualStack bool
}

// EnableVPCEndpointService enables the VPC endpoint service of a cluster, calling the API
// operation StartVpecp (POST /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/open).
// opts may be nil for the zero EnableOptions; the request sends only the options that are set,
// in the body keys of today's pages (snake_case; see the spec's deviation body-key-casing).
//
// The service only starts a cluster task: the service is enabled when the task is done, which
// WaitVPCEndpointService waits for. A service that is already enabled answers with an error
// for which IsAlreadyEnabled reports true; a caller that wants the state rather than the
// change treats that as success:
//
//	if err := c.EnableVPCEndpointService(ctx, id, nil); err != nil && !client.IsAlreadyEnabled(err) {
//		return err
//	}
//
// The request changes state, so it is sent again only when the failed attempt provably was
// not processed (see NotProcessed). A clusterID that CheckID refuses, DualStack without
// Professional (which the service refuses) and a nil ctx fail with an *ArgumentError before any
// request.
func (c *Client) EnableVPCEndpointService(ctx context.Context, clusterID string, opts *EnableOptions) error {
	const fn = "EnableVPCEndpointService"
	if err := checkCall(ctx, fn, clusterID); err != nil {
		return err
	}
	if opts != nil && opts.DualStack && !opts.Professional {
		return &ArgumentError{Func: fn, Name: "opts.DualStack", Reason: "is allowed only with a professional VPC endpoint (Professional, profession_vpcep), as the service says"}
	}
	var body api.StartVpecpRequest
	if opts != nil {
		body.EndpointWithDnsName = trueOrNil(opts.DNSName)
		body.ProfessionVpcep = trueOrNil(opts.Professional)
		body.DualstackEnable = trueOrNil(opts.DualStack)
	}
	_, err := call(ctx, c, exchange[struct{}]{
		op: opStart,
		build: func(server, projectID string) (*http.Request, error) {
			return api.NewStartVpecpRequest(server, projectID, clusterID, body)
		},
		decode: decodeNothing(opStart),
	})
	return err
}

// DisableVPCEndpointService disables the VPC endpoint service of a cluster, calling the API
// operation StopVpecp (PUT /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/close). Every
// VPC endpoint connection goes with it, and the service's address or domain name may change
// when it is enabled again.
//
// Like EnableVPCEndpointService, it only starts a cluster task (WaitVPCEndpointService waits
// for it), a service already disabled answers with an error for which IsAlreadyDisabled
// reports true, and the request is sent again only when the failed attempt provably was not
// processed: the docs' PUT is not idempotent in practice, for each accepted request starts a
// task.
func (c *Client) DisableVPCEndpointService(ctx context.Context, clusterID string) error {
	const fn = "DisableVPCEndpointService"
	if err := checkCall(ctx, fn, clusterID); err != nil {
		return err
	}
	_, err := call(ctx, c, exchange[struct{}]{
		op: opStop,
		build: func(server, projectID string) (*http.Request, error) {
			return api.NewStopVpecpRequest(server, projectID, clusterID)
		},
		decode: decodeNothing(opStop),
	})
	return err
}

// checkCall checks what every method with a cluster checks before any request.
func checkCall(ctx context.Context, fn, clusterID string) error {
	if ctx == nil {
		return nilContext(fn)
	}
	return checkArgID(fn, "clusterID", clusterID)
}

// trueOrNil is &true for true and nil for false: an option left out of the body is the
// service's default, which is off.
func trueOrNil(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

// decodeNothing is the decoder of an operation whose 200 body the client does not need (an
// action name, or no documented body at all): the body may be anything, but a JSON object
// carrying a CSS error code makes the answer that error.
func decodeNothing(op *Operation) func(a *attempt, r *reply) (struct{}, error) {
	return func(a *attempt, r *reply) (struct{}, error) {
		if len(r.body) > 0 {
			if apiErr := a.errorIn2xx(op, r, decodeErrFields(r.body)); apiErr != nil {
				return struct{}{}, apiErr
			}
		}
		return struct{}{}, nil
	}
}
