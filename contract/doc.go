// Package contract checks HTTP traffic against the CSS spec (openapi/cssvpcep.yaml, embedded in
// package api): every operation of the VPC endpoint service family and ShowClusterDetail, under
//
//	/v1.0/{project_id}/clusters/{cluster_id}
//
// Requests, statuses and headers are checked with kin-openapi's openapi3filter; JSON response
// bodies with a check compiled from the same schemas when the spec is loaded, which reaches
// the verdict kin-openapi would on every body it covers (a fuzz target holds it to that) without
// decoding the body into a tree first, and reports a *BodyError. A schema it cannot compile is
// left to kin-openapi. The spec is loaded once per process, without its servers, so traffic to
// any host is validated: a loopback test server, the emulator, any region.
//
// Two pieces, both opt-in where the program is wired up:
//
//   - NewRoundTripper wraps a client's transport and validates every request it sends and every
//     response it receives. It fails the call with a *ValidationError by default, or, with
//     WithReporter, reports and passes everything through. ForTest is the form for tests: it
//     fails the test with the message and lets the traffic through.
//   - NewMiddleware wraps a server's handler (the emulator's) and answers requests that break
//     the spec itself, with 400, 404 or 405 in the service's error shape, so the handler only
//     ever sees valid requests. WithResponseValidation makes it check the handler's responses
//     too, reporting or replacing bad ones.
//
// A program turns them on at run time by wrapping, for example behind a flag or an environment
// variable:
//
//	var transport http.RoundTripper = http.DefaultTransport
//	if os.Getenv("CSSVPCEP_CONTRACT") != "" {
//		rt, err := contract.NewRoundTripper(transport, contract.WithReporter(func(e *contract.ValidationError) {
//			slog.Warn("contract", "error", e) // e.Error() never quotes a header value
//		}))
//		if err != nil {
//			return err
//		}
//		transport = rt
//	}
//	client, err := api.NewClientWithResponses(endpoint, api.WithHTTPClient(&http.Client{Transport: transport}))
//
//	var handler http.Handler = api.Handler(api.NewStrictHandler(server, nil))
//	if validate {
//		if handler, err = contract.NewMiddleware(handler); err != nil {
//			return err
//		}
//	}
//
// Requests are routed on the escaped path, segment by segment, as Go's ServeMux routes them: an
// escaped slash stays inside its segment (/clusters/a%2Fb/ is the cluster "a/b") and each path
// parameter is validated as its segment decoded once. Two rules are checked beyond what
// kin-openapi checks: a query parameter whose schema cannot be an array is given at most once
// (kin-openapi would judge only one of the values), and a path parameter is not "." or "..",
// which URL normalization removes, so it can never reach the service as a value.
//
// A *ValidationError names the operation, the direction, each field or parameter at fault and
// the rule it breaks, on one line that never quotes a header value; it unwraps to kin-openapi's
// error. Bodies are read for validation up to a limit (WithBodyLimit) and always handed on
// whole. The presence of credentials (X-Auth-Token or Authorization) is checked by the
// RoundTripper and, only when asked, by the middleware (WithSecurityCheck); their validity
// never is.
package contract
