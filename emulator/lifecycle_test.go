package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// A cluster whose VPC endpoint service is disabled, and accounts for its whitelist.
const (
	offCluster = "0ff0c1a5-0000-4000-8000-000000000001"
	accountA   = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	accountB   = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	noEndpoint = "f132bb14-e1d5-4f25-9f7c-a29e4c8effd4"
)

// offSeed is a seed of one cluster of project p with its service disabled.
func offSeed() emulator.Option {
	return emulator.WithSeed(emulator.Seed{Clusters: []emulator.SeedCluster{
		{ProjectID: "p", ClusterID: offCluster, Cluster: emulator.Cluster{ServiceDisabled: true}},
	}})
}

// clock is a clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// step is one call of the lifecycle through the generated client and what it must answer.
type step struct {
	name   string
	call   func(ctx context.Context, gen *api.ClientWithResponses) (status int, body []byte, header http.Header, err error)
	status int
	code   string   // the error code; empty for a success
	want   []string // fragments of the error message
	check  func(t *testing.T, body []byte)
}

// runSteps runs the steps in order, each a subtest; a step that fails stops the rest, which
// depend on it.
func runSteps(t *testing.T, gen *api.ClientWithResponses, steps []step) {
	t.Helper()
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			status, body, header, err := s.call(context.Background(), gen)
			if err != nil {
				t.Fatal(err)
			}
			if s.code != "" {
				checkError(t, response{status: status, header: header, body: body}, s.status, s.code, s.want...)
				return
			}
			if status != s.status {
				t.Fatalf("status %d, want %d; body %s", status, s.status, body)
			}
			checkRequestID(t, header)
			if s.check != nil {
				s.check(t, body)
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

// The calls, each returning what the generated client got.
func open(opts *api.StartVpecpRequest) func(context.Context, *api.ClientWithResponses) (int, []byte, http.Header, error) {
	return func(ctx context.Context, gen *api.ClientWithResponses) (int, []byte, http.Header, error) {
		var r *api.StartVpecpResponse
		var err error
		if opts == nil {
			r, err = gen.StartVpecpWithBodyWithResponse(ctx, "p", offCluster, "application/json", http.NoBody)
		} else {
			r, err = gen.StartVpecpWithResponse(ctx, "p", offCluster, *opts)
		}
		if err != nil {
			return 0, nil, nil, err
		}
		return r.StatusCode(), r.Body, r.HTTPResponse.Header, nil
	}
}

func closeService(ctx context.Context, gen *api.ClientWithResponses) (int, []byte, http.Header, error) {
	r, err := gen.StopVpecpWithResponse(ctx, "p", offCluster)
	if err != nil {
		return 0, nil, nil, err
	}
	return r.StatusCode(), r.Body, r.HTTPResponse.Header, nil
}

func list(ctx context.Context, gen *api.ClientWithResponses) (int, []byte, http.Header, error) {
	r, err := gen.ShowVpcepConnectionWithResponse(ctx, "p", offCluster, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	return r.StatusCode(), r.Body, r.HTTPResponse.Header, nil
}

func detail(ctx context.Context, gen *api.ClientWithResponses) (int, []byte, http.Header, error) {
	r, err := gen.ShowClusterDetailWithResponse(ctx, "p", offCluster)
	if err != nil {
		return 0, nil, nil, err
	}
	return r.StatusCode(), r.Body, r.HTTPResponse.Header, nil
}

func connections(action api.UpdateVpcepConnectionRequestAction, endpointIDs ...*string) func(context.Context, *api.ClientWithResponses) (int, []byte, http.Header, error) {
	return func(ctx context.Context, gen *api.ClientWithResponses) (int, []byte, http.Header, error) {
		list := make([]string, len(endpointIDs))
		for i, id := range endpointIDs {
			list[i] = *id
		}
		r, err := gen.UpdateVpcepConnectionWithResponse(ctx, "p", offCluster, api.UpdateVpcepConnectionRequest{Action: action, EndpointIdList: list})
		if err != nil {
			return 0, nil, nil, err
		}
		return r.StatusCode(), r.Body, r.HTTPResponse.Header, nil
	}
}

func whitelist(accounts ...string) func(context.Context, *api.ClientWithResponses) (int, []byte, http.Header, error) {
	return func(ctx context.Context, gen *api.ClientWithResponses) (int, []byte, http.Header, error) {
		r, err := gen.UpdateVpcepWhitelistWithResponse(ctx, "p", offCluster, api.UpdateVpcepWhitelistRequest{VpcPermissions: append([]string{}, accounts...)})
		if err != nil {
			return 0, nil, nil, err
		}
		return r.StatusCode(), r.Body, r.HTTPResponse.Header, nil
	}
}

// goStep makes fn, a change through Go (the Store, the clock), a step's call: it sends nothing
// and counts as a 200.
func goStep(fn func() error) func(context.Context, *api.ClientWithResponses) (int, []byte, http.Header, error) {
	return func(context.Context, *api.ClientWithResponses) (int, []byte, http.Header, error) {
		if err := fn(); err != nil {
			return 0, nil, nil, err
		}
		return http.StatusOK, nil, http.Header{"X-Request-Id": {strings.Repeat("0", 32)}}, nil
	}
}

// The checks of bodies.
func wantAction(action string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		if !strings.Contains(string(body), `"action":"`+action+`"`) {
			t.Errorf("body %s, want action %s", body, action)
		}
	}
}

func wantList(fn func(t *testing.T, l api.ConnectionList)) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		fn(t, decodeList(t, body))
	}
}

