package client

import (
	"context"
	"net/http"
	"slices"

	"github.com/cssvpcep/cssvpcep/api"
	idrules "github.com/cssvpcep/cssvpcep/internal/ids"
)

// The bounds of the lists a request carries: the spec's (a test holds them to it).
const (
	// MaxEndpointIDs is how many endpoint IDs AcceptConnections and RejectConnections take in
	// one call. The docs give no bound; see the spec's deviation endpoint-list-bounds.
	MaxEndpointIDs = idrules.MaxEndpointIDs
	// MaxWhitelist is how many account IDs a whitelist holds. The docs give no bound; see
	// the spec's deviation whitelist-bounds.
	MaxWhitelist = idrules.MaxAccountIDs
)

// AcceptConnections accepts the VPC endpoint connections with the given endpoint IDs (the IDs
// ListConnections gives as Connection.ID), calling the API operation UpdateVpcepConnection
// (POST /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections) with the action
// "receive". Their status becomes accepted.
//
// endpointIDs is checked before any request: at least one, at most MaxEndpointIDs, each a UUID
// and none twice; otherwise an *ArgumentError names the ID at fault by its index. The request
// changes state, so it is sent again only when the failed attempt provably was not processed
// (see NotProcessed).
func (c *Client) AcceptConnections(ctx context.Context, clusterID string, endpointIDs []string) error {
	return c.updateConnections(ctx, "AcceptConnections", clusterID, api.ConnectionActionReceive, endpointIDs)
}

// RejectConnections rejects the VPC endpoint connections with the given endpoint IDs, calling
// UpdateVpcepConnection with the action "reject": their status becomes rejected, and the
// endpoints can no longer reach the cluster. It checks endpointIDs and retries as
// AcceptConnections does.
func (c *Client) RejectConnections(ctx context.Context, clusterID string, endpointIDs []string) error {
	return c.updateConnections(ctx, "RejectConnections", clusterID, api.ConnectionActionReject, endpointIDs)
}

func (c *Client) updateConnections(ctx context.Context, fn, clusterID string, action api.UpdateVpcepConnectionRequestAction, endpointIDs []string) error {
	if err := checkCall(ctx, fn, clusterID); err != nil {
		return err
	}
	if reason := idrules.ListProblem(endpointIDs, "endpoint ID", idrules.EndpointID, "a VPC endpoint ID (a UUID)", 1, MaxEndpointIDs); reason != "" {
		return &ArgumentError{Func: fn, Name: "endpointIDs", Reason: reason}
	}
	body := api.UpdateVpcepConnectionRequest{Action: action, EndpointIdList: slices.Clone(endpointIDs)}
	_, err := call(ctx, c, exchange[struct{}]{
		op: opUpdateConnections,
		build: func(server, projectID string) (*http.Request, error) {
			return api.NewUpdateVpcepConnectionRequest(server, projectID, clusterID, body)
		},
		decode: decodeNothing(opUpdateConnections),
	})
	return err
}
