package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
)

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		golden string
		args   [][]string
	}{
		{"help", [][]string{{"--help"}, {"-h"}, {"help"}}},
		{"help-connections", [][]string{{"connections", "--help"}, {"connections", "-h"}, {"help", "connections"}, {"connections", "--cluster-id", "c", "-help"}}},
		{"help-serve", [][]string{{"serve", "--help"}, {"serve", "-h"}, {"help", "serve"}}},
		{"help-demo", [][]string{{"demo", "--help"}, {"demo", "-h"}, {"help", "demo"}}},
		{"help-enable", [][]string{{"enable", "--help"}, {"help", "enable"}, {"enable", "--cluster-id", "c", "-h"}}},
		{"help-disable", [][]string{{"disable", "--help"}, {"help", "disable"}}},
		{"help-accept", [][]string{{"accept", "--help"}, {"help", "accept"}, {"accept", "x", "--help"}}},
		{"help-reject", [][]string{{"reject", "--help"}, {"help", "reject"}}},
		{"help-whitelist", [][]string{{"whitelist", "--help"}, {"help", "whitelist"}}},
		{"help-whitelist-show", [][]string{{"whitelist", "show", "--help"}, {"help", "whitelist", "show"}, {"whitelist", "--help", "show"}}},
		{"help-whitelist-set", [][]string{{"whitelist", "set", "--help"}, {"help", "whitelist", "set"}}},
		{"help-whitelist-add", [][]string{{"whitelist", "add", "--help"}, {"help", "whitelist", "add"}}},
		{"help-whitelist-remove", [][]string{{"whitelist", "remove", "--help"}, {"help", "whitelist", "remove"}}},
		{"help-wait", [][]string{{"wait", "--help"}, {"help", "wait"}}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			for i, args := range tc.args {
				r := runBinary(t, nil, args...)
				wantCode(t, r, exitOK)
				if r.stderr != "" {
					t.Errorf("%q: stderr: %s", args, r.stderr)
				}
				if i == 0 {
					golden(t, tc.golden, r.stdout)
				} else if want := readGolden(t, tc.golden); r.stdout != want && !*update {
					t.Errorf("%q printed another help than %q:\n%s", args, tc.args[0], r.stdout)
				}
			}
		})
	}
}

// Help lines fit an 100-column terminal, in every command's help but cobra's own completion
// commands.
func TestHelp_width(t *testing.T) {
	t.Parallel()
	c := &cli{}
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Name() == "completion" {
			return
		}
		var b strings.Builder
		c.writeHelp(&b, cmd)
		for line := range strings.SplitSeq(b.String(), "\n") {
			if n := len([]rune(line)); n > 100 {
				t.Errorf("%s: a line of %d characters: %s", cmd.CommandPath(), n, line)
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(c.rootCommand())
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := runBinary(t, nil, "--version")
	wantCode(t, r, exitOK)
	want := "cssvpcep " + client.Version + " (" + runtime.Version() + ")\n"
	if r.stdout != want {
		t.Errorf("got %q, want %q", r.stdout, want)
	}
	if !regexp.MustCompile(`^cssvpcep \d+\.\d+\.\d+ \(go1\.\d+`).MatchString(r.stdout) {
		t.Errorf("not a version line: %q", r.stdout)
	}
}

func TestTopLevelUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Usage:\n  cssvpcep <command> [flags]"},
		{[]string{"frobnicate"}, "cssvpcep: unknown command \"frobnicate\"\nRun 'cssvpcep --help' for usage.\n"},
		{[]string{"conections"}, `cssvpcep: unknown command "conections" (did you mean "connections"?)`},
		{[]string{"--cluster-id", "c"}, "cssvpcep: unknown flag --cluster-id\nRun 'cssvpcep --help' for usage.\n"},
		{[]string{"help", "frobnicate"}, `cssvpcep help: unknown command "frobnicate"`},
		{[]string{"help", "serve", "demo"}, `cssvpcep help: unknown command "serve demo"`},
		{[]string{"demo", "--now"}, "cssvpcep demo: unknown flag --now\nRun 'cssvpcep demo --help' for usage.\n"},
		{[]string{"whitelist"}, "cssvpcep whitelist: a subcommand is needed: show, set, add or remove\n"},
		{[]string{"whitelist", "shw"}, `cssvpcep whitelist: unknown command "shw" (did you mean "show"?)`},
		{[]string{"whitelist", "show", "--nope"}, "cssvpcep whitelist show: unknown flag --nope\nRun 'cssvpcep whitelist show --help' for usage.\n"},
		{[]string{"completion", "bash", "extra"}, `cssvpcep completion bash: unknown command "extra" for "cssvpcep completion bash"`},
	} {
		r := runBinary(t, nil, tc.args...)
		wantCode(t, r, exitUsage)
		if r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: want stderr with %q, got:\n%v", tc.args, tc.want, r)
		}
	}
}

// The same in-process, where run is called as main calls it.
func TestRun_inProcess(t *testing.T) {
	t.Parallel()
	if r := runInProcess(t, nil, "--version"); r.code != exitOK || !strings.HasPrefix(r.stdout, "cssvpcep "+client.Version) {
		t.Errorf("--version: %v", r)
	}
	if r := runInProcess(t, nil); r.code != exitUsage || !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("no arguments: %v", r)
	}
	if r := runInProcess(t, nil, "connections", "--help"); r.code != exitOK || r.stdout != readGolden(t, "help-connections") {
		t.Errorf("connections --help: %v", r)
	}
	// Every problem is named at once, the cluster ID's first.
	r := runInProcess(t, map[string]string{client.EnvAuthToken: testToken}, "connections", "--cluster-id", "a#b")
	want := "cssvpcep connections: --cluster-id: \"a#b\" contains '#', which is not allowed in an ID\n" +
		"cssvpcep connections: no endpoint: give --endpoint or --region, or set CSS_ENDPOINT or OS_REGION_NAME\n" +
		"cssvpcep connections: no project: give --project-id or --project-name, or set OS_PROJECT_ID or OS_PROJECT_NAME (or name a cloud with --cloud or OS_CLOUD)\n" +
		"Run 'cssvpcep connections --help' for usage.\n"
	if r.code != exitUsage || r.stderr != want {
		t.Errorf("got:\n%v\nwant stderr:\n%s", r, want)
	}
}
