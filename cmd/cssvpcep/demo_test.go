package main

import (
	"strings"
	"testing"
)

func TestDemo_golden(t *testing.T) {
	t.Parallel()
	r := runBinary(t, nil, "demo")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}
	golden(t, "demo", normalize(r.stdout))
}

// In-process, the demo leaves no goroutine behind (TestMain checks) and logs with --debug.
func TestDemo_inProcessDebug(t *testing.T) {
	t.Parallel()
	r := runInProcess(t, nil, "demo", "--debug")
	wantCode(t, r, exitOK)
	if normalize(r.stdout) != readGolden(t, "demo") {
		t.Errorf("in-process, the demo printed something else than the binary:\n%s", r.stdout)
	}
	for _, want := range []string{"method=GET", "status=200", "status=401"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the debug log lacks %q:\n%s", want, r.stderr)
		}
	}
}
