package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the output of this run")

// binary is the cssvpcep command built by TestMain, which the CLI tests run.
var binary string

// TestMain builds the command once for the whole run, then runs the tests and checks that no
// goroutine is left behind by the in-process ones.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cssvpcep-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "cssvpcep")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building cssvpcep: %v\n", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	goleak.VerifyTestMain(removing{m, dir})
}

// removing runs the tests, then removes the directory of the binary.
type removing struct {
	m   *testing.M
	dir string
}

func (r removing) Run() int {
	defer func() { _ = os.RemoveAll(r.dir) }()
	return r.m.Run()
}

// Recognizable credentials, which no output of any run may contain.
const (
	testToken = "tok-SECRET-1"
	testAK    = "AKCLITEST"
	testSK    = "sk-SECRET-2"
)

// result is what a run of the command gave.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit status %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// runBinary runs the built command with args and exactly the environment env (nothing of the
// test's own), and checks that its output holds no secret.
func runBinary(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = envList(env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := result{code: 0}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("cssvpcep %s: %v", strings.Join(args, " "), err)
		}
		r.code = exit.ExitCode()
	}
	r.stdout, r.stderr = stdout.String(), stderr.String()
	checkNoSecrets(t, r)
	return r
}

// runInProcess runs the command in this process through run, with env as its environment.
func runInProcess(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr, lookup(env))
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: code}
	checkNoSecrets(t, r)
	return r
}

func lookup(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

func envList(env map[string]string) []string {
	list := []string{}
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	return list
}

// checkNoSecrets fails the test if the output holds a test credential.
func checkNoSecrets(t *testing.T, r result) {
	t.Helper()
	for _, secret := range []string{testToken, testSK, "SECRET-"} {
		if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
			t.Errorf("the output holds the secret %q:\n%v", secret, r)
		}
	}
}

// wantCode fails the test now unless the run ended with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit status %d, got:\n%v", code, r)
	}
}

var (
	portPattern     = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	durationPattern = regexp.MustCompile(`in \d+\.\dms`)
)

// normalize replaces what changes from run to run, ports and durations, by placeholders, for
// golden files. (No output compared with a golden file shows a request ID of the emulator.)
func normalize(s string) string {
	s = portPattern.ReplaceAllString(s, "127.0.0.1:PORT")
	return durationPattern.ReplaceAllString(s, "in N.Nms")
}

// golden compares got with testdata/<name>.golden, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}

// emulatorEnv is the environment that reaches ts with the test token.
func emulatorEnv(ts *emulator.TestServer) map[string]string {
	return map[string]string{
		client.EnvEndpoint:  ts.URL,
		client.EnvProjectID: emulator.DefaultProjectID,
		client.EnvAuthToken: testToken,
	}
}

// with returns a copy of env with the changes; an empty value removes the variable.
func with(env map[string]string, changes ...string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			delete(out, changes[i])
		} else {
			out[changes[i]] = changes[i+1]
		}
	}
	return out
}
