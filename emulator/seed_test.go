package emulator_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/emulator"
)

func TestWithSeedFile_servesTheExampleFile(t *testing.T) {
	const path = "testdata/seed.json"
	f := setup(t, emulator.WithSeedFile(path))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Clusters []map[string]any `json:"clusters"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if f.ProjectID != file.Clusters[0]["project_id"] || len(f.ClusterIDs) != len(file.Clusters) {
		t.Fatalf("TestServer IDs %q %q", f.ProjectID, f.ClusterIDs)
	}
	for i, want := range file.Clusters {
		r := get(t, f.strict, f.URL, connectionsPath(f.ProjectID, f.ClusterIDs[i]), nil)
		if want["service_disabled"] == true {
			checkError(t, r, http.StatusBadRequest, "CSS.5182")
			continue
		}
		// The details given are what ShowClusterDetail answers, with the cluster's ID and no
		// task; the emulator's own fields are not in the list.
		if d, ok := want["detail"].(map[string]any); ok {
			var got map[string]any
			if err := json.Unmarshal(get(t, f.strict, f.URL, "/v1.0/"+f.ProjectID+"/clusters/"+f.ClusterIDs[i], nil).body, &got); err != nil {
				t.Fatal(err)
			}
			d["id"], d["actions"] = f.ClusterIDs[i], []any{}
			if diff := cmp.Diff(d, got); diff != "" {
				t.Errorf("detail of %s (-want +got):\n%s", f.ClusterIDs[i], diff)
			}
		}
		delete(want, "detail")
		delete(want, "service_options")
		var got map[string]any
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		// The response is the cluster as written, with total_count counted, the IDs gone,
		// the switch a boolean and a null update_at left out.
		delete(want, "project_id")
		delete(want, "cluster_id")
		conns := want["connections"].([]any)
		want["total_count"] = float64(len(conns))
		want["vpcepUpdateSwitch"] = want["vpcepUpdateSwitch"] == true || want["vpcepUpdateSwitch"] == "true"
		for _, c := range conns {
			if c := c.(map[string]any); c["update_at"] == nil {
				delete(c, "update_at")
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("cluster %s (-want +got):\n%s", f.ClusterIDs[i], diff)
		}
	}
}

func TestParseSeed_errors(t *testing.T) {
	cluster := func(conns string) string {
		return `{"clusters":[{"project_id":"p","cluster_id":"c","connections":[` + conns + `]}]}`
	}
	tests := []struct {
		name, seed string
		want       []string
	}{
		{"empty", "", []string{"the seed is empty"}},
		{"not JSON", "{\n  \"clusters\": [,]\n}", []string{"line 2, column 16", "invalid character ','"}},
		{"truncated", `{"clusters":[`, []string{"line 1, column 13, the end of the data, before the JSON value ends: unexpected EOF"}},
		{"truncated on line 2", "{\"clusters\":[\n{\"project_id\":", []string{"line 2, column 14, the end of the data"}},
		{"two values", `{"clusters":[]} {}`, []string{"line 1, column 17", "more data after the seed object"}},
		{"no clusters", `{}`, []string{`no "clusters" array`}},
		{"unknown field", `{"clusters":[{"project_id":"p","cluster_id":"c","conections":[]}]}`, []string{`unknown field "conections"`}},
		{"unknown top-level field", `{"clusters":[],"project":[]}`, []string{`unknown field "project"`}},
		{"wrong type", "{\"clusters\":[{\"project_id\":\"p\",\"cluster_id\":\"c\",\n\"connections\":[{\"id\":5}]}]}", []string{"line 2, column 22", "connections.id", "string"}},
		{"bad status", cluster(`{"id":"a","status":"accepted"},{"id":"b","status":"pending"}`),
			[]string{`clusters[0] (cluster "c" of project "p"): connections[1].status: "pending" is not "accepted" or "rejected"`}},
		{"no status", cluster(`{"id":"a"}`), []string{"connections[0].status"}},
		{"no id", cluster(`{"status":"accepted"}`), []string{"connections[0].id is empty"}},
		{"duplicate id", cluster(`{"id":"a","status":"accepted"},{"id":"a","status":"rejected"}`), []string{`connections[1].id: "a" is also connections[0].id`}},
		{"bad time", cluster(`{"id":"a","status":"accepted","created_at":"2024-06-11 09:36:24"}`), []string{"connections[0].created_at", "CCYY-MM-DDThh:mm:ss"}},
		{"impossible date", cluster(`{"id":"a","status":"accepted","update_at":"2024-02-31T00:00:00Z"}`), []string{"connections[0].update_at", "not a valid time"}},
		{"bad IPv4", cluster(`{"id":"a","status":"accepted","vpcepIp":"::1"}`), []string{"connections[0].vpcepIp", "not an IPv4 address"}},
		{"bad IPv6", cluster(`{"id":"a","status":"accepted","vpcepIpv6Address":"10.0.0.1"}`), []string{"connections[0].vpcepIpv6Address"}},
		{"bad switch", `{"clusters":[{"project_id":"p","cluster_id":"c","vpcepUpdateSwitch":"yes"}]}`, []string{"vpcepUpdateSwitch", "yes"}},
		{"bad permission type", `{"clusters":[{"project_id":"p","cluster_id":"c","permissions":[{"permission_type":"user"}]}]}`, []string{"permissions[0].permission_type"}},
		{"total_count off", `{"clusters":[{"project_id":"p","cluster_id":"c","total_count":2,"connections":[{"id":"a","status":"accepted"}]}]}`,
			[]string{"clusters[0].total_count: 2, but the cluster has 1 connections"}},
		{"cluster twice", `{"clusters":[{"project_id":"p","cluster_id":"c"},{"project_id":"p","cluster_id":"c"}]}`, []string{`clusters[1]: cluster "c" of project "p" is also clusters[0]`}},
		{"no project", `{"clusters":[{"cluster_id":"c"}]}`, []string{"clusters[0]: project ID is empty"}},
		{"slash in cluster ID", `{"clusters":[{"project_id":"p","cluster_id":"a/b"}]}`, []string{`clusters[0]: cluster ID "a/b" contains '/'`}},
		{"dot segment", `{"clusters":[{"project_id":"..","cluster_id":"c"}]}`, []string{"dot segment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emulator.ParseSeed([]byte(tt.seed))
			if err == nil {
				t.Fatal("ParseSeed accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestWithSeedFile_errorsNameTheOptionAndFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"clusters":[{"project_id":"p","cluster_id":"c","connections":[{"id":"a","status":"Accepted"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := emulator.New(emulator.WithSeedFile(bad))
	if err == nil || !strings.Contains(err.Error(), "emulator: WithSeedFile: seed file "+bad+": clusters[0]") ||
		!strings.Contains(err.Error(), "connections[0].status") {
		t.Errorf("New: %v", err)
	}
	_, err = emulator.New(emulator.WithSeedFile(filepath.Join(dir, "missing.json")))
	if err == nil || !strings.Contains(err.Error(), "WithSeedFile") || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("New: %v", err)
	}
}

func TestWithSeed(t *testing.T) {
	seed := emulator.Seed{Clusters: []emulator.SeedCluster{
		{ProjectID: "p1", ClusterID: "a", Cluster: emulator.Cluster{Connections: []api.Connection{{Id: "x", Status: api.Rejected}}}},
		{ProjectID: "p1", ClusterID: "b"},
		{ProjectID: "p2", ClusterID: "a"},
	}}
	f := setup(t, emulator.WithSeed(seed))
	if f.ProjectID != "p1" || !slices.Equal(f.ClusterIDs, []string{"a", "b"}) {
		t.Errorf("TestServer IDs %q %q", f.ProjectID, f.ClusterIDs)
	}
	if got := f.Store().Projects(); !slices.Equal(got, []string{"p1", "p2"}) {
		t.Errorf("Projects %q", got)
	}
	l := decodeList(t, get(t, f.strict, f.URL, connectionsPath("p1", "a"), nil).body)
	if l.TotalCount != 1 || l.Connections[0].Status != api.Rejected || l.Permissions != nil || l.VpcServiceName != nil {
		t.Errorf("p1/a: %+v", l)
	}
	r := get(t, f.strict, f.URL, connectionsPath("p1", "b"), nil)
	if !strings.Contains(string(r.body), `"connections":[]`) || !strings.Contains(string(r.body), `"total_count":0`) {
		t.Errorf("p1/b: %s", r.body)
	}
	// The emulator kept a copy: changing seed changes nothing.
	seed.Clusters[0].Connections[0].Id = "changed"
	if l := decodeList(t, get(t, f.strict, f.URL, connectionsPath("p1", "a"), nil).body); l.Connections[0].Id != "x" {
		t.Errorf("the emulator shares the seed's memory")
	}

	if _, err := emulator.New(emulator.WithSeed(emulator.Seed{Clusters: []emulator.SeedCluster{{ProjectID: "p"}}})); err == nil ||
		!strings.Contains(err.Error(), "emulator: WithSeed: clusters[0]: cluster ID is empty") {
		t.Errorf("New: %v", err)
	}
}

func TestBuiltinSeed(t *testing.T) {
	a, err := emulator.BuiltinSeed()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Clusters) != 2 || a.Clusters[0].ClusterID != emulator.DefaultClusterID || a.Clusters[1].ClusterID != emulator.ClusterID2023 {
		t.Fatalf("seed %+v", a)
	}
	a.Clusters[0].Connections[0].Id = "changed"
	b, err := emulator.BuiltinSeed()
	if err != nil {
		t.Fatal(err)
	}
	if b.Clusters[0].Connections[0].Id == "changed" {
		t.Error("BuiltinSeed shares memory between calls")
	}
	// It round-trips through the seed file format.
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := emulator.ParseSeed(data)
	if err != nil {
		t.Fatalf("ParseSeed(%s): %v", data, err)
	}
	if diff := cmp.Diff(b, c); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestSyntheticCluster(t *testing.T) {
	a, err := emulator.SyntheticCluster(100)
	if err != nil {
		t.Fatal(err)
	}
	b, err := emulator.SyntheticCluster(100)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("not deterministic:\n%s", diff)
	}
	small, err := emulator.SyntheticCluster(10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(small.Connections, a.Connections[:10]); diff != "" {
		t.Errorf("the first 10 of 100 differ from 10:\n%s", diff)
	}
	seen := map[string]bool{}
	rejected := 0
	for _, c := range a.Connections {
		if seen[c.Id] {
			t.Fatalf("ID %s repeated", c.Id)
		}
		seen[c.Id] = true
		if c.Status == api.Rejected {
			rejected++
		}
	}
	if rejected != 10 {
		t.Errorf("%d rejected, want 10", rejected)
	}
	*a.Connections[0].MaxSession = "1"
	if *a.Connections[1].MaxSession != "3000" {
		t.Error("connections share a pointer")
	}
	if _, err := emulator.NewStore(emulator.Seed{Clusters: []emulator.SeedCluster{{ProjectID: "p", ClusterID: "c", Cluster: b}}}); err != nil {
		t.Errorf("the Store refuses a synthetic cluster: %v", err)
	}
	for _, n := range []int{-1, emulator.MaxSynthetic + 1} {
		if _, err := emulator.SyntheticCluster(n); err == nil {
			t.Errorf("SyntheticCluster(%d) succeeded", n)
		}
		if _, err := emulator.New(emulator.WithSynthetic("p", "c", n)); err == nil || !strings.Contains(err.Error(), "WithSynthetic") {
			t.Errorf("WithSynthetic(%d): %v", n, err)
		}
	}
	if _, err := emulator.New(emulator.WithSynthetic(emulator.DefaultProjectID, emulator.DefaultClusterID, 3)); err == nil ||
		!strings.Contains(err.Error(), "the seed has this cluster already") {
		t.Errorf("WithSynthetic over a seed cluster: %v", err)
	}
}