func wantDetail(status api.ClusterStatus, actions ...string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		d := decodeDetail(t, body)
		if d.Status != status || d.Actions == nil || !slices.Equal(*d.Actions, actions) {
			t.Errorf("detail status %s actions %v, want %s %v", d.Status, d.Actions, status, actions)
		}
		if d.Id != offCluster {
			t.Errorf("detail id %q", d.Id)
		}
	}
}

// The whole lifecycle of a cluster's VPC endpoint service through the generated client, with
// request and response validation on, tasks ending at once (NewTestServer's default): every
// operation, and every refusal along the way.
func TestEmulator_lifecycle(t *testing.T) {
	f := setup(t, offSeed())
	store := f.Store()
	var endpoint, other, upper string
	addEndpoint := func(account string, id *string) func() error {
		return func() error {
			c, err := store.AddEndpoint("p", offCluster, account)
			*id = c.Id
			return err
		}
	}
	notEnabled := []string{"The VPC endpoint service is not enabled", `cluster "` + offCluster + `"`}
	runSteps(t, f.generated(t), []step{
		{name: "list while disabled", call: list, status: 400, code: "CSS.5182", want: notEnabled},
		{name: "close while disabled", call: closeService, status: 400, code: "CSS.5182", want: notEnabled},
		{name: "accept while disabled", call: connections(api.ConnectionActionReceive, ptr(noEndpoint)), status: 400, code: "CSS.5182"},
		{name: "whitelist while disabled", call: whitelist(accountA), status: 400, code: "CSS.5182"},
		{name: "detail while disabled", call: detail, status: 200, check: wantDetail(api.ClusterStatusAvailable)},
		{name: "open without a body", call: open(nil), status: 200, check: wantAction("createVpcepservice")},
		{name: "open again", call: open(&api.StartVpecpRequest{}), status: 409, code: "CSS.0031",
			want: []string{"The object already exists", "enabled already"}},
		{name: "detail after the task", call: detail, status: 200, check: wantDetail(api.ClusterStatusAvailable)},
		{name: "list of the new service", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.TotalCount != 0 || len(l.Connections) != 0 || l.VpcServiceName == nil || !strings.HasPrefix(*l.VpcServiceName, "eu-de.css-vpcep.") ||
				l.Permissions == nil || len(*l.Permissions) != 0 {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "an endpoint of an account not on the whitelist", call: goStep(func() error {
			_, err := store.AddEndpoint("p", offCluster, accountA)
			if !errors.Is(err, emulator.ErrNotWhitelisted) {
				return errors.New("AddEndpoint: " + errString(err))
			}
			return nil
		}), status: 200},
		{name: "whitelist", call: whitelist(accountA, accountB), status: 200},
		{name: "list with the whitelist", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			var got []string
			for _, p := range *l.Permissions {
				if p.Id == nil || *p.PermissionType != api.DomainId || !p.CreatedAt.Valid() {
					t.Errorf("permission %+v", p)
				}
				got = append(got, *p.Permission)
			}
			if want := []string{"iam:domain::" + accountA, "iam:domain::" + accountB}; !slices.Equal(got, want) {
				t.Errorf("permissions %q, want %q", got, want)
			}
		})},
		{name: "endpoints of whitelisted accounts", call: goStep(func() error {
			if err := addEndpoint(accountA, &endpoint)(); err != nil {
				return err
			}
			upper = strings.ToUpper(endpoint)
			return addEndpoint(accountB, &other)()
		}), status: 200},
		{name: "list of new endpoints", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.TotalCount != 2 || l.Connections[0].Id != endpoint || l.Connections[0].Status != api.Rejected ||
				*l.Connections[0].DomainId != accountA || *l.Connections[0].VpcepIp != "192.168.0.10" || *l.Connections[1].VpcepIp != "192.168.0.11" ||
				l.Connections[0].VpcepDnsName != nil || l.Connections[0].VpcepIpv6Address != nil {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "accept", call: connections(api.ConnectionActionReceive, &endpoint), status: 200},
		{name: "list after accepting", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.Connections[0].Status != api.Accepted || l.Connections[0].UpdateAt == nil || l.Connections[1].Status != api.Rejected {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "accept an unknown endpoint", call: connections(api.ConnectionActionReceive, &other, ptr(noEndpoint)), status: 404, code: "CSS.0028",
			want: []string{"The object does not exist", `has no connection of the VPC endpoint "` + noEndpoint + `"`}},
		{name: "nothing accepted by a refused request", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.Connections[1].Status != api.Rejected {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "reject, the ID in upper case", call: connections(api.ConnectionActionReject, &upper, &other), status: 200},
		{name: "list after rejecting", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.Connections[0].Status != api.Rejected || l.Connections[1].Status != api.Rejected {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "an empty whitelist", call: whitelist(), status: 200},
		{name: "list without whitelist, the connections kept", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.Permissions == nil || len(*l.Permissions) != 0 || l.TotalCount != 2 {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "close", call: closeService, status: 200, check: wantAction("deleteVpcepservice")},
		{name: "list after closing", call: list, status: 400, code: "CSS.5182"},
		{name: "close again", call: closeService, status: 400, code: "CSS.5182"},
		{name: "open with every option", call: open(&api.StartVpecpRequest{EndpointWithDnsName: ptr(true), ProfessionVpcep: ptr(true), DualstackEnable: ptr(true)}), status: 200},
		{name: "no connection survives", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if l.TotalCount != 0 || len(*l.Permissions) != 0 {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "an endpoint with a DNS name and IPv6", call: goStep(func() error {
			if err := store.UpdateCluster("p", offCluster, func(c *emulator.Cluster) error {
				c.Permissions = []api.Permission{{Permission: ptr("iam:domain::" + accountA)}}
				return nil
			}); err != nil {
				return err
			}
			return addEndpoint(accountA, &endpoint)()
		}), status: 200},
		{name: "list with a DNS name and IPv6", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			c := l.Connections[0]
			if c.VpcepDnsName == nil || *c.VpcepDnsName != endpoint+".vpcep.eu-de.css.internal" || c.VpcepIpv6Address == nil || *c.VpcepIpv6Address != "2001:db8::c0a8:a" {
				t.Errorf("connection %+v", c)
			}
		})},
	})
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// With a task duration, open and close run as a task by the emulator's clock: the details
// show it until it ends, the service changes when it ends, and the cluster refuses changes
// meanwhile with CSS.0011 and status 202.
func TestEmulator_tasks(t *testing.T) {
	c := newClock()
	f := setup(t, offSeed(), emulator.WithClock(c.Now), emulator.WithTaskDuration(time.Minute))
	advance := func(d time.Duration) func(context.Context, *api.ClientWithResponses) (int, []byte, http.Header, error) {
		return goStep(func() error { c.advance(d); return nil })
	}
	busy := []string{"another operation is being performed", "runs the task"}
	runSteps(t, f.generated(t), []step{
		{name: "open", call: open(nil), status: 200, check: wantAction("createVpcepservice")},
		{name: "detail while enabling", call: detail, status: 200, check: wantDetail(api.ClusterStatusInProgress, emulator.ActionEnablingVPCEP)},
		{name: "list while enabling", call: list, status: 400, code: "CSS.5182"},
		{name: "open while enabling", call: open(nil), status: 202, code: "CSS.0011", want: append(busy, emulator.ActionEnablingVPCEP, "2025-06-01T12:01:00Z")},
		{name: "close while enabling", call: closeService, status: 202, code: "CSS.0011", want: busy},
		{name: "whitelist while enabling", call: whitelist(accountA), status: 202, code: "CSS.0011", want: busy},
		{name: "accept while enabling", call: connections(api.ConnectionActionReceive, ptr(noEndpoint)), status: 202, code: "CSS.0011", want: busy},
		{name: "59 seconds on", call: advance(59 * time.Second), status: 200},
		{name: "detail a second before the end", call: detail, status: 200, check: wantDetail(api.ClusterStatusInProgress, emulator.ActionEnablingVPCEP)},
		{name: "the end", call: advance(time.Second), status: 200},
		{name: "detail at the end", call: detail, status: 200, check: func(t *testing.T, body []byte) {
			wantDetail(api.ClusterStatusAvailable)(t, body)
			if d := decodeDetail(t, body); d.Updated == nil || d.Updated.String() != "2025-06-01T12:01:00Z" {
				t.Errorf("updated %v", d.Updated)
			}
		}},
		{name: "list at the end", call: list, status: 200},
		{name: "whitelist", call: whitelist(accountA), status: 200},
		{name: "close", call: closeService, status: 200, check: wantAction("deleteVpcepservice")},
		{name: "detail while disabling", call: detail, status: 200, check: wantDetail(api.ClusterStatusInProgress, emulator.ActionDisablingVPCEP)},
		{name: "list while disabling: still enabled", call: list, status: 200, check: wantList(func(t *testing.T, l api.ConnectionList) {
			if len(*l.Permissions) != 1 {
				t.Errorf("list %+v", l)
			}
		})},
		{name: "whitelist while disabling", call: whitelist(), status: 202, code: "CSS.0011"},
		{name: "long after", call: advance(time.Hour), status: 200},
		{name: "list after disabling", call: list, status: 400, code: "CSS.5182"},
		{name: "detail after disabling", call: detail, status: 200, check: wantDetail(api.ClusterStatusAvailable)},
	})
}

// FailNextTask makes a task fail: the cluster shows status 303 and the reason, the service
// stays as it was, and the faulty cluster refuses changes with CSS.0011 until it is repaired.
func TestStore_FailNextTask(t *testing.T) {
	c := newClock()
	f := setup(t, offSeed(), emulator.WithClock(c.Now), emulator.WithTaskDuration(time.Minute))
	store := f.Store()
	code, msg := "CSS.6000", "the VPC endpoint service could not be created"
	runSteps(t, f.generated(t), []step{
		{name: "open", call: open(nil), status: 200},
		{name: "the running task to fail", call: goStep(func() error {
			return store.FailNextTask("p", offCluster, api.ClusterFailedReason{ErrorCode: &code, ErrorMsg: &msg})
		}), status: 200},
		{name: "detail while it runs", call: detail, status: 200, check: wantDetail(api.ClusterStatusInProgress, emulator.ActionEnablingVPCEP)},
		{name: "its end", call: goStep(func() error { c.advance(time.Minute); return nil }), status: 200},
		{name: "detail after the failure", call: detail, status: 200, check: func(t *testing.T, body []byte) {
			wantDetail(api.ClusterStatusUnavailable)(t, body)
			if r := decodeDetail(t, body).FailedReason; r == nil || *r.ErrorCode != code || *r.ErrorMsg != msg {
				t.Errorf("failedReason %+v", r)
			}
		}},
		{name: "the service was not created", call: list, status: 400, code: "CSS.5182"},
		{name: "open on a faulty cluster", call: open(nil), status: 202, code: "CSS.0011", want: []string{"is faulty"}},
		{name: "repaired", call: goStep(func() error {
			return store.UpdateCluster("p", offCluster, func(c *emulator.Cluster) error {
				c.Detail.Status, c.Detail.FailedReason = api.ClusterStatusAvailable, nil
				return nil
			})
		}), status: 200},
		{name: "the next task, failing at once with the default reason", call: goStep(func() error {
			return store.FailNextTask("p", offCluster, api.ClusterFailedReason{})
		}), status: 200},
		{name: "open again", call: open(nil), status: 200},
		{name: "one minute on", call: goStep(func() error { c.advance(time.Minute); return nil }), status: 200},
		{name: "detail after the second failure", call: detail, status: 200, check: func(t *testing.T, body []byte) {
			if r := decodeDetail(t, body).FailedReason; r == nil || *r.ErrorCode != "CSS.0005" || !strings.Contains(*r.ErrorMsg, "injected") {
				t.Errorf("failedReason %+v", r)
			}
		}},
	})
	if err := store.FailNextTask("p", "nope", api.ClusterFailedReason{}); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("FailNextTask of an unknown cluster: %v", err)
	}
}

// The request bodies are checked by the spec (contract) first, and by the handlers when they
// are used bare: an old camelCase key is refused naming it, dual-stack needs professional.
func TestEmulator_requestBodies(t *testing.T) {
	f := setup(t, offSeed())
	path := "/v1.0/p/clusters/" + offCluster + "/vpcepservice/"
	post := func(target, body string) response {
		t.Helper()
		return doBody(t, f.lax, http.MethodPost, f.URL+path+target, body)
	}
	checkError(t, post("open", `{"endpointWithDnsName": true}`), 400, "CSS.0001", "Incorrect parameters", "endpointWithDnsName")
	checkError(t, post("open", `{"dualstack_enable": true}`), 400, "CSS.0001", "dualstack_enable needs profession_vpcep")
	checkError(t, post("open", `{"endpoint_with_dns_name": "yes"}`), 400, "CSS.0001", "endpoint_with_dns_name")
	if r := post("open", `{"endpoint_with_dns_name": true}`); r.status != 200 {
		t.Fatalf("open: %d %s", r.status, r.body)
	}
	checkError(t, post("connections", `{"action":"receive","endpointIdList":["`+noEndpoint+`"]}`), 400, "CSS.0001", "endpointIdList")
	checkError(t, post("connections", `{"action":"accept","endpoint_id_list":["`+noEndpoint+`"]}`), 400, "CSS.0001", "action")
	checkError(t, post("connections", `{"action":"receive","endpoint_id_list":[]}`), 400, "CSS.0001", "endpoint_id_list")
	checkError(t, post("connections", `{"action":"receive","endpoint_id_list":["x"]}`), 400, "CSS.0001", "endpoint_id_list")
	checkError(t, post("permissions", `{"vpcPermissions":[]}`), 400, "CSS.0001", "vpcPermissions")
	checkError(t, post("permissions", `{"vpc_permissions":["`+accountA+`","`+accountA+`"]}`), 400, "CSS.0001", "vpc_permissions")

	// The handlers alone, without package contract in front.
	s := emulator.NewServer(f.Store(), false)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"dual-stack alone": func() error {
			_, err := s.StartVpecp(ctx, api.StartVpecpRequestObject{ProjectId: "p", ClusterId: offCluster, Body: &api.StartVpecpRequest{DualstackEnable: ptr(true)}})
			return err
		},
		"no connection body": func() error {
			_, err := s.UpdateVpcepConnection(ctx, api.UpdateVpcepConnectionRequestObject{ProjectId: "p", ClusterId: offCluster})
			return err
		},
		"a bad action": func() error {
			_, err := s.UpdateVpcepConnection(ctx, api.UpdateVpcepConnectionRequestObject{ProjectId: "p", ClusterId: offCluster,
				Body: &api.UpdateVpcepConnectionRequest{Action: "accept", EndpointIdList: []string{noEndpoint}}})
			return err
		},
		"an endpoint ID twice": func() error {
			_, err := s.UpdateVpcepConnection(ctx, api.UpdateVpcepConnectionRequestObject{ProjectId: "p", ClusterId: offCluster,
				Body: &api.UpdateVpcepConnectionRequest{Action: api.ConnectionActionReceive, EndpointIdList: []string{noEndpoint, noEndpoint}}})
			return err
		},
		"no whitelist": func() error {
			_, err := s.UpdateVpcepWhitelist(ctx, api.UpdateVpcepWhitelistRequestObject{ProjectId: "p", ClusterId: offCluster, Body: &api.UpdateVpcepWhitelistRequest{}})
			return err
		},
		"a bad account": func() error {
			_, err := s.UpdateVpcepWhitelist(ctx, api.UpdateVpcepWhitelistRequestObject{ProjectId: "p", ClusterId: offCluster,
				Body: &api.UpdateVpcepWhitelistRequest{VpcPermissions: []string{"*"}}})
			return err
		},
	} {
		if err := call(); !errors.Is(err, emulator.ErrIncorrectParameters) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// decodeDetail decodes a ShowClusterDetail body into the generated type, failing on unknown
// fields.
func decodeDetail(t *testing.T, body []byte) api.ClusterDetail {
	t.Helper()
	var d api.ClusterDetail
	decodeStrict(t, body, &d)
	return d
}

// Every operation names a cluster: an unknown one is 404 CSS.3027, through the generated
// client with validation on.
func TestEmulator_everyOperationOnAnUnknownCluster(t *testing.T) {
	f := setup(t)
	gen := f.generated(t)
	ctx := context.Background()
	const project, cluster = "demo-project", "no-such-cluster"
	for name, call := range map[string]func() (response, error){
		"StartVpecp": func() (response, error) {
			r, err := gen.StartVpecpWithResponse(ctx, project, cluster, api.StartVpecpRequest{})
			if err != nil {
				return response{}, err
			}
			return response{status: r.StatusCode(), header: r.HTTPResponse.Header, body: r.Body}, nil
		},
		"StopVpecp": func() (response, error) {
			r, err := gen.StopVpecpWithResponse(ctx, project, cluster)
			if err != nil {
				return response{}, err
			}
			return response{status: r.StatusCode(), header: r.HTTPResponse.Header, body: r.Body}, nil
		},
		"ShowVpcepConnection": func() (response, error) {
			r, err := gen.ShowVpcepConnectionWithResponse(ctx, project, cluster, nil)
			if err != nil {
				return response{}, err
			}
			return response{status: r.StatusCode(), header: r.HTTPResponse.Header, body: r.Body}, nil
		},
		"UpdateVpcepConnection": func() (response, error) {
			r, err := gen.UpdateVpcepConnectionWithResponse(ctx, project, cluster,
				api.UpdateVpcepConnectionRequest{Action: api.ConnectionActionReject, EndpointIdList: []string{noEndpoint}})
			if err != nil {
				return response{}, err
			}
			return response{status: r.StatusCode(), header: r.HTTPResponse.Header, body: r.Body}, nil
		},
		"UpdateVpcepWhitelist": func() (response, error) {
			r, err := gen.UpdateVpcepWhitelistWithResponse(ctx, project, cluster, api.UpdateVpcepWhitelistRequest{VpcPermissions: []string{}})
			if err != nil {
				return response{}, err
			}
			return response{status: r.StatusCode(), header: r.HTTPResponse.Header, body: r.Body}, nil
		},
		"ShowClusterDetail": func() (response, error) {
			r, err := gen.ShowClusterDetailWithResponse(ctx, project, cluster)
			if err != nil {
				return response{}, err
			}
			return response{status: r.StatusCode(), header: r.HTTPResponse.Header, body: r.Body}, nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := call()
			if err != nil {
				t.Fatal(err)
			}
			checkError(t, r, http.StatusNotFound, "CSS.3027",
				`The cluster does not exist: project "demo-project" has no cluster "no-such-cluster"`)
		})
	}
}

// Concurrent requests to enable one service: exactly one starts the task, every other is
// refused as the state it finds says (409 once it is enabled), none is lost or doubled.
func TestEmulator_concurrentOpens(t *testing.T) {
	f := setup(t, offSeed())
	gen := f.generated(t)
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r, err := gen.StartVpecpWithResponse(context.Background(), "p", offCluster, api.StartVpecpRequest{})
			if err != nil {
				t.Error(err)
				return
			}
			statuses <- r.StatusCode()
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusOK] != 1 || count[http.StatusConflict] != n-1 {
		t.Errorf("statuses %v, want one 200 and %d 409", count, n-1)
	}
}
