package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// The documented ranges of ShowVpcepConnection's query parameters.
const (
	// MaxOffset is the largest offset the API documents (0-1000).
	MaxOffset = 1000
	// MaxPageSize is the largest limit the API documents (1-1000).
	MaxPageSize = 1000
)

// ListOptions selects a page of connections. The zero value asks for the server's default page
// (the first 10 connections).
type ListOptions struct {
	// Offset is how many connections to skip, 0 to MaxOffset.
	Offset int
	// Limit is how many connections to return, 1 to MaxPageSize; 0 leaves it to the server,
	// whose documented default is 10.
	Limit int
}

// params checks o against the documented ranges and turns it into the generated parameters,
// leaving out what is zero (the server's default).
func (o *ListOptions) params() (*api.ShowVpcepConnectionParams, error) {
	if o == nil {
		return nil, nil
	}
	if o.Offset < 0 || o.Offset > MaxOffset {
		return nil, &ArgumentError{Func: "ListConnections", Name: "ListOptions.Offset",
			Reason: fmt.Sprintf("is %d, out of the documented range 0-%d", o.Offset, MaxOffset)}
	}
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return nil, &ArgumentError{Func: "ListConnections", Name: "ListOptions.Limit",
			Reason: fmt.Sprintf("is %d, out of the documented range 1-%d (0 for the server's default)", o.Limit, MaxPageSize)}
	}
	p := new(api.ShowVpcepConnectionParams)
	if o.Offset > 0 {
		off := int32(o.Offset)
		p.Offset = &off
	}
	if o.Limit > 0 {
		lim := int32(o.Limit)
		p.Limit = &lim
	}
	return p, nil
}

// Page is one page of the VPC endpoint connections of a cluster.
type Page struct {
	// Connections are this page's connections.
	Connections []Connection
	// Permissions is the VPC endpoint whitelist (permissions); empty when the service does not
	// send it (the 2023 API did not).
	Permissions []Permission
	// UpdateSwitch reports whether the VPC endpoint is enabled (vpcepUpdateSwitch, which the
	// service sends as a boolean or as the string "true" or "false"); false when absent.
	UpdateSwitch bool
	// ServiceName is the name of the VPC endpoint service (vpcServiceName); empty when absent.
	ServiceName string
	// TotalCount is the number of connections of the cluster, all pages together (total_count).
	TotalCount int
	// RequestID is the X-Request-Id response header; empty when absent.
	RequestID string
}

// Status is the status of a connection. Values other than the documented ones are passed on
// as they are.
type Status string

// The documented statuses.
const (
	// StatusAccepted: the VPC endpoint connection is enabled.
	StatusAccepted Status = "accepted"
	// StatusRejected: the VPC endpoint connection is disabled.
	StatusRejected Status = "rejected"
)

// Connection is a VPC endpoint connection of a cluster. Text fields the service leaves out are
// empty.
type Connection struct {
	// ID is the VPC endpoint's ID (id).
	ID string
	// Status is accepted or rejected, or whatever else the service sends.
	Status Status
	// MaxSession is the maximum number of connections, as sent (maxSession, a string holding
	// a number such as "3000"); see MaxSessionInt.
	MaxSession string
	// SpecificationName is the VPC endpoint's name (specificationName).
	SpecificationName string
	// DomainID is the account ID of the owner (domain_id).
	DomainID string
	// IP is the VPC endpoint's IPv4 address (vpcepIp).
	IP string
	// IPv6 is the VPC endpoint's IPv6 address (vpcepIpv6Address).
	IPv6 string
	// DNSName is the VPC endpoint's private domain name (vpcepDnsName).
	DNSName string
	// Created is when the connection was created (created_at), in UTC; the zero time when the
	// service sent none or one that does not parse (see CreatedText).
	Created time.Time
	// CreatedText is created_at as received, so that a time stamp that does not parse can be
	// seen; empty when absent.
	CreatedText string
	// Updated is when the connection was last updated (update_at), in UTC; the zero time when
	// it never was (null or absent) or the time stamp does not parse (see UpdatedText).
	Updated time.Time
	// UpdatedText is update_at as received; empty when absent or null.
	UpdatedText string
}

// MaxSessionInt returns MaxSession as an integer, or an error naming the connection and quoting
// the value (each at most 64 bytes, as every server-supplied value in an error) when it is
// absent or not a decimal number.
func (c Connection) MaxSessionInt() (int, error) {
	if c.MaxSession == "" {
		return 0, fmt.Errorf("client: connection %s has no maxSession", quote.Value(c.ID))
	}
	n, err := strconv.Atoi(c.MaxSession)
	if err != nil {
		return 0, fmt.Errorf("client: connection %s: maxSession %s is not a number", quote.Value(c.ID), quote.Value(c.MaxSession))
	}
	return n, nil
}

// Permission is an entry of the VPC endpoint whitelist.
type Permission struct {
	// ID is the permission's ID (id).
	ID string
	// Permission is the whitelisted principal, such as iam:domain::<account ID> (permission).
	Permission string
	// Type is the kind of permission, such as domainId (permission_type).
	Type string
	// Created is when the entry was created (created_at), in UTC; the zero time when absent or
	// not parseable (see CreatedText).
	Created time.Time
	// CreatedText is created_at as received; empty when absent.
	CreatedText string
}

