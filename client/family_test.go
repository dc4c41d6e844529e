package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
)

// Test IDs in the forms the spec requires.
const (
	endpointA = "f132bb14-e1d5-4f25-9f7c-a29e4c8effd4"
	endpointB = "54b7f739-31a1-40d0-862b-ac85b83ab2da"
	accountA  = "dffef70c1db243cbb373e45791165281"
	accountB  = "db9b76a0d9ae431f8e85e89da2ca867c"
)

// Patterns of the family's operations for testCluster's fixture mux.
const (
	openPattern        = "POST /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/open"
	closePattern       = "PUT /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/close"
	updatePattern      = "POST /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/connections"
	permissionsPattern = "POST /v1.0/{project_id}/clusters/{cluster_id}/vpcepservice/permissions"
	clusterPattern     = "GET /v1.0/{project_id}/clusters/{cluster_id}"
)

// route registers h for pattern and returns a counter of the requests it got.
func (f *fixture) route(pattern string, h http.HandlerFunc) *atomic.Int64 {
	var n atomic.Int64
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	})
	return &n
}

// recorded is a request body a handler received.
type recorded struct {
	mu     sync.Mutex
	bodies []string
}

func (r *recorded) add(req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, string(b))
}

func (r *recorded) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bodies)
}

// TestClient_family_requests: each method sends its operation's method, path and body (the
// fixture validates every request and response against the spec) and takes its answer.
func TestClient_family_requests(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	var bodies recorded
	ok := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.PathValue("cluster_id") != testCluster || r.PathValue("project_id") != testProject {
				t.Errorf("%s %s: wrong IDs", r.Method, r.URL.Path)
			}
			bodies.add(r)
			if body == "" {
				w.WriteHeader(http.StatusOK)
				return
			}
			writeRaw(w, http.StatusOK, "application/json", body)
		}
	}
	f.route(openPattern, ok(`{"action":"createVpcepservice"}`))
	f.route(closePattern, ok(`{"action":"deleteVpcepservice"}`))
	f.route(updatePattern, ok(""))
	f.route(permissionsPattern, ok(""))
	f.route(clusterPattern, ok(string(specExample(t, api.ExampleClusterDetail))))

	steps := []struct {
		name string
		call func() error
		body string
	}{
		{"enable, defaults", func() error { return f.client.EnableVPCEndpointService(ctx, testCluster, nil) }, `{}`},
		{"enable, options", func() error {
			return f.client.EnableVPCEndpointService(ctx, testCluster, &EnableOptions{DNSName: true, Professional: true, DualStack: true})
		}, `{"dualstack_enable":true,"endpoint_with_dns_name":true,"profession_vpcep":true}`},
		{"disable", func() error { return f.client.DisableVPCEndpointService(ctx, testCluster) }, ``},
		{"accept", func() error { return f.client.AcceptConnections(ctx, testCluster, []string{endpointA, endpointB}) },
			`{"action":"receive","endpoint_id_list":["` + endpointA + `","` + endpointB + `"]}`},
		{"reject", func() error { return f.client.RejectConnections(ctx, testCluster, []string{endpointA}) },
			`{"action":"reject","endpoint_id_list":["` + endpointA + `"]}`},
		{"set whitelist", func() error { return f.client.SetWhitelist(ctx, testCluster, []string{accountA}) },
			`{"vpc_permissions":["` + accountA + `"]}`},
		{"empty whitelist: nobody", func() error { return f.client.SetWhitelist(ctx, testCluster, nil) }, `{"vpc_permissions":[]}`},
	}
	for _, s := range steps {
		before := len(bodies.all())
		if err := s.call(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got := bodies.all()
		if len(got) != before+1 {
			t.Fatalf("%s: %d requests, want 1", s.name, len(got)-before)
		}
		if gotBody := strings.TrimSpace(got[before]); gotBody != s.body {
			t.Errorf("%s: body %s, want %s", s.name, gotBody, s.body)
		}
	}

	cl, err := f.client.GetCluster(ctx, testCluster)
	if err != nil {
		t.Fatal(err)
	}
	if cl.ID == "" || cl.Status != StatusAvailable || !cl.Idle() || len(cl.Instances) == 0 || cl.Detail == nil {
		t.Errorf("GetCluster = %+v", cl)
	}
}

