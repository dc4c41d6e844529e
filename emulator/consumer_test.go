package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// endpointsPath is the emulator-only path of a cluster's consumer endpoints.
func endpointsPath(project, cluster string) string {
	return "/emulator/v1/" + project + "/clusters/" + cluster + "/endpoints"
}

// The emulator-only path adds a consumer's endpoint over HTTP, through the request ID, body
// and authentication layers, and checks its input itself with clear 400s.
func TestEmulator_emulatorOnlyPath(t *testing.T) {
	f := setup(t, emulator.WithToken(testToken))
	auth := http.Header{"X-Auth-Token": {testToken}, "Content-Type": {"application/json"}}
	post := func(path, body string, header http.Header) response {
		t.Helper()
		return doRequest(t, f.Client(), http.MethodPost, f.URL+path, header, strings.NewReader(body))
	}
	own := endpointsPath(f.ProjectID, emulator.DefaultClusterID)
	// The current example's whitelist holds db9b76a0d9ae431f8e85e89da2ca867c.
	const listed, unlisted = "db9b76a0d9ae431f8e85e89da2ca867c", "0123456789abcdef0123456789abcdef"

	r := post(own, `{"domain_id": "`+listed+`"}`, auth)
	if r.status != http.StatusCreated || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %v: %s", r.status, r.header, r.body)
	}
	checkRequestID(t, r.header)
	var conn api.Connection
	decodeStrict(t, r.body, &conn)
	if conn.Status != api.Rejected || *conn.DomainId != listed || conn.VpcepIp == nil || conn.CreatedAt == nil {
		t.Errorf("new connection %+v", conn)
	}
	l := decodeList(t, get(t, f.strict, f.URL, defaultPath, http.Header{"X-Auth-Token": {testToken}}).body)
	if l.TotalCount != 3 || l.Connections[2].Id != conn.Id {
		t.Errorf("the list after adding: %+v", l)
	}

	for _, tt := range []struct {
		name, path, body string
		header           http.Header
		status           int
		code             string
		want             []string
	}{
		{"no credentials", own, `{"domain_id": "` + listed + `"}`, http.Header{}, 401, "APIGW.0301", []string{"no credentials"}},
		{"no body", own, ``, auth, 400, "CSS.0001", []string{`body: the request has no body; send {"domain_id": "<account ID>"}`}},
		{"not JSON", own, `domain_id=` + listed, auth, 400, "CSS.0001", []string{"not a JSON object"}},
		{"an array", own, `["` + listed + `"]`, auth, 400, "CSS.0001", []string{"not a JSON object"}},
		{"two values", own, `{"domain_id": "` + listed + `"} {}`, auth, 400, "CSS.0001", []string{"more data after the JSON object"}},
		{"camelCase", own, `{"domainId": "` + listed + `"}`, auth, 400, "CSS.0001", []string{`unknown key "domainId"`}},
		{"a long key, quoted in part", own, `{"` + strings.Repeat("k", 5000) + `": 1}`, auth, 400, "CSS.0001", []string{`unknown key "kkkk`, `"…`}},
		{"no domain_id", own, `{}`, auth, 400, "CSS.0001", []string{"domain_id is missing"}},
		{"a number", own, `{"domain_id": 5}`, auth, 400, "CSS.0001", []string{"domain_id is not a string"}},
		{"upper case", own, `{"domain_id": "` + strings.ToUpper(listed) + `"}`, auth, 400, "CSS.0001",
			[]string{`domain_id "DB9B76A0D9AE431F8E85E89DA2CA867C" is not an account ID`}},
		{"another content type", own, `{"domain_id": "` + listed + `"}`, http.Header{"X-Auth-Token": {testToken}, "Content-Type": {"text/plain"}}, 400, "CSS.0001",
			[]string{`Content-Type "text/plain" is not application/json`}},
		{"not on the whitelist", own, `{"domain_id": "` + unlisted + `"}`, auth, 403, "CSS.0015",
			[]string{`account "` + unlisted + `" is not on the whitelist`}},
		{"an unknown cluster", endpointsPath(f.ProjectID, "nope"), `{"domain_id": "` + listed + `"}`, auth, 404, "CSS.3027",
			[]string{`project "demo-project" has no cluster "nope"`}},
		{"a path of no route", "/emulator/v1/x", `{}`, auth, 404, "CSS.0016", []string{"no operation matches POST /emulator/v1/x"}},
		{"a dot segment", "/emulator/v1/p/clusters/../endpoints", `{}`, auth, 404, "CSS.0016", []string{`"." or ".." segment`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, post(tt.path, tt.body, tt.header), tt.status, tt.code, tt.want...)
		})
	}
	r = do(t, f.Client(), http.MethodGet, f.URL+own, http.Header{"X-Auth-Token": {testToken}})
	checkError(t, r, http.StatusMethodNotAllowed, "CSS.0004", "allowed: POST")
	if r.header.Get("Allow") != http.MethodPost {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	// The body cap holds on this path too.
	checkError(t, post(own, `{"domain_id": "`+strings.Repeat("a", 20<<10)+`"}`, auth), http.StatusRequestEntityTooLarge, "CSS.0001", "larger than 16384 bytes")
}

