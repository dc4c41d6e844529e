package main

import (
	"regexp"
	"strings"
	"testing"
)

var (
	elapsedPattern = regexp.MustCompile(`(waiting for cluster "[^"]*": )\d+s:`)
	afterPattern   = regexp.MustCompile(`after [0-9.]+[µmn]?s and \d+ looks`)
)

// normalizeRun is normalize for a whole run, the elapsed times of waits too.
func normalizeRun(r result) string {
	s := normalize(r.String())
	s = elapsedPattern.ReplaceAllString(s, "${1}Ns:")
	return afterPattern.ReplaceAllString(s, "after D and N looks")
}

// verbCase is a run of a verb against a fresh fake and what the fake should have received.
type verbCase struct {
	name     string
	setup    func(*fakeCSS)
	stdin    string
	terminal bool
	args     []string
	code     int
	requests []string // "METHOD path" suffixes after /v1.0/p1/clusters/c1, in order; nil for none
	anyPath  bool     // the requests are of another cluster: only their number is compared
	env      func(f *fakeCSS) map[string]string
}

func disabled(f *fakeCSS) { f.enabled = false }

const clusterPath = "/v1.0/" + fakeProject + "/clusters/" + fakeCluster

// runVerbCases runs each case, compares stdout, stderr and the exit status with
// testdata/<name>.golden, and the requests the fake received with the case's.
func runVerbCases(t *testing.T, cases []verbCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeCSS(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			env := f.env()
			if tc.env != nil {
				env = tc.env(f)
			}
			r := runCLI(t, env, tc.stdin, tc.terminal, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit status %d, want %d", r.code, tc.code)
			}
			golden(t, tc.name, normalizeRun(r))
			var want []string
			for _, req := range tc.requests {
				method, path, _ := strings.Cut(req, " ")
				want = append(want, method+" "+clusterPath+path)
			}
			if got := f.seen(); tc.anyPath && len(got) != len(want) || !tc.anyPath && strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestEnableDisable_golden(t *testing.T) {
	t.Parallel()
	c := "--cluster-id=" + fakeCluster
	waitLooks := []string{"GET ", "GET ", "GET "}
	runVerbCases(t, []verbCase{
		{name: "enable-table", setup: disabled, args: []string{"enable", c}, requests: []string{"POST /vpcepservice/open"}},
		{name: "enable-json", setup: disabled, args: []string{"enable", c, "-o", "json"}, requests: []string{"POST /vpcepservice/open"}},
		{name: "enable-already-table", args: []string{"enable", c}, requests: []string{"POST /vpcepservice/open"}},
		{name: "enable-already-json", args: []string{"enable", c, "-o", "json"}, requests: []string{"POST /vpcepservice/open"}},
		{name: "enable-wait-table", setup: disabled, args: []string{"enable", c, "--wait", "--dns"},
			requests: append([]string{"POST /vpcepservice/open"}, waitLooks...)},
		{name: "enable-wait-json", setup: disabled, args: []string{"enable", c, "--wait", "-o", "json"},
			requests: append([]string{"POST /vpcepservice/open"}, waitLooks...)},
		// Already enabled, no task was started: the wait looks at once, and once.
		{name: "enable-already-wait-table", args: []string{"enable", c, "--wait"}, requests: []string{"POST /vpcepservice/open", "GET "}},
		{name: "enable-dry-run-table", setup: disabled, args: []string{"enable", c, "--dns", "--professional", "--dual-stack", "--wait", "--dry-run"}},
		{name: "enable-dry-run-json", setup: disabled, args: []string{"enable", c, "--dns", "--dry-run", "-o", "json"}},
		// The service takes dual-stack only with a professional endpoint: refused before any
		// request, a dry run too.
		{name: "enable-dual-stack-alone", setup: disabled, args: []string{"enable", c, "--dual-stack", "--dry-run"}, code: exitUsage},
		{name: "enable-busy", setup: func(f *fakeCSS) { f.enabled, f.override = false, "busy" }, args: []string{"enable", c}, code: exitFailure,
			requests: []string{"POST /vpcepservice/open", "POST /vpcepservice/open", "POST /vpcepservice/open"}},
		{name: "enable-unauthorized", setup: disabled, env: func(f *fakeCSS) map[string]string {
			return with(f.env(), "OS_AUTH_TOKEN", "wrong-token")
		}, args: []string{"enable", c}, code: exitFailure, requests: []string{"POST /vpcepservice/open"}},
		{name: "enable-no-network", env: func(*fakeCSS) map[string]string {
			return map[string]string{"CSS_ENDPOINT": "http://127.0.0.1:1", "OS_PROJECT_ID": fakeProject, "OS_AUTH_TOKEN": testToken}
		}, args: []string{"enable", c, "--timeout", "5s"}, code: exitFailure},
		{name: "enable-wait-task-failed", setup: func(f *fakeCSS) { f.enabled, f.failTask = false, true }, args: []string{"enable", c, "--wait"},
			code: exitFailure, requests: append([]string{"POST /vpcepservice/open"}, waitLooks...)},

		{name: "disable-table", args: []string{"disable", c, "--yes"}, requests: []string{"PUT /vpcepservice/close"}},
		{name: "disable-json", args: []string{"disable", "--yes", c, "-o", "json"}, requests: []string{"PUT /vpcepservice/close"}},
		{name: "disable-already-table", setup: disabled, args: []string{"disable", c, "--yes"}, requests: []string{"PUT /vpcepservice/close"}},
		{name: "disable-wait-table", args: []string{"disable", c, "--yes", "--wait"}, requests: append([]string{"PUT /vpcepservice/close"}, waitLooks...)},
		{name: "disable-dry-run-table", args: []string{"disable", c, "--dry-run"}},
		// Refused: not a terminal and no --yes. Nothing is sent.
		{name: "disable-refused", args: []string{"disable", c}, code: exitUsage},
		{name: "disable-refused-and-wrong", args: []string{"disable", "--cluster-id", "a/b", "-o", "yaml"}, code: exitUsage},
		{name: "disable-confirmed", terminal: true, stdin: "yes\n", args: []string{"disable", c}, requests: []string{"PUT /vpcepservice/close"}},
		{name: "disable-declined", terminal: true, stdin: "n\n", args: []string{"disable", c}, code: exitFailure},
		{name: "disable-no-answer", terminal: true, stdin: "", args: []string{"disable", c}, code: exitFailure},
	})
}

func TestAcceptReject_golden(t *testing.T) {
	t.Parallel()
	c := "--cluster-id=" + fakeCluster
	post := []string{"POST /vpcepservice/connections"}
	runVerbCases(t, []verbCase{
		{name: "accept-table", args: []string{"accept", c, endpointB}, requests: post},
		{name: "accept-json", args: []string{"accept", c, endpointB, endpointA, "-o", "json"}, requests: post},
		// Flags after the IDs, and between them.
		{name: "accept-flags-after", args: []string{"accept", endpointB, "--cluster-id", fakeCluster, endpointA, "--debug=false"}, requests: post},
		{name: "accept-dry-run", args: []string{"accept", endpointB, c, "--dry-run"}},
		{name: "accept-dry-run-json", args: []string{"accept", endpointB, endpointA, c, "--dry-run", "-o=json"}},
		{name: "accept-no-id", args: []string{"accept", c}, code: exitUsage},
		{name: "accept-bad-id", args: []string{"accept", c, endpointA, "not-a-uuid"}, code: exitUsage},
		{name: "accept-same-id-twice", args: []string{"accept", c, endpointA, endpointA}, code: exitUsage},
		{name: "reject-table", args: []string{"reject", c, endpointA, endpointB}, requests: post},
		{name: "reject-json", args: []string{"reject", "-o", "json", endpointA, c}, requests: post},
		{name: "reject-not-enabled", setup: disabled, args: []string{"reject", c, endpointA}, code: exitFailure, requests: post},
	})
}

func TestWhitelist_golden(t *testing.T) {
	t.Parallel()
	c := "--cluster-id=" + fakeCluster
	read, write := "GET /vpcepservice/connections", "POST /vpcepservice/permissions"
	twoAccounts := func(f *fakeCSS) { f.whitelist = []string{accountA, accountB} }
	runVerbCases(t, []verbCase{
		{name: "whitelist-show-table", setup: twoAccounts, args: []string{"whitelist", "show", c}, requests: []string{read}},
		{name: "whitelist-show-json", args: []string{"whitelist", "show", c, "-o", "json"}, requests: []string{read}},
		// The shared flags may come before the subcommand.
		{name: "whitelist-show-flags-first", args: []string{"whitelist", c, "--debug=false", "show"}, requests: []string{read}},
		{name: "whitelist-show-not-enabled", setup: disabled, args: []string{"whitelist", "show", c}, code: exitFailure, requests: []string{read}},
		{name: "whitelist-set-table", args: []string{"whitelist", "set", c, accountB, accountA}, requests: []string{write}},
		{name: "whitelist-set-json", args: []string{"whitelist", "set", c, accountB, "-o", "json"}, requests: []string{write}},
		{name: "whitelist-set-empty", args: []string{"whitelist", "set", c, "--empty"}, requests: []string{write}},
		{name: "whitelist-set-nothing", args: []string{"whitelist", "set", c}, code: exitUsage},
		{name: "whitelist-set-dry-run", args: []string{"whitelist", "set", c, accountB, "--dry-run"}},
		{name: "whitelist-add-table", args: []string{"whitelist", "add", c, accountB}, requests: []string{read, write}},
		{name: "whitelist-add-json", args: []string{"whitelist", "add", accountB, c, "-o", "json"}, requests: []string{read, write}},
		{name: "whitelist-add-unchanged", args: []string{"whitelist", "add", c, accountA}, requests: []string{read}},
		{name: "whitelist-add-dry-run", args: []string{"whitelist", "add", c, accountB, "--dry-run"}},
		{name: "whitelist-add-dry-run-json", args: []string{"whitelist", "--dry-run", "add", c, accountB, "-o", "json"}},
		{name: "whitelist-add-bad-account", args: []string{"whitelist", "add", c, "ABC"}, code: exitUsage},
		{name: "whitelist-remove-table", setup: twoAccounts, args: []string{"whitelist", "remove", c, accountA}, requests: []string{read, write}},
		{name: "whitelist-remove-json", setup: twoAccounts, args: []string{"whitelist", "remove", c, accountA, accountB, "-o", "json"}, requests: []string{read, write}},
		{name: "whitelist-remove-unchanged", args: []string{"whitelist", "remove", c, accountB}, requests: []string{read}},
		{name: "whitelist-remove-nothing", args: []string{"whitelist", "remove", c}, code: exitUsage},
	})
}

func TestWait_golden(t *testing.T) {
	t.Parallel()
	c := "--cluster-id=" + fakeCluster
	busy := func(f *fakeCSS) { f.taskLooks = 2 }
	looks := []string{"GET ", "GET ", "GET "}
	runVerbCases(t, []verbCase{
		{name: "wait-table", setup: busy, args: []string{"wait", c}, requests: looks},
		{name: "wait-json", setup: busy, args: []string{"wait", c, "-o", "json"}, requests: looks},
		{name: "wait-idle", args: []string{"wait", c}, requests: []string{"GET "}},
		{name: "wait-task-failed", setup: func(f *fakeCSS) { f.failTask = true }, args: []string{"wait", c}, code: exitFailure, requests: []string{"GET "}},
		{name: "wait-no-cluster", args: []string{"wait", "--cluster-id", "c2"}, code: exitFailure, requests: []string{"GET "}, anyPath: true},
	})
}
