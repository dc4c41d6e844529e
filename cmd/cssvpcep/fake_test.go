package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
)

// The fake's project and cluster, and IDs of the right shapes.
const (
	fakeProject = "p1"
	fakeCluster = "c1"
	endpointA   = "54b7f739-31a1-40d0-862b-ac85b83ab2da"
	endpointB   = "e88ad0bc-c2c7-419c-bd9b-a961111f0a42"
	accountA    = "db9b76a0d9ae431f8e85e89da2ca867c"
	accountB    = "0e5c0000000000000000000000000001"
)

// fakeCSS is an httptest server answering the six operations for one cluster from a little
// state, as the service does, and recording every request it gets: the tests of the verbs
// need no emulator that serves them, and can count what reached the server.
type fakeCSS struct {
	URL string

	mu        sync.Mutex
	requests  []string // "METHOD path", in order
	bodies    []string
	enabled   bool
	conns     map[string]string // endpoint ID → status
	whitelist []string
	taskLooks int    // looks at the cluster that still see the task running
	failTask  bool   // the task ends with status 303
	override  string // "busy" answers every change with CSS.0011
}

func newFakeCSS(t *testing.T) *fakeCSS {
	t.Helper()
	f := &fakeCSS{enabled: true, conns: map[string]string{endpointA: "accepted", endpointB: "rejected"}, whitelist: []string{accountA}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// env is the environment that reaches the fake with a token.
func (f *fakeCSS) env() map[string]string {
	return map[string]string{client.EnvEndpoint: f.URL, client.EnvProjectID: fakeProject, client.EnvAuthToken: testToken}
}

// seen returns the requests received so far.
func (f *fakeCSS) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeCSS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.bodies = append(f.bodies, string(body))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", fmt.Sprintf("req-%04d", len(f.requests)))
	if r.Header.Get("X-Auth-Token") != testToken {
		answer(w, http.StatusUnauthorized, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: no credentials"}`)
		return
	}
	cluster := "/v1.0/" + fakeProject + "/clusters/" + fakeCluster
	service := cluster + "/vpcepservice"
	if f.override == "busy" && r.Method != http.MethodGet {
		answer(w, http.StatusAccepted, `{"errCode":"CSS.0011","externalMessage":"Another operation is being performed on the cluster."}`)
		return
	}
	switch r.Method + " " + r.URL.Path {
	case "GET " + service + "/connections":
		f.list(w, r)
	case "POST " + service + "/open":
		if f.enabled {
			answer(w, http.StatusConflict, `{"errCode":"CSS.0031","externalMessage":"The object already exists."}`)
			return
		}
		f.enabled, f.taskLooks = true, 2
		answer(w, http.StatusOK, `{"action":"vpcep_open"}`)
	case "PUT " + service + "/close":
		if !f.enabled {
			answer(w, http.StatusBadRequest, `{"errCode":"CSS.5182","externalMessage":"The VPC endpoint service is not enabled."}`)
			return
		}
		f.enabled, f.taskLooks, f.conns = false, 2, map[string]string{}
		answer(w, http.StatusOK, `{"action":"vpcep_close"}`)
	case "POST " + service + "/connections":
		if !f.enabled {
			answer(w, http.StatusBadRequest, `{"errCode":"CSS.5182","externalMessage":"The VPC endpoint service is not enabled."}`)
			return
		}
		var req struct {
			Action string   `json:"action"`
			IDs    []string `json:"endpoint_id_list"`
		}
		_ = json.Unmarshal(body, &req)
		status := map[string]string{"receive": "accepted", "reject": "rejected"}[req.Action]
		for _, id := range req.IDs {
			f.conns[id] = status
		}
		w.WriteHeader(http.StatusOK)
	case "POST " + service + "/permissions":
		var req struct {
			IDs []string `json:"vpc_permissions"`
		}
		_ = json.Unmarshal(body, &req)
		f.whitelist = req.IDs
		w.WriteHeader(http.StatusOK)
	case "GET " + cluster:
		f.cluster(w)
	default:
		answer(w, http.StatusNotFound, `{"errCode":"CSS.3027","externalMessage":"The cluster does not exist."}`)
	}
}

// list answers ShowVpcepConnection: a page of the connections in ID order, and the whitelist.
func (f *fakeCSS) list(w http.ResponseWriter, r *http.Request) {
	if !f.enabled {
		answer(w, http.StatusBadRequest, `{"errCode":"CSS.5182","externalMessage":"The VPC endpoint service is not enabled."}`)
		return
	}
	type conn struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Created string `json:"created_at"`
	}
	type perm struct {
		ID         string `json:"id"`
		Permission string `json:"permission"`
		Type       string `json:"permission_type"`
		Created    string `json:"created_at"`
	}
	out := struct {
		Connections []conn `json:"connections"`
		Switch      bool   `json:"vpcepUpdateSwitch"`
		Total       int    `json:"total_count"`
		Service     string `json:"vpcServiceName"`
		Permissions []perm `json:"permissions"`
	}{Connections: []conn{}, Total: len(f.conns), Service: "eu-de.css-fake." + fakeCluster, Permissions: []perm{}}
	ids := slices.Sorted(maps.Keys(f.conns))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil {
		limit = 10
	}
	ids = ids[min(offset, len(ids)):min(offset+limit, len(ids))]
	for _, id := range ids {
		out.Connections = append(out.Connections, conn{ID: id, Status: f.conns[id], Created: "2024-06-11T09:36:24Z"})
	}
	for i, a := range f.whitelist {
		out.Permissions = append(out.Permissions, perm{ID: fmt.Sprintf("5e0c0000-0000-4000-9000-%012d", i), Permission: "iam:domain::" + a, Type: "domainId", Created: "2023-10-12T07:33:11Z"})
	}
	b, _ := json.Marshal(out)
	answer(w, http.StatusOK, string(b))
}

// cluster answers ShowClusterDetail: busy for taskLooks looks after a change, then idle (or
// failed).
func (f *fakeCSS) cluster(w http.ResponseWriter) {
	status, actions, node := "200", `[]`, "200"
	switch {
	case f.taskLooks > 0:
		f.taskLooks--
		status, actions = "100", `["VPCEP_TASK"]`
	case f.failTask:
		status, node = "303", "303"
	}
	answer(w, http.StatusOK, fmt.Sprintf(`{"id":%q,"name":"es-1","status":%q,"actions":%s,"updated":"2024-06-11T09:36:24",`+
		`"instances":[{"id":"i1","name":"es-1-ess-1","type":"ess","status":%q}]}`, fakeCluster, status, actions, node))
}

func answer(w http.ResponseWriter, status int, body string) {
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// fastWait is a wait that looks every few milliseconds, so that tests of --wait and wait do
// not take the client's seconds.
var fastWait = client.WaitOptions{InitialDelay: time.Millisecond, MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond}

// runCLI runs the command in this process with stdin, terminals as said and the fast wait.
func runCLI(t *testing.T, env map[string]string, stdin string, terminal bool, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := &cli{
		stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, lookupEnv: lookup(env),
		stdinTerminal: terminal, stderrTerminal: terminal, wait: fastWait,
	}
	code := c.execute(t.Context(), args)
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: code}
	checkNoSecrets(t, r)
	return r
}
