// Package emulator is an in-memory Cloud Search Service (CSS) endpoint for the VPC endpoint
// service of CSS clusters, the six operations of the spec (openapi/cssvpcep.yaml), under
// /v1.0/{project_id}/clusters/{cluster_id}:
//
//	POST .../vpcepservice/open         StartVpecp             enable the VPC endpoint service
//	PUT  .../vpcepservice/close        StopVpecp              disable it
//	GET  .../vpcepservice/connections  ShowVpcepConnection    list its connections
//	POST .../vpcepservice/connections  UpdateVpcepConnection  accept or reject connections
//	POST .../vpcepservice/permissions  UpdateVpcepWhitelist   replace its whitelist
//	GET  (the cluster itself)          ShowClusterDetail      the cluster, its status and tasks
//
// so that programs using the API can be tested locally: against the emulator's own HTTP server
// (Serve, ListenAndServe), its handler mounted anywhere (Handler), or, in tests, a TestServer.
// It serves any number of projects and clusters from a Store that tests can read and change
// while it serves. Besides the spec's paths it serves the spec itself (GET /openapi.yaml), one
// path of its own, outside /v1.0, to add a consumer's VPC endpoint (see Consumer endpoints),
// and, with an IAM user (WithIAMUser), IAM's sign-in and project lookup under /v3, so that a
// client signs in with a password as OpenStack users do (see IAM).
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
//  3. The spec document: GET (or HEAD) /openapi.yaml is answered here, without authentication
//     or injected faults (see The spec document).
//  4. Latency and faults (WithLatency, WithFailRate).
//  5. IAM (/v3, with WithIAMUser), which authenticates its project lookup itself and goes no
//     further (see IAM); every other request goes on to
//  6. authentication (WithToken, WithAccessKey, and the tokens the IAM issued); off unless
//     configured. It reads no body: a token is checked from its header, and an AK/SK
//     signature hashes the body only once the Authorization header, the access key,
//     X-Sdk-Date and the signed headers have passed.
//  7. The emulator-only path (/emulator/...), which checks its own input and goes no further;
//     every other request goes on to
//  8. contract validation (package contract): a request that breaks the spec is answered here
//     (an old camelCase body key such as endpointWithDnsName is refused with 400 naming it),
//     and, with WithResponseValidation, every response of an operation is checked. A body is
//     read only for an operation that takes one.
//  9. The generated handler and Server. Its methods return typed errors (wrapping ErrNotFound,
//     ErrServiceNotEnabled, ...), which one function, the strict handler's response error
//     handler, maps to the status, code and message below.
//
// # The answers of the operations
//
// Every answer is application/json, and every error body is the service's
// {"errCode":"CSS.xxxx","externalMessage":"<the error-code page's message>: <what is wrong>"},
// unless said otherwise. Four answers are common to all six operations:
//
//	404  CSS.3027 "The cluster does not exist: project "p" has no cluster "c"" (or "has no
//	     clusters") for an unknown project or cluster
//	400  CSS.0001 "Incorrect parameters: ..." for a request that breaks the spec, naming the
//	     parameter or body field: a value not an integer, out of range or given twice, a query
//	     pair that does not parse (an invalid escape, a ";"), a path parameter that is empty or
//	     a "." or ".." segment, a body an operation does not take, or one it does take that
//	     breaks its schema (an unknown key, a missing one, a wrong type, an ID of the wrong
//	     form, a list too long or with a repeated ID); a request target that is not a path
//	     (OPTIONS *)
//	202  CSS.0011 (the status the error-code page gives it; deviation status-202-error) for the
//	     four operations that change the cluster, StartVpecp, StopVpecp, UpdateVpcepConnection
//	     and UpdateVpcepWhitelist, while a task runs on the cluster or after one failed (the
//	     cluster is faulty, status "303"): "another operation is being performed on the instance
//	     or the instance is faulty"
//	400  CSS.5182 "The VPC endpoint service is not enabled: cluster "c"" for StopVpecp,
//	     ShowVpcepConnection, UpdateVpcepConnection and UpdateVpcepWhitelist while the service
//	     is disabled (deviations close-when-disabled and connections-disabled)
//
// The refusals are checked in this order: the request (400 CSS.0001), the cluster (404), a
// task or a fault (202), the service's state (409, 400 CSS.5182), then what the operation
// names (404 CSS.0028). Beyond them, each operation answers:
//
//	StartVpecp             200 {"action":"createVpcepservice"}: the task ENABLING_VPCEP has
//	                       started, with the body's options (optional: an absent body is all
//	                       off); 409 CSS.0031 "The object already exists: ..." when the
//	                       service is enabled already (deviation open-when-enabled); 400
//	                       CSS.0001 for dualstack_enable without profession_vpcep, which the
//	                       spec says dual-stack needs
//	StopVpecp              200 {"action":"deleteVpcepservice"}: the task DISABLING_VPCEP has
//	                       started
//	ShowVpcepConnection    200 a page of the connections: offset 0-1000 (default 0) are
//	                       skipped, then up to limit 1-1000 (default 10) are listed;
//	                       total_count counts all of them; permissions is the whitelist,
//	                       vpcServiceName the service's name
//	UpdateVpcepConnection  200 without a body (deviation no-body-200): the connections of the
//	                       VPC endpoints listed are accepted (receive) or rejected (reject),
//	                       their update_at set to now; 404 CSS.0028 "The object does not
//	                       exist: cluster "c" has no connection of the VPC endpoint "<id>""
//	                       naming every ID the cluster has none of (the first five), and then
//	                       nothing changes. IDs match in either case, as UUIDs do. CSS.0028,
//	                       the error-code page's code for an object that does not exist, and
//	                       not CSS.3027, which says the cluster does not exist; 404 because
//	                       the spec has a 404 for every operation, and 400 would say the
//	                       request is malformed, which it is not
//	UpdateVpcepWhitelist   200 without a body: the whitelist is replaced; an empty list means
//	                       nobody. An account already on it keeps its entry (ID, created_at);
//	                       a new one gets permission "iam:domain::<account>", permission_type
//	                       domainId, an ID made from the cluster and the account, and
//	                       created_at now. Connections of accounts taken off stay
//	ShowClusterDetail      200 the cluster's details (Cluster.Detail: the spec's example with
//	                       the cluster's own ID and name unless the seed gives them), with
//	                       status "100" and actions [the task's action] while a task runs
//
// Answers of no operation:
//
//	404  CSS.0016 "Resource not found: ..." for a path the spec has no operation for
//	405  CSS.0004 "Invalid operation: ..." with Allow for a method the path does not have
//	401  {"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: <why>",
//	     "request_id":"<X-Request-Id>"}, in the API Gateway's error shape, when authentication is
//	     on and the request has no valid credential; <why> names the problem: no credentials,
//	     an X-Auth-Token that is not valid (unknown, or revoked), one the IAM issued that
//	     expired ("... expired at <expires_at>: the token must be updated"), or the reason an
//	     AK/SK signature is rejected (unknown access key, x-sdk-date not signed, X-Sdk-Date more
//	     than 15 minutes off, signature mismatch, ...)
//	403  {"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized to access the
//	     API: the X-Auth-Token is scoped to project "a", not to project "b"","request_id":...}
//	     for a valid token the IAM issued used on a path that names another project (or a
//	     domain-scoped token on one that names any), when no other credential of the request
//	     is valid (see IAM)
//	413  CSS.0001 "Incorrect parameters: the request body is larger than 16384 bytes"
//	429  {"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: ...",
//	     "request_id":...}, with Retry-After: 1, injected by WithFailRate
//	503  CSS.9999 "Service unavailable: ...", with Retry-After: 1, injected by WithFailRate (the
//	     docs give no code for 503; CSS.9999 is their code for a failure of the service)
//	500  CSS.9999 "Failed to process the request: ..." when the state file cannot be written
//	     (the change is not made), a response cannot be written or, with
//	     WithResponseValidation, breaks the spec: the last two a bug of the emulator
//
// Every one of them matches the spec (403 through the operations' own, 401, 405, 413, 429 and
// 503 through its default response), which the package's tests check for each status. A message quotes at most 64 bytes of any
// value of the request (an ID, an access key, X-Sdk-Date, a header or parameter name, the
// method) and 256 of the path, and so does the log.
//
// # Tasks
//
// StartVpecp and StopVpecp only start a cluster task (deviations open-async and close-async),
// which runs for the task duration (WithTaskDuration: DefaultTaskDuration, 6 s, for New and
// cssvpcep serve; 0 for NewTestServer) by the emulator's clock (WithClock). While it runs,
// ShowClusterDetail shows the cluster's status "100" (the spec's "an operation is in
// progress", so that a client reading only the status waits too) and actions ["ENABLING_VPCEP"]
// or ["DISABLING_VPCEP"]; the nodes' status stays "200", as a VPC endpoint change does not touch
// them. The names follow the page's upper-case ones (REBOOTING, GROWING, ...), which do not
// include these (deviation cluster-actions-open); the constants ActionEnablingVPCEP and
// ActionDisablingVPCEP hold them. A client waits for status "200", empty actions and every
// node "200", and sees all three at once when the task ends.
//
// The task ends at its EndsAt, the start plus the duration: every request from that instant
// on sees its outcome, and the service changes then, not before (a disabled service being
// enabled answers the list with 400 CSS.5182 until the end; one being disabled lists its
// connections until the end). Ending enables the service, with the name
// eu-de.css-vpcep.<a UUID made from the cluster ID> (the form of the page's example, the same
// name for the same cluster), the options of the request, no connections and an empty
// whitelist; or disables it, deleting its connections and whitelist. The details' updated time
// becomes the end. A task of 0 ends while the request that starts it is served, so the
// actions are empty again at once. No timer or goroutine runs a task: the first request (or
// Store call) that finds it due applies its outcome, and writes it to the state file then.
//
// Store.FailNextTask makes the next task to end fail (the running one, or the next one
// started): the service stays as it was, and the details show status "303" and the reason
// given as failedReason, so that a client's waiter can be tested for the failure path. The
// faulty cluster answers the four changing operations with 202 CSS.0011 until UpdateCluster
// sets its Detail.Status back to "200".
//
// # Consumer endpoints
//
// A consumer's VPC endpoint, which the VPC endpoint service adds when an account creates an
// endpoint for the cluster's service, is added from Go with Store.AddEndpoint, or over HTTP on
// the emulator's own path (EndpointsPath), outside /v1.0 so that no CSS client takes it for an
// operation of the service:
//
//	POST /emulator/v1/{project_id}/clusters/{cluster_id}/endpoints
//	Content-Type: application/json
//
//	{"domain_id": "0123456789abcdef0123456789abcdef"}
//
// It is answered 201 with the new connection, as ShowVpcepConnection lists it: a random ID,
// status "rejected" (a new endpoint waits for UpdateVpcepConnection to accept it; the spec
// knows only accepted and rejected, and rejected is the one that lets no traffic through),
// maxSession "3000", specificationName "default", created_at now, the account as domain_id,
// the next free vpcepIp of 192.168.0.0/16 from 192.168.0.10 on, a vpcepDnsName
// (<id>.vpcep.eu-de.css.internal) when the service was enabled with endpoint_with_dns_name, and
// a vpcepIpv6Address in 2001:db8::/32 (the documentation prefix) when it was enabled
// professional and dual-stack. The path goes through the request ID, body, fault and
// authentication layers, not through contract validation (it is not in the spec); it checks
// its body itself: 400 CSS.0001 naming the problem for a body that is not one JSON object, an
// unknown key (the camelCase domainId included), a missing or non-string domain_id, or one
// that is not 32 lower-case hexadecimal characters, and a Content-Type other than
// application/json. The account must be on the service's whitelist, as the VPC endpoint service
// requires: 403 CSS.0015 otherwise. The other refusals are those of the operations: 404
// CSS.3027, 202 CSS.0011, 400 CSS.5182, and 400 CSS.0063 "Insufficient VPC endpoint quota" once
// the service has MaxEndpoints connections. Other methods are answered 405 (Allow: POST),
// other paths under /emulator/ 404 CSS.0016.
//
// # The spec document
//
// GET /openapi.yaml (SpecPath) serves the spec the emulator validates against, the one
// embedded in package api, byte for byte: its JSON form, which is YAML too, as
// application/yaml. It needs no credentials, even with authentication on (the spec is public,
// and a tool that reads it should not need the emulator's), and faults are not injected into
// it; HEAD works too, other methods are answered 405.
//
// # IAM
//
// With WithIAMUser(name, password, domain) the emulator also answers as Open Telekom Cloud's
// IAM (Keystone v3) under /v3 on the same address (IAMPath), so that a client's IAM endpoint is
// the emulator's URL and /v3, such as http://127.0.0.1:8080/v3. It signs in that one user
// (domain: DefaultIAMDomain unless given), and knows the projects of the Store (see Project
// names). It is behind the request-ID, body and fault layers (a fail rate fails sign-ins too),
// not behind contract validation or the CSS side's authentication: IAM is not in the spec, and
// it checks its input and the project lookup's credentials itself. Its errors are in
// Keystone's shape, {"error":{"code":401,"message":"...","title":"Unauthorized"}}, with the
// X-Request-Id of every answer.
//
//	POST /v3/auth/tokens   the password method, as keystoneauth1, gophercloud and the page
//	                       send it: auth.identity.methods ["password"], password.user by name
//	                       with domain {name} or {id} (the domain's ID is in the token body),
//	                       or by {id}; auth.scope.project by id, or by name with its domain
//	                       {name} or {id} or without one (the user's domain is the only one);
//	                       auth.scope.domain, or no scope at all (the page: "the token applies
//	                       to global services"), gives a token scoped to the domain. Unknown
//	                       fields are ignored, as Keystone ignores them; ?nocatalog leaves the
//	                       catalog out.
//	  201                  X-Subject-Token: the token; the page's body: token.methods,
//	                       expires_at and issued_at (UTC, microseconds, "Z"), user {id, name,
//	                       domain {id, name}, password_expires_at (no zone, as the page has
//	                       it; 90 days after the first sign-in)}, project {id, name, domain}
//	                       (or domain {id, name} for a domain token), roles [te_admin], and a
//	                       catalog of the emulator's IAM (type identity, URL .../v3) and, for a
//	                       project token, its CSS endpoint (type css, URL .../v1.0/<project>,
//	                       region from the project's name), both on the host the request names
//	  401                  "The username or password is wrong." for a wrong user name, user ID,
//	                       password or domain, exactly as IAM says it (the log says which)
//	  401                  "The request you have made requires authentication: no project is
//	                       named "x" in domain "D"" (or has the ID, or the scope's domain is
//	                       another): 401 and not 404, as Keystone answers a scope it cannot
//	                       grant (it turns a project it does not find into an authentication
//	                       failure), checked after the password
//	  400                  "The request body or a parameter is not valid: <field> ..." naming
//	                       the field: no body, not one JSON object, a Content-Type other than
//	                       application/json (the page's application/json;charset=utf8 is one),
//	                       a field missing, empty or of the wrong type (auth.identity.password
//	                       .user.name is a JSON number, not a string), a method other than
//	                       "password"; never quoting the password
//	GET /v3/projects       the projects the emulator knows, filtered by the page's name,
//	                       domain_id, parent_id, enabled and is_domain, paged by page and
//	                       per_page (1-5000, both or neither; links.previous and links.next),
//	                       each {id, name, domain_id, parent_id (the domain, as OTC's region
//	                       projects have it), enabled true, is_domain false, description "",
//	                       links {self}}. It needs a token the IAM issued that has not expired
//	                       (of any scope: IAM takes a domain- or a project-scoped token), a
//	                       token of WithToken, or an AK/SK signature by a key of
//	                       WithAccessKey (signer.Verify, as the CSS side checks it); 401
//	                       "The request you have made requires authentication: <why>"
//	                       otherwise, 400 for a parameter given twice or out of its range
//	GET /v3                the version document (v3.0, stable), for clients that discover
//	                       the API from the endpoint
//
// Other paths under /v3 are answered 404, other methods 405 with Allow, in Keystone's shape.
// Without WithIAMUser there is no IAM: /v3 is a path of no CSS operation (404 CSS.0016).
//
// Tokens. A token is 1 KB of base64 from crypto/rand after the DER prefix of the page's
// example (MIIDkgYJ...), like IAM's; the emulator keeps only its SHA-256, and at most 10,000
// of them (the oldest are forgotten first). It is valid for WithTokenTTL (DefaultTokenTTL, 24
// hours as IAM's) by the emulator's clock (WithClock): the CSS side takes it until the
// instant its expires_at says, and answers it 401 APIGW.0301 from then on, which is what makes
// a client sign in again. It is valid only for its project: a path that names another project
// (/v1.0/{project_id}/... and the emulator-only path) is answered 403 APIGW.0302, not 401,
// since the token is valid and a new one would be scoped alike: a client that renews on 401
// would sign in again for nothing. A domain-scoped token is refused so on every project's
// path. The tokens of WithToken and the key pairs of WithAccessKey keep working beside them,
// for every project. Emulator.TokensIssued counts the tokens issued and
// Emulator.RevokeTokens revokes them (as IAM does when a password changes), for tests of a
// client's renewal; no timer runs: expiry is a comparison of times.
//
// Project names. A project's name is the one the seed gives it (the seed's "projects", see
// below) or Store.SetProjectName; else DefaultProjectID ("demo-project") is named
// DefaultProjectName ("eu-de"), as the project of the region eu-de is, and every other project
// is named by its ID. IAM knows the projects that have clusters and those named so; names are
// unique, as in a domain of IAM: a seed, PutCluster or SetProjectName that would give two
// projects one name is refused.
//
// # State, seeds and the state file
//
// A cluster's state is a Cluster, plain data: whether its VPC endpoint service is disabled
// (ServiceDisabled; the zero value, enabled, is how seed files that say nothing about it were
// always served), the service's name, options, connections and whitelist, vpcepUpdateSwitch,
// the details ShowClusterDetail answers with, the running task and an armed failure. Every
// response is built from it. Seed files and state files have one format, a JSON object with a
// "clusters" array of these, each naming its project and cluster ID:
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
//	      ],
//	      "service_options": {"endpoint_with_dns_name": true},
//	      "detail": {"name": "my-cluster", "status": "200", "instances": [...], ...}
//	    },
//	    {"project_id": "demo-project", "cluster_id": "off", "service_disabled": true, "connections": []}
//	  ],
//	  "projects": [{"id": "demo-project", "name": "eu-de"}]
//	}
//
// The fields of a response body (the spec's ConnectionList) are a cluster's, except that
// total_count is optional (it is counted; when given, it must match), so that a body can be
// pasted in. A connection needs an id, unique in its cluster, and a status, accepted or
// rejected; every other field is optional and must match the spec when present (time stamps
// CCYY-MM-DDThh:mm:ss with optional fractional seconds and zone; vpcepIp an IPv4 and
// vpcepIpv6Address an IPv6 address; permission_type domainId). vpcepUpdateSwitch may be a
// boolean or the string "true"/"false"; permissions and vpcServiceName left out are left out of
// responses too. The emulator's own fields: service_disabled (a disabled service has no
// connections, whitelist, name or options), service_options (endpoint_with_dns_name,
// profession_vpcep, dualstack_enable, as StartVpecp's body), detail (a ClusterDetail; left out,
// the spec's example with the cluster's ID and name; its id must be the cluster's, its status
// "200" or "303", its actions empty, and it must match the spec's schema), task (action,
// started_at, ends_at and options of the running task, which must fit the service: enabling a
// disabled one or disabling an enabled one) and fail_next_task (a failedReason). Unknown fields,
// a cluster given twice and IDs no request can name (empty, "." or "..", or holding "/", "\",
// "?", "#", a control character or leading or trailing white space; internal/ids's rules) are
// errors, which name the line and column or the field, such as clusters[0] (cluster
// "my-cluster" of project "demo-project"): connections[2].status. The optional "projects"
// array names projects for IAM (see Project names): each an id and a name, both under the
// rules of IDs, each project once, no two of one name; a file without it is served as before. A file may hold at most
// MaxSeedFileSize bytes. The file testdata/seed.json is an example.
//
// Without WithSeed, WithSeedFile or a state file, the emulator starts with the built-in seed
// (BuiltinSeed): project DefaultProjectID ("demo-project") with cluster DefaultClusterID
// ("5c77b71c-5b35-4f50-8984-76387e42451a"), whose service is enabled and answers with the
// current page's example (its connections, whitelist and service name), and cluster
// ClusterID2023 ("4f3deec3-efa8-4598-bf91-560aad1377a3"), which answers with the 2023 page's
// example. Both examples, and the details, are read from the spec embedded in package api.
// WithSynthetic adds a cluster of N made-up connections (SyntheticCluster), the same for the
// same N, for paging and load tests.
//
// WithStateFile keeps the state in a file of this format. When the file exists, New loads it
// in place of the seed (the seed, WithSynthetic included, only makes a first state); when it
// does not, New starts from the seed and writes it at once. Every change (a request or a Store
// call that changes a cluster, a task that ends) is written before it is made: to a temporary
// file in the same directory, synced, renamed over the file, and the directory synced, so that
// a crash leaves the old state or the new one. A change that cannot be written is not made
// (500 CSS.9999 naming the file). A file that does not decode or breaks the rules above fails
// New with a *ConfigError naming the file and the problem (cssvpcep serve: exit status 2, as for
// a bad --seed file, since the file is what the command line named) and is never replaced.
//
// # Options
//
// WithSeed, WithSeedFile, WithSynthetic and WithStateFile set the state; WithTaskDuration sets
// how long tasks run; WithToken and WithAccessKey turn on authentication (both may be on:
// either credential is accepted), and so does WithIAMUser, which adds the IAM and its tokens
// (WithTokenTTL: how long they are valid); all are checked against WithClock, which tasks run
// by too;
// WithLatency and WithFailRate inject delays and 429/503 answers from a seeded generator;
// WithDocQuirks answers the list in the 2023 page's form (vpcepUpdateSwitch as a string,
// zone-less time stamps, update_at null); WithResponseValidation checks every response
// against the spec; WithLogger logs. Tokens, secret keys and the password are never printed:
// not by String (which shows the IAM user and domain) or any fmt verb, not in logs, not in
// errors.
//
// # In tests
//
// NewTestServer starts an emulator on a free loopback port for the length of a test, with
// response validation on and tasks that end at once, and stops it (leaving no goroutines
// behind) when the test ends:
//
//	ts := emulator.NewTestServer(t, emulator.WithSynthetic("p", "big", 1500))
//	c, err := client.New(client.WithEndpoint(ts.URL), client.WithProjectID("p"),
//		client.WithToken("any"), client.WithHTTPClient(ts.Client()))
//
// Without WithToken, WithAccessKey or WithIAMUser the emulator accepts any credentials, or
// none. To test a client that signs in with a password:
//
//	ts := emulator.NewTestServer(t, emulator.WithIAMUser("user", "pw", ""))
//	c, err := client.New(client.WithEndpoint(ts.URL), client.WithIAMEndpoint(ts.URL+"/v3"),
//		client.WithPassword("user", "pw", emulator.DefaultIAMDomain),
//		client.WithProjectName(emulator.DefaultProjectName), client.WithHTTPClient(ts.Client()))
//
// and ts.Emulator.TokensIssued to count its sign-ins; WithTokenTTL and WithClock, or
// Emulator.RevokeTokens, to make it renew. To test a
// waiter, give NewTestServer WithTaskDuration and WithClock with a clock the test moves, and
// Store.FailNextTask for the failure path; Store.AddEndpoint adds connections to accept.
package emulator