// AddEndpoint's refusals from Go: every one a typed error, none changing the cluster.
func TestStore_AddEndpoint(t *testing.T) {
	f := setup(t, offSeed(), emulator.WithSynthetic("p", "full", 3))
	s := f.Store()
	if _, err := s.AddEndpoint("p", offCluster, "not-hex"); !errors.Is(err, emulator.ErrIncorrectParameters) {
		t.Errorf("a bad domain ID: %v", err)
	}
	if _, err := s.AddEndpoint("p", offCluster, accountA); !errors.Is(err, emulator.ErrServiceNotEnabled) {
		t.Errorf("a disabled service: %v", err)
	}
	if _, err := s.AddEndpoint("p", "nope", accountA); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("an unknown cluster: %v", err)
	}
	// A service with MaxEndpoints connections takes no more.
	err := s.UpdateCluster("p", "full", func(c *emulator.Cluster) error {
		full, err := emulator.SyntheticCluster(emulator.MaxEndpoints)
		c.Connections = full.Connections
		c.Permissions = []api.Permission{{Permission: ptr("iam:domain::" + accountA)}}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEndpoint("p", "full", accountA); !errors.Is(err, emulator.ErrQuota) {
		t.Errorf("a full service: %v", err)
	}
	r := doBody(t, f.lax, http.MethodPost, f.URL+endpointsPath("p", "full"), `{"domain_id": "`+accountA+`"}`)
	checkError(t, r, http.StatusBadRequest, "CSS.0063", "Insufficient VPC endpoint quota")
	if c, _ := s.Cluster("p", "full"); len(c.Connections) != emulator.MaxEndpoints {
		t.Errorf("%d connections", len(c.Connections))
	}
}

// GET /openapi.yaml serves the embedded spec, the one the emulator validates against, without
// authentication.
func TestEmulator_servesTheSpec(t *testing.T) {
	f := setup(t, emulator.WithToken(testToken), emulator.WithAccessKey(testAK, testSK))
	want, err := api.GetSpecJSON()
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, f.Client(), http.MethodGet, f.URL+emulator.SpecPath, nil)
	if r.status != http.StatusOK || !bytes.Equal(r.body, want) || r.header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("GET: %d %v, %d bytes", r.status, r.header, len(r.body))
	}
	checkRequestID(t, r.header)
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil || doc["openapi"] != "3.0.3" {
		t.Errorf("the document does not decode: %v", err)
	}
	if r := do(t, f.Client(), http.MethodHead, f.URL+emulator.SpecPath, nil); r.status != http.StatusOK || len(r.body) != 0 ||
		r.header.Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("HEAD: %d %v", r.status, r.header)
	}
	r = do(t, f.Client(), http.MethodPost, f.URL+emulator.SpecPath, nil)
	checkError(t, r, http.StatusMethodNotAllowed, "CSS.0004", "allowed: GET, HEAD")
	// Only that path: the rest of the API still wants credentials.
	checkError(t, do(t, f.Client(), http.MethodGet, f.URL+emulator.SpecPath+"/x", nil), http.StatusUnauthorized, "APIGW.0301")
}