// TestClient_family_retrySafety: a read is retried after a 5xx; an operation that changes state
// is sent once after a 5xx or a timeout, and again after a 429 or a CSS.0011, which the service
// answers without acting.
func TestClient_family_retrySafety(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		pattern string
		status  int
		code    string
		call    func(c *Client) error
		want    int64 // requests
	}{
		{"GET cluster, 500", clusterPattern, 500, "CSS.9999", func(c *Client) error { _, err := c.GetCluster(ctx, testCluster); return err }, 3},
		{"POST open, 500", openPattern, 500, "CSS.9999", func(c *Client) error { return c.EnableVPCEndpointService(ctx, testCluster, nil) }, 1},
		{"POST open, 503", openPattern, 503, "CSS.9999", func(c *Client) error { return c.EnableVPCEndpointService(ctx, testCluster, nil) }, 1},
		{"PUT close, 500", closePattern, 500, "CSS.9999", func(c *Client) error { return c.DisableVPCEndpointService(ctx, testCluster) }, 1},
		{"POST accept, 502", updatePattern, 502, "APIGW.0201", func(c *Client) error { return c.AcceptConnections(ctx, testCluster, []string{endpointA}) }, 1},
		{"POST whitelist, 504", permissionsPattern, 504, "APIGW.0201", func(c *Client) error { return c.SetWhitelist(ctx, testCluster, []string{accountA}) }, 1},
		{"POST open, 429", openPattern, 429, "APIGW.0308", func(c *Client) error { return c.EnableVPCEndpointService(ctx, testCluster, nil) }, 3},
		{"PUT close, 429", closePattern, 429, "APIGW.0308", func(c *Client) error { return c.DisableVPCEndpointService(ctx, testCluster) }, 3},
		{"POST open, 202 CSS.0011", openPattern, 202, CodeBusy, func(c *Client) error { return c.EnableVPCEndpointService(ctx, testCluster, nil) }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			n := f.route(tt.pattern, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "0")
				writeError(w, tt.status, tt.code, "no")
			})
			err := tt.call(f.client)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status {
				t.Fatalf("error = %v, want an *APIError %d", err, tt.status)
			}
			if n.Load() != tt.want {
				t.Errorf("%d requests, want %d", n.Load(), tt.want)
			}
		})
	}
}

// TestClient_family_stateErrors: the typed checks of the service's refusals, and a 202 that
// carries CSS.0011 is an error, not a success.
func TestClient_family_stateErrors(t *testing.T) {
	ctx := context.Background()
	f := setup(t, WithRetry(1, 0, 0))
	f.route(openPattern, func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusConflict, CodeAlreadyExists, "The object already exists.")
	})
	f.route(closePattern, func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusBadRequest, CodeNotEnabled, "The VPC endpoint service is not enabled.")
	})
	f.route(permissionsPattern, func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusAccepted, CodeBusy, "This operation cannot be performed because another operation is being performed.")
	})
	f.handle(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusBadRequest, CodeNotEnabled, "The VPC endpoint service is not enabled.")
	})

	err := f.client.EnableVPCEndpointService(ctx, testCluster, nil)
	if !IsAlreadyEnabled(err) || IsAlreadyDisabled(err) || IsNotEnabled(err) {
		t.Errorf("open on an enabled service: %v", err)
	}
	err = f.client.DisableVPCEndpointService(ctx, testCluster)
	if !IsAlreadyDisabled(err) || IsAlreadyEnabled(err) {
		t.Errorf("close on a disabled service: %v", err)
	}
	_, err = f.client.ListConnections(ctx, testCluster, nil)
	if !IsNotEnabled(err) || IsAlreadyDisabled(err) {
		t.Errorf("list with the service off: %v", err)
	}
	err = f.client.SetWhitelist(ctx, testCluster, []string{accountA})
	var ae *APIError
	if !IsBusy(err) || !errors.As(err, &ae) || ae.StatusCode != http.StatusAccepted || !IsRetryable(err) || !NotProcessed(nil, err) {
		t.Errorf("a 202 carrying CSS.0011: %v", err)
	}
}

