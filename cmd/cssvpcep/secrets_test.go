package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/internal/secrets"
)

// hex64 is what a signature (or any SHA-256) looks like; no output of the command has one.
var hex64 = regexp.MustCompile(`[0-9a-f]{64}`)

// checkNoSignatures fails the test if the output holds one of sigs, or anything shaped like a
// signature.
func checkNoSignatures(t *testing.T, what string, r result, sigs []string) {
	t.Helper()
	all := r.stdout + r.stderr
	for _, leak := range secrets.Leaks(all, sigs...) {
		t.Errorf("%s: the signature %s is in the output:\n%v", what, leak, r)
	}
	if m := hex64.FindString(all); m != "" {
		t.Errorf("%s: the output holds 64 hex digits, %s:\n%v", what, m, r)
	}
}

// The connections command with --debug, against an emulator with both kinds of authentication
// (every request recorded as the server received it), prints no token, no secret key and none
// of the signatures it sent, whether it succeeds or fails. (runInProcess checks the secrets.)
func TestConnections_debugPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	rec, err := secrets.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK),
		emulator.WithSynthetic(emulator.DefaultProjectID, "big", 1500))
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(rec) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.Shutdown(ctx)
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})

	token := map[string]string{client.EnvEndpoint: rec.URL(), client.EnvProjectID: emulator.DefaultProjectID, client.EnvAuthToken: testToken}
	keys := with(token, client.EnvAuthToken, "", client.EnvAccessKey, testAK, client.EnvSecretKey, testSK)
	var runs []result
	for _, env := range []map[string]string{token, keys, with(keys, client.EnvSecretKey, testSK+"-wrong"), with(token, client.EnvAuthToken, testToken+"-wrong")} {
		for _, args := range [][]string{
			{"--cluster-id", emulator.DefaultClusterID},
			{"--cluster-id", "big", "--all", "-o", "json"},
			{"--cluster-id", "no-such-cluster"},
			{"--cluster-id", "a/b"},
		} {
			runs = append(runs, runInProcess(t, env, append([]string{"connections", "--debug"}, args...)...))
		}
	}
	sigs := rec.Signatures()
	if len(sigs) < 2 || !rec.Received("X-Auth-Token: "+testToken) {
		t.Fatalf("%d signatures, token sent: %v", len(sigs), rec.Received(testToken))
	}
	var codes []int
	for i, r := range runs {
		checkNoSignatures(t, fmt.Sprintf("run %d", i), r, sigs)
		codes = append(codes, r.code)
	}
	all := ""
	for _, r := range runs {
		all += r.stderr
	}
	for _, want := range []string{"status=200", "status=401", "status=404", "level=DEBUG", "APIGW.0301"} {
		if !strings.Contains(all, want) {
			t.Errorf("no run printed %q; exit statuses %v", want, codes)
		}
	}
}

// recordingTransport keeps the Authorization headers of the requests it sends.
type recordingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	auth   []string
	tokens []string // the X-Subject-Tokens an IAM issued
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	r.mu.Unlock()
	resp, err := r.next.RoundTrip(req)
	if err == nil && resp.Header.Get("X-Subject-Token") != "" {
		r.mu.Lock()
		r.tokens = append(r.tokens, resp.Header.Get("X-Subject-Token"))
		r.mu.Unlock()
	}
	return resp, err
}

func (r *recordingTransport) issued() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.tokens)
}

func (r *recordingTransport) signatures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sigs []string
	for _, a := range r.auth {
		if _, sig, ok := strings.Cut(a, "Signature="); ok {
			sigs = append(sigs, sig)
		}
	}
	return sigs
}

// The serve command with --debug, both kinds of credentials and an IAM user logs every
// request, right and wrong, without a token (the IAM's included), a secret key, a password or
// a signature.
func TestServe_debugPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--token", testToken, "--ak", testAK, "--sk", testSK,
			"--iam-user", iamUser, "--iam-password", iamPassword, "--iam-domain", iamDomain, "--debug"}, nil, pw, &stderr, lookup(nil))
		_ = pw.Close()
	}()
	var stdout strings.Builder
	sc := bufio.NewScanner(pr)
	url := ""
	for sc.Scan() {
		stdout.WriteString(sc.Text() + "\n")
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

	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	wire := &recordingTransport{next: transport}
	for _, creds := range []client.Option{
		client.WithToken(testToken), client.WithToken(testToken + "-wrong"),
		client.WithAccessKey(testAK, testSK), client.WithAccessKey(testAK, testSK+"-wrong"),
		client.WithPassword(iamUser, iamPassword, iamDomain), client.WithPassword(iamUser, iamPassword+"-wrong", iamDomain),
	} {
		c, err := client.New(client.WithEndpoint(url), client.WithProjectID(emulator.DefaultProjectID), creds,
			client.WithIAMEndpoint(url+"/v3"), client.WithHTTPClient(&http.Client{Transport: wire}), client.WithRetry(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{emulator.DefaultClusterID, "no-such-cluster"} {
			_, err := c.ListConnections(ctx, id, &client.ListOptions{Limit: 1})
			var apiErr *client.APIError
			if err != nil && !errors.As(err, &apiErr) && !client.IsIAMUnauthorized(err) {
				t.Fatal(err)
			}
		}
	}

	cancel()
	for sc.Scan() {
		stdout.WriteString(sc.Text() + "\n")
	}
	code := <-done
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: code}
	wantCode(t, r, exitOK)
	checkNoSecrets(t, r)
	sigs := wire.signatures()
	if len(sigs) < 2 {
		t.Fatalf("%d signatures sent", len(sigs))
	}
	checkNoSignatures(t, "serve", r, sigs)
	issued := wire.issued()
	if len(issued) != 1 {
		t.Fatalf("the IAM issued %d tokens, want 1", len(issued))
	}
	if strings.Contains(r.stdout+r.stderr, issued[0]) || strings.Contains(r.stdout+r.stderr, issued[0][len(issued[0])-32:]) {
		t.Errorf("the output holds the token the IAM issued, or its end")
	}
	for _, want := range []string{"status=200", "status=201", "status=401", "status=404", "authentication failed", "signature mismatch", "the X-Auth-Token is not valid"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the --debug log lacks %q:\n%s", want, r.stderr)
		}
	}
}

// The demo with --debug (its key pair is made up for the run, and its secret key never leaves
// the process), every --help and the version print nothing shaped like a signature.
func TestDemoAndHelp_printNoSecrets(t *testing.T) {
	t.Parallel()
	r := runInProcess(t, nil, "demo", "--debug")
	wantCode(t, r, exitOK)
	checkNoSignatures(t, "demo", r, nil)
	if strings.Contains(r.stdout+r.stderr, "Signature=") || !strings.Contains(r.stdout, "signed with SDK-HMAC-SHA256") {
		t.Errorf("demo:\n%v", r)
	}
	for _, args := range [][]string{{"--help"}, {"connections", "--help"}, {"serve", "--help"}, {"demo", "--help"}, {"--version"}} {
		r := runInProcess(t, map[string]string{client.EnvAuthToken: testToken, client.EnvSecretKey: testSK}, args...)
		wantCode(t, r, exitOK)
		checkNoSignatures(t, strings.Join(args, " "), r, nil)
	}
}
