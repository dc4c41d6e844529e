package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

var (
	urlLine     = regexp.MustCompile(`^emulator listening on (http://127\.0\.0\.1:\d+)$`)
	commandLine = regexp.MustCompile(`^  cssvpcep (connections .*)$`)
)

// serving is a serve command running as a subprocess.
type serving struct {
	cmd      *exec.Cmd
	lines    chan string // stdout, line by line, closed at its end
	url      string
	commands [][]string // the connections commands it printed, without "cssvpcep"
	stdout   []string
	stderr   strings.Builder
}

// startServe runs the serve command with args and waits until it has printed its commands.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	s := &serving{cmd: exec.CommandContext(ctx, binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...), lines: make(chan string)}
	s.cmd.Env = []string{}
	s.cmd.Stderr = &s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	for line := range s.lines {
		s.stdout = append(s.stdout, line)
		if m := urlLine.FindStringSubmatch(line); m != nil {
			s.url = m[1]
		}
		if m := commandLine.FindStringSubmatch(line); m != nil {
			s.commands = append(s.commands, strings.Fields(m[1]))
		}
		if strings.HasPrefix(line, "Stop with") {
			return s
		}
	}
	_ = s.cmd.Wait()
	t.Fatalf("serve ended before it was ready:\n%s\n%s", strings.Join(s.stdout, "\n"), s.stderr.String())
	return nil
}

// stop sends sig and waits for the command to end, returning the rest of its stdout.
func (s *serving) stop(t *testing.T, sig os.Signal) (exitCode int, rest []string) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	for line := range s.lines {
		rest = append(rest, line)
	}
	err := s.cmd.Wait()
	checkNoSecrets(t, result{stdout: strings.Join(append(s.stdout, rest...), "\n"), stderr: s.stderr.String()})
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), rest
		}
		t.Fatal(err)
	}
	return 0, rest
}

func TestServe_signals(t *testing.T) {
	t.Parallel()
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			s := startServe(t, "--connections", "25", "--token", testToken, "--ak", testAK, "--sk", testSK, "--debug")
			out := strings.Join(s.stdout, "\n")
			for _, want := range []string{"token auth: on", "AK/SK auth: on", "synthetic cluster: synthetic-25 (25 connections) in project demo-project"} {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, testAK) {
				t.Errorf("stdout shows the access key:\n%s", out)
			}
			wantClusters := []string{emulator.ClusterID2023, emulator.DefaultClusterID, "synthetic-25"}
			if len(s.commands) != len(wantClusters) {
				t.Fatalf("commands: %q", s.commands)
			}
			token := map[string]string{client.EnvAuthToken: testToken}
			keys := map[string]string{client.EnvAccessKey: testAK, client.EnvSecretKey: testSK}
			for i, args := range s.commands {
				want := []string{"connections", "--endpoint", s.url, "--project-id", emulator.DefaultProjectID, "--cluster-id", wantClusters[i]}
				if strings.Join(args[:len(want)], " ") != strings.Join(want, " ") {
					t.Errorf("command %d: %q", i, args)
				}
				r := runBinary(t, token, append(args, "-o", "json")...)
				wantCode(t, r, exitOK)
				var list struct {
					Connections []any `json:"connections"`
					TotalCount  int   `json:"total_count"`
				}
				if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
					t.Fatal(err)
				}
				if len(list.Connections) != list.TotalCount {
					t.Errorf("%s: %d of %d connections", wantClusters[i], len(list.Connections), list.TotalCount)
				}
				wantCode(t, runBinary(t, keys, args...), exitOK)
			}
			wantCode(t, runBinary(t, map[string]string{client.EnvAuthToken: "not-the-token"}, s.commands[0]...), exitFailure)

			code, rest := s.stop(t, sig)
			if code != 0 {
				t.Errorf("exit status %d after %v; stderr:\n%s", code, sig, s.stderr.String())
			}
			if want := []string{"stopped (" + sigCause(sig) + ")"}; strings.Join(rest, "\n") != strings.Join(want, "\n") {
				t.Errorf("after the signal, stdout: %q, want %q", rest, want)
			}
			for _, want := range []string{"emulator serving", "status=200", "status=401", "emulator stopped"} {
				if !strings.Contains(s.stderr.String(), want) {
					t.Errorf("the --debug log lacks %q:\n%s", want, s.stderr.String())
				}
			}
		})
	}
}

