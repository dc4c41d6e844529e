// Package client will be the ergonomic Go client for the CSS "Obtaining an Endpoint Connection"
// API: authenticated (token or AK/SK), retrying, with typed errors and paging, built on the
// generated client in package api.
//
// Until it lands, use api.NewClientWithResponses with a contract.RoundTripper; see the README.
package client
