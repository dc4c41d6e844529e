package contract

import "net/http"

// TB is the part of testing.TB that ForTest uses; *testing.T, *testing.B and *testing.F have
// it. Taking this instead of testing.TB keeps package testing out of programs that import
// contract.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// ForTest returns a RoundTripper for tests: it sends through next (http.DefaultTransport when
// nil) and fails t with t.Errorf and the full message for every request or response that breaks
// the spec, while passing it through untouched so the test goes on to its own assertions. It
// calls t.Fatalf when it cannot be built. opts come after ForTest's own WithReporter, so they
// can replace it.
//
//	client, _ := api.NewClientWithResponses(server.URL,
//		api.WithHTTPClient(&http.Client{Transport: contract.ForTest(t, nil)}))
func ForTest(t TB, next http.RoundTripper, opts ...Option) *RoundTripper {
	t.Helper()
	report := WithReporter(func(e *ValidationError) {
		t.Helper()
		t.Errorf("%v", e)
	})
	rt, err := NewRoundTripper(next, append([]Option{report}, opts...)...)
	if err != nil {
		t.Fatalf("contract.ForTest: %v", err)
	}
	return rt
}