// TestClient_family_arguments: the lists are checked before any request.
func TestClient_family_arguments(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	tooMany := make([]string, MaxEndpointIDs+1)
	for i := range tooMany {
		tooMany[i] = endpointA
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no endpoint", f.client.AcceptConnections(ctx, testCluster, nil), "client: AcceptConnections: endpointIDs holds 0 endpoint IDs; at least 1 is needed"},
		{"not a UUID", f.client.RejectConnections(ctx, testCluster, []string{endpointA, "connectionsID"}), `client: RejectConnections: endpointIDs [1] "connectionsID" is not a VPC endpoint ID (a UUID)`},
		{"twice", f.client.AcceptConnections(ctx, testCluster, []string{endpointA, endpointA}), `client: AcceptConnections: endpointIDs [1] "` + endpointA + `" is also [0]: an ID may be given once`},
		{"twice, in two cases", f.client.RejectConnections(ctx, testCluster, []string{endpointA, strings.ToUpper(endpointA)}), `client: RejectConnections: endpointIDs [1] "` + strings.ToUpper(endpointA) + `" is also [0]: an ID may be given once`},
		{"too many", f.client.AcceptConnections(ctx, testCluster, tooMany), "client: AcceptConnections: endpointIDs holds 101 endpoint IDs; at most 100 are allowed in one request"},
		{"upper-case account", f.client.SetWhitelist(ctx, testCluster, []string{strings.ToUpper(accountA)}), `client: SetWhitelist: accountIDs [0] "DFFEF70C1DB243CBB373E45791165281" is not an account ID (32 lower-case hexadecimal digits)`},
		{"add nothing", func() error { _, err := f.client.AddToWhitelist(ctx, testCluster); return err }(), "client: AddToWhitelist: accountIDs holds 0 account IDs; at least 1 is needed"},
		{"bad cluster", f.client.DisableVPCEndpointService(ctx, "a/b"), `client: DisableVPCEndpointService: clusterID "a/b" contains '/', which is not allowed in an ID`},
		{"dual-stack alone", f.client.EnableVPCEndpointService(ctx, testCluster, &EnableOptions{DualStack: true}),
			"client: EnableVPCEndpointService: opts.DualStack is allowed only with a professional VPC endpoint (Professional, profession_vpcep), as the service says"},
		{"nil ctx", f.client.EnableVPCEndpointService(nil, testCluster, nil), "client: EnableVPCEndpointService: ctx is nil"}, //nolint:staticcheck // a nil context on purpose
	}
	for _, tt := range tests {
		var ae *ArgumentError
		if !errors.As(tt.err, &ae) || tt.err.Error() != tt.want {
			t.Errorf("%s: %v, want an *ArgumentError %q", tt.name, tt.err, tt.want)
		}
	}
}

// whitelistServer serves a whitelist through ShowVpcepConnection and records the writes.
func whitelistServer(t *testing.T, f *fixture, perms []map[string]string) *recorded {
	t.Helper()
	var writes recorded
	f.handle(func(w http.ResponseWriter, _ *http.Request) {
		body := pageOf(0)
		body["permissions"] = perms
		writeJSON(w, http.StatusOK, body)
	})
	f.route(permissionsPattern, func(w http.ResponseWriter, r *http.Request) {
		writes.add(r)
		w.WriteHeader(http.StatusOK)
	})
	return &writes
}

func perm(account string) map[string]string {
	return map[string]string{"id": "8ed0ea5c-1b4b-4e1b-bf30-a1c2e7ab0001", "permission": "iam:domain::" + account, "permission_type": "domainId", "created_at": "2023-10-12T07:33:11Z"}
}

