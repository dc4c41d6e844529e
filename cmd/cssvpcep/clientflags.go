package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// Each command's deadline (--timeout) unless given. A --all of 2,000 connections is two pages,
// each within the client's 30 s per attempt and 3 attempts; a stalled endpoint gives up here.
// Enabling or disabling a service and waiting for it take minutes on a real cluster.
const (
	defaultTimeout     = 5 * time.Minute
	defaultWaitTimeout = 30 * time.Minute
)

// clientFlags are the flags of every command that calls the API, declared here once, and
// clientFlags.client is the one place that builds the client from them and the environment.
type clientFlags struct {
	clusterID, projectID, projectName, region, endpoint, authURL, cloud, output stringFlag
	timeout                                                                     durationFlag
	debug                                                                       bool
}

// addCluster declares --cluster-id, which every command but auth takes.
func (f *clientFlags) addCluster(fs *pflag.FlagSet) {
	fs.Var(&f.clusterID, "cluster-id", "the cluster with this `ID` (required)")
}

// add declares the flags that say where the API is, how to print and how long to try. Each
// command lists them after its own.
func (f *clientFlags) add(fs *pflag.FlagSet, timeout time.Duration) {
	f.output.value = "table"
	f.timeout.value = timeout
	fs.Var(&f.projectID, "project-id", "the project with this `ID` (default: $OS_PROJECT_ID)")
	fs.Var(&f.projectName, "project-name", "the project with this `NAME`, such as eu-de or eu-de_sub, whose ID "+
		"the client asks IAM for (default: $OS_PROJECT_NAME); give --project-id or --project-name, not both")
	fs.Var(&f.region, "region", "the Open Telekom Cloud region `REGION`, such as eu-de, for the endpoint "+
		"https://css.REGION.otc.t-systems.com (default: $OS_REGION_NAME)")
	fs.Var(&f.endpoint, "endpoint", "the endpoint at `URL`, such as https://css.cn-north-4.myhuaweicloud.com or an "+
		"emulator's http://127.0.0.1:8080 (default: $CSS_ENDPOINT, which wins over $OS_REGION_NAME); "+
		"give --region or --endpoint, not both")
	fs.Var(&f.authURL, "auth-url", "IAM's endpoint at `URL`, such as https://iam.eu-de.otc.t-systems.com/v3, "+
		"where a password or a project name is sent (default: $OS_AUTH_URL, else the region's)")
	fs.Var(&f.cloud, "cloud", "sign in as the cloud `NAME` of clouds.yaml says (default: $OS_CLOUD)")
	fs.VarP(&f.output, "output", "o", "print in `FORMAT`: table (the default) or json")
	fs.Var(&f.timeout, "timeout", fmt.Sprintf("give up when the whole command, every request, retry and wait "+
		"included, takes longer than `D`, such as 30s or 2m (default %v); exit status 1", shortDuration(timeout)))
	fs.BoolVar(&f.debug, "debug", false, "log every HTTP attempt (method, path, status, duration, request ID) "+
		"to stderr; headers and credentials are never logged")
}

// shortDuration writes 5m0s as 5m and 1h0m0s as 1h.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// check returns the problems of the flags that need no client to see: a missing or malformed
// cluster ID (when the command takes one), an output format, a deadline, two endpoints.
func (f *clientFlags) check(needCluster bool) []string {
	var problems []string
	switch {
	case !needCluster:
	case !f.clusterID.set:
		problems = append(problems, "--cluster-id is required")
	default:
		if err := client.CheckID("--cluster-id", f.clusterID.value); err != nil {
			problems = append(problems, argumentProblem(err))
		}
	}
	if f.output.value != "table" && f.output.value != "json" {
		problems = append(problems, "-o: "+quote.Value(f.output.value)+" is not table or json")
	}
	if f.endpoint.set && f.region.set {
		problems = append(problems, "--region and --endpoint both give the endpoint: give one")
	}
	if f.projectID.set && f.projectName.set {
		problems = append(problems, "--project-id and --project-name both name the project: give one")
	}
	if f.cloud.set && strings.TrimSpace(f.cloud.value) == "" {
		problems = append(problems, "--cloud: the cloud name is empty")
	}
	if f.timeout.value <= 0 {
		problems = append(problems, fmt.Sprintf("--timeout: %v is not positive", f.timeout.value))
	}
	return problems
}

// json reports whether -o json was asked for.
func (f *clientFlags) json() bool { return f.output.value == "json" }

