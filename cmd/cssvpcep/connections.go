package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cssvpcep/cssvpcep/client"
)

const connectionsUsage = `Usage:
  cssvpcep connections --cluster-id ID [flags]

Lists the VPC endpoint connections of a CSS cluster (API operation ShowVpcepConnection).

Flags:
  --cluster-id ID       the cluster (required)
  --project-id ID       the project (default: $OS_PROJECT_ID)
  --region REGION       an Open Telekom Cloud region, such as eu-de, for the endpoint
                        https://css.REGION.otc.t-systems.com (default: $OS_REGION_NAME)
  --endpoint URL        the endpoint, such as https://css.cn-north-4.myhuaweicloud.com or an
                        emulator's http://127.0.0.1:8080 (default: $CSS_ENDPOINT, which wins
                        over $OS_REGION_NAME); give --region or --endpoint, not both
  --offset N            skip the first N connections, 0-1000 (default 0)
  --limit N             list at most N connections, 1-1000 (default: the service's, 10)
  --all                 list every connection, page by page; not with --offset or --limit.
                        The API's ranges of offset and limit reach 2,000 connections at most:
                        a cluster with more fails (exit status 1) and prints none
  -o, --output FORMAT   table (the default) or json
  --debug               log every HTTP attempt (method, path, status, duration, request ID)
                        to stderr; headers and credentials are never logged
  -h, --help            show this help

Credentials come from the environment only. They are not accepted as flags, which would
leave them in shell history and in process listings (ps):
  OS_AUTH_TOKEN                     an IAM token, sent as X-Auth-Token; or
  OS_ACCESS_KEY and OS_SECRET_KEY   an access key and its secret key, with which every
                                    request is signed (SDK-HMAC-SHA256)
Set one kind, not both. A variable set to the empty string counts as unset.

Output:
  table   a row per connection: ID, STATUS, MAX SESSIONS, SPECIFICATION, IP, CREATED, UPDATED
          and DOMAIN ("-" for an empty value; times in UTC, RFC 3339, to the second), then a
          line with the VPC endpoint switch, the service name and how many of the connections
          are listed.
  json    one JSON object with the fields of the API response: connections (id, status,
          maxSession, specificationName, vpcepIp, vpcepIpv6Address, vpcepDnsName,
          created_at, update_at, domain_id), vpcepUpdateSwitch, total_count, vpcServiceName
          and permissions. vpcepUpdateSwitch is always a boolean; times are UTC RFC 3339
          with any fraction of a second (as received when they do not parse); a field the
          service did not send, or sent as null, is left out, never null. With --all,
          connections holds every connection and the other fields come from the first page.

Exit status: 0 listed; 1 the API or the network failed (stderr gives the HTTP status, the
CSS error code, the message and the request ID); 2 usage error.

Examples:
  export OS_AUTH_TOKEN=... OS_PROJECT_ID=... OS_REGION_NAME=eu-de
  cssvpcep connections --cluster-id 5c77b71c-5b35-4f50-8984-76387e42451a
  cssvpcep connections --cluster-id C --all -o json | jq -r '.connections[].vpcepIp'
`

// connectionsFlags are the flags of the connections command.
type connectionsFlags struct {
	clusterID, projectID, region, endpoint, output stringFlag
	offset, limit                                  intFlag
	all, debug                                     bool
}

// connections is the connections command: one page, or with --all every connection, of a
// cluster, as a table or JSON.
func (c *cli) connections(ctx context.Context, args []string) error {
	f := connectionsFlags{
		offset: intFlag{min: 0, max: client.MaxOffset},
		limit:  intFlag{min: 1, max: client.MaxPageSize},
		output: stringFlag{value: "table"},
	}
	fs := newFlagSet("connections")
	fs.Var(&f.clusterID, "cluster-id", "")
	fs.Var(&f.projectID, "project-id", "")
	fs.Var(&f.region, "region", "")
	fs.Var(&f.endpoint, "endpoint", "")
	fs.Var(&f.offset, "offset", "")
	fs.Var(&f.limit, "limit", "")
	fs.BoolVar(&f.all, "all", false, "")
	fs.Var(&f.output, "o", "")
	fs.Var(&f.output, "output", "")
	fs.BoolVar(&f.debug, "debug", false, "")
	if help, err := parseFlags(fs, args); help || err != nil {
		if help {
			fmt.Fprint(c.stdout, connectionsUsage)
		}
		return err
	}

	var problems []*usageError
	if err := checkClusterID(f.clusterID); err != nil {
		problems = append(problems, err)
	}
	if f.output.value != "table" && f.output.value != "json" {
		problems = append(problems, usagef("-o: %s is not table or json", quoteArg(f.output.value)))
	}
	if f.all && (f.offset.set || f.limit.set) {
		problems = append(problems, usagef("--all lists every connection: it takes no --offset or --limit"))
	}
	opts, optErr := c.clientOptions(&f)
	if optErr != nil {
		problems = append(problems, optErr)
	}
	if err := usageErrors(problems); err != nil {
		return err
	}

	// A transport of the command's own, whose idle connections it closes when done.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	opts = append(opts, client.WithHTTPClient(&http.Client{Transport: transport}))
	if f.debug {
		opts = append(opts, client.WithLogger(debugLogger(c.stderr)))
	}
	cl, err := client.New(opts...)
	if err != nil {
		return &usageError{problems: []string{trimPackage(err.Error())}} // not expected: clientOptions checked the options
	}

	var l *listing
	if f.all {
		l, err = listAll(ctx, cl, f.clusterID.value)
	} else {
		l, err = listPage(ctx, cl, f.clusterID.value, &client.ListOptions{Offset: f.offset.value, Limit: f.limit.value})
	}
	if err != nil {
		return err
	}
	if f.output.value == "json" {
		return writeJSON(c.stdout, l)
	}
	return writeTable(c.stdout, l)
}

