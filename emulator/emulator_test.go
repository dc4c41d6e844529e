package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/emulator"
)

func TestEmulator_ListenAndServe(t *testing.T) {
	e, err := emulator.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ListenAndServe("not-an-address"); err == nil {
		t.Fatal("ListenAndServe on a bad address succeeded")
	}
	// Find a free port, then serve on it.
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	served := make(chan error, 1)
	go func() { served <- e.ListenAndServe(addr) }()
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	var r response
	for deadline := time.Now().Add(5 * time.Second); ; {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+addr+defaultPath, nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			r.status = resp.StatusCode
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the emulator does not answer on %s: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if r.status != http.StatusOK {
		t.Errorf("status %d", r.status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("ListenAndServe returned %v", err)
	}
}

func TestEmulator_Serve_severalListeners(t *testing.T) {
	e, err := emulator.New()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var addrs []string
	for range 3 {
		l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, l.Addr().String())
		wg.Go(func() {
			if err := e.Serve(l); !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve returned %v", err)
			}
		})
	}
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	for _, a := range addrs {
		if r := get(t, hc, "http://"+a, defaultPath, nil); r.status != http.StatusOK {
			t.Errorf("%s: status %d", a, r.status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

func TestEmulator_logsEveryRequestWithItsID(t *testing.T) {
	var mu sync.Mutex
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	f := setup(t, emulator.WithLogger(logger))
	r := get(t, f.lax, f.URL, defaultPath+"?limit=0", nil)
	id := r.header.Get("X-Request-Id")

	mu.Lock()
	defer mu.Unlock()
	var found bool
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["msg"] == "request" && rec["request_id"] == id {
			found = true
			if rec["status"] != float64(400) || rec["path"] != defaultPath || rec["method"] != "GET" {
				t.Errorf("log record %v", rec)
			}
		}
	}
	if !found {
		t.Errorf("no request record with ID %s in:\n%s", id, logs.String())
	}
	for _, want := range []string{`"msg":"emulator serving"`, `"msg":"request rejected"`, `query parameter \"limit\"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the logs lack %s:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "limit=0") {
		t.Errorf("the logs hold the query:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestNew_namesEveryWrongOption(t *testing.T) {
	_, err := emulator.New(
		emulator.WithToken(""),
		emulator.WithClock(nil),
		emulator.WithLogger(nil),
		emulator.WithAccessKey("AK", "SK"), emulator.WithAccessKey("AK", "SK2"),
		emulator.WithSynthetic("p", "", 1),
	)
	if err == nil {
		t.Fatal("New succeeded")
	}
	for _, want := range []string{"WithToken", "WithClock", "WithLogger", `access key "AK" is given twice`, "WithSynthetic"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestEmulator_String(t *testing.T) {
	e, err := emulator.New(emulator.WithSeedFile("testdata/seed.json"), emulator.WithSynthetic("p", "c", 3),
		emulator.WithLatency(time.Millisecond, 2*time.Millisecond), emulator.WithFailRate(0.25, 9),
		emulator.WithDocQuirks(), emulator.WithResponseValidation())
	if err != nil {
		t.Fatal(err)
	}
	const want = "emulator.Emulator{Seed:file testdata/seed.json Synthetic:p/c(3) Auth:off Latency:1ms+2ms FailRate:0.25(seed 9) DocQuirks ResponseValidation}"
	if got := e.String(); got != want {
		t.Errorf("String\n got %s\nwant %s", got, want)
	}
	var nilEmulator *emulator.Emulator
	if got := nilEmulator.String(); got != "emulator.Emulator(nil)" {
		t.Errorf("nil: %s", got)
	}
}
