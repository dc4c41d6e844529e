package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

// Every shell's completion script generates, and the completions it asks the command for name
// the verbs, the whitelist's subcommands and the flags.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for shell, want := range map[string]string{
		"bash": "complete -o default -F __start_cssvpcep cssvpcep", "zsh": "#compdef cssvpcep",
		"fish": "complete -c cssvpcep", "powershell": "Register-ArgumentCompleter",
	} {
		r := runBinary(t, nil, "completion", shell)
		wantCode(t, r, exitOK)
		if !strings.Contains(r.stdout, want) || r.stderr != "" {
			t.Errorf("completion %s: no %q in %d bytes; stderr %q", shell, want, len(r.stdout), r.stderr)
		}
	}
	// A shell it does not know, or none, is a usage error, not the help on standard output with
	// exit status 0 (which a script would take for the completion script).
	for _, args := range [][]string{{"completion", "tcsh"}, {"completion"}, {"completion", "bsh"}} {
		r := runBinary(t, nil, args...)
		wantCode(t, r, exitUsage)
		if r.stdout != "" || !strings.Contains(r.stderr, "cssvpcep completion: ") {
			t.Errorf("%q: stdout %q, stderr %q", args, r.stdout, r.stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", ""}, []string{"connections", "enable", "disable", "accept", "reject", "whitelist", "wait", "serve", "demo"}},
		{[]string{"__complete", "whitelist", ""}, []string{"show", "set", "add", "remove"}},
		{[]string{"__complete", "enable", "--"}, []string{"--cluster-id", "--dns", "--wait", "--dry-run", "--endpoint", "--timeout"}},
		{[]string{"__complete", "whitelist", "add", "--"}, []string{"--cluster-id", "--dry-run", "--project-id"}},
	} {
		r := runInProcess(t, nil, tc.args...)
		wantCode(t, r, exitOK)
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w+"\t") && !strings.Contains(r.stdout, w+"\n") {
				t.Errorf("%q: no %s in:\n%s", tc.args, w, r.stdout)
			}
		}
	}
}

// On a terminal, a wait's progress is one line redrawn in place, ended by a line break before
// the command's own output; no line per change.
func TestWait_progressOnATerminal(t *testing.T) {
	t.Parallel()
	f := newFakeCSS(t)
	f.taskLooks = 3
	r := runCLI(t, f.env(), "", true, "wait", "--cluster-id", fakeCluster)
	wantCode(t, r, exitOK)
	if n := strings.Count(r.stderr, "\r\x1b[K"); n < 4 {
		t.Errorf("%d redraws, want one before the first look and one after each of 4:\n%q", n, r.stderr)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "status 200 (available), no task running\n") {
		t.Errorf("the progress line does not end once, after the last look:\n%q", r.stderr)
	}
	if r.stdout != "cluster \"c1\" is idle: status 200 (available), no task running\n" {
		t.Errorf("stdout: %q", r.stdout)
	}
}

// With --debug on a terminal, the log shares stderr: the progress is a line per change, and
// no log record is written into a line being redrawn.
func TestWait_debugOnATerminal(t *testing.T) {
	t.Parallel()
	f := newFakeCSS(t)
	f.taskLooks = 3
	r := runCLI(t, f.env(), "", true, "wait", "--cluster-id", fakeCluster, "--debug")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stderr, "\r") || !strings.Contains(r.stderr, "cssvpcep: attempt") {
		t.Errorf("a redrawn line, or no log, in:\n%q", r.stderr)
	}
}

// --timeout bounds a wait: a task that never ends fails at the deadline, saying so.
func TestWait_timeout(t *testing.T) {
	t.Parallel()
	f := newFakeCSS(t)
	f.taskLooks = 1 << 30
	r := runCLI(t, f.env(), "", false, "enable", "--cluster-id", fakeCluster, "--wait", "--timeout", "200ms")
	wantCode(t, r, exitFailure)
	if !strings.Contains(r.stderr, "the deadline passed (--timeout 200ms)") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// The built binary, started without standard input (as by cron or CI: the null device),
// refuses to disable without --yes, and sends nothing.
func TestDisable_binaryWithoutStdin(t *testing.T) {
	t.Parallel()
	f := newFakeCSS(t)
	r := runBinary(t, f.env(), "disable", "--cluster-id", fakeCluster)
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "standard input is not a terminal, so disable cannot ask: give --yes") || len(f.seen()) != 0 {
		t.Errorf("after %d requests: %v", len(f.seen()), r)
	}
	r = runBinary(t, f.env(), "disable", "--yes", "--cluster-id", fakeCluster)
	wantCode(t, r, exitOK)
	if len(f.seen()) != 1 {
		t.Errorf("%d requests, want 1", len(f.seen()))
	}
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	// Another character device than the null device is no terminal either (a check of the
	// device kind took /dev/zero for one, and disable asked it for a confirmation).
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	defer zero.Close()
	for _, s := range []any{null, zero, file, strings.NewReader("y\n"), nil, (*os.File)(nil)} {
		if isTerminal(s) {
			t.Errorf("%T %v is taken for a terminal", s, s)
		}
	}
}

// The confirmation ends when the command's context does (Ctrl+C, which the context catches):
// no, at once, though nothing was typed. It once waited for a line that never came.
func TestConfirm_endsWithTheContext(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close() // ends the read left waiting
	var stderr strings.Builder
	c := &cli{stdin: r, stderr: &stderr}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c.confirm(ctx, "Disable?") {
		t.Error("a canceled confirmation is a yes")
	}
	if stderr.String() != "Disable? [y/N] \n" {
		t.Errorf("stderr %q", stderr.String())
	}
	for answer, want := range map[string]bool{"y\n": true, "YES\n": true, "no\n": false, "\n": false, "": false, "yes": true} {
		c := &cli{stdin: strings.NewReader(answer), stderr: &stderr}
		if got := c.confirm(context.Background(), "Disable?"); got != want {
			t.Errorf("answer %q: %v, want %v", answer, got, want)
		}
	}
}
