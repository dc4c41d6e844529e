package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

const serveLong = `Runs the emulator, an in-memory CSS endpoint for the VPC endpoint operations (enabling and
disabling the service, listing, accepting and rejecting connections, the whitelist) and the
cluster details, until SIGINT (Ctrl+C) or SIGTERM, then stops it gracefully, letting the
requests in flight finish. It prints the URL it listens on and, for every cluster it serves,
a connections command to run against it. GET /openapi.yaml serves the spec, and POST
/emulator/v1/{project_id}/clusters/{cluster_id}/endpoints with {"domain_id": "<account>"}
adds a consumer's VPC endpoint (see package emulator's documentation).

With --iam-user and --iam-password it also answers as IAM (Keystone v3) under /v3 on the same
address, for password sign-in: POST /v3/auth/tokens and GET /v3/projects?name=, as the
openstack CLI, gophercloud and cssvpcep's other verbs send them. Its tokens are valid for
--token-ttl and only for the project they are scoped to (the built-in project demo-project is
named eu-de); --token and --ak/--sk keep working beside it.`

const serveMore = `
Exit status: 0 stopped by a signal (requests still in flight after 10s are cut off); 1 the
emulator could not start or the address could not be listened on; 2 usage error, a seed or
state file that cannot be read or does not decode included.
`

// shutdownTimeout bounds how long serve waits for the requests in flight once told to stop;
// the connections still busy then are closed. A variable only so that a test need not wait
// that long.
var shutdownTimeout = 10 * time.Second

// serveFlags are the flags of the serve command.
type serveFlags struct {
	addr, seed, state, token, ak, sk stringFlag
	iamUser, iamPassword, iamDomain  stringFlag
	connections                      intFlag
	latency, taskDuration, tokenTTL  durationFlag
	failRate                         fractionFlag
	docQuirks, debug                 bool
}

func (c *cli) serveCommand() *cobra.Command {
	f := &serveFlags{
		addr:         stringFlag{value: "127.0.0.1:8080"},
		connections:  intFlag{min: 0, max: emulator.MaxSynthetic},
		taskDuration: durationFlag{value: emulator.DefaultTaskDuration},
		iamDomain:    stringFlag{value: emulator.DefaultIAMDomain},
		tokenTTL:     durationFlag{value: emulator.DefaultTokenTTL},
	}
	cmd := &cobra.Command{
		Use:         "serve",
		Short:       "run the emulator until interrupted",
		Long:        serveLong,
		Args:        noArgs,
		Annotations: map[string]string{"more": serveMore},
		Example: `  cssvpcep serve --addr 127.0.0.1:8080 --token local-token
  OS_AUTH_TOKEN=local-token cssvpcep connections --endpoint http://127.0.0.1:8080 \
      --project-id demo-project --cluster-id 5c77b71c-5b35-4f50-8984-76387e42451a`,
	}
	fs := cmd.Flags()
	fs.Var(&f.addr, "addr", "listen on `HOST:PORT` (default 127.0.0.1:8080); port 0 picks a "+
		"free port, and the URL printed has the one picked")
	fs.Var(&f.seed, "seed", "serve the clusters of the seed file `FILE` instead of the built-in seed (project "+
		"demo-project with the API reference's two examples); the format is in package emulator's "+
		"documentation, an example in emulator/testdata/seed.json")
	fs.Var(&f.connections, "connections", "add cluster synthetic-N of project demo-project with `N` made-up "+
		"connections (0-100000), for paging and load tests")
	fs.Var(&f.state, "state", "keep the state in `FILE`: loaded at start when it exists (the seed and "+
		"--connections are then not used), else made from the seed; written atomically after every change. "+
		"A file that cannot be read is an error, never replaced")
	fs.Var(&f.taskDuration, "task-duration", fmt.Sprintf("the tasks of enabling and disabling the VPC endpoint "+
		"service last `D`, such as 30s (default %v); 0 ends them at once", emulator.DefaultTaskDuration))
	fs.Var(&f.token, "token", "accept only requests with the X-Auth-Token `T`")
	fs.Var(&f.ak, "ak", "accept only requests signed with the access key `AK` and the secret key of --sk "+
		"(with --token too, either credential is accepted). These are flags because the emulator is local "+
		"and its credentials made up; they are never printed. Without --token, --ak and --iam-user, any "+
		"credentials, or none, are accepted.")
	fs.Var(&f.sk, "sk", "the secret key `SK` of --ak")
	fs.Var(&f.iamUser, "iam-user", "also answer as IAM under /v3, signing in the user `NAME` with the "+
		"password of --iam-password (OS_AUTH_URL=<url>/v3, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME)")
	fs.Var(&f.iamPassword, "iam-password", "the password `P` of --iam-user, made up (the emulator is local); never printed")
	fs.Var(&f.iamDomain, "iam-domain", "the domain (account name) `D` of --iam-user (default "+emulator.DefaultIAMDomain+")")
	fs.Var(&f.tokenTTL, "token-ttl", fmt.Sprintf("the tokens the IAM issues are valid for `D` (%v-%v; default %v)",
		emulator.MinTokenTTL, emulator.MaxTokenTTL, emulator.DefaultTokenTTL))
	fs.Var(&f.latency, "latency", "delay every response by `D`, such as 200ms")
	fs.Var(&f.failRate, "fail-rate", "answer a fraction `R` (0-1) of requests with 429 or 503, Retry-After: 1, "+
		"chosen by a generator with a fixed seed")
	fs.BoolVar(&f.docQuirks, "doc-quirks", false, "answer in the form of the 2023 API reference's example: "+
		"vpcepUpdateSwitch as the string \"true\" or \"false\", time stamps without a zone, update_at null")
	fs.BoolVar(&f.debug, "debug", false, "log every request (method, path, status, duration, request ID) to stderr")
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error { return c.serve(ctx, f) })
	return cmd
}

