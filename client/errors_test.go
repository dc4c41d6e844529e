package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestClient_ListConnections_apiErrorShapes(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		header      map[string]string
		want        APIError
		wantMessage string
	}{{
		name:        "service shape",
		status:      404,
		body:        `{"errCode":"CSS.3027","externalMessage":"The cluster does not exist!"}`,
		header:      map[string]string{"X-Request-Id": "9f1c"},
		want:        APIError{Operation: "ShowVpcepConnection", StatusCode: 404, Code: "CSS.3027", Message: "The cluster does not exist!", RequestID: "9f1c"},
		wantMessage: "client: ShowVpcepConnection: 404 Not Found: CSS.3027: The cluster does not exist! (request id 9f1c)",
	}, {
		name:        "documented shape",
		status:      412,
		body:        `{"error_code":"CSS.0001","error_msg":"Incorrect parameters."}`,
		want:        APIError{Operation: "ShowVpcepConnection", StatusCode: 412, Code: "CSS.0001", Message: "Incorrect parameters."},
		wantMessage: "client: ShowVpcepConnection: 412 Precondition Failed: CSS.0001: Incorrect parameters.",
	}, {
		name:   "both shapes, the service's wins",
		status: 400,
		body:   `{"errCode":"CSS.0001","externalMessage":"a","error_code":"X","error_msg":"b"}`,
		want:   APIError{Operation: "ShowVpcepConnection", StatusCode: 400, Code: "CSS.0001", Message: "a"},
	}, {
		name:   "a message on lines, with a bidi override",
		status: 401,
		body:   `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM\nauthentication\u202e information."}`,
		want:   APIError{Operation: "ShowVpcepConnection", StatusCode: 401, Code: "APIGW.0301", Message: "Incorrect IAM authentication information."},
	}, {
		name:   "rate limited with Retry-After",
		status: 429,
		body:   `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}`,
		header: map[string]string{"Retry-After": "3"},
		want:   APIError{Operation: "ShowVpcepConnection", StatusCode: 429, Code: "APIGW.0308", Message: "The throttling threshold has been reached.", RetryAfter: 3 * time.Second},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, WithRetry(1, 0, 0))
			f.handle(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				writeRaw(w, tt.status, "application/json", tt.body)
			})
			_, err := f.client.ListConnections(context.Background(), testCluster, nil)
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("error = %v, want an *APIError", err)
			}
			if diff := cmp.Diff(tt.want, *got, cmpopts.IgnoreUnexported(APIError{})); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if tt.wantMessage != "" && got.Error() != tt.wantMessage && !strings.HasSuffix(err.Error(), strings.TrimPrefix(tt.wantMessage, "client: ShowVpcepConnection: ")) {
				t.Errorf("Error() = %q, want %q", err, tt.wantMessage)
			}
		})
	}
}

func TestClient_ListConnections_htmlBadGateway(t *testing.T) {
	f := setupViolating(t, WithRetry(2, time.Millisecond, time.Millisecond))
	page := "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>\n<style>body { color: red }</style>" +
		"<script>var secret = 1;</script></head>\r\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n" +
		"<hr><center>nginx &amp; friends</center>\n<!-- a comment -->" + strings.Repeat("<p>padding text</p>\n", 500) + "</body></html>"
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "gw-1")
		writeRaw(w, http.StatusBadGateway, "text/html", page)
	})
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an *APIError", err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2: a 502 is retried, HTML or not", hits.Load())
	}
	msg := apiErr.Message
	if !strings.HasPrefix(msg, "502 Bad Gateway nginx & friends padding text") {
		t.Errorf("Message = %q", msg)
	}
	if strings.ContainsAny(msg, "<>\r\n\t") || strings.Contains(msg, "secret") || strings.Contains(msg, "color") || strings.Contains(msg, "comment") {
		t.Errorf("Message is not sanitized: %q", msg)
	}
	if len(msg) > maxExcerptLen+len("…") || !strings.HasSuffix(msg, "…") {
		t.Errorf("Message is %d bytes, want at most %d and a cut mark: %q", len(msg), maxExcerptLen, msg)
	}
	if apiErr.StatusCode != http.StatusBadGateway || apiErr.Code != "" || apiErr.RequestID != "gw-1" || !IsRetryable(err) {
		t.Errorf("APIError = %+v", apiErr)
	}
	if len(f.problems()) != 2 {
		t.Errorf("the validator reported %d problems, want one per response (text/html)", len(f.problems()))
	}
}

