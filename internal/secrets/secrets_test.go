package secrets_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/internal/secrets"
	"github.com/cssvpcep/cssvpcep/signer"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Recognizable credentials. The access key is not secret: it travels in every signed request.
const (
	token     = "tok-SECRET-7f3a"
	accessKey = "AKLEAKTEST"
	secretKey = "sk-SECRET-9b1c"
	wrongSK   = "sk-SECRET-wrong" // a secret too: a wrong secret key is somebody's key
	password  = "pw-SECRET-5e2d"
	wrongPW   = "pw-SECRET-wrong"
	issued    = "tok-SECRET-issued-0001" // what the fake IAM issues for the password
	project   = "p"
	cluster   = "c"
)

// output collects everything the packages print or return; it is also the loggers' writer.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) printf(format string, args ...any) { fmt.Fprintf(o, format+"\n", args...) }

// verbs prints v with every fmt verb that could reach a field, and as JSON.
func (o *output) verbs(v any) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
		o.printf(verb, v)
	}
	if j, err := json.Marshal(v); err == nil {
		o.printf("%s", j)
	}
}

// errs records err with the verbs, and every error it wraps (errors.Unwrap, both forms), as a
// caller digging with errors.As would reach them.
func (o *output) errs(err error) {
	if err == nil {
		return
	}
	o.verbs(err)
	switch u := err.(type) { //nolint:errorlint // walking the tree by hand
	case interface{ Unwrap() error }:
		o.errs(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			o.errs(e)
		}
	}
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// debugLogger logs every level to out, as text and as JSON.
func debugLogger(out io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	return slog.New(fanout{slog.NewTextHandler(out, opts), slog.NewJSONHandler(out, opts)})
}

// fanout sends every record to each of its handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool { return f[0].Enabled(ctx, l) }

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}

// wire is every Recorder of a test, for the signatures they saw.
type wire struct {
	mu   sync.Mutex
	recs []*secrets.Recorder
}

func (w *wire) listen(t *testing.T) *secrets.Recorder {
	t.Helper()
	rec, err := secrets.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.recs = append(w.recs, rec)
	w.mu.Unlock()
	return rec
}

func (w *wire) signatures() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var all []string
	for _, r := range w.recs {
		all = append(all, r.Signatures()...)
	}
	return all
}

// tokens are the X-Auth-Tokens every Recorder saw: among them those the emulator's IAM issued.
func (w *wire) tokens() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var all []string
	for _, r := range w.recs {
		all = append(all, r.Tokens()...)
	}
	return all
}

