package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/contract"
)

// reports collects what WithValidation reports.
type reports struct {
	mu   sync.Mutex
	errs []*contract.ValidationError
}

func (r *reports) add(e *contract.ValidationError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, e)
}

func (r *reports) list() []*contract.ValidationError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*contract.ValidationError(nil), r.errs...)
}

const badStatusPage = `{"connections":[{"id":"a","status":"weird"}],"total_count":1}`

func TestClient_ListConnections_validationReport(t *testing.T) {
	var rep reports
	f := setupViolating(t, WithValidation(ValidationReport, rep.add))
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", badStatusPage)
	})
	page := f.list(nil)
	if page.Connections[0].Status != "weird" {
		t.Errorf("Status = %q", page.Connections[0].Status)
	}
	got := rep.list()
	if len(got) != 1 || got[0].Direction != contract.DirectionResponse || got[0].StatusCode != http.StatusOK ||
		len(got[0].Problems) != 1 || got[0].Problems[0].Name != "connections[0].status" {
		t.Errorf("reported %v", got)
	}
}

func TestClient_ListConnections_validationFail(t *testing.T) {
	var rep reports
	f := setupViolating(t, WithValidation(ValidationFail, rep.add))
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "r-9")
		writeRaw(w, http.StatusOK, "application/json", badStatusPage)
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	var ve *contract.ValidationError
	var re *ResponseError
	if !errors.As(err, &ve) || !errors.As(err, &re) {
		t.Fatalf("error = %v, want a *ResponseError holding a *contract.ValidationError", err)
	}
	if re.StatusCode != http.StatusOK || re.RequestID != "r-9" || hits.Load() != 1 || len(rep.list()) != 1 {
		t.Errorf("ResponseError %+v after %d requests, %d reports", re, hits.Load(), len(rep.list()))
	}
}

func TestClient_ListConnections_validationFailPassesValidTraffic(t *testing.T) {
	f := setup(t, WithValidation(ValidationFail, nil))
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", string(specExample(t, api.ExampleCurrent)))
	})
	if got := f.list(&ListOptions{Offset: 1, Limit: 2}); got.TotalCount != 2 {
		t.Errorf("TotalCount = %d", got.TotalCount)
	}
}

func TestClient_ListConnections_validationFailKeepsAPIErrors(t *testing.T) {
	f := setupViolating(t, WithValidation(ValidationFail, nil))
	var count atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			writeRaw(w, http.StatusServiceUnavailable, "text/html", "<h1>busy</h1>") // breaks the spec, and is retried
			return
		}
		writeRaw(w, http.StatusNotFound, "application/json", `{}`) // breaks minProperties
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	var ve *contract.ValidationError
	if !IsNotFound(err) || !errors.As(err, &ve) || ve.StatusCode != http.StatusNotFound {
		t.Errorf("error = %v, want an *APIError 404 that also holds the validation error", err)
	}
	if count.Load() != 2 {
		t.Errorf("%d requests, want 2", count.Load())
	}
}

func TestValidatingTransport_failModeDoesNotSendABadRequest(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	vt, err := newValidatingTransport(tr, ValidationFail, nil, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sink := new(validationSink)
	req, err := http.NewRequestWithContext(withSink(context.Background(), sink), http.MethodGet,
		srv.URL+"/v1.0/p/clusters/c/vpcepservice/connections?limit=5000", nil) // no credentials, limit too large
	if err != nil {
		t.Fatal(err)
	}
	resp, err := vt.RoundTrip(req)
	if resp != nil {
		resp.Body.Close()
	}
	var ve *contract.ValidationError
	if !errors.As(err, &ve) || ve.Direction != contract.DirectionRequest || hits.Load() != 0 {
		t.Errorf("RoundTrip = %v after %d requests, want the request's ValidationError and none sent", err, hits.Load())
	}
}

// TestClient_ListConnections_reportModeDecodeFailureIsNotATimeout: in report mode the reporter
// runs during the attempt; when it takes longer than the attempt's timeout and the body then
// fails to decode, the error is the decode failure, not "the attempt ran out of its time".
func TestClient_ListConnections_reportModeDecodeFailureIsNotATimeout(t *testing.T) {
	slow := func(*contract.ValidationError) { time.Sleep(150 * time.Millisecond) }
	f := setupViolating(t, WithValidation(ValidationReport, slow), WithTimeout(50*time.Millisecond), WithRetry(1, 0, 0))
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{"connections":[{"id":"a","status":"accepted"}],"total_count":"one"}`)
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	var re *ResponseError
	if !errors.As(err, &re) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "ran out of") {
		t.Errorf("error = %v, want the *ResponseError of the body", err)
	}
}