// sigCause is how signal.NotifyContext's context names the signal that ended it.
func sigCause(sig os.Signal) string { return sig.String() + " signal received" }

func TestServe_noAuthAndOptions(t *testing.T) {
	t.Parallel()
	seed := `{"clusters":[{"project_id":"p 1","cluster_id":"it's","connections":[{"id":"x","status":"rejected"}]}]}`
	path := t.TempDir() + "/seed.json"
	if err := os.WriteFile(path, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--seed", path, "--doc-quirks", "--latency", "1ms", "--fail-rate", "0")
	out := strings.Join(s.stdout, "\n")
	for _, want := range []string{"auth: off (any credentials, or none, are accepted)", "seed: " + path, "doc quirks: on", "latency: 1ms",
		`  cssvpcep connections --endpoint ` + s.url + ` --project-id 'p 1' --cluster-id 'it'\''s'`} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	r := runBinary(t, map[string]string{client.EnvAuthToken: "anything"}, "connections", "--endpoint", s.url, "--project-id", "p 1", "--cluster-id", "it's")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "x   rejected") {
		t.Errorf("stdout: %s", r.stdout)
	}
	if code, _ := s.stop(t, os.Interrupt); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestServe_errors(t *testing.T) {
	t.Parallel()
	busy, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = busy.Close() })

	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"access key alone", []string{"--ak", testAK}, exitUsage, []string{"cssvpcep serve: --ak is given but --sk is not: give both\n"}},
		{"secret key alone", []string{"--sk", testSK}, exitUsage, []string{"--sk is given but --ak is not: give both"}},
		{"fail rate", []string{"--fail-rate", "1.5"}, exitUsage, []string{`--fail-rate: "1.5" is not a number from 0 to 1`}},
		{"fail rate NaN", []string{"--fail-rate", "NaN"}, exitUsage, []string{`--fail-rate: "NaN" is not a number from 0 to 1`}},
		{"negative latency", []string{"--latency", "-1s"}, exitUsage, []string{"--latency: -1s is negative"}},
		{"latency not a duration", []string{"--latency", "soon"}, exitUsage, []string{`--latency: "soon" is not a duration, such as 200ms or 1.5s`}},
		{"too many connections", []string{"--connections", "100001"}, exitUsage, []string{"--connections: 100001 is out of range 0-100000"}},
		{"bad address", []string{"--addr", "localhost"}, exitUsage, []string{`--addr: "localhost": missing port in address`}},
		{"no seed file", []string{"--seed", "testdata/no-such-file.json"}, exitUsage, []string{"--seed: seed file: open testdata/no-such-file.json"}},
		{"negative task duration", []string{"--task-duration", "-1s"}, exitUsage, []string{"--task-duration: -1s is negative"}},
		{"task duration not a duration", []string{"--task-duration", "long"}, exitUsage, []string{`--task-duration: "long" is not a duration`}},
		{"a state file in no directory", []string{"--state", "testdata/no-such-dir/state.json"}, exitUsage,
			[]string{"--state: state file testdata/no-such-dir/state.json: open testdata/"}},
		{"token with a space", []string{"--token", "a " + testToken}, exitUsage, []string{"--token: the token has a space or control character at byte 1"}},
		{"an argument", []string{"now"}, exitUsage, []string{`unexpected argument "now"`}},
		{"IAM user alone", []string{"--iam-user", "u"}, exitUsage, []string{"--iam-user is given but --iam-password is not: give both"}},
		{"IAM password alone", []string{"--iam-password", "pw-SECRET-x"}, exitUsage, []string{"--iam-password is given but --iam-user is not: give both"}},
		{"IAM domain alone", []string{"--iam-domain", "D"}, exitUsage, []string{"--iam-domain needs --iam-user"}},
		{"IAM domain empty", []string{"--iam-user", "u", "--iam-password", "pw-SECRET-x", "--iam-domain", " "}, exitUsage, []string{"--iam-domain: the domain is empty"}},
		{"token TTL alone", []string{"--token-ttl", "1h"}, exitUsage, []string{"--token-ttl needs --iam-user"}},
		{"token TTL out of range", []string{"--iam-user", "u", "--iam-password", "pw-SECRET-x", "--token-ttl", "1ms"}, exitUsage, []string{"cssvpcep serve: --token-ttl: token TTL 1ms is out of the range 1s-8760h0m0s"}},
		{"IAM password with a line break", []string{"--iam-user", "u", "--iam-password", "pw-SECRET-x\n"}, exitUsage, []string{"cssvpcep serve: --iam-password: the password has a control character at byte 11"}},
		{"IAM user with an escape", []string{"--iam-user", "u\x1b", "--iam-password", "pw-SECRET-x"}, exitUsage, []string{`cssvpcep serve: --iam-user: the user name "u\x1b" has a control character at byte 1`}},
		{"address in use", []string{"--addr", busy.Addr().String()}, exitFailure, []string{"cssvpcep serve: --addr: listen tcp " + busy.Addr().String()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runBinary(t, nil, append([]string{"serve"}, tc.args...)...)
			wantCode(t, r, tc.code)
			for _, want := range tc.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

func TestReachable(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "[::1]:8080",
		"[::1]:8080":     "[::1]:8080",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := reachable(tcp); got != want {
			t.Errorf("reachable(%s) = %s, want %s", addr, got, want)
		}
	}
}

// In-process, serve stops when its context ends and leaves no goroutine behind (TestMain
// checks).
func TestServe_inProcess(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--connections", "3"}, nil, pw, &stderr, lookup(nil))
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	url := ""
	for sc.Scan() {
		if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if strings.HasPrefix(sc.Text(), "Stop with") {
			break
		}
	}
	if url == "" {
		t.Fatalf("no URL; stderr: %s", stderr.String())
	}
	r := runInProcess(t, map[string]string{client.EnvAuthToken: "any"},
		"connections", "--endpoint", url, "--project-id", emulator.DefaultProjectID, "--cluster-id", "synthetic-3", "--all")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "3 of 3 connections") {
		t.Errorf("stdout: %s", r.stdout)
	}

	cancel()
	var rest []string
	for sc.Scan() {
		rest = append(rest, sc.Text())
	}
	if code := <-done; code != exitOK || strings.Join(rest, "\n") != "stopped (context canceled)" {
		t.Errorf("exit status %d, then stdout %q; stderr: %s", code, rest, stderr.String())
	}
}

