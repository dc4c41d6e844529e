package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// hostileRow is a command line and environment, and the exact outcome: the exit status and
// the problem lines of stderr (each printed as "cssvpcep <command>: <line>"), which name the
// flag or variable at fault. TestConnections_usageErrors has more rows of the same kind.
type hostileRow struct {
	name string
	env  map[string]string
	args []string
	code int
	want []string // the problem lines, in order
}

// runHostileRows runs each row through the built binary (in-process when an argument holds a
// NUL byte, which no process can be given) and checks that stderr is exactly the problems and
// the pointer to --help, and that stdout is empty.
func runHostileRows(t *testing.T, command string, rows []hostileRow) {
	t.Helper()
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{command}, tc.args...)
			var r result
			if strings.Contains(strings.Join(args, " "), "\x00") {
				r = runInProcess(t, tc.env, args...)
			} else {
				r = runBinary(t, tc.env, args...)
			}
			var want strings.Builder
			for _, line := range tc.want {
				fmt.Fprintf(&want, "cssvpcep %s: %s\n", command, line)
			}
			if tc.code == exitUsage {
				fmt.Fprintf(&want, "Run 'cssvpcep %s --help' for usage.\n", command)
			}
			if r.code != tc.code || r.stdout != "" || r.stderr != want.String() {
				t.Errorf("got:\n%v\nwant exit status %d and stderr:\n%s", r, tc.code, want.String())
			}
		})
	}
}

