package emulator_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cssvpcep/cssvpcep/emulator"
)

// Project names: DefaultProjectID is DefaultProjectName, any other project its ID, unless the
// seed names it; a named project is known without clusters; names are unique.
func TestStore_projectNames(t *testing.T) {
	seed, err := emulator.ParseSeed([]byte(`{"clusters":[
		{"project_id":"demo-project","cluster_id":"c"},
		{"project_id":"p","cluster_id":"c"},
		{"project_id":"0123456789abcdef0123456789abcdef","cluster_id":"c"}],
		"projects":[{"id":"0123456789abcdef0123456789abcdef","name":"eu-nl"},{"id":"empty","name":"eu-de_empty"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := emulator.NewStore(seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id, name string
		known    bool
	}{
		{emulator.DefaultProjectID, emulator.DefaultProjectName, true},
		{"p", "p", true},
		{"0123456789abcdef0123456789abcdef", "eu-nl", true},
		{"empty", "eu-de_empty", true}, // named, no clusters
		{"unknown", "unknown", false},
	} {
		if name, known := s.ProjectName(tt.id); name != tt.name || known != tt.known {
			t.Errorf("ProjectName(%q) = %q, %v; want %q, %v", tt.id, name, known, tt.name, tt.known)
		}
	}

	// A new project may not take a name that is taken; renaming frees it.
	if err := s.PutCluster("eu-nl", "c", emulator.Cluster{}); err == nil ||
		err.Error() != `emulator: PutCluster: projects "0123456789abcdef0123456789abcdef" and "eu-nl" are both named "eu-nl": IAM's names are unique; name one of them otherwise in "projects"` {
		t.Errorf("PutCluster of a project named as another: %v", err)
	}
	if err := s.PutCluster("p", "d", emulator.Cluster{}); err != nil {
		t.Errorf("PutCluster to a known project: %v", err)
	}
	if err := s.SetProjectName("p", "eu-nl"); err == nil || !strings.Contains(err.Error(), `are both named "eu-nl"`) {
		t.Errorf("SetProjectName to a taken name: %v", err)
	}
	if err := s.SetProjectName("0123456789abcdef0123456789abcdef", "eu-nl_prod"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCluster("eu-nl", "c", emulator.Cluster{}); err != nil {
		t.Errorf("PutCluster once the name is free: %v", err)
	}
	if name, known := s.ProjectName("eu-nl"); name != "eu-nl" || !known {
		t.Errorf("ProjectName(eu-nl) = %q, %v", name, known)
	}
	for _, tt := range []struct{ id, name, want string }{
		{"", "x", "emulator: SetProjectName: project ID is empty"},
		{"p", "a/b", `emulator: SetProjectName: project name "a/b" contains '/', which is not allowed in an ID`},
		{"p", " x", `emulator: SetProjectName: project name " x" has leading or trailing white space`},
	} {
		if err := s.SetProjectName(tt.id, tt.name); err == nil || err.Error() != tt.want {
			t.Errorf("SetProjectName(%q, %q) = %v, want %s", tt.id, tt.name, err, tt.want)
		}
	}
}

func TestParseSeed_projectErrors(t *testing.T) {
	for _, tt := range []struct{ name, seed, want string }{
		{"two projects of one name", `{"clusters":[{"project_id":"a","cluster_id":"c"}],"projects":[{"id":"a","name":"x"},{"id":"b","name":"x"}]}`,
			`projects "a" and "b" are both named "x"`},
		{"a name that is another project's ID", `{"clusters":[{"project_id":"x","cluster_id":"c"}],"projects":[{"id":"b","name":"x"}]}`,
			`projects "b" and "x" are both named "x"`},
		{"the default name", `{"clusters":[{"project_id":"demo-project","cluster_id":"c"},{"project_id":"eu-de","cluster_id":"c"}]}`,
			`projects "demo-project" and "eu-de" are both named "eu-de"`},
		{"a project named twice", `{"clusters":[],"projects":[{"id":"a","name":"x"},{"id":"a","name":"y"}]}`,
			`projects[1]: project "a" is also projects[0]`},
		{"an empty name", `{"clusters":[],"projects":[{"id":"a","name":""}]}`, "projects[0].name: project name is empty"},
		{"no ID", `{"clusters":[],"projects":[{"name":"x"}]}`, "projects[0].id: project ID is empty"},
		{"a dot segment", `{"clusters":[],"projects":[{"id":"a","name":".."}]}`, `projects[0].name: project name ".." is a dot segment`},
		{"an unknown field", `{"clusters":[],"projects":[{"id":"a","name":"x","domain":"d"}]}`, `unknown field "domain"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emulator.ParseSeed([]byte(tt.seed))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSeed = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// A synthetic project whose ID is the name of another is WithSynthetic's fault.
func TestWithSynthetic_projectNamedAsAnother(t *testing.T) {
	_, err := emulator.New(emulator.WithSynthetic(emulator.DefaultProjectName, "c", 1))
	var ce *emulator.ConfigError
	if !errors.As(err, &ce) || ce.Option != "WithSynthetic" || ce.Arg != "projectID" ||
		!strings.Contains(err.Error(), `projects "demo-project" and "eu-de" are both named "eu-de"`) {
		t.Errorf("New = %v", err)
	}
}

// The state file keeps the names; a file without any (every file before names) loads as it
// did, and is written without "projects".
func TestWithStateFile_keepsProjectNames(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	e, err := emulator.New(emulator.WithStateFile(plain))
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(plain); err != nil || strings.Contains(string(data), `"projects"`) {
		t.Errorf("a state without names: %v\n%s", err, data)
	}
	if name, _ := e.Store().ProjectName(emulator.DefaultProjectID); name != emulator.DefaultProjectName {
		t.Errorf("the default project is named %q", name)
	}

	path := filepath.Join(dir, "state.json")
	e, err = emulator.New(emulator.WithStateFile(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store().SetProjectName("spare", "eu-de_spare"); err != nil {
		t.Fatal(err)
	}
	state, err := emulator.ReadSeedFile(path)
	if err != nil || len(state.Projects) != 1 || state.Projects[0] != (emulator.SeedProject{ID: "spare", Name: "eu-de_spare"}) {
		t.Fatalf("the state written: %+v, %v", state.Projects, err)
	}
	again, err := emulator.New(emulator.WithStateFile(path))
	if err != nil {
		t.Fatal(err)
	}
	if name, known := again.Store().ProjectName("spare"); name != "eu-de_spare" || !known {
		t.Errorf("after a restart: %q, %v", name, known)
	}
}
