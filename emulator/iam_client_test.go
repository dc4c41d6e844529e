package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// passwordClient is package client signing in at the emulator's IAM as OpenStack users do: a
// password, the IAM endpoint, a project by name. Its transport is the lax validating one: the
// IAM's requests, which the client sends through it too, are not in the spec, but every
// response of CSS must match it.
func passwordClient(t *testing.T, f *fixture, password, project string, opts ...client.Option) *client.Client {
	t.Helper()
	base := []client.Option{
		client.WithEndpoint(f.URL), client.WithIAMEndpoint(f.URL + "/v3"), client.WithProjectName(project),
		client.WithPassword(testUser, password, emulator.DefaultIAMDomain),
		client.WithHTTPClient(f.lax), client.WithRetry(1, 0, 0),
	}
	c, err := client.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// syncBuffer is a log the emulator's goroutines write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func listOK(t *testing.T, c *client.Client, cluster string) {
	t.Helper()
	if _, err := c.ListConnections(context.Background(), cluster, nil); err != nil {
		t.Fatal(err)
	}
}

// The token flow end to end: the client signs in once, scoped to eu-de by name, takes the
// project ID from the token, and every call after uses the same token.
func TestIAM_client_tokenFlow(t *testing.T) {
	f, clk := iamServer(t)
	c := passwordClient(t, f, testPassword, emulator.DefaultProjectName)
	for range 3 {
		listOK(t, c, emulator.DefaultClusterID)
	}
	if n := f.Emulator.TokensIssued(); n != 1 {
		t.Errorf("%d token requests for 3 calls, want 1", n)
	}
	info, err := c.Auth(context.Background())
	if err != nil || info.Kind != "password" || info.ProjectID != emulator.DefaultProjectID || info.ProjectName != emulator.DefaultProjectName ||
		info.User != testUser || info.Domain != emulator.DefaultIAMDomain || !info.Expires.Equal(clk.Now().Add(emulator.DefaultTokenTTL).Truncate(time.Microsecond)) {
		t.Errorf("Auth = %+v, %v", info, err)
	}
	// A project named by its ID, and the operations that change the cluster, with one token.
	p := passwordClient(t, f, testPassword, "p")
	listOK(t, p, "c")
	ctx := context.Background()
	if err := p.DisableVPCEndpointService(ctx, "c"); err != nil {
		t.Errorf("DisableVPCEndpointService: %v", err)
	}
	if cl, err := p.GetCluster(ctx, "c"); err != nil || cl == nil {
		t.Errorf("GetCluster: %v", err)
	}
	if n := f.Emulator.TokensIssued(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

// Renewal: when the emulator's clock passes expires_at (the CSS side answers 401, the client
// signs in again), before every call when the TTL is shorter than the client's margin, and
// once after the tokens are revoked.
func TestIAM_client_renewal(t *testing.T) {
	t.Run("on expiry", func(t *testing.T) {
		f, clk := iamServer(t, emulator.WithTokenTTL(time.Hour))
		c := passwordClient(t, f, testPassword, "eu-de")
		listOK(t, c, emulator.DefaultClusterID)
		clk.advance(time.Hour - client.RenewMargin - time.Second) // the client's clock has not moved: it keeps the token
		listOK(t, c, emulator.DefaultClusterID)
		if n := f.Emulator.TokensIssued(); n != 1 {
			t.Errorf("%d token requests before expiry, want 1", n)
		}
		clk.advance(client.RenewMargin + time.Second) // expired by the emulator's clock
		listOK(t, c, emulator.DefaultClusterID)
		if n := f.Emulator.TokensIssued(); n != 2 {
			t.Errorf("%d token requests after expiry, want 2", n)
		}
		listOK(t, c, emulator.DefaultClusterID)
		if n := f.Emulator.TokensIssued(); n != 2 {
			t.Errorf("%d token requests with the new token, want 2", n)
		}
	})
	t.Run("a TTL within the margin", func(t *testing.T) {
		// Every token is within the client's renewal margin from the start: each call signs
		// in again before it is sent. (The client asks for its token twice per call, for the
		// project ID and for the header, so such a TTL costs it two sign-ins a call.)
		f, _ := iamServer(t, emulator.WithTokenTTL(client.RenewMargin-time.Second))
		c := passwordClient(t, f, testPassword, "eu-de")
		last := int64(0)
		for i := range 3 {
			listOK(t, c, emulator.DefaultClusterID)
			n := f.Emulator.TokensIssued()
			if n <= last {
				t.Errorf("call %d: %d token requests, as many as before it: the token was not renewed", i+1, n)
			}
			last = n
		}
	})
	t.Run("on a 401", func(t *testing.T) {
		f, _ := iamServer(t)
		c := passwordClient(t, f, testPassword, "eu-de")
		listOK(t, c, emulator.DefaultClusterID)
		if n := f.Emulator.RevokeTokens(); n != 1 {
			t.Fatalf("RevokeTokens = %d", n)
		}
		listOK(t, c, emulator.DefaultClusterID)
		listOK(t, c, emulator.DefaultClusterID)
		if n := f.Emulator.TokensIssued(); n != 2 {
			t.Errorf("%d token requests, want 2", n)
		}
	})
}

// Single flight: 64 calls at once on a fresh client share one sign-in (run under -race).
func TestIAM_client_singleFlight(t *testing.T) {
	f, _ := iamServer(t)
	c := passwordClient(t, f, testPassword, "eu-de", client.WithHTTPClient(f.Client()))
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if _, err := c.ListConnections(context.Background(), emulator.DefaultClusterID, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.Emulator.TokensIssued(); n != 1 {
		t.Errorf("%d token requests for 64 concurrent calls, want 1", n)
	}
	// And 64 calls at once after a revocation renew once.
	f.Emulator.RevokeTokens()
	errs = make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			if _, err := c.ListConnections(context.Background(), emulator.DefaultClusterID, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.Emulator.TokensIssued(); n != 2 {
		t.Errorf("%d token requests after 64 concurrent 401s, want 2", n)
	}
}

// AK/SK (or a token) and a project name: the client looks the project up at the emulator's IAM,
// once, with a signed GET /v3/projects?name=.
func TestIAM_client_projectLookup(t *testing.T) {
	var logs syncBuffer
	f, _ := iamServer(t, emulator.WithAccessKey(testAK, testSK), emulator.WithToken(testToken),
		emulator.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	for _, creds := range []client.Option{client.WithAccessKey(testAK, testSK), client.WithToken(testToken)} {
		logs.Reset()
		c, err := client.New(client.WithEndpoint(f.URL), client.WithIAMEndpoint(f.URL+"/v3"), client.WithProjectName("eu-de"),
			creds, client.WithHTTPClient(f.lax), client.WithRetry(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			listOK(t, c, emulator.DefaultClusterID)
		}
		if n := strings.Count(logs.String(), "path=/v3/projects "); n != 1 {
			t.Errorf("%d project lookups, want 1:\n%s", n, logs.String())
		}
		if n := strings.Count(logs.String(), "path=/v1.0/demo-project/clusters/"+emulator.DefaultClusterID+"/vpcepservice/connections status=200"); n != 2 {
			t.Errorf("%d calls on demo-project, want 2:\n%s", n, logs.String())
		}
	}
	c, err := client.New(client.WithEndpoint(f.URL), client.WithIAMEndpoint(f.URL+"/v3"), client.WithProjectName("eu-nl"),
		client.WithAccessKey(testAK, testSK), client.WithHTTPClient(f.lax))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	var ie *client.IAMError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `no project is named "eu-nl"`) {
		t.Errorf("an unknown name: %v", err)
	}
	// A wrong secret key: the lookup is refused, 401 from IAM.
	c, err = client.New(client.WithEndpoint(f.URL), client.WithIAMEndpoint(f.URL+"/v3"), client.WithProjectName("eu-de"),
		client.WithAccessKey(testAK, "sk-wrong"), client.WithHTTPClient(f.lax))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	if !client.IsIAMUnauthorized(err) || !strings.Contains(err.Error(), "signature mismatch") {
		t.Errorf("a wrong secret key: %v", err)
	}
}

// A wrong password: the client's *IAMError with IAM's message and the emulator's request ID;
// nothing issued, nothing sent to CSS, the password nowhere.
func TestIAM_client_wrongPassword(t *testing.T) {
	var logs syncBuffer
	f, _ := iamServer(t, emulator.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	c := passwordClient(t, f, "wrong-"+testPassword, "eu-de")
	_, err := c.ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	var ie *client.IAMError
	if !errors.As(err, &ie) || !client.IsIAMUnauthorized(err) || !isHexID(ie.RequestID) {
		t.Fatalf("error = %v (%T), want an *IAMError 401 with the request ID", err, err)
	}
	want := "client: IAM at " + f.URL + "/v3/ refused the credentials (401): The username or password is wrong. (request id " + ie.RequestID + ")"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
	if !strings.Contains(logs.String(), "request_id="+ie.RequestID) || !strings.Contains(logs.String(), "reason=\"the password is wrong\"") {
		t.Errorf("the emulator's log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "/v1.0/") || f.Emulator.TokensIssued() != 0 {
		t.Errorf("CSS was called or a token issued:\n%s", logs.String())
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), logs.String(), f.Emulator.String()} {
		if strings.Contains(text, testPassword) {
			t.Errorf("the password is printed: %s", text)
		}
	}
}