// serve is the serve command: the emulator on --addr until ctx ends (SIGINT or SIGTERM).
func (c *cli) serve(ctx context.Context, f *serveFlags) error {
	opts, err := c.emulatorOptions(f)
	if err != nil {
		return err
	}
	// Whether the state is loaded or made from the seed, for the lines printed: New decides
	// the same way a moment later.
	_, statErr := os.Stat(f.state.value)
	stateLoaded := f.state.set && statErr == nil
	e, err := emulator.New(opts...)
	if err != nil {
		return emulatorError(err)
	}

	l, err := new(net.ListenConfig).Listen(ctx, "tcp", f.addr.value)
	if err != nil {
		return fmt.Errorf("--addr: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()
	c.printServing(e, f, l.Addr(), stateLoaded)

	select {
	case <-ctx.Done():
	case err := <-served: // Serve ends on its own only when it fails
		return fmt.Errorf("serving: %w", err)
	}
	wait := shutdownTimeout
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait)
	defer cancel()
	// When the wait ends first, Shutdown closes the connections still busy and says so: the
	// emulator was told to stop and has stopped, which is a success, not a failure.
	shutdownErr := e.Shutdown(sctx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	switch {
	case errors.Is(shutdownErr, context.DeadlineExceeded):
		fmt.Fprintf(c.stderr, "cssvpcep serve: requests still in flight after %v were cut off\n", wait)
	case shutdownErr != nil:
		return fmt.Errorf("stopping: %w", shutdownErr)
	}
	fmt.Fprintf(c.stdout, "stopped (%v)\n", context.Cause(ctx))
	return nil
}

// emulatorOptions checks the flags their parsing cannot check and turns them into options.
func (c *cli) emulatorOptions(f *serveFlags) ([]emulator.Option, error) {
	var problems []*usageError
	if _, port, err := net.SplitHostPort(f.addr.value); err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err) // AddrError quotes the address again
		}
		problems = append(problems, usagef("--addr: %s: %v", quote.Value(f.addr.value), err))
	} else if why := checkPort(port); why != "" {
		problems = append(problems, usagef("--addr: %s: port %s", quote.Value(f.addr.value), why))
	}
	switch {
	case f.ak.set && !f.sk.set:
		problems = append(problems, usagef("--ak is given but --sk is not: give both"))
	case f.sk.set && !f.ak.set:
		problems = append(problems, usagef("--sk is given but --ak is not: give both"))
	}
	switch {
	case f.iamUser.set && !f.iamPassword.set:
		problems = append(problems, usagef("--iam-user is given but --iam-password is not: give both"))
	case f.iamPassword.set && !f.iamUser.set:
		problems = append(problems, usagef("--iam-password is given but --iam-user is not: give both"))
	}
	if f.iamDomain.set && !f.iamUser.set {
		problems = append(problems, usagef("--iam-domain needs --iam-user"))
	}
	if f.iamDomain.set && strings.TrimSpace(f.iamDomain.value) == "" {
		problems = append(problems, usagef("--iam-domain: the domain is empty"))
	}
	if f.tokenTTL.set && !f.iamUser.set {
		problems = append(problems, usagef("--token-ttl needs --iam-user: only the IAM issues tokens that expire"))
	}
	if f.latency.value < 0 {
		problems = append(problems, usagef("--latency: %v is negative", f.latency.value))
	}
	if f.taskDuration.value < 0 {
		problems = append(problems, usagef("--task-duration: %v is negative", f.taskDuration.value))
	}
	if err := usageErrors(problems); err != nil {
		return nil, err
	}

	var opts []emulator.Option
	if f.seed.set {
		opts = append(opts, emulator.WithSeedFile(f.seed.value))
	}
	if f.connections.set {
		opts = append(opts, emulator.WithSynthetic(emulator.DefaultProjectID, syntheticID(f.connections.value), f.connections.value))
	}
	if f.state.set {
		opts = append(opts, emulator.WithStateFile(f.state.value))
	}
	opts = append(opts, emulator.WithTaskDuration(f.taskDuration.value))
	if f.token.set {
		opts = append(opts, emulator.WithToken(f.token.value))
	}
	if f.ak.set {
		opts = append(opts, emulator.WithAccessKey(f.ak.value, f.sk.value))
	}
	if f.iamUser.set {
		opts = append(opts, emulator.WithIAMUser(f.iamUser.value, f.iamPassword.value, f.iamDomain.value))
		if f.tokenTTL.set {
			opts = append(opts, emulator.WithTokenTTL(f.tokenTTL.value))
		}
	}
	if f.latency.value > 0 {
		opts = append(opts, emulator.WithLatency(f.latency.value, 0))
	}
	if f.failRate.value > 0 {
		opts = append(opts, emulator.WithFailRate(f.failRate.value, 1))
	}
	if f.docQuirks {
		opts = append(opts, emulator.WithDocQuirks())
	}
	if f.debug {
		opts = append(opts, emulator.WithLogger(debugLogger(c.stderr)))
	}
	return opts, nil
}

