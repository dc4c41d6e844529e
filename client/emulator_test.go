package client_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// Accounts of the lifecycle test, 32 lower-case hex digits as IAM's domain IDs are.
const (
	consumer = "dffef70c1db243cbb373e45791165281"
	stranger = "0123456789abcdef0123456789abcdef"
)

// emulatorClient is a client of ts whose every request and response is held to the spec twice:
// by the client's own run-time validation in fail mode and by contract.ForTest under it.
func emulatorClient(t *testing.T, ts *emulator.TestServer, opts ...client.Option) *client.Client {
	t.Helper()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	c, err := client.New(append([]client.Option{
		client.WithEndpoint(ts.URL), client.WithProjectID(ts.ProjectID), client.WithToken("emulator-token"),
		client.WithHTTPClient(&http.Client{Transport: contract.ForTest(t, transport)}),
		client.WithValidation(client.ValidationFail, nil),
		client.WithRetry(2, time.Millisecond, 2*time.Millisecond),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClient_lifecycleAgainstTheEmulator walks the VPC endpoint service of a cluster through its
// life with every method of the client, against the emulator, each step with what it must give:
// the refusals IsAlreadyEnabled, IsAlreadyDisabled, IsNotEnabled and IsBusy recognize included.
func TestClient_lifecycleAgainstTheEmulator(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	ts := emulator.NewTestServer(t, emulator.WithTaskDuration(time.Minute), emulator.WithClock(clock))
	cluster := emulator.DefaultClusterID
	c := emulatorClient(t, ts)
	ctx := context.Background()
	wait := func(t *testing.T) *client.Cluster {
		t.Helper()
		var looks atomic.Int64
		cl, err := c.WaitVPCEndpointService(ctx, cluster, &client.WaitOptions{InitialDelay: -1, MinInterval: time.Millisecond, MaxInterval: time.Millisecond,
			Progress: func(p client.WaitProgress) {
				if looks.Add(1) == 2 {
					advance(time.Minute) // the task ends between the second and third looks
				}
			}})
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		if looks.Load() < 3 || !cl.Idle() {
			t.Fatalf("wait ended after %d looks with %+v", looks.Load(), cl)
		}
		return cl
	}
	connections := func(t *testing.T) map[string]client.Status {
		t.Helper()
		out := map[string]client.Status{}
		for conn, err := range c.AllConnections(ctx, cluster) {
			if err != nil {
				t.Fatal(err)
			}
			out[conn.ID] = conn.Status
		}
		return out
	}

	// The seed: enabled, with the page's two connections.
	before := connections(t)
	if len(before) != 2 {
		t.Fatalf("the seed's connections: %v", before)
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range before {
			if !yield(id) {
				return
			}
		}
	})
	if err := c.EnableVPCEndpointService(ctx, cluster, nil); !client.IsAlreadyEnabled(err) {
		t.Errorf("enable an enabled service: %v", err)
	}
	if err := c.RejectConnections(ctx, cluster, ids[:1]); err != nil {
		t.Fatal(err)
	}
	if got := connections(t); got[ids[0]] != client.StatusRejected || got[ids[1]] != client.StatusAccepted {
		t.Errorf("after reject: %v", got)
	}
	if err := c.AcceptConnections(ctx, cluster, ids[:1]); err != nil {
		t.Fatal(err)
	}
	if got := connections(t); got[ids[0]] != client.StatusAccepted {
		t.Errorf("after accept: %v", got)
	}
	var ae *client.APIError
	if err := c.AcceptConnections(ctx, cluster, []string{"f132bb14-e1d5-4f25-9f7c-a29e4c8effd4"}); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Errorf("accept an unknown endpoint: %v", err)
	}

	// The whitelist: replaced, added to, removed from; a consumer on it can connect.
	if err := c.SetWhitelist(ctx, cluster, []string{consumer}); err != nil {
		t.Fatal(err)
	}
	if ch, err := c.AddToWhitelist(ctx, cluster, stranger, consumer); err != nil || !slices.Equal(ch.Changed, []string{stranger}) {
		t.Errorf("add: %+v, %v", ch, err)
	}
	if ch, err := c.RemoveFromWhitelist(ctx, cluster, stranger); err != nil || !slices.Equal(ch.After, []string{consumer}) {
		t.Errorf("remove: %+v, %v", ch, err)
	}
	perms, err := c.Whitelist(ctx, cluster)
	if err != nil || len(perms) != 1 {
		t.Fatalf("whitelist: %v, %v", perms, err)
	}
	if id, ok := perms[0].AccountID(); !ok || id != consumer || perms[0].Type != "domainId" || perms[0].Created.IsZero() {
		t.Errorf("the whitelist entry: %+v", perms[0])
	}
	conn, err := ts.Store().AddEndpoint(ts.ProjectID, cluster, consumer)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AcceptConnections(ctx, cluster, []string{conn.Id}); err != nil {
		t.Fatal(err)
	}
	if got := connections(t); got[conn.Id] != client.StatusAccepted || len(got) != 3 {
		t.Errorf("after accepting the consumer: %v", got)
	}

	// Disable: a task; refusals while it runs; then nothing to list.
	if err := c.DisableVPCEndpointService(ctx, cluster); err != nil {
		t.Fatal(err)
	}
	if err := c.SetWhitelist(ctx, cluster, nil); !client.IsBusy(err) {
		t.Errorf("the whitelist while the task runs: %v", err)
	}
	cl, err := c.GetCluster(ctx, cluster)
	if err != nil || cl.Idle() || len(cl.Actions) != 1 || cl.Actions[0] != emulator.ActionDisablingVPCEP {
		t.Errorf("the cluster while disabling: %+v, %v", cl, err)
	}
	wait(t)
	if _, err := c.ListConnections(ctx, cluster, nil); !client.IsNotEnabled(err) {
		t.Errorf("list with the service off: %v", err)
	}
	if err := c.DisableVPCEndpointService(ctx, cluster); !client.IsAlreadyDisabled(err) {
		t.Errorf("disable a disabled service: %v", err)
	}

	// Enable again, with a DNS name: an empty service.
	if err := c.EnableVPCEndpointService(ctx, cluster, &client.EnableOptions{DNSName: true}); err != nil {
		t.Fatal(err)
	}
	wait(t)
	page, err := c.ListConnections(ctx, cluster, nil)
	if err != nil || page.TotalCount != 0 || page.ServiceName == "" {
		t.Errorf("after enabling: %+v, %v", page, err)
	}
}

// TestClient_waitReportsAFailedTask: a task the emulator fails ends the wait with a
// *client.TaskFailedError carrying the reason.
func TestClient_waitReportsAFailedTask(t *testing.T) {
	ts := emulator.NewTestServer(t) // tasks end at once
	c := emulatorClient(t, ts)
	ctx := context.Background()
	code, msg := "CSS.6000", "Failed to create the VPC endpoint service."
	if err := ts.Store().FailNextTask(ts.ProjectID, emulator.DefaultClusterID, api.ClusterFailedReason{ErrorCode: &code, ErrorMsg: &msg}); err != nil {
		t.Fatal(err)
	}
	if err := c.DisableVPCEndpointService(ctx, emulator.DefaultClusterID); err != nil {
		t.Fatal(err)
	}
	_, err := c.WaitVPCEndpointService(ctx, emulator.DefaultClusterID, &client.WaitOptions{InitialDelay: -1, MinInterval: time.Millisecond, MaxInterval: time.Millisecond})
	var tf *client.TaskFailedError
	if !errors.As(err, &tf) || tf.Cluster.FailedReason == nil || tf.Cluster.FailedReason.Code != code {
		t.Errorf("wait on a failed task: %v", err)
	}
}

// TestNewFromEnv_passwordOnly is the user of issue 11: nothing in the environment but
// OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME and OS_PROJECT_NAME (or OS_PROJECT_ID). The client
// signs in at the emulator's IAM, takes the CSS endpoint from the token's catalog (the
// project's name alone would have guessed Open Telekom Cloud's eu-de) and the project's ID from
// the token, and every method works with that token.
func TestNewFromEnv_passwordOnly(t *testing.T) {
	// The project by name (the endpoint guessed from it, then the catalog's) or by ID (nothing
	// names the endpoint but the catalog).
	for _, project := range [][2]string{{"OS_PROJECT_NAME", emulator.DefaultProjectName}, {"OS_PROJECT_ID", emulator.DefaultProjectID}} {
		t.Run(project[0], func(t *testing.T) { passwordOnly(t, project[0], project[1]) })
	}
}

// passwordOnly is TestNewFromEnv_passwordOnly with the project given by variable.
func passwordOnly(t *testing.T, variable, project string) {
	const user, password = "cloud-user", "pw-SECRET-0815"
	ts := emulator.NewTestServer(t, emulator.WithIAMUser(user, password, ""))
	env := map[string]string{
		"OS_AUTH_URL":         ts.URL + "/v3",
		"OS_USERNAME":         user,
		"OS_PASSWORD":         password,
		"OS_USER_DOMAIN_NAME": emulator.DefaultIAMDomain,
		variable:              project,
		"HOME":                t.TempDir(), // no clouds.yaml
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	c, err := client.NewFromEnvFunc(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		client.WithHTTPClient(&http.Client{Transport: transport}), client.WithValidation(client.ValidationFail, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := c.Auth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Kind != "password" || info.Endpoint != ts.URL+"/" || info.EndpointFrom != "catalog" || info.ProjectID != emulator.DefaultProjectID {
		t.Fatalf("Auth = %+v, want the emulator's endpoint from the catalog and project %q", info, emulator.DefaultProjectID)
	}
	cluster := emulator.DefaultClusterID
	page, err := c.ListConnections(ctx, cluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := page.Connections[0].ID
	steps := []struct {
		name string
		do   func() error
	}{
		{"reject", func() error { return c.RejectConnections(ctx, cluster, []string{id}) }},
		{"accept", func() error { return c.AcceptConnections(ctx, cluster, []string{id}) }},
		{"whitelist add", func() error { _, err := c.AddToWhitelist(ctx, cluster, consumer); return err }},
		{"whitelist remove", func() error { _, err := c.RemoveFromWhitelist(ctx, cluster, consumer); return err }},
		{"disable", func() error { return c.DisableVPCEndpointService(ctx, cluster) }},
		{"wait", func() error {
			_, err := c.WaitVPCEndpointService(ctx, cluster, &client.WaitOptions{InitialDelay: -1})
			return err
		}},
		{"enable", func() error { return c.EnableVPCEndpointService(ctx, cluster, nil) }},
		{"wait", func() error {
			_, err := c.WaitVPCEndpointService(ctx, cluster, &client.WaitOptions{InitialDelay: -1})
			return err
		}},
		{"cluster", func() error { _, err := c.GetCluster(ctx, cluster); return err }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if n := ts.Emulator.TokensIssued(); n != 1 {
		t.Errorf("%d sign-ins, want 1", n)
	}
}