func TestConnections_hostileFlagsAndEnvironment(t *testing.T) {
	t.Parallel()
	// No row reaches the network: the endpoint is a closed port.
	env := map[string]string{client.EnvEndpoint: "http://127.0.0.1:1", client.EnvProjectID: "p", client.EnvAuthToken: testToken}
	noCreds := with(env, client.EnvAuthToken, "")
	long := strings.Repeat("x", 10<<10)
	usage := func(name string, env map[string]string, args []string, want ...string) hostileRow {
		return hostileRow{name: name, env: env, args: append([]string{"--cluster-id", "c"}, args...), code: exitUsage, want: want}
	}
	runHostileRows(t, "connections", []hostileRow{
		// Numbers.
		usage("negative limit", env, []string{"--limit", "-5"}, "--limit: -5 is out of range 1-1000"),
		usage("huge limit", env, []string{"--limit", "99999999999999999999"}, `--limit: "99999999999999999999" is out of range 1-1000`),
		usage("huge negative offset", env, []string{"--offset", "-99999999999999999999"}, `--offset: "-99999999999999999999" is out of range 0-1000`),
		usage("offset in exponent form", env, []string{"--offset", "1e3"}, `--offset: "1e3" is not a whole number`),
		usage("offset in hex", env, []string{"--offset", "0x10"}, `--offset: "0x10" is not a whole number`),
		usage("empty offset", env, []string{"--offset="}, `--offset: "" is not a whole number`),
		usage("offset and all", env, []string{"--offset", "1", "--all"}, "--all lists every connection: it takes no --offset or --limit"),
		// Flags.
		usage("an unknown flag carrying a token", env, []string{"--token=" + testToken}, "unknown flag --token"),
		usage("the secret key as a flag", env, []string{"--sk", testSK}, "unknown flag --sk"),
		usage("three dashes", env, []string{"---limit", "1"}, "bad flag syntax: ---limit"),
		usage("flags after --", env, []string{"--", "--limit", "1"}, `unexpected argument "--limit": this command takes flags only`),
		usage("debug not a boolean", env, []string{"--debug=yes"}, `--debug: "yes" is not true or false`),
		usage("empty output format", env, []string{"-o", ""}, `-o: "" is not table or json`),
		// Endpoints.
		usage("ftp without a host", env, []string{"--endpoint", "ftp://"}, `--endpoint: scheme "ftp" is not http or https`),
		usage("no scheme", env, []string{"--endpoint", "//css.example"}, `--endpoint: scheme "" is not http or https`),
		usage("javascript", env, []string{"--endpoint", "javascript:alert(1)"}, `--endpoint: scheme "javascript" is not http or https`),
		usage("a bad escape", env, []string{"--endpoint", "https://css.example/%zz"}, `--endpoint: not a URL: invalid URL escape "%zz"`),
		usage("a query", env, []string{"--endpoint", "https://css.example/?x=1"}, "--endpoint: the URL has a query"),
		usage("a tab", env, []string{"--endpoint", "https://css.example/\t"}, "--endpoint: the URL contains white space"),
		usage("a password", env, []string{"--endpoint", "https://user:" + testSK + "@css.example"},
			"--endpoint: the URL carries user information; credentials in a URL leak into logs: use WithToken or WithAccessKey"),
		usage("a port out of range", env, []string{"--endpoint", "https://css.example:99999"}, `--endpoint: the port "99999" is out of range 1-65535`),
		usage("port zero", env, []string{"--endpoint", "https://css.example:0"}, `--endpoint: the port "0" is out of range 1-65535`),
		usage("a region that is a host", env, []string{"--region", "eu-de.evil.example/x"},
			`--region: region "eu-de.evil.example/x" does not match ^[a-z]{2,}(-[a-z0-9]+)+$ (such as eu-de)`),
		// IDs.
		{name: "a 10 kB cluster ID", env: env, args: []string{"--cluster-id", long}, code: exitUsage,
			want: []string{"--cluster-id: is 10240 bytes long; at most 256 are allowed"}},
		{name: "a NUL in the cluster ID", env: env, args: []string{"--cluster-id", "a\x00b"}, code: exitUsage,
			want: []string{`--cluster-id: "a\x00b" has a control character at byte 1`}},
		{name: "a line break in the cluster ID", env: env, args: []string{"--cluster-id", "a\nb"}, code: exitUsage,
			want: []string{`--cluster-id: "a\nb" has a control character at byte 1`}},
		usage("a 10 kB OS_PROJECT_ID", with(env, client.EnvProjectID, long), nil, "OS_PROJECT_ID: project ID is 10240 bytes long; at most 256 are allowed"),
		// Credentials.
		usage("a token of spaces", with(env, client.EnvAuthToken, "   "), nil, "OS_AUTH_TOKEN: the token is empty"),
		usage("a token with a line break", with(env, client.EnvAuthToken, testToken+"\nX-Evil: 1"), nil,
			"OS_AUTH_TOKEN: the token has a control character at byte 12"),
		usage("both kinds", with(env, client.EnvAccessKey, testAK, client.EnvSecretKey, testSK), nil,
			"both OS_AUTH_TOKEN and OS_ACCESS_KEY/OS_SECRET_KEY are set: unset one kind of credentials"),
		usage("both kinds, the token with a line break", with(env, client.EnvAuthToken, "t\n", client.EnvAccessKey, testAK, client.EnvSecretKey, testSK), nil,
			"both OS_AUTH_TOKEN and OS_ACCESS_KEY/OS_SECRET_KEY are set: unset one kind of credentials"),
		usage("an access key and an empty secret key", with(noCreds, client.EnvAccessKey, testAK, client.EnvSecretKey, ""), nil,
			"OS_ACCESS_KEY is set but OS_SECRET_KEY is not"),
		usage("a secret key alone", with(noCreds, client.EnvSecretKey, testSK), nil, "OS_SECRET_KEY is set but OS_ACCESS_KEY is not"),
		// The secret key is refused as the token is: named, never quoted.
		usage("a secret key with a line break", with(noCreds, client.EnvAccessKey, testAK, client.EnvSecretKey, testSK+"\nX-Evil: 1"), nil,
			"OS_SECRET_KEY: the secret key has a control character at byte 11"),
		usage("a secret key with a tab inside", with(noCreds, client.EnvAccessKey, testAK, client.EnvSecretKey, "ab\tcd"), nil,
			"OS_SECRET_KEY: the secret key has a control character at byte 2"),
		usage("a secret key of spaces", with(noCreds, client.EnvAccessKey, testAK, client.EnvSecretKey, "  "), nil,
			"OS_SECRET_KEY: the secret key is empty"),
		usage("an access key with a space", with(noCreds, client.EnvAccessKey, "AK 1", client.EnvSecretKey, testSK), nil,
			"OS_ACCESS_KEY: signer: access key has a character not allowed in the Authorization header at byte 2"),
		usage("a password in CSS_ENDPOINT", with(env, client.EnvEndpoint, "https://u:"+testSK+"@css.example"), nil,
			"CSS_ENDPOINT: the URL carries user information; credentials in a URL leak into logs: use WithToken or WithAccessKey"),
	})
}