// checkPort says what is wrong with the port of --addr, "" for a decimal number 0-65535. Only
// digits are taken: net.Listen also takes a sign ("+80" is port 80) and a service name
// ("http"), which are more likely typing mistakes than wishes.
func checkPort(port string) string {
	if port == "" || strings.Trim(port, "0123456789") != "" {
		return quote.Value(port) + " is not a number"
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return quote.Line(port, quote.Max) + " is out of range 0-65535" // digits only: nothing to escape
	}
	return ""
}

// emulatorFlags are the flags that give an emulator option, by the option's name; the flags
// of WithAccessKey and WithIAMUser are told apart by the argument at fault (emulatorFlag).
var emulatorFlags = map[string]string{
	"WithSeedFile":     "--seed",
	"WithSynthetic":    "--connections",
	"WithStateFile":    "--state",
	"WithTaskDuration": "--task-duration",
	"WithToken":        "--token",
	"WithTokenTTL":     "--token-ttl",
	"WithLatency":      "--latency",
	"WithFailRate":     "--fail-rate",
}

// emulatorFlag returns the flag that gave the option of ce, "" for an option the command sets
// itself.
func emulatorFlag(ce *emulator.ConfigError) string {
	switch ce.Option {
	case "WithAccessKey":
	case "WithIAMUser":
		switch ce.Arg {
		case "password":
			return "--iam-password"
		case "domain":
			return "--iam-domain"
		}
		return "--iam-user"
	default:
		return emulatorFlags[ce.Option]
	}
	switch ce.Arg {
	case "accessKey":
		return "--ak"
	case "secretKey":
		return "--sk"
	}
	return "--ak/--sk"
}

// emulatorError turns the error of emulator.New into the command's: a usage error (exit status
// 2) naming the flag of every *emulator.ConfigError when each is about an option a flag gives;
// otherwise (something no flag can cause) the error itself, exit status 1.
func emulatorError(err error) error {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok { //nolint:errorlint // New joins its problems one level deep
		errs = joined.Unwrap()
	}
	problems := make([]string, 0, len(errs))
	for _, e := range errs {
		var ce *emulator.ConfigError
		if !errors.As(e, &ce) || emulatorFlag(ce) == "" {
			return fmt.Errorf("the emulator cannot start: %w", err)
		}
		problems = append(problems, emulatorFlag(ce)+": "+ce.Err.Error())
	}
	return &usageError{problems: problems}
}

// syntheticID is the ID of the cluster --connections n adds.
func syntheticID(n int) string { return "synthetic-" + strconv.Itoa(n) }