// TestClient_AddToWhitelist_readModifyWrite: add and remove read the whitelist, change it and
// write it back whole; nothing is written when there is nothing to change, and an entry that is
// not an account stops the call before anything is written.
func TestClient_AddToWhitelist_readModifyWrite(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	writes := whitelistServer(t, f, []map[string]string{perm(accountA)})

	ch, err := f.client.AddToWhitelist(ctx, testCluster, accountB, accountA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&WhitelistChange{Before: []string{accountA}, After: []string{accountA, accountB}, Changed: []string{accountB}}, ch); diff != "" {
		t.Errorf("add (-want +got):\n%s", diff)
	}
	ch, err = f.client.AddToWhitelist(ctx, testCluster, accountA)
	if err != nil || len(ch.Changed) != 0 {
		t.Errorf("add what is there: %+v, %v", ch, err)
	}
	ch, err = f.client.RemoveFromWhitelist(ctx, testCluster, accountA, accountB)
	if err != nil || !slices.Equal(ch.Changed, []string{accountA}) || len(ch.After) != 0 {
		t.Errorf("remove: %+v, %v", ch, err)
	}
	want := []string{`{"vpc_permissions":["` + accountA + `","` + accountB + `"]}`, `{"vpc_permissions":[]}`}
	if got := writes.all(); !slices.Equal(trimAll(got), want) {
		t.Errorf("writes %q, want %q", got, want)
	}

	g := setup(t)
	writes = whitelistServer(t, g, []map[string]string{perm(accountA), {"id": "x", "permission": "*", "permission_type": "domainId"}})
	if _, err := g.client.AddToWhitelist(ctx, testCluster, accountB); err == nil || !strings.Contains(err.Error(), `whitelist entry 1 is "*"`) {
		t.Errorf("an entry that is not an account: %v", err)
	}
	if len(writes.all()) != 0 {
		t.Errorf("written after all: %q", writes.all())
	}
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// TestClient_WithDryRun: nothing is sent; the planned request has the method, URL and body,
// and no credential.
func TestClient_WithDryRun(t *testing.T) {
	var plans []PlannedRequest
	f := setup(t, WithDryRun(func(p PlannedRequest) { plans = append(plans, p) }))
	hits := f.route(updatePattern, func(http.ResponseWriter, *http.Request) {})
	reads := f.handle(func(http.ResponseWriter, *http.Request) {})
	err := f.client.AcceptConnections(context.Background(), testCluster, []string{endpointA})
	if !errors.Is(err, ErrDryRun) {
		t.Fatalf("error = %v, want ErrDryRun", err)
	}
	_, err = f.client.AddToWhitelist(context.Background(), testCluster, accountA)
	if !errors.Is(err, ErrDryRun) || hits.Load()+reads.Load() != 0 {
		t.Fatalf("AddToWhitelist: %v after %d requests", err, hits.Load()+reads.Load())
	}
	if len(plans) != 2 {
		t.Fatalf("%d plans", len(plans))
	}
	p := plans[0]
	if p.Operation.ID != "UpdateVpcepConnection" || p.Method != http.MethodPost ||
		p.URL != f.server.URL+"/v1.0/"+testProject+"/clusters/"+testCluster+"/vpcepservice/connections" ||
		strings.TrimSpace(string(p.Body)) != `{"action":"receive","endpoint_id_list":["`+endpointA+`"]}` {
		t.Errorf("plan %+v (body %s)", p, p.Body)
	}
	if p.Header.Get("X-Auth-Token") != "" || p.Header.Get("Authorization") != "" || p.Header.Get("Content-Type") != "application/json" {
		t.Errorf("plan headers %v", p.Header)
	}
	if plans[1].Method != http.MethodGet {
		t.Errorf("AddToWhitelist plans %s first, want the read", plans[1].Method)
	}
}

// clusterAt answers ShowClusterDetail with the states in turn, the last one for ever after.
func clusterAt(t *testing.T, states ...func(d *api.ClusterDetail)) http.HandlerFunc {
	t.Helper()
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, _ *http.Request) {
		var d api.ClusterDetail
		if err := json.Unmarshal(specExample(t, api.ExampleClusterDetail), &d); err != nil {
			t.Error(err)
		}
		mu.Lock()
		i := min(n, len(states)-1)
		n++
		mu.Unlock()
		states[i](&d)
		writeJSON(w, http.StatusOK, d)
	}
}

func busy(d *api.ClusterDetail) {
	d.Actions = &[]string{"VPCEP_OPENING"}
}

func idle(*api.ClusterDetail) {}

