package emulator_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// WithStateFile: a missing file starts from the seed and is written at once; every change is
// written; a new emulator on the same file starts where the last one was, a running task
// included.
func TestWithStateFile_survivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	c := newClock()
	opts := []emulator.Option{offSeed(), emulator.WithStateFile(path), emulator.WithClock(c.Now), emulator.WithTaskDuration(time.Minute)}
	e, err := emulator.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	first, err := emulator.ReadSeedFile(path)
	if err != nil || len(first.Clusters) != 1 || !first.Clusters[0].ServiceDisabled || first.Clusters[0].Detail == nil {
		t.Fatalf("the state written at start: %+v, %v", first, err)
	}
	s := e.Store()
	if err := s.PutCluster("q", "added", emulator.Cluster{}); err != nil {
		t.Fatal(err)
	}
	f := setup(t, append(opts[1:], emulator.WithSeed(emulator.Seed{}))...) // the file wins over any seed
	if f.ProjectID != "p" || len(f.ClusterIDs) != 1 || f.ClusterIDs[0] != offCluster {
		t.Fatalf("loaded %q %q", f.ProjectID, f.ClusterIDs)
	}
	if _, err := f.Store().Cluster("q", "added"); err != nil {
		t.Errorf("the cluster PutCluster added: %v", err)
	}
	gen := f.generated(t)
	runSteps(t, gen, []step{{name: "open", call: open(nil), status: 200}})

	// A third emulator sees the task running, and its end.
	g := setup(t, opts[1:]...)
	runSteps(t, g.generated(t), []step{
		{name: "detail while enabling", call: detail, status: 200, check: wantDetail(api.ClusterStatusInProgress, emulator.ActionEnablingVPCEP)},
		{name: "the end", call: goStep(func() error { c.advance(time.Minute); return nil }), status: 200},
		{name: "list", call: list, status: 200},
		{name: "whitelist", call: whitelist(accountA), status: 200},
	})
	last, err := emulator.ReadSeedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := last.Clusters[0]
	if got.ServiceDisabled || got.Task != nil || len(got.Permissions) != 1 || *got.Permissions[0].Permission != "iam:domain::"+accountA {
		t.Errorf("the state written last: %+v", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// A state file that does not decode, or breaks the spec, fails New naming the file and the
// problem, and is left as it was.
func TestWithStateFile_corruptFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, content, want string }{
		{"not JSON", "{\n  \"clusters\": [,]\n}", "line 2, column 16: invalid character ','"},
		{"empty", "", "the seed is empty"},
		{"truncated", `{"clusters":[{"project_id":"p"`, "line 1, column 30, the end of the data, before the JSON value ends: unexpected EOF"},
		{"a bad status", `{"clusters":[{"project_id":"p","cluster_id":"c","connections":[{"id":"a","status":"open"}]}]}`,
			`clusters[0] (cluster "c" of project "p"): connections[0].status`},
		{"a disabled service with connections", `{"clusters":[{"project_id":"p","cluster_id":"c","service_disabled":true,"connections":[{"id":"a","status":"accepted"}]}]}`,
			"a disabled service (service_disabled) has none"},
		{"a task that does not fit", `{"clusters":[{"project_id":"p","cluster_id":"c","connections":[],"task":{"action":"ENABLING_VPCEP","started_at":"2025-01-01T00:00:00Z","ends_at":"2025-01-01T00:01:00Z"}}]}`,
			"task.action: ENABLING_VPCEP enables the service, which is enabled"},
		{"a detail of another cluster", `{"clusters":[{"project_id":"p","cluster_id":"c","connections":[],"detail":{"id":"d","status":"200"}}]}`,
			`detail.id: "d" is not the cluster's ID "c"`},
		{"a detail breaking the spec", `{"clusters":[{"project_id":"p","cluster_id":"c","connections":[],"detail":{"status":"200","instances":[{"id":"i","status":"201"}]}}]}`,
			"detail.instances.0.status"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := emulator.New(emulator.WithStateFile(path))
			var ce *emulator.ConfigError
			if !errors.As(err, &ce) || ce.Option != "WithStateFile" || !strings.Contains(err.Error(), "state file "+path+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v\nwant a WithStateFile error naming %s and %q", err, path, tt.want)
			}
			if data, _ := os.ReadFile(path); string(data) != tt.content {
				t.Errorf("the file was changed to %q", data)
			}
		})
	}
	// A directory that does not exist cannot take the state: New fails at once.
	_, err := emulator.New(emulator.WithStateFile(filepath.Join(dir, "no-such-dir", "state.json")))
	if !strings.Contains(err.Error(), "emulator: WithStateFile: state file ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("New with an unwritable path: %v", err)
	}
	if _, err := emulator.New(emulator.WithStateFile("")); err == nil || err.Error() != "emulator: WithStateFile: the path is empty" {
		t.Errorf("New with an empty path: %v", err)
	}
}

// A change that cannot be written is not made, and the request that asked for it is answered
// 500; the emulator goes on serving what it had.
func TestWithStateFile_aChangeThatCannotBeWrittenIsNotMade(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	f := setup(t, offSeed(), emulator.WithStateFile(path))
	// A directory where the file was: the rename over it fails, for root too.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(path, "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	r := doBody(t, f.lax, "POST", f.URL+"/v1.0/p/clusters/"+offCluster+"/vpcepservice/open", `{}`)
	checkError(t, r, 500, "CSS.9999", "state file "+path)
	if c, err := f.Store().Cluster("p", offCluster); err != nil || !c.ServiceDisabled || c.Task != nil {
		t.Errorf("the change was made: %+v %v", c, err)
	}
}