// Told to stop while a client holds a stalled request (it declared a body and sends none),
// serve waits shutdownTimeout for it, closes what is left, and exits 0: it was asked to stop
// and it did. It used to exit 1 ("stopping: context deadline exceeded"). The test is not
// parallel because it shortens shutdownTimeout, which the parallel tests read as they stop;
// TestServe_signals checks the exit status of the built binary on a signal.
func TestServe_stopsWithAStalledRequest(t *testing.T) {
	defer func(d time.Duration) { shutdownTimeout = d }(shutdownTimeout)
	shutdownTimeout = 100 * time.Millisecond

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, nil, pw, &stderr, lookup(nil))
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	url := ""
	for sc.Scan() {
		if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if strings.HasPrefix(sc.Text(), "Stop with") {
			break
		}
	}
	if url == "" {
		t.Fatalf("no URL; stderr: %s", stderr.String())
	}

	conn, err := new(net.Dialer).DialContext(t.Context(), "tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	path := "/v1.0/" + emulator.DefaultProjectID + "/clusters/" + emulator.DefaultClusterID + "/vpcepservice/connections"
	if _, err := io.WriteString(conn, "DELETE "+path+" HTTP/1.1\r\nHost: emulator\r\nContent-Length: 1000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// The answer comes at once (a 405, unread body); the connection stays busy until the body's
	// time is up, far longer than shutdownTimeout. A hang here fails the test after 10 s.
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err != nil {
		t.Errorf("no answer to the stalled request: %v", err)
	} else {
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", resp.StatusCode)
		}
	}

	cancel()
	var rest []string
	for sc.Scan() {
		rest = append(rest, sc.Text())
	}
	code := <-done
	want := "cssvpcep serve: requests still in flight after 100ms were cut off\n"
	if code != exitOK || strings.Join(rest, "\n") != "stopped (context canceled)" || stderr.String() != want {
		t.Errorf("exit status %d, then stdout %q, stderr %q; want 0, stopped, %q", code, rest, stderr.String(), want)
	}
}

