package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
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
  --timeout D           give up when the whole command, every page and retry included,
                        takes longer than D, such as 30s or 2m (default 5m); exit status 1
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
	timeout                                        durationFlag
	all, debug                                     bool
}

// defaultTimeout bounds a whole command: a --all of 2,000 connections is two pages, each
// within the client's 30 s per attempt and 3 attempts; a stalled endpoint gives up here.
const defaultTimeout = 5 * time.Minute

// connections is the connections command: one page, or with --all every connection, of a
// cluster, as a table or JSON.
func (c *cli) connections(ctx context.Context, args []string) error {
	f := connectionsFlags{
		offset:  intFlag{min: 0, max: client.MaxOffset},
		limit:   intFlag{min: 1, max: client.MaxPageSize},
		output:  stringFlag{value: "table"},
		timeout: durationFlag{value: defaultTimeout},
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
	fs.Var(&f.timeout, "timeout", "")
	if help, err := parseFlags(fs, args); help || err != nil {
		if help {
			fmt.Fprint(c.stdout, connectionsUsage)
		}
		return err
	}

	var problems []string
	if !f.clusterID.set {
		problems = append(problems, "--cluster-id is required")
	} else if err := client.CheckID("--cluster-id", f.clusterID.value); err != nil {
		problems = append(problems, argumentProblem(err))
	}
	if f.output.value != "table" && f.output.value != "json" {
		problems = append(problems, "-o: "+quote.Value(f.output.value)+" is not table or json")
	}
	if f.all && (f.offset.set || f.limit.set) {
		problems = append(problems, "--all lists every connection: it takes no --offset or --limit")
	}
	if f.endpoint.set && f.region.set {
		problems = append(problems, "--region and --endpoint both give the endpoint: give one")
	}
	if f.timeout.value <= 0 {
		problems = append(problems, fmt.Sprintf("--timeout: %v is not positive", f.timeout.value))
	}

	// A transport of the command's own, whose idle connections it closes when done.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	// The flags are options, which win over their variables; the client reads the rest of the
	// environment by its own rules, and names every problem.
	opts := []client.Option{client.WithHTTPClient(&http.Client{Transport: transport})}
	if f.endpoint.set {
		opts = append(opts, client.WithEndpoint(f.endpoint.value))
	}
	if f.region.set {
		opts = append(opts, client.WithRegion(f.region.value))
	}
	if f.projectID.set {
		opts = append(opts, client.WithProjectID(f.projectID.value))
	}
	if f.debug {
		opts = append(opts, client.WithLogger(debugLogger(c.stderr)))
	}
	cl, err := client.NewFromEnvFunc(c.lookupEnv, opts...)
	if err != nil {
		problems = append(problems, configProblems(err)...)
	}
	if len(problems) > 0 {
		return &usageError{problems: problems}
	}

	ctx, cancel := withDeadline(ctx, f.timeout.value)
	defer cancel()
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

// errDeadline is the cause of a command's context when its --timeout passes.
var errDeadline = errors.New("the deadline passed")

// withDeadline bounds ctx by the command's --timeout d. When d passes, the context's cause
// says so (the client's errors name the cause), wrapping context.DeadlineExceeded.
func withDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, fmt.Errorf("%w (--timeout %v): %w", errDeadline, d, context.DeadlineExceeded))
}

// optionFlags are the flags that give a client option, by the option's name.
var optionFlags = map[string]string{
	"WithEndpoint":  "--endpoint",
	"WithRegion":    "--region",
	"WithProjectID": "--project-id",
}

// configProblems turns the error of client.NewFromEnvFunc, one *client.ConfigError per problem,
// into the problems of a usage error, in the terms of the command: its flags and variables.
func configProblems(err error) []string {
	errs := []error{err}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		errs = joined.Unwrap()
	}
	var problems []string
	for _, err := range errs {
		var ce *client.ConfigError
		if !errors.As(err, &ce) {
			problems = append(problems, trimPackage(err.Error())) // not expected
			continue
		}
		flag, isFlag := optionFlags[ce.Option]
		switch {
		case errors.Is(ce, client.ErrNoEndpoint):
			problems = append(problems, fmt.Sprintf("no endpoint: give --endpoint or --region, or set %s or %s", client.EnvEndpoint, client.EnvRegion))
		case errors.Is(ce, client.ErrNoProjectID):
			problems = append(problems, "no project ID: give --project-id or set "+client.EnvProjectID)
		case errors.Is(ce, client.ErrNoCredentials):
			problems = append(problems, fmt.Sprintf("no credentials: set %s, or %s and %s", client.EnvAuthToken, client.EnvAccessKey, client.EnvSecretKey))
		case ce.Variable != "":
			problems = append(problems, ce.Variable+": "+ce.Err.Error())
		case isFlag:
			problems = append(problems, flag+": "+ce.Err.Error())
		case ce.Option != "": // an option the command sets itself: not expected
			problems = append(problems, ce.Option+": "+ce.Err.Error())
		default: // no one value is wrong; Err names the variables
			problems = append(problems, ce.Err.Error())
		}
	}
	return problems
}

// argumentProblem is the problem of a *client.ArgumentError: its name (a flag) and what is
// wrong.
func argumentProblem(err error) string {
	var ae *client.ArgumentError
	if errors.As(err, &ae) {
		return ae.Name + ": " + ae.Reason
	}
	return trimPackage(err.Error())
}

// debugLogger is the --debug log: text records of every level on w.
func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
