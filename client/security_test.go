package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/contract"
)

// everyVerb renders v with every fmt verb that could reach a field.
func everyVerb(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T", "%10.3v", "%-8s"} {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	return b.String()
}

// TestClient_secretsNeverLeak runs calls that succeed, fail and retry, with token and with AK/SK,
// with debug logging to text and JSON handlers, and checks that neither the token, nor the
// secret key, nor any signature the server saw, appears in a log, an error or a printed client.
func TestClient_secretsNeverLeak(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(handlerPair{
		slog.NewTextHandler(lockedWriter{&logs, &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewJSONHandler(lockedWriter{&logs, &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}),
	})
	var out strings.Builder // errors, printed clients, validation reports
	var outMu sync.Mutex
	record := func(s string) {
		outMu.Lock()
		defer outMu.Unlock()
		out.WriteString(s + "\n")
	}
	var signatures []string
	var sigMu sync.Mutex
	sigPattern := regexp.MustCompile(`Signature=([0-9a-f]+)`)

	for _, creds := range []Option{WithToken(testToken), useAccessKey()} {
		f := setupViolating(t, creds, WithLogger(logger),
			WithValidation(ValidationReport, func(e *contract.ValidationError) { record(e.Error()) }))
		var count atomic.Int64
		f.handle(func(w http.ResponseWriter, r *http.Request) {
			if m := sigPattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
				sigMu.Lock()
				signatures = append(signatures, m[1])
				sigMu.Unlock()
			}
			w.Header().Set("X-Request-Id", "req-"+r.URL.Query().Get("limit"))
			switch r.URL.Query().Get("limit") {
			case "1": // retried, then fails
				writeError(w, http.StatusServiceUnavailable, "CSS.9999", "busy")
			case "2":
				writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information")
			case "3":
				writeRaw(w, http.StatusOK, "application/json", `{"connections":[{"id":"a","status":"odd"}],"total_count":"x"}`)
			case "4":
				hijackAndClose(t, w, true)
			default:
				if count.Add(1)%2 == 1 {
					writeError(w, http.StatusTooManyRequests, "APIGW.0308", "slow down")
					return
				}
				writeJSON(w, http.StatusOK, pageOf(1, "a"))
			}
		})
		for limit := range 6 {
			_, err := f.client.ListConnections(context.Background(), testCluster, &ListOptions{Limit: limit})
			if err != nil {
				record(err.Error())
				record(fmt.Sprintf("%+v %#v", err, err))
			}
		}
		for _, err := range f.client.AllConnections(context.Background(), "c/1") {
			record(fmt.Sprint(err))
		}
		record(everyVerb(f.client))
		record(everyVerb(*f.client))
		record(everyVerb(f.client.cfg))
		record(fmt.Sprintf("%v %+v", []any{f.client}, struct{ C *Client }{f.client}))
		j, _ := json.Marshal(map[string]any{"client": f.client}) //nolint:staticcheck // what a careless caller would do
		record(string(j))
		logger.Info("the client", "client", f.client, "config", f.client.cfg)
	}
	// An unreachable endpoint: the transport's error text too.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c, err := New(WithEndpoint("http://"+addr), WithProjectID(testProject), WithAccessKey(testAK, testSK), WithLogger(logger), WithRetry(2, 0, 0), WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), testCluster, nil)
	record(fmt.Sprint(err))

	logMu.Lock()
	all := logs.String() + out.String()
	logMu.Unlock()
	sigMu.Lock()
	defer sigMu.Unlock()
	if len(signatures) < 5 {
		t.Fatalf("only %d signatures seen", len(signatures))
	}
	for _, s := range append([]string{testToken, testSK, "SECRET"}, signatures...) {
		if strings.Contains(all, s) {
			t.Errorf("%q leaked:\n%s", s, all)
		}
	}
	for _, want := range []string{
		`msg="cssvpcep: attempt"`, "method=GET", "path=/v1.0/" + testProject + "/clusters/" + testCluster + "/vpcepservice/connections",
		"status=503", "attempt=3", "duration=", `"msg":"cssvpcep: retrying"`, "limit=2", "request_id=req-1",
		"AK/SK {AccessKey:" + testAK + " SecretKey:[REDACTED]}", "token [REDACTED]", `"auth":"token [REDACTED]"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if strings.Contains(all, "X-Auth-Token") || strings.Contains(all, "Authorization") {
		t.Error("a header name reached the output: headers are never logged")
	}
}

// handlerPair sends every record to two handlers.
type handlerPair [2]slog.Handler

func (h handlerPair) Enabled(ctx context.Context, l slog.Level) bool { return h[0].Enabled(ctx, l) }

func (h handlerPair) Handle(ctx context.Context, r slog.Record) error {
	_ = h[0].Handle(ctx, r.Clone())
	return h[1].Handle(ctx, r)
}

func (h handlerPair) WithAttrs(as []slog.Attr) slog.Handler {
	return handlerPair{h[0].WithAttrs(as), h[1].WithAttrs(as)}
}

func (h handlerPair) WithGroup(n string) slog.Handler {
	return handlerPair{h[0].WithGroup(n), h[1].WithGroup(n)}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestClient_String(t *testing.T) {
	c, err := New(WithRegion("eu-de"), WithProjectID("p"), WithAccessKey("AK1", testSK), WithProjectIDHeader(), WithValidation(ValidationFail, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := `client.Client{Endpoint:https://css.eu-de.otc.t-systems.com/ Region:eu-de ProjectID:p X-Project-Id:on Auth:AK/SK {AccessKey:AK1 SecretKey:[REDACTED]} UserAgent:"` +
		defaultUserAgent + `" Timeout:30s MaxAttempts:3 RetryWait:250ms-10s MaxResponseSize:16777216 Validation:fail}`
	if got := c.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	if got := fmt.Sprintf("%q", c); got != fmt.Sprintf("%q", want) {
		t.Errorf("%%q = %s", got)
	}
	var nilClient *Client
	if got := fmt.Sprint(nilClient); got != "client.Client(nil)" {
		t.Errorf("nil client prints %q", got)
	}
	if v := nilClient.LogValue(); v.String() != "client.Client(nil)" {
		t.Errorf("nil LogValue = %v", v)
	}
}