// serveEmulator starts an emulator with opts, logging to out at debug level, on a Recorder; it
// is stopped when the test ends.
func serveEmulator(t *testing.T, w *wire, out *output, opts ...emulator.Option) (*emulator.Emulator, string) {
	t.Helper()
	e, err := emulator.New(append([]emulator.Option{emulator.WithLogger(debugLogger(out))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	rec := w.listen(t)
	served := make(chan error, 1)
	go func() { served <- e.Serve(rec) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out.errs(e.Shutdown(ctx))
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	out.verbs(e)
	return e, rec.URL()
}

// serveHandler serves h on a Recorder until the test ends.
func serveHandler(t *testing.T, w *wire, h http.Handler) string {
	t.Helper()
	rec := w.listen(t)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(rec) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return rec.URL()
}

// newClient returns a client of endpoint with creds, debug logging and run-time validation
// reporting to out, and quick retries; its idle connections are closed when the test ends.
func newClient(t *testing.T, out *output, endpoint string, creds client.Option, opts ...client.Option) *client.Client {
	t.Helper()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	base := []client.Option{
		client.WithEndpoint(endpoint), client.WithProjectID(project), creds,
		client.WithHTTPClient(&http.Client{Transport: transport}),
		client.WithLogger(debugLogger(out)),
		client.WithRetry(3, time.Millisecond, 2*time.Millisecond),
		client.WithValidation(client.ValidationReport, func(e *contract.ValidationError) {
			out.verbs(e)
			out.errs(e.Err) // documented as possibly quoting headers; checked all the same
		}),
	}
	c, err := client.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	out.verbs(c)
	return c
}

// passwordOptions sign in at the IAM at iam with pw.
func passwordOptions(iam, pw string) []client.Option {
	return []client.Option{client.WithPassword("user", pw, "domain"), client.WithIAMEndpoint(iam + "/v3")}
}

// TestNoSecretLeaks runs the client, with a token, with an access key and with a password (at
// a fake IAM and at the emulator's own), against emulators with authentication on, through success, 401, 404, injected 429 and 503 answers retried to
// the end, attempt and call timeouts, arguments refused, responses that break the spec, a
// panic in the emulator's handler and one in the client's retry policy, and gets the emulators
// and the packages' options wrong with secrets for values; everything logged at debug level,
// every error and every printed client, emulator and credential go into one output, which must
// hold no token (those the emulator's IAM issued included), no secret key, no password and no
// signature the servers received.
func TestNoSecretLeaks(t *testing.T) {
	out := &output{}
	w := &wire{}
	var clockPanics atomic.Bool
	clock := func() time.Time {
		if clockPanics.Load() {
			panic("the emulator's clock broke")
		}
		return time.Now()
	}
	auth := []emulator.Option{emulator.WithToken(token), emulator.WithToken(issued), emulator.WithAccessKey(accessKey, secretKey),
		emulator.WithIAMUser("user", password, "domain")}
	mainEmulator, main := serveEmulator(t, w, out, append(auth, emulator.WithClock(clock), emulator.WithSynthetic(project, cluster, 25))...)
	_, failing := serveEmulator(t, w, out, append(auth, emulator.WithFailRate(1, 7), emulator.WithSynthetic(project, cluster, 1))...)
	_, slow := serveEmulator(t, w, out, append(auth, emulator.WithLatency(300*time.Millisecond, 0), emulator.WithSynthetic(project, cluster, 1))...)
	broken := serveHandler(t, w, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"connections":[{"id":1,"status":"maybe"}],"total_count":"many"}`)
	}))
	// IAM issues a token for the right password; for a wrong one it answers 401 with the whole
	// request body echoed, password and all, as a debugging proxy might.
	iam := serveHandler(t, w, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(string(body), `"password":"`+password+`"`) {
			w.Header().Set("X-Request-Id", "echo "+string(body))
			w.WriteHeader(http.StatusUnauthorized)
			msg, _ := json.Marshal(map[string]any{"error": map[string]any{"code": 401, "message": "The username or password is wrong: " + string(body)}})
			_, _ = w.Write(msg)
			return
		}
		w.Header().Set("X-Subject-Token", issued)
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprintf(w, `{"token":{"expires_at":%q,"project":{"id":%q,"name":"eu-de"},"user":{"id":"u","name":"user","password_expires_at":"2016-11-06T15:32:17.000000"}}}`,
			time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano), project)
	}))
	ctx := context.Background()

	for _, kind := range []struct {
		name         string
		creds, wrong []client.Option
	}{
		{"token", []client.Option{client.WithToken(token)}, []client.Option{client.WithToken("tok-SECRET-wrong")}},
		{"AK/SK", []client.Option{client.WithAccessKey(accessKey, secretKey)},
			[]client.Option{client.WithAccessKey(accessKey, wrongSK), client.WithAccessKey("AKUNKNOWN", secretKey)}},
		{"password", passwordOptions(iam, password), nil},
		{"password, the emulator's IAM", passwordOptions(main, password), nil},
	} {
		creds, extra := kind.creds[0], kind.creds[1:]
		with := func(opts ...client.Option) []client.Option {
			return append(append([]client.Option(nil), extra...), opts...)
		}
		c := newClient(t, out, main, creds, with()...)
		// Success: a page, every connection, every page.
		if _, err := c.ListConnections(ctx, cluster, &client.ListOptions{Offset: 3, Limit: 5}); err != nil {
			t.Fatalf("%s: %v", kind.name, err)
		}
		for _, err := range c.AllConnections(ctx, cluster) {
			out.errs(err)
		}
		for _, err := range c.AllPages(ctx, cluster) {
			out.errs(err)
		}
		// 404, and arguments refused before any request.
		for _, id := range []string{"no-such-cluster", "a/b", ".."} {
			_, err := c.ListConnections(ctx, id, nil)
			out.errs(err)
		}
		_, err := c.ListConnections(ctx, cluster, &client.ListOptions{Limit: 5000})
		out.errs(err)
		// 401.
		for _, wrong := range kind.wrong {
			_, err := newClient(t, out, main, wrong).ListConnections(ctx, cluster, nil)
			if !client.IsUnauthorized(err) {
				t.Errorf("%s, wrong credentials: %v", kind.name, err)
			}
			out.errs(err)
		}
		// 429 and 503 to the last attempt.
		_, err = newClient(t, out, failing, creds, with()...).ListConnections(ctx, cluster, nil)
		if !client.IsRetryable(err) {
			t.Errorf("%s, failing emulator: %v", kind.name, err)
		}
		out.errs(err)
		// Timeouts: of the attempts, and of the call.
		_, err = newClient(t, out, slow, creds, with(client.WithTimeout(30*time.Millisecond))...).ListConnections(ctx, cluster, nil)
		out.errs(err)
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err = newClient(t, out, slow, creds, with()...).ListConnections(cctx, cluster, nil)
		cancel()
		out.errs(err)
		// A response that breaks the spec, reported and failed.
		_, err = newClient(t, out, broken, creds, with()...).ListConnections(ctx, cluster, nil)
		out.errs(err)
		_, err = newClient(t, out, broken, creds, with(client.WithValidation(client.ValidationFail, func(e *contract.ValidationError) { out.verbs(e) }))...).
			ListConnections(ctx, cluster, nil)
		out.errs(err)
		// A panic in the emulator's handler (its clock, which only a signature needs): the
		// server logs it with its stack, the client sees the connection closed.
		clockPanics.Store(true)
		_, err = c.ListConnections(ctx, cluster, nil)
		clockPanics.Store(false)
		out.errs(err)
		// A panic in the client's retry policy, recovered here.
		func() {
			defer func() {
				if r := recover(); r != nil {
					out.printf("recovered: %v %+v %#v", r, r, r)
				}
			}()
			_, _ = newClient(t, out, failing, creds, with(client.WithRetryPolicy(func(_ context.Context, _ client.Operation, resp *http.Response, err error) (bool, error) {
				panic(fmt.Errorf("policy: %w (status %d)", err, resp.StatusCode))
			}))...).ListConnections(ctx, cluster, nil)
		}()
	}

	// A wrong password: IAM refuses it, echoing it back; the emulator's IAM refuses it too.
	for _, at := range []string{iam, main} {
		pw := passwordOptions(at, wrongPW)
		_, err := newClient(t, out, main, pw[0], pw[1:]...).ListConnections(ctx, cluster, nil)
		if !client.IsIAMUnauthorized(err) {
			t.Errorf("a wrong password at %s: %v", at, err)
		}
		out.errs(err)
	}

	// The emulator's IAM: a sign-in by project name, a renewal after the tokens are revoked,
	// and AK/SK with a project name looked up there (signed).
	pw := passwordOptions(main, password)
	byName, err := client.New(append(pw, client.WithEndpoint(main), client.WithProjectName(project),
		client.WithLogger(debugLogger(out)), client.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))...)
	if err != nil {
		t.Fatal(err)
	}
	out.verbs(byName)
	for i := range 2 {
		if _, err := byName.ListConnections(ctx, cluster, nil); err != nil {
			t.Fatalf("by name, call %d: %v", i, err)
		}
		out.printf("revoked %d", mainEmulator.RevokeTokens())
	}
	info, err := byName.Auth(ctx)
	out.errs(err)
	out.verbs(info)
	lookup, err := client.New(client.WithEndpoint(main), client.WithIAMEndpoint(main+"/v3"), client.WithProjectName(project),
		client.WithAccessKey(accessKey, secretKey), client.WithLogger(debugLogger(out)),
		client.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lookup.ListConnections(ctx, cluster, nil); err != nil {
		t.Errorf("AK/SK and a project name: %v", err)
	}
	if n := mainEmulator.TokensIssued(); n < 3 {
		t.Errorf("the emulator's IAM issued %d tokens", n)
	}

	// Wrong options and variables, with secrets for values.
	for _, opts := range [][]client.Option{
		{client.WithToken(token + "\n")},
		{client.WithToken(" " + token)},
		{client.WithAccessKey("", secretKey)},
		{client.WithAccessKey("A K", secretKey)},
		{client.WithToken(token), client.WithAccessKey(accessKey, secretKey)},
		{client.WithEndpoint("https://user:" + secretKey + "@css.example"), client.WithToken(token)},
		{client.WithEndpoint("https://css.example/?token=" + token), client.WithToken(token)},
		{client.WithEndpoint("https://css.example/#" + secretKey), client.WithToken(token)},
		{client.WithPassword("user", password+"\n", "domain")},
		{client.WithPassword("user", password, "domain"), client.WithToken(token)},
	} {
		_, err := client.New(append([]client.Option{client.WithRegion("eu-de"), client.WithProjectID(project)}, opts...)...)
		if err == nil {
			t.Errorf("client.New accepted %d options", len(opts))
		}
		out.errs(err)
	}
	for _, env := range []map[string]string{
		{client.EnvAuthToken: token + "\r\n", client.EnvEndpoint: "https://u:" + secretKey + "@css.example", client.EnvProjectID: token},
		{client.EnvAuthToken: token, client.EnvAccessKey: accessKey, client.EnvSecretKey: secretKey},
		{client.EnvAccessKey: "A,K", client.EnvSecretKey: secretKey},
		{client.EnvSecretKey: secretKey},
		{client.EnvPassword: password},
		{client.EnvPassword: password + "\t", client.EnvUsername: "user", client.EnvUserDomainName: "d", client.EnvProjectName: "eu-de"},
		{client.EnvPassword: password, client.EnvUsername: "user", client.EnvUserDomainName: "d", client.EnvAuthToken: token, client.EnvProjectName: "eu-de"},
	} {
		_, err := client.NewFromEnvFunc(func(name string) (string, bool) { v, ok := env[name]; return v, ok })
		out.errs(err)
	}
	for _, opts := range [][]emulator.Option{
		{emulator.WithToken(token + "\n")},
		{emulator.WithToken(token + " ")},
		{emulator.WithAccessKey("", secretKey)},
		{emulator.WithAccessKey("A,K", secretKey)},
		{emulator.WithAccessKey(accessKey, secretKey), emulator.WithAccessKey(accessKey, wrongSK)},
		{emulator.WithIAMUser("user", password+"\n", "domain")},
		{emulator.WithIAMUser("", password, ""), emulator.WithIAMUser("user\x00", password, "")},
		{emulator.WithIAMUser("user", password, "domain"), emulator.WithIAMUser("user", wrongPW, "domain")},
		{emulator.WithIAMUser("user", password+strings.Repeat("-SECRET-", 200), "domain")},
	} {
		_, err := emulator.New(opts...)
		if err == nil {
			t.Errorf("emulator.New accepted %d options", len(opts))
		}
		out.errs(err)
	}
	creds, err := signer.NewCredentials(accessKey, secretKey)
	if err != nil {
		t.Fatal(err)
	}
	out.verbs(creds)
	out.verbs(struct{ Creds signer.Credentials }{creds})

	all := out.String()
	sigs := w.signatures()
	if len(sigs) < 5 { // distinct ones: a retry within the same second of X-Sdk-Date signs alike
		t.Fatalf("only %d signatures were seen on the wire", len(sigs))
	}
	tokens := w.tokens()
	emulatorIssued := 0
	for _, tok := range tokens {
		if strings.HasPrefix(tok, "MII") {
			emulatorIssued++
		}
	}
	if emulatorIssued < 3 {
		t.Fatalf("only %d tokens the emulator's IAM issued were seen on the wire", emulatorIssued)
	}
	secretsToFind := append([]string{token, secretKey, wrongSK, password, wrongPW, issued, "-SECRET-"}, sigs...)
	for _, leak := range secrets.Leaks(all, append(secretsToFind, tokens...)...) {
		i := strings.Index(all, leak)
		t.Errorf("%q leaked: ...%s...", leak, all[max(0, i-300):min(len(all), i+len(leak)+100)])
	}
	// The output has what it should: proof that the collection worked.
	for _, want := range []string{
		"status=200", "status=401", "status=404", "status=429", "status=503", `"msg":"cssvpcep: retrying"`,
		"authentication failed", "fault injected", "http: panic serving", "the emulator's clock broke", "recovered: policy:",
		"ran out of its 30ms", "context deadline exceeded", "does not match the spec", "clusterID \"a/b\" contains '/'",
		"AK/SK {AccessKey:" + accessKey + " SecretKey:[REDACTED]}", "token [REDACTED]", "Auth:token(2)+IAM(user@domain)+AK/SK(" + accessKey + ")", "IAM at http",
		"IAM token issued", "IAM refused the request", `reason="the password is wrong"`, "IAM tokens revoked",
		"WithIAMUser: the password has a control character at byte 14", "WithIAMUser: the user name is empty",
		"WithEndpoint: the URL carries user information", "WithToken: the token has a space or control character",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	// And the secrets did travel: the test would prove nothing otherwise.
	if !w.recs[0].Received("X-Auth-Token: "+token) || !w.recs[0].Received("Access="+accessKey) || !w.recs[0].Received("X-Auth-Token: "+issued) ||
		!w.recs[0].Received(`"password":"`+password+`"`) || !w.recs[0].Received(`"password":"`+wrongPW+`"`) || !w.recs[0].Received("GET /v3/projects?name="+project) {
		t.Error("the credentials were not sent")
	}
}
