package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/emulator"
)

// Every verb against the emulator, which serves the six operations: the whole lifecycle of
// the example cluster, with tasks that take a while, waited for with --wait and wait.
func TestVerbs_againstTheEmulator(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken), emulator.WithTaskDuration(300*time.Millisecond))
	env := emulatorEnv(ts)
	id := "--cluster-id=" + emulator.DefaultClusterID
	const account = "0e5c0000000000000000000000000001"
	step := func(code int, want string, args ...string) result {
		t.Helper()
		r := runCLI(t, env, "", false, args...)
		if r.code != code || !strings.Contains(r.stdout+r.stderr, want) {
			t.Fatalf("%q: want exit status %d and %q, got:\n%v", args, code, want, r)
		}
		return r
	}
	step(exitOK, "2 of 2 connections", "connections", id)
	step(exitOK, "rejected 1 connection", "reject", id, endpointA)
	step(exitOK, endpointA+"  rejected", "connections", id)
	step(exitOK, "accepted 1 connection", "accept", endpointA, id)
	step(exitOK, "whitelist: added 1 account", "whitelist", "add", id, account)
	step(exitOK, account, "whitelist", "show", id)
	step(exitOK, "whitelist: removed 1 account", "whitelist", "remove", id, account)
	step(exitOK, "the VPC endpoint service of cluster", "enable", id) // already enabled
	r := step(exitOK, "is disabled: the cluster is idle", "disable", id, "--yes", "--wait")
	if !strings.Contains(r.stderr, "running "+emulator.ActionDisablingVPCEP) {
		t.Errorf("the wait never saw the task:\n%s", r.stderr)
	}
	step(exitOK, "already disabled", "disable", id, "--yes")
	step(exitFailure, "CSS.5182", "connections", id)
	step(exitOK, "task started", "enable", id, "--dns")
	r = step(exitOK, `"status": "200"`, "wait", id, "-o", "json")
	var cl jsonCluster
	if err := json.Unmarshal([]byte(r.stdout), &cl); err != nil || cl.Status != "200" || len(cl.Actions) != 0 {
		t.Errorf("wait -o json: %v: %s", err, r.stdout)
	}
	step(exitOK, "0 of 0 connections", "connections", id)
	step(exitOK, "0 accounts on the whitelist", "whitelist", "show", id)
	step(exitOK, "whitelist of cluster", "whitelist", "set", id, account)
	step(exitOK, "dry run: nothing was sent", "disable", id, "--dry-run")
	step(exitOK, "1 account on the whitelist", "whitelist", "show", id)
}

// enable --wait against the emulator with a task duration: the progress shows the task, and
// the command ends once the cluster is idle.
func TestEnable_waitAgainstTheEmulator(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithToken(testToken), emulator.WithTaskDuration(200*time.Millisecond))
	env := emulatorEnv(ts)
	id := "--cluster-id=" + emulator.DefaultClusterID
	wantCode(t, runCLI(t, env, "", false, "disable", id, "--yes", "--wait"), exitOK)
	r := runCLI(t, env, "", false, "enable", id, "--wait", "-o", "json")
	wantCode(t, r, exitOK)
	var out jsonSwitch
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Result != "started" || out.Cluster == nil || out.Cluster.Status != "200" {
		t.Errorf("%v:\n%s", err, r.stdout)
	}
	if !strings.Contains(r.stderr, "status 100 (in progress), running "+emulator.ActionEnablingVPCEP) ||
		!strings.HasSuffix(r.stderr, "status 200 (available), no task running\n") {
		t.Errorf("progress:\n%s", r.stderr)
	}
}