// printServing prints where the emulator listens, how it authenticates and a connections
// command for every cluster it serves.
func (c *cli) printServing(e *emulator.Emulator, f *serveFlags, addr net.Addr, stateLoaded bool) {
	url := "http://" + reachable(addr)
	fmt.Fprintf(c.stdout, "emulator listening on %s\n", url)
	switch {
	case stateLoaded:
		fmt.Fprintf(c.stdout, "state: %s (loaded; written after every change)\n", f.state.value)
	case f.state.set:
		fmt.Fprintf(c.stdout, "state: %s (new, from the seed; written after every change)\n", f.state.value)
	}
	switch {
	case stateLoaded:
	case f.seed.set:
		fmt.Fprintf(c.stdout, "seed: %s\n", f.seed.value)
	default:
		fmt.Fprintln(c.stdout, "seed: built-in (the API reference's examples)")
	}
	if f.connections.set && !stateLoaded {
		fmt.Fprintf(c.stdout, "synthetic cluster: %s (%d connections) in project %s\n",
			syntheticID(f.connections.value), f.connections.value, emulator.DefaultProjectID)
	}
	fmt.Fprintf(c.stdout, "task duration: %v\n", f.taskDuration.value)
	var env string
	switch {
	case f.iamUser.set && !f.token.set && !f.ak.set:
		fmt.Fprintln(c.stdout, "token auth: on (the tokens the IAM issues)")
		env = "after the export above"
	case f.token.set && f.ak.set:
		fmt.Fprintln(c.stdout, "token auth: on\nAK/SK auth: on")
		env = "with OS_AUTH_TOKEN set to the --token value, or OS_ACCESS_KEY and OS_SECRET_KEY to the --ak and --sk values"
	case f.token.set:
		fmt.Fprintln(c.stdout, "token auth: on")
		env = "with OS_AUTH_TOKEN set to the --token value"
	case f.ak.set:
		fmt.Fprintln(c.stdout, "AK/SK auth: on")
		env = "with OS_ACCESS_KEY and OS_SECRET_KEY set to the --ak and --sk values"
	default:
		fmt.Fprintln(c.stdout, "auth: off (any credentials, or none, are accepted)")
		env = "with any credentials, such as OS_AUTH_TOKEN=emulator"
	}
	if f.iamUser.set {
		fmt.Fprintf(c.stdout, "IAM: %s/v3 (user %s, domain %s, tokens valid %v)\n", url, f.iamUser.value, f.iamDomain.value, f.tokenTTL.value)
	}
	if f.latency.value > 0 {
		fmt.Fprintf(c.stdout, "latency: %v\n", f.latency.value)
	}
	if f.failRate.value > 0 {
		fmt.Fprintf(c.stdout, "fail rate: %s (429 or 503)\n", f.failRate.String())
	}
	if f.docQuirks {
		fmt.Fprintln(c.stdout, "doc quirks: on (the 2023 reference's form)")
	}

	store := e.Store()
	if f.iamUser.set {
		fmt.Fprintln(c.stdout, "\nSign in with the password of --iam-user, as the openstack CLI does:")
		fmt.Fprintf(c.stdout, "  export OS_AUTH_URL=%s/v3 OS_USERNAME=%s OS_PASSWORD='<the --iam-password value>' OS_USER_DOMAIN_NAME=%s\n",
			url, shellQuote(f.iamUser.value), shellQuote(f.iamDomain.value))
		if name, ok := store.ProjectName(emulator.DefaultProjectID); ok {
			fmt.Fprintf(c.stdout, "  cssvpcep connections --project-name %s --cluster-id %s   # the endpoint from the token's catalog\n",
				shellQuote(name), shellQuote(emulator.DefaultClusterID))
		}
	}
	fmt.Fprintf(c.stdout, "\nList the connections of a cluster, %s:\n", env)
	for _, project := range store.Projects() {
		for _, cluster := range store.ClusterIDs(project) {
			line := fmt.Sprintf("  cssvpcep connections --endpoint %s --project-id %s --cluster-id %s", url, shellQuote(project), shellQuote(cluster))
			if cl, err := store.Cluster(project, cluster); err == nil && len(cl.Connections) > 10 {
				line += " --all"
			}
			fmt.Fprintln(c.stdout, line)
		}
	}
	fmt.Fprintln(c.stdout, "\nStop with Ctrl+C (SIGINT) or SIGTERM.")
}

// reachable returns the host:port to reach a listener at: its own, but loopback for a listener
// on every interface (0.0.0.0 or ::), whose address cannot be connected to everywhere.
func reachable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	loopback := net.IPv4(127, 0, 0, 1)
	if tcp.IP.To4() == nil {
		loopback = net.IPv6loopback
	}
	return net.JoinHostPort(loopback.String(), strconv.Itoa(tcp.Port))
}

// shellQuote quotes s for a POSIX shell, unless it needs no quotes.
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.:@%+=,", r))
	}
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !safe(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
