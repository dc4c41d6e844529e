// Package emulator is an in-memory Cloud Search Service (CSS) endpoint for the operation
// ShowVpcepConnection ("Obtaining an Endpoint Connection"),
//
//	GET /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections
//
// so that programs using the API can be tested locally: against the emulator's own HTTP server
// (Serve, ListenAndServe), its handler mounted anywhere (Handler), or, in tests, a TestServer.
// It serves any number of projects and clusters, each with its connections, permissions,
// vpcServiceName and vpcepUpdateSwitch, from a Store that tests can change while it serves.
//
// # How it answers
//
// The emulator implements the strict server interface generated from the spec
// (api.StrictServerInterface, see Server) behind the generated router, and puts these layers in
// front of it, outermost first:
//
//  1. Request ID: every response, whichever layer writes it, carries an X-Request-Id of 32 hex
//     digits; the request log (WithLogger) shows the same ID. (The one exception is what
//     net/http answers before any handler runs: 431 for a header block over its 1 MiB limit,
//     or 400 for a malformed request line, in plain text.)
//  2. Request bodies: a body declared larger than 16 KiB is answered 413, unread; any other is
//     capped at 16 KiB, whoever reads it, and must arrive within 10 seconds. A request answered
//     without its body being read (a 401, a 405, a 400) is answered at once, with Connection:
//     close, so that a client that declares a body and never sends it gets its answer and
//     holds its connection no longer than the body's 10 seconds.
//  3. Latency and faults (WithLatency, WithFailRate).
//  4. Authentication (WithToken, WithAccessKey); off unless configured. It reads no body: a
//     token is checked from its header, and an AK/SK signature hashes the body only once the
//     Authorization header, the access key, X-Sdk-Date and the signed headers have passed.
//  5. Contract validation (package contract): a request that breaks the spec is answered here,
//     and, with WithResponseValidation, every response of the operation is checked. A body is
//     read only for an operation that takes one.
//  6. The generated handler and Server.
//
// The answers, all application/json:
//
//	200  a page of connections: offset 0-1000 (default 0) connections are skipped, then up to
//	     limit 1-1000 (default 10) are listed; total_count counts all of the cluster's
//	404  {"errCode":"CSS.3027","externalMessage":"The cluster does not exist: ..."} for an
//	     unknown project or cluster
//	400  {"errCode":"CSS.0001","externalMessage":"Incorrect parameters: ..."} for a parameter
//	     that is not an integer, out of range or given twice, a query pair that does not
//	     parse (an invalid escape, a ";"), a path parameter that is empty or a "." or ".."
//	     segment, naming it; a body, which the operation does not take; a request target that
//	     is not a path (OPTIONS *)
//	413  {"errCode":"CSS.0001","externalMessage":"Incorrect parameters: the request body is
//	     larger than 16384 bytes"}
//	404  {"errCode":"CSS.0016",...} for a path the spec has no operation for,
//	     405 {"errCode":"CSS.0004",...} with Allow for a method
//	401  {"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: <why>",
//	     "request_id":"<X-Request-Id>"}, in the API Gateway's error shape, when authentication is
//	     on and the request has no valid credential; <why> names the problem: no credentials,
//	     an X-Auth-Token that is not valid, or the reason an AK/SK signature is rejected (unknown
//	     access key, x-sdk-date not signed, X-Sdk-Date more than 15 minutes off, signature
//	     mismatch, ...)
//	429  {"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: ...",
//	     "request_id":...}, with Retry-After: 1, injected by WithFailRate
//	503  {"errCode":"CSS.9999","externalMessage":"Service unavailable: ..."}, with Retry-After: 1,
//	     injected by WithFailRate (the docs give no code for 503; CSS.9999 is their code for a
//	     failure of the service)
//	500  {"errCode":"CSS.9999",...} only if a response cannot be written or, with
//	     WithResponseValidation, breaks the spec: a bug of the emulator
//
// Every one of them matches the spec (401, 405, 413, 429 and 503 through its default response),
// which the package's tests check for each status. A message quotes at most 64 bytes of any
// value of the request (an ID, an access key, X-Sdk-Date, a header or parameter name, the
// method) and 256 of the path, and so does the log.
//
// # Seeds
//
// Without WithSeed or WithSeedFile, the emulator starts with the built-in seed (BuiltinSeed):
// project DefaultProjectID ("demo-project") with cluster DefaultClusterID
// ("5c77b71c-5b35-4f50-8984-76387e42451a"), which answers with the current page's example, and
// cluster ClusterID2023 ("4f3deec3-efa8-4598-bf91-560aad1377a3"), which answers with the 2023
// page's example. Both examples are read from the spec embedded in package api.
//
// A seed file is a JSON object with a "clusters" array. Each cluster names its project and
// cluster ID and holds the fields of a response body (the spec's ConnectionList) except that
// total_count is optional (it is counted; when given, it must match):
//
//	{
//	  "clusters": [
//	    {
//	      "project_id": "demo-project",
//	      "cluster_id": "my-cluster",
//	      "vpcServiceName": "eu-de.css-vpcep.my-cluster",
//	      "vpcepUpdateSwitch": true,
//	      "permissions": [
//	        {"id": "...", "permission": "iam:domain::<account ID>", "permission_type": "domainId",
//	         "created_at": "2024-06-11T09:36:24Z"}
//	      ],
//	      "connections": [
//	        {"id": "...", "status": "accepted", "maxSession": "3000", "specificationName": "default",
//	         "vpcepIp": "192.168.0.10", "created_at": "2024-06-11T09:36:24Z", "update_at": null,
//	         "domain_id": "<account ID>"}
//	      ]
//	    }
//	  ]
//	}
//
// A connection needs an id, unique in its cluster, and a status, accepted or rejected; every
// other field is optional and must match the spec when present (time stamps
// CCYY-MM-DDThh:mm:ss with optional fractional seconds and zone; vpcepIp an IPv4 and
// vpcepIpv6Address an IPv6 address; permission_type domainId). vpcepUpdateSwitch may be a
// boolean or the string "true"/"false"; permissions and vpcServiceName left out are left out of
// responses too. Unknown fields, a cluster given twice and IDs no request can name (empty, "."
// or "..", or holding "/", "\", "?", "#", a control character or leading or trailing white
// space) are errors, which name the line and column or the field, such as
// clusters[0] (cluster "my-cluster" of project "demo-project"): connections[2].status. The file
// testdata/seed.json is an example.
//
// WithSynthetic adds a cluster of N made-up connections (SyntheticCluster), the same for the
// same N, for paging and load tests.
//
// # Options
//
// WithSeed, WithSeedFile and WithSynthetic set the state; WithToken and WithAccessKey turn on
// authentication (both may be on: either credential is accepted), checked against WithClock;
// WithLatency and WithFailRate inject delays and 429/503 answers from a seeded generator;
// WithDocQuirks answers in the 2023 page's form (vpcepUpdateSwitch as a string, zone-less time
// stamps); WithResponseValidation checks every response against the spec; WithLogger logs.
// Tokens and secret keys are never printed: not by String or any fmt verb, not in logs, not in
// errors.
//
// # In tests
//
// NewTestServer starts an emulator on a free loopback port for the length of a test, with
// response validation on, and stops it (leaving no goroutines behind) when the test ends:
//
//	ts := emulator.NewTestServer(t, emulator.WithSynthetic("p", "big", 1500))
//	c, err := client.New(client.WithEndpoint(ts.URL), client.WithProjectID("p"),
//		client.WithToken("any"), client.WithHTTPClient(ts.Client()))
//
// Without WithToken or WithAccessKey the emulator accepts any credentials, or none.
package emulator
