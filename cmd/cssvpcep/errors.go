package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cssvpcep/cssvpcep/client"
)

// The exit statuses.
const (
	exitOK      = 0 // success, or help asked for
	exitFailure = 1 // the API or the network failed (or the emulator could not start or listen)
	exitUsage   = 2 // a wrong or missing flag, argument or environment variable
)

// usageError is a mistake in the command line or the environment: exit status 2. It holds one
// message per problem, each naming the flag or variable at fault.
type usageError struct{ problems []string }

func usagef(format string, args ...any) *usageError {
	return &usageError{problems: []string{fmt.Sprintf(format, args...)}}
}

func (e *usageError) Error() string { return strings.Join(e.problems, "; ") }

// usageErrors joins the problems of several usage errors; nil when there are none.
func usageErrors(errs []*usageError) error {
	var all usageError
	for _, e := range errs {
		all.problems = append(all.problems, e.problems...)
	}
	if len(all.problems) == 0 {
		return nil
	}
	return &all
}

// trimPackage removes the "client: " or "emulator: " that the packages' errors start with,
// which means nothing to someone running the command.
func trimPackage(msg string) string {
	for _, p := range []string{"client: ", "emulator: "} {
		if rest, ok := strings.CutPrefix(msg, p); ok {
			return rest
		}
	}
	return msg
}

// errUsageShown is the error of a command that has printed its usage itself (cssvpcep with no
// command): exit status 2, nothing more to say.
var errUsageShown = errors.New("usage shown")

// commandError is an error a command returned, as opposed to one of cobra's own about the
// command line (an argument its completion commands do not take, say), which is a usage
// error: execute tells them apart.
type commandError struct{ err error }

func (e *commandError) Error() string { return e.err.Error() }

func (e *commandError) Unwrap() error { return e.err }

// exit reports the error of command name ("" for cssvpcep itself, "whitelist add" for a
// subcommand) on stderr and returns the exit status.
func (c *cli) exit(name string, err error) int {
	if err == nil {
		return exitOK
	}
	prefix := "cssvpcep"
	if name != "" {
		prefix += " " + name
	}
	var ue *usageError
	var ae *client.ArgumentError
	switch {
	case errors.Is(err, errUsageShown):
		return exitUsage
	case errors.As(err, &ue):
	case errors.As(err, &ae): // an argument the client refused before any request
		ue = &usageError{problems: []string{argumentProblem(ae)}}
	}
	if ue != nil {
		for _, p := range ue.problems {
			fmt.Fprintf(c.stderr, "%s: %s\n", prefix, p)
		}
		fmt.Fprintf(c.stderr, "Run '%s --help' for usage.\n", prefix)
		return exitUsage
	}
	if errors.Is(err, client.ErrNoEndpoint) {
		// A built client lacks an endpoint only with a password, when the token's catalog
		// names none: the client's words are the Go options'.
		fmt.Fprintf(c.stderr, "%s: no endpoint: the catalog of the token IAM issued names no CSS endpoint: give --endpoint or --region, or set %s or %s\n",
			prefix, client.EnvEndpoint, client.EnvRegion)
		return exitFailure
	}
	fmt.Fprintf(c.stderr, "%s: %s\n", prefix, trimPackage(err.Error()))
	if client.IsIAMUnauthorized(err) {
		fmt.Fprintf(c.stderr, "  hint:        IAM refused the sign-in: check %s, %s and %s (or the cloud's, of --cloud or %s); 'cssvpcep auth' shows what is used\n",
			client.EnvUsername, client.EnvPassword, client.EnvUserDomainName, client.EnvCloud)
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		status := strconv.Itoa(apiErr.StatusCode)
		if text := http.StatusText(apiErr.StatusCode); text != "" {
			status += " " + text
		}
		// The client has sanitized these: one line each, bounded, no control characters.
		fmt.Fprintf(c.stderr, "  HTTP status: %s\n", status)
		fmt.Fprintf(c.stderr, "  error code:  %s\n", orDash(apiErr.Code))
		fmt.Fprintf(c.stderr, "  message:     %s\n", orDash(apiErr.Message))
		fmt.Fprintf(c.stderr, "  request ID:  %s\n", orDash(apiErr.RequestID))
		if hint := hintFor(apiErr); hint != "" {
			fmt.Fprintf(c.stderr, "  hint:        %s\n", hint)
		}
	}
	return exitFailure
}

// hintFor says what to check for the errors whose cause is usually on the caller's side.
func hintFor(e *client.APIError) string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("the credentials are missing, wrong or expired: check %s; or %s and %s; or %s, %s and %s (or the cloud of --cloud or %s); 'cssvpcep auth' shows which are used",
			client.EnvAuthToken, client.EnvAccessKey, client.EnvSecretKey, client.EnvUsername, client.EnvPassword, client.EnvUserDomainName, client.EnvCloud)
	case e.StatusCode == http.StatusForbidden:
		return "the credentials do not allow this call in this project"
	case e.StatusCode == http.StatusNotFound && e.Code == client.CodeNoCluster:
		return "no such cluster: check --cluster-id, the project ID and the region or endpoint"
	case e.Code == client.CodeBusy:
		return "another task runs on the cluster: run 'cssvpcep wait --cluster-id ...', then try again"
	case e.Code == client.CodeNotEnabled:
		return "the VPC endpoint service of the cluster is off: 'cssvpcep enable --cluster-id ...' turns it on"
	}
	return ""
}

// orDash returns s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
