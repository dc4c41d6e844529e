// Package client is the Go client for the VPC endpoint service of Cloud Search Service (CSS)
// clusters: the six API operations of the family, under
// /v1.0/{project_id}/clusters/{cluster_id}:
//
//	ShowVpcepConnection    GET  .../vpcepservice/connections   ListConnections, AllPages, AllConnections, Whitelist
//	StartVpecp             POST .../vpcepservice/open          EnableVPCEndpointService
//	StopVpecp              PUT  .../vpcepservice/close         DisableVPCEndpointService
//	UpdateVpcepConnection  POST .../vpcepservice/connections   AcceptConnections, RejectConnections
//	UpdateVpcepWhitelist   POST .../vpcepservice/permissions   SetWhitelist, AddToWhitelist, RemoveFromWhitelist
//	ShowClusterDetail      GET  (the cluster)                  GetCluster, WaitVPCEndpointService
//
// It builds its requests with the code generated from the spec (package api) and adds
// authentication (an IAM token or an AK/SK signature, set last on every request), retries that
// never send a request that changes state twice unless the first provably was not processed,
// response size limits, typed errors with the server's text bounded and any echoed credential
// masked, paging, a waiter, a dry-run mode and optional run-time contract validation (package
// contract).
//
// Build a client with New and functional options, or with NewFromEnv from the conventional
// OS_* environment variables (NewFromEnvFunc for an environment of one's own, such as a
// command's). A token:
//
//	c, err := client.New(
//		client.WithRegion("eu-de"),            // https://css.eu-de.otc.t-systems.com
//		client.WithProjectID(projectID),
//		client.WithToken(os.Getenv("OS_AUTH_TOKEN")),
//	)
//
// or an access key and its secret key, with which every attempt is signed afresh:
//
//	c, err := client.New(
//		client.WithEndpoint("https://css.cn-north-4.myhuaweicloud.com"),
//		client.WithProjectID(projectID),
//		client.WithAccessKey(ak, sk),
//	)
//
// One page, every page (each with total_count, the switch, the service name and the
// permissions), or every connection:
//
//	page, err := c.ListConnections(ctx, clusterID, &client.ListOptions{Limit: 100})
//
//	for page, err := range c.AllPages(ctx, clusterID) { ... }
//
//	for conn, err := range c.AllConnections(ctx, clusterID) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(conn.ID, conn.Status)
//	}
//
// Enabling and disabling the service start a cluster task: wait for it, and treat "already in
// that state" as success when the state is what matters:
//
//	if err := c.EnableVPCEndpointService(ctx, clusterID, &client.EnableOptions{DNSName: true}); err != nil && !client.IsAlreadyEnabled(err) {
//		return err
//	}
//	if _, err := c.WaitVPCEndpointService(ctx, clusterID, nil); err != nil {
//		return err
//	}
//	err = c.AcceptConnections(ctx, clusterID, []string{endpointID})
//	change, err := c.AddToWhitelist(ctx, clusterID, accountID) // read-modify-write, see its doc
//
// Errors from the service are *APIError, which errors.As finds through any wrapping:
//
//	var apiErr *client.APIError
//	switch {
//	case client.IsNotFound(err):
//		// no such cluster
//	case errors.As(err, &apiErr):
//		log.Printf("CSS said %d %s (request %s)", apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
//	}
//
// A response that breaks the spec, or does not decode, is a *ResponseError; a body larger than
// the limit (WithMaxResponseSize) is ErrResponseTooLarge. An argument refused before any
// request (a cluster ID that CheckID refuses, ListOptions out of range) is an *ArgumentError,
// and a wrong, missing or contradictory option or environment variable given to New,
// NewFromEnv or NewFromEnvFunc is a *ConfigError naming it.
//
// Secrets never leave the client except in the request headers they belong in: the token and
// the secret key print as "[REDACTED]" in every fmt verb, in log/slog and in encoding/json;
// errors and debug logs (WithLogger) never carry headers.
package client