// session is a client and the context of one command: bounded by --timeout, and with a
// transport of its own whose idle connections close ends.
type session struct {
	ctx    context.Context
	client *client.Client
	close  func()
	// logging: --debug writes log lines on stderr, so no line may be redrawn in place there.
	logging bool
}

// client builds the client from the flags, as options, which win over their variables, and the
// environment, which the client reads by its own rules. Every problem, the problems given
// (those of the command's own flags) and the client's, is reported at once as a usage error.
func (c *cli) client(ctx context.Context, f *clientFlags, problems []string, extra ...client.Option) (*session, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
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
	if f.projectName.set {
		opts = append(opts, client.WithProjectName(f.projectName.value))
	}
	if f.authURL.set {
		opts = append(opts, client.WithIAMEndpoint(f.authURL.value))
	}
	lookup := c.lookupEnv
	if f.cloud.set && strings.TrimSpace(f.cloud.value) != "" { // check reports a blank one
		// The client has no option for the cloud: --cloud stands in for its variable.
		lookup = func(name string) (string, bool) {
			if name == client.EnvCloud {
				return f.cloud.value, true
			}
			return c.lookupEnv(name)
		}
	}
	if f.debug {
		opts = append(opts, client.WithLogger(debugLogger(c.stderr)))
	}
	cl, err := client.NewFromEnvFunc(lookup, append(opts, extra...)...)
	if err != nil {
		problems = append(problems, configProblems(err, f.cloud.set)...)
	}
	if len(problems) > 0 {
		transport.CloseIdleConnections()
		return nil, &usageError{problems: problems}
	}
	ctx, cancel := withDeadline(ctx, f.timeout.value)
	return &session{ctx: ctx, client: cl, close: func() { cancel(); transport.CloseIdleConnections() }, logging: f.debug}, nil
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
	"WithEndpoint":    "--endpoint",
	"WithRegion":      "--region",
	"WithProjectID":   "--project-id",
	"WithProjectName": "--project-name",
	"WithIAMEndpoint": "--auth-url",
}

// configProblems turns the error of client.NewFromEnvFunc, one *client.ConfigError per problem,
// into the problems of a usage error, in the terms of the command: its flags and variables.
// cloudFlag says that --cloud gave the cloud, so that a problem of OS_CLOUD's is --cloud's.
func configProblems(err error, cloudFlag bool) []string {
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
			problems = append(problems, fmt.Sprintf("no project: give --project-id or --project-name, or set %s or %s (or name a cloud with --cloud or %s)",
				client.EnvProjectID, client.EnvProjectName, client.EnvCloud))
		case errors.Is(ce, client.ErrNoCredentials):
			problems = append(problems, "no credentials: set "+credentialVariables)
		case errors.Is(ce, client.ErrNoIAMEndpoint):
			problems = append(problems, fmt.Sprintf("no IAM endpoint: a password or a project name is sent to IAM: give --auth-url or --region, or set %s or %s",
				client.EnvAuthURL, client.EnvRegion))
		case ce.Variable == client.EnvCloud && cloudFlag:
			problems = append(problems, "--cloud: "+ce.Err.Error())
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

// credentialVariables names the three kinds of credentials the environment may give.
var credentialVariables = fmt.Sprintf("%s; or %s and %s; or %s, %s and %s; or name a cloud of clouds.yaml with --cloud or %s",
	client.EnvAuthToken, client.EnvAccessKey, client.EnvSecretKey, client.EnvUsername, client.EnvPassword, client.EnvUserDomainName, client.EnvCloud)

// argumentNames are the command-line names of the arguments the client's methods check.
var argumentNames = map[string]string{
	"clusterID":   "--cluster-id",
	"endpointIDs": "ENDPOINT_ID",
	"accountIDs":  "ACCOUNT_ID",
	// EnableOptions' fields, as enable's flags.
	"opts.DualStack": "--dual-stack",
}

// argumentProblem is the problem of a *client.ArgumentError in the command's terms: the flag or
// argument, and what is wrong.
func argumentProblem(err error) string {
	var ae *client.ArgumentError
	if !errors.As(err, &ae) {
		return trimPackage(err.Error())
	}
	name := ae.Name
	if n, ok := argumentNames[name]; ok {
		name = n
	}
	return name + ": " + ae.Reason
}

// debugLogger is the --debug log: text records of every level on w.
func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
