package client

// Operation describes an API operation the client calls. A RetryPolicy receives the operation
// of the failed attempt, and the client's errors name its ID.
type Operation struct {
	// ID is the operation's name in the API reference and the spec (its operationId), such
	// as "ShowVpcepConnection".
	ID string
	// Method and Path are the HTTP method and the path template, such as "GET" and
	// "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections".
	Method, Path string
	// Idempotent reports whether the operation may be sent again after an attempt that the
	// service may have processed (a 5xx, a timeout, a connection lost after the request was
	// written) without changing what it does: true for the reads. An operation that changes
	// state is not idempotent, whatever its HTTP method: the docs' PUT .../close starts a
	// task each time it is accepted. Such an operation is sent again only when the failed
	// attempt provably was not processed (see RetryPolicy).
	Idempotent bool
}

// The operations, as the spec (openapi/cssvpcep.yaml) defines them. Retry safety is a fact of
// the operation, decided here once rather than from the HTTP method.
var (
	opShowConnections = &Operation{ID: "ShowVpcepConnection", Method: "GET",
		Path: "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections", Idempotent: true}
	opStart = &Operation{ID: "StartVpecp", Method: "POST",
		Path: "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/open"}
	opStop = &Operation{ID: "StopVpecp", Method: "PUT",
		Path: "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/close"}
	opUpdateConnections = &Operation{ID: "UpdateVpcepConnection", Method: "POST",
		Path: "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections"}
	opUpdateWhitelist = &Operation{ID: "UpdateVpcepWhitelist", Method: "POST",
		Path: "/v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/permissions"}
	opShowCluster = &Operation{ID: "ShowClusterDetail", Method: "GET",
		Path: "/v1.0/{project_id}/clusters/{cluster_id}", Idempotent: true}
)

// operations are every operation the client calls, for the test that holds them to the spec.
var operations = []*Operation{opShowConnections, opStart, opStop, opUpdateConnections, opUpdateWhitelist, opShowCluster}