// clientOptions gathers the endpoint, the project and the credentials from the flags and the
// environment, the flags first, and checks each with the client's own option, so that an error
// names the flag or variable the value came from. It reports every problem at once.
func (c *cli) clientOptions(f *connectionsFlags) ([]client.Option, *usageError) {
	var (
		opts     []client.Option
		problems []string
		labels   = make(map[string]string)
	)
	use := func(option, label string, opt client.Option) {
		opts = append(opts, opt)
		labels[option] = label
	}

	// url.Parse lets white space in a path through, which is never meant.
	useEndpoint := func(label, rawURL string) {
		if strings.ContainsFunc(rawURL, unicode.IsSpace) {
			problems = append(problems, label+": the URL contains white space")
			return
		}
		use("WithEndpoint", label, client.WithEndpoint(rawURL))
	}
	endpoint, region := c.getenv(client.EnvEndpoint), c.getenv(client.EnvRegion)
	switch {
	case f.endpoint.set && f.region.set:
		problems = append(problems, "--region and --endpoint both give the endpoint: give one")
	case f.endpoint.set:
		useEndpoint("--endpoint", f.endpoint.value)
	case f.region.set:
		use("WithRegion", "--region", client.WithRegion(f.region.value))
	case endpoint != "":
		useEndpoint(client.EnvEndpoint, endpoint)
	case region != "":
		use("WithRegion", client.EnvRegion, client.WithRegion(region))
	default:
		problems = append(problems, fmt.Sprintf("no endpoint: give --endpoint or --region, or set %s or %s", client.EnvEndpoint, client.EnvRegion))
	}

	switch project := c.getenv(client.EnvProjectID); {
	case f.projectID.set:
		use("WithProjectID", "--project-id", client.WithProjectID(f.projectID.value))
	case project != "":
		use("WithProjectID", client.EnvProjectID, client.WithProjectID(project))
	default:
		problems = append(problems, fmt.Sprintf("no project ID: give --project-id or set %s", client.EnvProjectID))
	}

	switch token, ak, sk := c.getenv(client.EnvAuthToken), c.getenv(client.EnvAccessKey), c.getenv(client.EnvSecretKey); {
	case token != "" && (ak != "" || sk != ""):
		problems = append(problems, fmt.Sprintf("both %s and %s/%s are set: unset one kind of credentials", client.EnvAuthToken, client.EnvAccessKey, client.EnvSecretKey))
	case token != "":
		use("WithToken", client.EnvAuthToken, client.WithToken(token))
	case ak != "" && sk != "":
		use("WithAccessKey", client.EnvAccessKey+"/"+client.EnvSecretKey, client.WithAccessKey(ak, sk))
	case ak != "":
		problems = append(problems, fmt.Sprintf("%s is set but %s is not: set both", client.EnvAccessKey, client.EnvSecretKey))
	case sk != "":
		problems = append(problems, fmt.Sprintf("%s is set but %s is not: set both", client.EnvSecretKey, client.EnvAccessKey))
	default:
		problems = append(problems, fmt.Sprintf("no credentials: set %s, or %s and %s", client.EnvAuthToken, client.EnvAccessKey, client.EnvSecretKey))
	}

	// New checks every option given, whatever else is missing. Only its errors about those
	// options count: its complaints about what is missing repeat the problems above.
	if _, err := client.New(opts...); err != nil {
		labeled, _ := relabel(err, labels)
		problems = append(problems, labeled...)
	}
	if len(problems) > 0 {
		return nil, &usageError{problems: problems}
	}
	return opts, nil
}

// checkClusterID refuses a cluster ID that ListConnections would refuse before making a
// request, by the rules its documentation gives, so that the mistake is a usage error naming
// --cluster-id (exit status 2) rather than a failed call. A test holds the two to the same
// answers.
func checkClusterID(f stringFlag) *usageError {
	id := f.value
	bad := func(format string, args ...any) *usageError {
		return usagef("--cluster-id: "+format, args...)
	}
	switch {
	case !f.set:
		return usagef("--cluster-id is required")
	case id == "":
		return bad("is empty")
	case len(id) > client.MaxIDLength:
		return bad("is %d bytes long; at most %d are allowed", len(id), client.MaxIDLength)
	case !utf8.ValidString(id):
		return bad("%s is not valid UTF-8", quoteArg(id))
	case strings.TrimSpace(id) != id:
		return bad("%s has leading or trailing white space", quoteArg(id))
	case id == "." || id == "..":
		return bad("%s is a dot segment, which URL resolution would remove", quoteArg(id))
	case strings.ContainsFunc(id, unicode.IsControl):
		return bad("%s has a control character", quoteArg(id))
	case strings.ContainsAny(id, `/\?#`):
		return bad(`%s contains one of / \ ? #, which are not allowed in an ID`, quoteArg(id))
	}
	return nil
}

// debugLogger is the --debug log: text records of every level on w.
func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