func TestNewAPIError_bodies(t *testing.T) {
	tests := []struct {
		name, body, wantCode, wantMessage, wantError string
	}{
		{"empty", "", "", "", "client: Op: 503 Service Unavailable (empty body)"},
		{"plain text", "upstream connect error\nor disconnect", "", "upstream connect error or disconnect", ""},
		{"JSON of another shape", `{"message":"nope"}`, "", `{"message":"nope"}`, ""},
		{"JSON string", `"x"`, "", `"x"`, ""},
		{"invalid UTF-8", "bad \xff\xfe bytes", "", "bad bytes", ""},
		{"long message", `{"errCode":"C","externalMessage":"` + strings.Repeat("é", 1000) + `"}`, "C", strings.Repeat("é", maxMessageLen/2) + "…", ""},
		{"nginx's 502", "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n",
			"", "502 Bad Gateway nginx/1.25.3", ""},
		{"title only", "<html><head><title>Service &amp; Unavailable</title></head><body></body></html>", "", "Service & Unavailable", ""},
		{"repeats of the title anywhere", "<title>Oops</title><p>Oops</p><p>the Oopsie server says Oops</p>", "", "Oops the Oopsie server says", ""},
		{"a title of several words is dropped only whole", "<title>Bad Gateway</title><h1>Bad</h1><p>Bad Gateway again</p>", "", "Bad Gateway Bad again", ""},
		{"empty title", "<html><title> </title><h1>Down</h1></html>", "", "Down", ""},
		{"title with tags and a script", "<title>A <b>B</b></title><script>var t = 'A B';</script><h1>A B</h1> C", "", "A B C", ""},
		{"no title", "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>", "", "502 Bad Gateway nginx", ""},
		{"long title", "<title>" + strings.Repeat("t ", 300) + "</title><p>text</p>", "", strings.TrimSpace(strings.Repeat("t ", maxExcerptLen/2)) + "…", ""},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}}
		e := newAPIError("Op", resp, []byte(tt.body), time.Now(), newMasker(&config{}))
		if e.Code != tt.wantCode || e.Message != tt.wantMessage {
			t.Errorf("%s: Code, Message = %q, %q; want %q, %q", tt.name, e.Code, e.Message, tt.wantCode, tt.wantMessage)
		}
		if tt.wantError != "" && e.Error() != tt.wantError {
			t.Errorf("%s: Error() = %q, want %q", tt.name, e.Error(), tt.wantError)
		}
		if !utf8.ValidString(e.Message) {
			t.Errorf("%s: Message is not valid UTF-8", tt.name)
		}
	}
	e := newAPIError("Op", &http.Response{StatusCode: 599, Header: http.Header{"X-Request-Id": {"a\nb" + strings.Repeat("x", 300)}}}, nil, time.Now(), newMasker(&config{}))
	if strings.ContainsAny(e.Error(), "\n") || len(e.RequestID) > maxRequestIDLen+len("…") || !strings.HasPrefix(e.Error(), "client: Op: 599 (empty body)") {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestErrorHelpers(t *testing.T) {
	wrap := func(code int) error {
		return fmt.Errorf("outer: %w", &retryError{op: "Op", attempts: 2, last: &APIError{StatusCode: code}})
	}
	tests := []struct {
		name string
		is   func(error) bool
		code int
	}{
		{"IsNotFound", IsNotFound, 404},
		{"IsUnauthorized", IsUnauthorized, 401},
		{"IsForbidden", IsForbidden, 403},
		{"IsRateLimited", IsRateLimited, 429},
	}
	for _, tt := range tests {
		if !tt.is(wrap(tt.code)) {
			t.Errorf("%s(wrapped %d) = false", tt.name, tt.code)
		}
		if tt.is(wrap(500)) || tt.is(nil) || tt.is(errors.New("x")) {
			t.Errorf("%s is true for something else", tt.name)
		}
	}
	if IsRetryable(nil) || !IsRetryable(wrap(503)) || IsRetryable(wrap(400)) {
		t.Error("IsRetryable")
	}
	pe := &pageError{fn: "AllPages", offset: 1000, err: wrap(404)}
	if !IsNotFound(pe) {
		t.Error("IsNotFound does not see through AllPages' error")
	}
}