// serve --state keeps the state across a restart: a change made through the API by one
// process is what the next one serves, and the lines printed say which state was loaded.
func TestServe_stateSurvivesARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	const account = "0123456789abcdef0123456789abcdef"
	s := startServe(t, "--state", path, "--task-duration", "0")
	out := strings.Join(s.stdout, "\n")
	for _, want := range []string{"state: " + path + " (new, from the seed; written after every change)", "seed: built-in", "task duration: 0s"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	whitelist := s.url + "/v1.0/" + emulator.DefaultProjectID + "/clusters/" + emulator.DefaultClusterID + "/vpcepservice/permissions"
	if status, body := post(t, whitelist, `{"vpc_permissions": ["`+account+`"]}`); status != http.StatusOK {
		t.Fatalf("whitelist: %d %s", status, body)
	}
	if code, _ := s.stop(t, os.Interrupt); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	s = startServe(t, "--state", path, "--connections", "3")
	out = strings.Join(s.stdout, "\n")
	if !strings.Contains(out, "state: "+path+" (loaded; written after every change)") || strings.Contains(out, "seed:") || strings.Contains(out, "synthetic") {
		t.Errorf("stdout after the restart:\n%s", out)
	}
	r := runBinary(t, map[string]string{client.EnvAuthToken: "any"}, "connections", "--endpoint", s.url,
		"--project-id", emulator.DefaultProjectID, "--cluster-id", emulator.DefaultClusterID, "-o", "json")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "iam:domain::"+account) {
		t.Errorf("the whitelist did not survive the restart:\n%s", r.stdout)
	}
	if code, _ := s.stop(t, os.Interrupt); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// A state file that does not decode is a usage error (exit status 2, like a bad --seed file)
// naming the flag, the file and the problem, and the file is left as it was.
func TestServe_corruptStateFileIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	const corrupt = "{\"clusters\": [\n  {\"project_id\": \"p\", \"cluster_id\": \"c\", \"connections\": [{\"id\": \"a\", \"status\": \"open\"}]}\n]}\n"
	if err := os.WriteFile(path, []byte(corrupt), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, nil, "serve", "--addr", "127.0.0.1:0", "--state", path)
	wantCode(t, r, exitUsage)
	want := "cssvpcep serve: --state: state file " + path + `: clusters[0] (cluster "c" of project "p"): connections[0].status: "open" is not "accepted" or "rejected"`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	if data, _ := os.ReadFile(path); string(data) != corrupt {
		t.Errorf("the file was changed to %q", data)
	}
}

// post sends a JSON body and returns the status and the body of the answer.
func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