func TestServe_hostileFlags(t *testing.T) {
	t.Parallel()
	// A seed file whose cluster --connections 3 would add again.
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`{"clusters":[{"project_id":"demo-project","cluster_id":"synthetic-3","connections":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	usage := func(name string, args []string, want ...string) hostileRow {
		return hostileRow{name: name, args: append([]string{"--addr", "127.0.0.1:0"}, args...), code: exitUsage, want: want}
	}
	dir := t.TempDir()
	runHostileRows(t, "serve", []hostileRow{
		usage("negative connections", []string{"--connections", "-1"}, "--connections: -1 is out of range 0-100000"),
		usage("infinite fail rate", []string{"--fail-rate", "Inf"}, `--fail-rate: "Inf" is not a number from 0 to 1`),
		usage("negative fail rate", []string{"--fail-rate", "-0.1"}, `--fail-rate: "-0.1" is not a number from 0 to 1`),
		usage("latency out of range", []string{"--latency", "1e9h"}, `--latency: "1e9h" is not a duration, such as 200ms or 1.5s`),
		usage("empty address", []string{"--addr", ""}, `--addr: "": missing port in address`),
		usage("an empty state file name", []string{"--state", ""}, "--state: the path is empty"),
		usage("a state file that is a directory", []string{"--state", dir}, "--state: state file: read "+dir+": is a directory"),
		usage("a task duration out of range", []string{"--task-duration", "1e9h"}, `--task-duration: "1e9h" is not a duration, such as 200ms or 1.5s`),
		usage("a port out of range", []string{"--addr", "127.0.0.1:99999"}, `--addr: "127.0.0.1:99999": port 99999 is out of range 0-65535`),
		usage("a port far out of range", []string{"--addr", "127.0.0.1:99999999999999999999"},
			`--addr: "127.0.0.1:99999999999999999999": port 99999999999999999999 is out of range 0-65535`),
		// net.Listen takes a sign and a service name; --addr takes digits only.
		usage("a port with a sign", []string{"--addr", "127.0.0.1:+80"}, `--addr: "127.0.0.1:+80": port "+80" is not a number`),
		usage("a port of minus zero", []string{"--addr", "127.0.0.1:-0"}, `--addr: "127.0.0.1:-0": port "-0" is not a number`),
		usage("a service name", []string{"--addr", ":http"}, `--addr: ":http": port "http" is not a number`),
		usage("no port", []string{"--addr", "127.0.0.1:"}, `--addr: "127.0.0.1:": port "" is not a number`),
		usage("a port with a space", []string{"--addr", "127.0.0.1: 80"}, `--addr: "127.0.0.1: 80": port " 80" is not a number`),
		// The emulator's own checks, mapped from *emulator.ConfigError to the flag.
		usage("empty token", []string{"--token", ""}, "--token: the token is empty"),
		usage("token with a line break", []string{"--token", testToken + "\n"}, "--token: the token has a space or control character at byte 12"),
		usage("empty access key", []string{"--ak", "", "--sk", testSK}, "--ak: signer: access key is empty"),
		usage("access key with a comma", []string{"--ak", "AK,1", "--sk", testSK}, "--ak: signer: access key has a character not allowed in the Authorization header at byte 2"),
		usage("empty secret key", []string{"--ak", testAK, "--sk", ""}, "--sk: signer: secret key is empty"),
		usage("a seed cluster added again", []string{"--seed", seed, "--connections", "3"},
			`--connections: cluster "synthetic-3" of project "demo-project": the seed has this cluster already`),
		usage("every wrong option at once", []string{"--token", "", "--ak", "AK,1", "--sk", "", "--seed", seed, "--connections", "3"},
			"--token: the token is empty", "--ak: signer: access key has a character not allowed in the Authorization header at byte 2"),
	})
}

// emulatorError maps every *emulator.ConfigError of an option a flag gives to a usage error
// naming the flag, and anything else emulator.New returns to exit status 1.
func TestEmulatorError(t *testing.T) {
	t.Parallel()
	_, tokenErr := emulator.New(emulator.WithToken(""))
	_, akErr := emulator.New(emulator.WithAccessKey("", "x"))
	_, skErr := emulator.New(emulator.WithAccessKey("AK", ""))
	_, loggerErr := emulator.New(emulator.WithLogger(nil))
	untyped := errors.New("emulator: loading the embedded spec: broken")
	for _, tc := range []struct {
		name string
		err  error
		code int
		want string
	}{
		{"one flag", tokenErr, exitUsage, "cssvpcep serve: --token: the token is empty\nRun 'cssvpcep serve --help' for usage.\n"},
		{"the access key", akErr, exitUsage, "cssvpcep serve: --ak: signer: access key is empty\nRun 'cssvpcep serve --help' for usage.\n"},
		{"the secret key", skErr, exitUsage, "cssvpcep serve: --sk: signer: secret key is empty\nRun 'cssvpcep serve --help' for usage.\n"},
		{"a key pair as a whole", &emulator.ConfigError{Option: "WithAccessKey", Err: errors.New("bad")}, exitUsage,
			"cssvpcep serve: --ak/--sk: bad\nRun 'cssvpcep serve --help' for usage.\n"},
		{"several flags", errors.Join(tokenErr, akErr), exitUsage,
			"cssvpcep serve: --token: the token is empty\ncssvpcep serve: --ak: signer: access key is empty\nRun 'cssvpcep serve --help' for usage.\n"},
		{"an option no flag gives", loggerErr, exitFailure, "cssvpcep serve: the emulator cannot start: emulator: WithLogger: the logger is nil\n"},
		{"a flag and an option no flag gives", errors.Join(tokenErr, loggerErr), exitFailure,
			"cssvpcep serve: the emulator cannot start: emulator: WithToken: the token is empty\nemulator: WithLogger: the logger is nil\n"},
		{"not a ConfigError", untyped, exitFailure, "cssvpcep serve: the emulator cannot start: emulator: loading the embedded spec: broken\n"},
	} {
		var stderr strings.Builder
		c := &cli{stderr: &stderr}
		if code := c.exit("serve", emulatorError(tc.err)); code != tc.code || stderr.String() != tc.want {
			t.Errorf("%s: exit status %d, stderr %q; want %d, %q", tc.name, code, stderr.String(), tc.code, tc.want)
		}
	}
}

// The verbs of the family refuse what connections refuses, and their own arguments, before any
// request: the endpoint is a closed port.
func TestVerbs_hostileFlagsAndArguments(t *testing.T) {
	t.Parallel()
	env := map[string]string{client.EnvEndpoint: "http://127.0.0.1:1", client.EnvProjectID: "p", client.EnvAuthToken: testToken}
	usage := func(name string, args []string, want ...string) hostileRow {
		return hostileRow{name: name, env: env, args: args, code: exitUsage, want: want}
	}
	const uuid = "54b7f739-31a1-40d0-862b-ac85b83ab2da"
	for command, rows := range map[string][]hostileRow{
		"accept": {
			usage("a token as a flag", []string{"--cluster-id", "c", "--token=" + testToken, uuid}, "unknown flag --token"),
			usage("no cluster and no ID", nil, "--cluster-id is required", "no ENDPOINT_ID: name the connections to accept (at most 100)"),
			usage("an ID with a line break", []string{"--cluster-id", "c", "a\nb"}, `ENDPOINT_ID: [0] "a\nb" is not a VPC endpoint ID (a UUID)`),
			usage("a 10 kB ID", []string{"--cluster-id", "c", strings.Repeat("9", 10<<10)},
				`ENDPOINT_ID: [0] "`+strings.Repeat("9", 64)+`"… is not a VPC endpoint ID (a UUID)`),
			usage("an unknown shorthand", []string{"-x", uuid}, "unknown flag -x"),
			usage("a flag without its value", []string{uuid, "--cluster-id"}, "--cluster-id needs a value"),
		},
		"enable": {
			usage("an argument", []string{"--cluster-id", "c", "now"}, `unexpected argument "now": this command takes flags only`),
			usage("wait not a boolean", []string{"--cluster-id", "c", "--wait=soon"}, `--wait: "soon" is not true or false`),
			usage("a secret key as a flag", []string{"--cluster-id", "c", "--sk", testSK}, "unknown flag --sk"),
			usage("a flag with a control character", []string{"--cluster-id", "c", "--a\x1bb"}, `unknown flag "--a\x1bb"`),
		},
		"whitelist": {
			usage("no subcommand", nil, "a subcommand is needed: show, set, add or remove"),
		},
		"auth": {
			usage("a password as a flag", []string{"--password", testSK}, "unknown flag --password"),
			usage("a cluster", []string{"--cluster-id", "c"}, "unknown flag --cluster-id"),
			usage("an empty cloud", []string{"--cloud", " "}, "--cloud: the cloud name is empty"),
			{name: "a user without a password", env: with(env, client.EnvAuthToken, "", client.EnvUsername, "alice", client.EnvUserDomainName, "d"),
				code: exitUsage, want: []string{"OS_USERNAME is set but OS_PASSWORD is not"}},
		},
		"wait": {
			usage("timeout zero", []string{"--cluster-id", "c", "--timeout", "0"}, "--timeout: 0s is not positive"),
		},
	} {
		t.Run(command, func(t *testing.T) {
			t.Parallel()
			runHostileRows(t, command, rows)
		})
	}
}