func nodeCreating(d *api.ClusterDetail) {
	(*d.Instances)[0].Status = api.InstanceStatusCreating
}

func failedTask(d *api.ClusterDetail) {
	d.Status = api.ClusterStatusUnavailable
	code, msg := "CSS.6000", "Failed to create the VPC endpoint service."
	d.FailedReason = &api.ClusterFailedReason{ErrorCode: &code, ErrorMsg: &msg}
}

var fastWait = &WaitOptions{InitialDelay: -1, MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

// TestClient_WaitVPCEndpointService: the waiter looks until no task runs and every node is
// available, reports each look, and ends with a *TaskFailedError on status 303.
func TestClient_WaitVPCEndpointService(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	looks := f.route(clusterPattern, clusterAt(t, busy, busy, nodeCreating, idle))
	var seen []WaitProgress
	opts := *fastWait
	opts.Progress = func(p WaitProgress) { seen = append(seen, p) }
	cl, err := f.client.WaitVPCEndpointService(ctx, testCluster, &opts)
	if err != nil || !cl.Idle() {
		t.Fatalf("wait: %+v, %v", cl, err)
	}
	if looks.Load() != 4 || len(seen) != 4 || seen[0].Cluster.Actions[0] != "VPCEP_OPENING" || seen[3].Looks != 4 {
		t.Errorf("%d looks, progress %+v", looks.Load(), seen)
	}

	g := setup(t)
	g.route(clusterPattern, clusterAt(t, busy, failedTask))
	_, err = g.client.WaitVPCEndpointService(ctx, testCluster, fastWait)
	var tf *TaskFailedError
	if !errors.As(err, &tf) || !strings.Contains(err.Error(), "reports status 303 (unavailable): CSS.6000: Failed to create the VPC endpoint service.") {
		t.Errorf("a failed task: %v", err)
	}

	h := setup(t)
	h.route(clusterPattern, clusterAt(t, busy))
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = h.client.WaitVPCEndpointService(dctx, testCluster, fastWait)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a task that never ends: %v, want the context's deadline", err)
	}
}

// TestClient_WaitVPCEndpointService_goesOnAfterTransientFailures: a look that fails with a
// retryable error (after the client's retries) is reported and the wait goes on; a 404 ends it.
func TestClient_WaitVPCEndpointService_goesOnAfterTransientFailures(t *testing.T) {
	ctx := context.Background()
	f := setup(t, WithRetry(1, 0, 0))
	var n atomic.Int64
	f.route(clusterPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			writeError(w, http.StatusServiceUnavailable, "CSS.9999", "busy gateway")
			return
		}
		clusterAt(t, idle)(w, r)
	})
	var errs int
	opts := *fastWait
	opts.Progress = func(p WaitProgress) {
		if p.Err != nil {
			errs++
		}
	}
	if _, err := f.client.WaitVPCEndpointService(ctx, testCluster, &opts); err != nil || errs != 2 {
		t.Errorf("wait: %v after %d failed looks", err, errs)
	}

	g := setup(t)
	g.route(clusterPattern, func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "CSS.3027", "The cluster does not exist!")
	})
	if _, err := g.client.WaitVPCEndpointService(ctx, testCluster, fastWait); !IsNotFound(err) {
		t.Errorf("no such cluster: %v", err)
	}
}

// TestOperations_matchTheSpec: every operation the client calls is in the spec, with its method
// and path; the reads, and only they, are idempotent.
func TestOperations_matchTheSpec(t *testing.T) {
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, o := range operations {
				if o.ID == op.OperationID {
					found[o.ID] = true
					if o.Method != method || o.Path != path || o.Idempotent != (method == http.MethodGet) {
						t.Errorf("%s: %s %s (idempotent %v), the spec's %s %s", o.ID, o.Method, o.Path, o.Idempotent, method, path)
					}
				}
			}
		}
	}
	for _, o := range operations {
		if !found[o.ID] {
			t.Errorf("%s is not in the spec", o.ID)
		}
	}
	if len(found) != len(doc.Paths.Map())+1 { // six operations on five paths
		t.Errorf("the client calls %d operations; the spec has more", len(found))
	}
}