// TestServe_iamPasswordSignIn is issue 11's user against cssvpcep serve: nothing in the
// environment but OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME and
// OS_PROJECT_NAME, and every verb works. serve prints how to sign in, never the password; a
// wrong password is IAM's 401, exit status 1; an unknown project name too.
func TestServe_iamPasswordSignIn(t *testing.T) {
	t.Parallel()
	const password = "pw-SECRET-serve"
	s := startServe(t, "--iam-user", "cloud-user", "--iam-password", password, "--task-duration", "0", "--token-ttl", "1h")
	out := strings.Join(s.stdout, "\n")
	for _, want := range []string{
		"token auth: on (the tokens the IAM issues)",
		"IAM: " + s.url + "/v3 (user cloud-user, domain " + emulator.DefaultIAMDomain + ", tokens valid 1h0m0s)",
		"  export OS_AUTH_URL=" + s.url + "/v3 OS_USERNAME=cloud-user OS_PASSWORD='<the --iam-password value>' OS_USER_DOMAIN_NAME=" + emulator.DefaultIAMDomain + "\n" +
			"  cssvpcep connections --project-name eu-de --cluster-id " + emulator.DefaultClusterID + "   # the endpoint from the token's catalog\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// The lines printed work as printed: the export (with the password put in), then each
	// command.
	printed := map[string]string{"HOME": t.TempDir()}
	var commands [][]string
	for _, line := range s.stdout {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			for _, kv := range strings.Fields(strings.Replace(rest, "'<the --iam-password value>'", password, 1)) {
				k, v, _ := strings.Cut(kv, "=")
				printed[k] = v
			}
		}
		if rest, ok := strings.CutPrefix(line, "cssvpcep "); ok {
			rest, _, _ = strings.Cut(rest, "#")
			commands = append(commands, strings.Fields(rest))
		}
	}
	if len(commands) != 3 {
		t.Fatalf("%d commands printed, want 3:\n%s", len(commands), out)
	}
	for _, args := range commands {
		if r := runCLI(t, printed, "", false, args...); r.code != exitOK || !strings.Contains(r.stdout, "connections") {
			t.Errorf("cssvpcep %s, as printed: exit status %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
	env := map[string]string{
		client.EnvAuthURL: s.url + "/v3", client.EnvUsername: "cloud-user", client.EnvPassword: password,
		client.EnvUserDomainName: emulator.DefaultIAMDomain, client.EnvProjectName: emulator.DefaultProjectName,
		"HOME": t.TempDir(),
	}
	cluster := emulator.DefaultClusterID
	const conn, account = "54b7f739-31a1-40d0-862b-ac85b83ab2da", "0e5c0000000000000000000000000001"
	for _, args := range [][]string{
		{"auth"},
		{"connections", "--cluster-id", cluster},
		{"reject", "--cluster-id", cluster, conn},
		{"accept", "--cluster-id", cluster, conn},
		{"whitelist", "add", "--cluster-id", cluster, account},
		{"whitelist", "remove", "--cluster-id", cluster, account},
		{"whitelist", "show", "--cluster-id", cluster},
		{"disable", "--cluster-id", cluster, "--yes", "--wait"},
		{"enable", "--cluster-id", cluster, "--wait"},
		{"wait", "--cluster-id", cluster},
		{"connections", "--cluster-id", cluster, "--all", "-o", "json"},
	} {
		r := runCLI(t, env, "", false, args...) // in-process, to wait with fastWait
		if r.code != exitOK {
			t.Fatalf("cssvpcep %s: exit status %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		if args[0] == "auth" && !strings.Contains(r.stdout, "CSS endpoint:   "+s.url+"/ (from the token's catalog)\n") {
			t.Errorf("auth does not name the emulator's endpoint from the catalog:\n%s", r.stdout)
		}
	}
	// A dry run signs in to nothing: what only IAM can tell is said, not guessed.
	r := runCLI(t, env, "", false, "enable", "--cluster-id", cluster, "--dry-run")
	if r.code != exitOK || !strings.Contains(r.stdout, "/v1.0/{project_id}/clusters/"+cluster+"/vpcepservice/open\n") ||
		!strings.Contains(r.stdout, "(not known without signing in: the ID of project \"eu-de\"") {
		t.Errorf("enable --dry-run: exit status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The project by ID: nothing names the CSS endpoint but the token's catalog.
	byID := with(env, client.EnvProjectID, emulator.DefaultProjectID, client.EnvProjectName, "")
	for _, args := range [][]string{{"auth"}, {"connections", "--cluster-id", cluster}, {"whitelist", "show", "--cluster-id", cluster}} {
		if r := runCLI(t, byID, "", false, args...); r.code != exitOK ||
			args[0] == "auth" && !strings.Contains(r.stdout, "CSS endpoint:   "+s.url+"/ (from the token's catalog)\n") {
			t.Errorf("by project ID, cssvpcep %s: exit status %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
	r = runCLI(t, byID, "", false, "enable", "--cluster-id", cluster, "--dry-run")
	if r.code != exitOK || !strings.Contains(r.stdout, "{css_endpoint}/v1.0/"+emulator.DefaultProjectID+"/clusters/"+cluster+"/vpcepservice/open\n") {
		t.Errorf("by project ID, enable --dry-run: exit status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, with(env, client.EnvPassword, "wrong-SECRET-pw"), "connections", "--cluster-id", cluster)
	if r.code != exitFailure || !strings.Contains(r.stderr, "refused the credentials (401)") {
		t.Errorf("a wrong password: exit status %d\n%s", r.code, r.stderr)
	}
	r = runBinary(t, with(env, client.EnvProjectName, "no-such-project"), "connections", "--cluster-id", cluster, "--endpoint", s.url)
	if r.code != exitFailure || !strings.Contains(r.stderr, `no project is named "no-such-project"`) {
		t.Errorf("an unknown project: exit status %d\n%s", r.code, r.stderr)
	}
	if code, _ := s.stop(t, syscall.SIGTERM); code != exitOK {
		t.Errorf("exit status %d; stderr: %s", code, s.stderr.String())
	}
}