// ListConnections returns one page of the VPC endpoint connections of a cluster, calling the
// API operation ShowVpcepConnection (GET /v1.0/{project_id}/clusters/{cluster_id}/
// vpcepservice/connections). opts may be nil for the server's default page.
//
// clusterID and opts are checked before any request: a clusterID that CheckID refuses (an empty
// ID, one containing "/", "\", "?" or "#", "." or "..", a control character, invalid UTF-8,
// leading or trailing white space or more than MaxIDLength bytes), an offset or limit out of
// the documented range and a nil ctx fail with an *ArgumentError naming the argument.
// Everything else is escaped so that the server receives exactly clusterID as the cluster_id
// path segment.
//
// A page holding more connections than the limit asked for (MaxPageSize when opts leaves the
// limit to the server) is a *ResponseError naming both numbers: it is refused before its
// connections are decoded. Failed attempts are retried as the retry policy and WithRetry say.
// ctx bounds the whole call, waits between attempts included.
func (c *Client) ListConnections(ctx context.Context, clusterID string, opts *ListOptions) (*Page, error) {
	const fn = "ListConnections"
	if ctx == nil {
		return nil, nilContext(fn)
	}
	if err := checkArgID(fn, "clusterID", clusterID); err != nil {
		return nil, err
	}
	params, err := opts.params()
	if err != nil {
		return nil, err
	}
	var attrs []any
	maxConns := MaxPageSize
	if params != nil && params.Offset != nil {
		attrs = append(attrs, slog.Int("offset", int(*params.Offset)))
	}
	if params != nil && params.Limit != nil {
		attrs = append(attrs, slog.Int("limit", int(*params.Limit)))
		maxConns = int(*params.Limit)
	}
	return call(ctx, c, exchange[*Page]{
		op:    opShowConnections,
		attrs: attrs,
		build: func(server, projectID string) (*http.Request, error) {
			return api.NewShowVpcepConnectionRequest(server, projectID, clusterID, params)
		},
		decode: func(a *attempt, r *reply) (*Page, error) {
			list, fields, err := decodeList(r.body, maxConns)
			if pe := (*pageBoundError)(nil); errors.As(err, &pe) {
				pe.unasked = params == nil || params.Limit == nil
			}
			if err != nil {
				return nil, err
			}
			if apiErr := a.errorIn2xx(opShowConnections, r, fields); apiErr != nil {
				return nil, apiErr
			}
			return newPage(list, a.requestID)
		},
	})
}

// newPage maps a decoded response onto a Page, checking what the mapping relies on.
func newPage(list *api.ConnectionList, requestID string) (*Page, error) {
	if list.TotalCount < 0 {
		return nil, fmt.Errorf("total_count %d is negative", list.TotalCount)
	}
	p := &Page{
		Connections:  make([]Connection, len(list.Connections)),
		UpdateSwitch: list.VpcepUpdateSwitch != nil && bool(*list.VpcepUpdateSwitch),
		ServiceName:  valueOf(list.VpcServiceName),
		TotalCount:   int(list.TotalCount),
		RequestID:    requestID,
	}
	for i, in := range list.Connections {
		switch {
		case in.Id == "":
			return nil, fmt.Errorf("connections[%d].id is missing or empty", i)
		case in.Status == "":
			return nil, fmt.Errorf("connections[%d].status is missing or empty", i)
		}
		p.Connections[i] = toConnection(in)
	}
	if list.Permissions != nil {
		p.Permissions = make([]Permission, len(*list.Permissions))
		for i, in := range *list.Permissions {
			p.Permissions[i] = toPermission(in)
		}
	}
	return p, nil
}

// toConnection maps a generated connection onto a Connection.
func toConnection(in api.Connection) Connection {
	out := Connection{
		ID:                in.Id,
		Status:            Status(in.Status),
		MaxSession:        valueOf(in.MaxSession),
		SpecificationName: valueOf(in.SpecificationName),
		DomainID:          valueOf(in.DomainId),
		IP:                valueOf(in.VpcepIp),
		IPv6:              valueOf(in.VpcepIpv6Address),
		DNSName:           valueOf(in.VpcepDnsName),
	}
	out.Created, out.CreatedText = timeOf(in.CreatedAt)
	out.Updated, out.UpdatedText = timeOf(in.UpdateAt)
	return out
}

// toPermission maps a generated permission onto a Permission.
func toPermission(in api.Permission) Permission {
	out := Permission{
		ID:         valueOf(in.Id),
		Permission: valueOf(in.Permission),
		Type:       string(valueOf(in.PermissionType)),
	}
	out.Created, out.CreatedText = timeOf(in.CreatedAt)
	return out
}

func valueOf[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// timeOf returns the instant (zero when absent, null or not parseable) and the text received.
func timeOf(t *api.FlexTime) (time.Time, string) {
	if t == nil {
		return time.Time{}, ""
	}
	return t.Time, t.Raw
}
