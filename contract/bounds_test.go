package contract_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cssvpcep/cssvpcep/contract"
)

// TestRoundTripper_boundedValidationError: a response with hundreds of broken objects gives a
// ValidationError of at most contract.MaxProblems problems and a count of the rest, and a key
// or path the peer chose is quoted short, so that the message stays small whatever the body.
func TestRoundTripper_boundedValidationError(t *testing.T) {
	conns := strings.TrimSuffix(strings.Repeat(`{},`, 300), ",")
	longKey := strings.Repeat("k", 10000)
	body := `{"connections":[` + conns + `],"total_count":0,"permissions":[{"` + longKey + `":1,"id":5}]}`
	ts := serve(t, jsonReply(body))
	var got *contract.ValidationError
	rt, err := contract.NewRoundTripper(nil, contract.WithReporter(func(e *contract.ValidationError) { got = e }))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, ts.URL+connectionsPath, nil)
	req.Header.Set("X-Auth-Token", secret)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got == nil {
		t.Fatal("no problem reported")
	}
	// 300 objects without id and status, and one permission whose id is a number.
	if len(got.Problems) != contract.MaxProblems || got.More != 601-contract.MaxProblems {
		t.Errorf("%d problems and %d more, want %d and %d", len(got.Problems), got.More, contract.MaxProblems, 601-contract.MaxProblems)
	}
	msg := got.Error()
	if !strings.HasSuffix(msg, "; and 581 more") || len(msg) > 4096 {
		t.Errorf("message of %d bytes ends %q", len(msg), msg[max(0, len(msg)-40):])
	}
	if errors.Is(got, contract.ErrBodyTooLarge) {
		t.Error("the body was not too large")
	}
}

// TestRoundTripper_boundedWithTrailingData: problems past MaxProblems and data after the body
// are counted as every other ValidationError's: at most MaxProblems listed, the rest in More.
// The body check's path once listed MaxProblems + 1 (the trailing data after 20 problems).
func TestRoundTripper_boundedWithTrailingData(t *testing.T) {
	body := `{"connections":[` + strings.TrimSuffix(strings.Repeat(`{"id":"a"},`, 25), ",") + `],"total_count":25} x`
	for _, ct := range []string{"application/json", "application/json; charset=x-unknown"} {
		ts := serve(t, reply{status: http.StatusOK, header: http.Header{"Content-Type": {ct}}, body: body})
		var got *contract.ValidationError
		rt, err := contract.NewRoundTripper(nil, contract.WithReporter(func(e *contract.ValidationError) { got = e }))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, ts.URL+connectionsPath, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		// 25 connections without status, and the trailing data: 26 problems.
		if got == nil || len(got.Problems) != contract.MaxProblems || got.More != 26-contract.MaxProblems || !errors.Is(got, contract.ErrTrailingData) {
			t.Errorf("%s: %v", ct, got)
		}
	}
}

// TestWithRequestReporter: the reporter gets the request a problem belongs to (for a response
// problem, the request it answers), so that one RoundTripper can serve callers that tell their
// requests apart by context; it applies to NewRoundTripper only.
func TestWithRequestReporter(t *testing.T) {
	type key struct{}
	ts := serve(t, jsonReply(`{"connections":[{"id":"a","status":"weird"}],"total_count":1}`))
	got := map[string]*contract.ValidationError{}
	rt, err := contract.NewRoundTripper(nil, contract.WithRequestReporter(func(req *http.Request, e *contract.ValidationError) {
		got[req.Context().Value(key{}).(string)] = e
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, caller := range []string{"first", "second"} {
		ctx := context.WithValue(context.Background(), key{}, caller)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+connectionsPath, nil)
		req.Header.Set("X-Auth-Token", secret)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatalf("%s: %v (report mode passes responses through)", caller, err)
		}
		_ = resp.Body.Close()
	}
	for _, caller := range []string{"first", "second"} {
		if e := got[caller]; e == nil || e.Direction != contract.DirectionResponse || e.Problems[0].Name != "connections[0].status" {
			t.Errorf("%s: reported %v", caller, e)
		}
	}
	if _, err := contract.NewMiddleware(http.NotFoundHandler(), contract.WithRequestReporter(func(*http.Request, *contract.ValidationError) {})); err == nil {
		t.Error("NewMiddleware took WithRequestReporter")
	}
	if _, err := contract.NewRoundTripper(nil, contract.WithRequestReporter(nil)); err == nil {
		t.Error("NewRoundTripper took a nil reporter")
	}
}
