package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/cssvpcep/cssvpcep/api"
)

// ClusterStatus is the status of a cluster or of one of its instances (nodes). Values other
// than the documented ones are passed on as they are.
type ClusterStatus string

// The documented statuses, the spec's enum (api.ClusterStatus).
const (
	// StatusInProgress: an operation, such as creation, is in progress ("100").
	StatusInProgress = ClusterStatus(api.ClusterStatusInProgress)
	// StatusAvailable: the cluster or node is available ("200").
	StatusAvailable = ClusterStatus(api.ClusterStatusAvailable)
	// StatusUnavailable: the cluster or node is unavailable, after a failed task ("303").
	StatusUnavailable = ClusterStatus(api.ClusterStatusUnavailable)
)

// String returns the status and its meaning, such as "200 (available)".
func (s ClusterStatus) String() string {
	switch s {
	case StatusInProgress:
		return "100 (in progress)"
	case StatusAvailable:
		return "200 (available)"
	case StatusUnavailable:
		return "303 (unavailable)"
	}
	return string(s)
}

// Cluster is what ShowClusterDetail tells of a cluster: its state, which
// WaitVPCEndpointService watches, what concerns its VPC endpoint service, and the whole detail
// as decoded.
type Cluster struct {
	// ID and Name are the cluster's (id, name).
	ID, Name string
	// Status is the cluster's status (status).
	Status ClusterStatus
	// Actions are the tasks running on the cluster (actions), such as the one that enabling or
	// disabling the VPC endpoint service starts; empty when none runs.
	Actions []string
	// Instances are the cluster's nodes.
	Instances []Instance
	// SupportsVPCEndpoint reports whether the VPC endpoint service can be enabled for the
	// cluster (supportVpcep); false when absent.
	SupportsVPCEndpoint bool
	// VPCEndpointIP and VPCEndpointIPv6 are the VPC endpoint's addresses (vpcepIp,
	// vpcepIpv6Address); empty when absent.
	VPCEndpointIP, VPCEndpointIPv6 string
	// FailedReason is why the last task failed (failedReason); nil when the service sent none.
	FailedReason *FailedReason
	// Updated is when the cluster last changed (updated), in UTC; the zero time when absent or
	// not parseable.
	Updated time.Time
	// RequestID is the X-Request-Id response header; empty when absent.
	RequestID string
	// Detail is the whole response, as decoded.
	Detail *api.ClusterDetail
}

// Instance is a node of a cluster.
type Instance struct {
	// ID, Name and Type are the node's (id, name, type, such as ess for a data node).
	ID, Name, Type string
	// Status is the node's status (status).
	Status ClusterStatus
}

// FailedReason is why a cluster task failed.
type FailedReason struct {
	// Code is the error code, such as CSS.6000; Message says what happened.
	Code, Message string
}

// Idle reports whether no task runs on the cluster and it and all its nodes are available:
// what WaitVPCEndpointService waits for (status "200", no actions, every instance "200"), as
// the huaweicloud Terraform provider does after enabling or disabling the service.
func (c *Cluster) Idle() bool {
	if c.Status != StatusAvailable || len(c.Actions) > 0 {
		return false
	}
	for _, in := range c.Instances {
		if in.Status != StatusAvailable {
			return false
		}
	}
	return true
}

// GetCluster returns the details of a cluster, calling the API operation ShowClusterDetail
// (GET /v1.0/{project_id}/clusters/{cluster_id}). A clusterID that CheckID refuses and a nil
// ctx fail with an *ArgumentError before any request; failed attempts are retried as for
// ListConnections.
func (c *Client) GetCluster(ctx context.Context, clusterID string) (*Cluster, error) {
	if err := checkCall(ctx, "GetCluster", clusterID); err != nil {
		return nil, err
	}
	return call(ctx, c, exchange[*Cluster]{
		op: opShowCluster,
		build: func(server, projectID string) (*http.Request, error) {
			return api.NewShowClusterDetailRequest(server, projectID, clusterID)
		},
		decode: func(a *attempt, r *reply) (*Cluster, error) {
			d, f, err := decodeCluster(r.body)
			if err != nil {
				return nil, err
			}
			if apiErr := a.errorIn2xx(opShowCluster, r, f); apiErr != nil {
				return nil, apiErr
			}
			return newCluster(d, a.requestID), nil
		},
	})
}

// decodeCluster decodes the body of a 200 answer to ShowClusterDetail, with the error fields
// of a CSS error body, and checks what the spec requires (id and status, of the cluster and
// of each instance).
func decodeCluster(body []byte) (*api.ClusterDetail, errFields, error) {
	d := new(api.ClusterDetail)
	w := struct {
		*api.ClusterDetail
		errFields
	}{ClusterDetail: d}
	if err := gojson.Unmarshal(body, &w); err != nil {
		return nil, errFields{}, decodeError(err)
	}
	if w.Code() != "" {
		return nil, w.errFields, nil
	}
	switch {
	case d.Id == "":
		return nil, errFields{}, errors.New("id is missing or empty")
	case d.Status == "":
		return nil, errFields{}, errors.New("status is missing or empty")
	}
	if d.Instances != nil {
		for i, in := range *d.Instances {
			if in.Id == "" || in.Status == "" {
				return nil, errFields{}, fmt.Errorf("instances[%d]: id or status is missing or empty", i)
			}
		}
	}
	return d, errFields{}, nil
}

// newCluster maps a decoded ShowClusterDetail response onto a Cluster.
func newCluster(d *api.ClusterDetail, requestID string) *Cluster {
	c := &Cluster{
		ID:                  d.Id,
		Name:                valueOf(d.Name),
		Status:              ClusterStatus(d.Status),
		SupportsVPCEndpoint: valueOf(d.SupportVpcep),
		VPCEndpointIP:       valueOf(d.VpcepIp),
		VPCEndpointIPv6:     valueOf(d.VpcepIpv6Address),
		RequestID:           requestID,
		Detail:              d,
	}
	c.Updated, _ = timeOf(d.Updated)
	if d.Actions != nil {
		c.Actions = *d.Actions
	}
	if d.Instances != nil {
		c.Instances = make([]Instance, len(*d.Instances))
		for i, in := range *d.Instances {
			c.Instances[i] = Instance{ID: in.Id, Name: valueOf(in.Name), Type: string(valueOf(in.Type)), Status: ClusterStatus(in.Status)}
		}
	}
	if f := d.FailedReason; f != nil {
		r := FailedReason{Code: firstOf(f.ErrorCode, f.ErrorCodeSnake), Message: firstOf(f.ErrorMsg, f.ErrorMsgSnake)}
		if r != (FailedReason{}) {
			c.FailedReason = &r
		}
	}
	return c
}
