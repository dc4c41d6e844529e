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
