package client

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/cssvpcep/cssvpcep/contract"
)

// The child process of TestValidation_hostileBodyMemory: which case it runs.
const memoryChildEnv = "CSSVPCEP_MEMORY_CHILD"

// hostileBody is a 200 body of size bytes whose connections are all empty objects: each lacks
// the required id and status, so that a validator that keeps every problem (kin-openapi with
// MultiError did: 793 MB allocated for 1 MB) or decodes into maps (53 MB per MB) pays for it.
func hostileBody(size int) string {
	n := (size - 40) / 3
	return `{"connections":[` + strings.TrimSuffix(strings.Repeat("{},", n), ",") + `],"total_count":0}`
}

// TestValidation_hostileBodyMemory measures, in a child process of its own, the peak resident
// memory (VmHWM) of the whole process for one validated call answered with a hostile body: it
// must stay under 200 MB for 1 MB, in both validation modes and through contract.NewRoundTripper
// alone, even under the race detector, and under 200 MB for 15 MB (400 MB under the race
// detector). The measured figures are in SECURITY.md; run with -v to see them. The child reports its VmHWM before and after the call.
func TestValidation_hostileBodyMemory(t *testing.T) {
	if c := os.Getenv(memoryChildEnv); c != "" {
		memoryChild(c)
		return
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status: resident memory cannot be read here")
	}
	for _, tt := range []struct {
		child string
		limit int64 // bytes of VmHWM
	}{
		{"fail 1", 200 << 20},
		{"report 1", 200 << 20},
		{"roundtripper 1", 200 << 20},
		// 15 MB: about 5 times the body (read by the validator and by the client); the race
		// detector doubles what the process holds (allocFactor).
		{"fail 15", allocFactor * 200 << 20},
	} {
		t.Run(tt.child, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestValidation_hostileBodyMemory$", "-test.count=1")
			cmd.Env = append(os.Environ(), memoryChildEnv+"="+tt.child)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var before, after int64
			var msg string
			for line := range strings.SplitSeq(string(out), "\n") {
				if rest, ok := strings.CutPrefix(line, "memory: "); ok {
					if _, err := fmt.Sscanf(rest, "%d %d", &before, &after); err != nil {
						t.Fatalf("child said %q: %v", line, err)
					}
				}
				if rest, ok := strings.CutPrefix(line, "error: "); ok {
					msg = rest
				}
			}
			t.Logf("%s MB body: VmHWM %.1f MiB before the call, %.1f MiB after; error of %d bytes", tt.child, float64(before)/(1<<20), float64(after)/(1<<20), len(msg))
			if after == 0 || after > tt.limit {
				t.Errorf("peak resident memory %d MiB, want under %d MiB\n%s", after>>20, tt.limit>>20, out)
			}
			if len(msg) > 4096 {
				t.Errorf("the error is %d bytes long", len(msg))
			}
		})
	}
}

// memoryChild runs one case and prints "memory: <VmHWM before> <VmHWM after>" and the error.
func memoryChild(c string) {
	mode, mib, _ := strings.Cut(c, " ")
	size, _ := strconv.Atoi(mib)
	body := hostileBody(size << 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	before := vmHWM()
	var err error
	switch mode {
	case "roundtripper":
		var rt *contract.RoundTripper
		rt, err = contract.NewRoundTripper(nil)
		if err == nil {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/v1.0/p/clusters/c/vpcepservice/connections", nil)
			req.Header.Set("X-Auth-Token", "t")
			var resp *http.Response
			if resp, err = rt.RoundTrip(req); err == nil {
				_ = resp.Body.Close()
				err = fmt.Errorf("a hostile body passed validation")
			}
		}
	default:
		m := ValidationFail
		if mode == "report" {
			m = ValidationReport
		}
		var c *Client
		c, err = New(WithEndpoint(srv.URL), WithProjectID("p"), WithToken("t"), WithRetry(1, 0, 0),
			WithMaxResponseSize(32<<20), WithValidation(m, func(*contract.ValidationError) {}))
		if err == nil {
			_, err = c.ListConnections(context.Background(), "c", &ListOptions{Limit: 10})
		}
	}
	fmt.Printf("memory: %d %d\n", before, vmHWM())
	fmt.Printf("error: %v\n", err)
}

// vmHWM is the process's peak resident memory, in bytes; 0 when it cannot be read.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
