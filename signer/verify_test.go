package signer_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/signer"
)

// sigLike matches anything that could be a printed signature.
var sigLike = regexp.MustCompile(`[0-9a-fA-F]{64}`)

// checkRejected fails unless err is a *VerifyError for want whose message leaks nothing.
func checkRejected(t *testing.T, err error, want signer.Reason) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("Verify = %v, want %v", err, want)
	}
	var verr *signer.VerifyError
	if !errors.As(err, &verr) || verr.Reason != want {
		t.Fatalf("Verify = %#v, want a *VerifyError with Reason %v", err, want)
	}
	msg := err.Error()
	if strings.Contains(msg, testSecret) || sigLike.MatchString(msg) {
		t.Errorf("error message leaks a secret or a signature: %s", msg)
	}
}

func TestVerify_acceptsWhatSignProduces(t *testing.T) {
	req := signed(t, http.MethodPost, "https://css.example.com/v1.0/p/clusters/c%2F1/x?b=2&a=1&a=0", `{"a":1}`,
		http.Header{"X-Project-Id": {"p"}, "Content-Type": {"application/json"}, "Host": {"h"}})
	if err := signer.Verify(req, lookup, t0); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got := readAll(t, req.Body); got != `{"a":1}` {
		t.Errorf("body after Verify = %q", got)
	}
}

func TestVerify_rejectsTampering(t *testing.T) {
	const url = "https://css.example.com/v1.0/p/clusters/c1/vpcepservice/connections?limit=10&offset=0"
	tests := []struct {
		name   string
		tamper func(r *http.Request)
	}{
		{"method", func(r *http.Request) { r.Method = http.MethodPut }},
		{"path", func(r *http.Request) { r.URL.Path = "/v1.0/p/clusters/c2/vpcepservice/connections" }},
		{"path with an encoded slash", func(r *http.Request) {
			r.URL.Path, r.URL.RawPath = "/v1.0/p/clusters/c/1/vpcepservice/connections", "/v1.0/p/clusters/c%2F1/vpcepservice/connections"
		}},
		{"query value", func(r *http.Request) { r.URL.RawQuery = "limit=11&offset=0" }},
		{"query pair added", func(r *http.Request) { r.URL.RawQuery += "&x=1" }},
		{"signed header value", func(r *http.Request) { r.Header.Set("X-Project-Id", "p2") }},
		{"signed header value added", func(r *http.Request) { r.Header.Add("X-Project-Id", "p2") }},
		{"signed host", func(r *http.Request) { r.Host = "evil.example" }},
		{"date, still within the skew", func(r *http.Request) {
			r.Header.Set("X-Sdk-Date", t0.Add(time.Second).Format(signer.DateLayout))
		}},
		{"body", func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"a":2}`)) }},
		{"body emptied", func(r *http.Request) { r.Body = http.NoBody }},
		{"unsigned body hash stated by an attacker", func(r *http.Request) {
			r.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
			r.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, http.MethodPost, url, `{"a":1}`, http.Header{"X-Project-Id": {"p1"}, "Host": {"signed"}})
			tt.tamper(req)
			checkRejected(t, signer.Verify(req, lookup, t0), signer.ErrSignatureMismatch)
		})
	}
}

func TestVerify_rejectsWrongSecret(t *testing.T) {
	req := signed(t, http.MethodGet, "https://h/p", "", nil)
	other := func(string) (string, bool) { return "another-secret", true }
	checkRejected(t, signer.Verify(req, other, t0), signer.ErrSignatureMismatch)
}

func TestVerify_rejectsUnknownAccessKey(t *testing.T) {
	req := signed(t, http.MethodGet, "https://h/p", "", nil)
	none := func(string) (string, bool) { return "", false }
	checkRejected(t, signer.Verify(req, none, t0), signer.ErrUnknownAccessKey)
	empty := func(string) (string, bool) { return "", true }
	checkRejected(t, signer.Verify(req, empty, t0), signer.ErrUnknownAccessKey)
}

func TestVerify_authorizationHeader(t *testing.T) {
	valid := signed(t, http.MethodGet, "https://h/p", "", nil).Header.Get("Authorization")
	sig := valid[strings.LastIndex(valid, "=")+1:]
	tests := []struct {
		name   string
		values []string
		want   signer.Reason
	}{
		{"missing", nil, signer.ErrMissingAuthorization},
		{"empty", []string{"  "}, signer.ErrMissingAuthorization},
		{"two headers", []string{valid, valid}, signer.ErrMalformedAuthorization},
		{"other scheme", []string{"Bearer abc"}, signer.ErrMalformedAuthorization},
		{"scheme in lower case", []string{strings.Replace(valid, "SDK-HMAC-SHA256", "sdk-hmac-sha256", 1)}, signer.ErrMalformedAuthorization},
		{"scheme alone", []string{"SDK-HMAC-SHA256"}, signer.ErrMalformedAuthorization},
		{"no Signature", []string{"SDK-HMAC-SHA256 Access=" + testAccessKey + ", SignedHeaders=x-sdk-date"}, signer.ErrMalformedAuthorization},
		{"no Access", []string{"SDK-HMAC-SHA256 SignedHeaders=x-sdk-date, Signature=" + sig}, signer.ErrMalformedAuthorization},
		{"empty Access", []string{"SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=" + sig}, signer.ErrMalformedAuthorization},
		{"Access twice", []string{"SDK-HMAC-SHA256 Access=a, Access=" + testAccessKey + ", SignedHeaders=x-sdk-date, Signature=" + sig}, signer.ErrMalformedAuthorization},
		{"unknown parameter", []string{valid + ", Region=x"}, signer.ErrMalformedAuthorization},
		{"parameter without =", []string{valid + ", junk"}, signer.ErrMalformedAuthorization},
		{"short signature", []string{strings.TrimSuffix(valid, sig) + sig[:63]}, signer.ErrMalformedAuthorization},
		{"signature not hex", []string{strings.TrimSuffix(valid, sig) + "g" + sig[1:]}, signer.ErrMalformedAuthorization},
		{"SignedHeaders empty", []string{"SDK-HMAC-SHA256 Access=" + testAccessKey + ", SignedHeaders=, Signature=" + sig}, signer.ErrMalformedAuthorization},
		{"SignedHeaders empty name", []string{strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=;x-sdk-date", 1)}, signer.ErrMalformedAuthorization},
		{"SignedHeaders upper case", []string{strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=X-Sdk-Date", 1)}, signer.ErrMalformedAuthorization},
		{"SignedHeaders unsorted", []string{strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=x-sdk-date;host", 1)}, signer.ErrMalformedAuthorization},
		{"SignedHeaders duplicate", []string{strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=x-sdk-date;x-sdk-date", 1)}, signer.ErrMalformedAuthorization},
		{"SignedHeaders lists authorization", []string{strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=authorization;x-sdk-date", 1)}, signer.ErrMalformedAuthorization},
		{"SignedHeaders without the date", []string{strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=host", 1)}, signer.ErrDateNotSigned},
		// Spacing and order of the parameters are free; the signature still has to match.
		{"parameters reordered", []string{"SDK-HMAC-SHA256 Signature=" + sig + ",SignedHeaders=x-sdk-date ,  Access=" + testAccessKey}, 0},
		{"signature in upper case", []string{strings.TrimSuffix(valid, sig) + strings.ToUpper(sig)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, http.MethodGet, "https://h/p", "", nil)
			req.Header["Authorization"] = tt.values
			err := signer.Verify(req, lookup, t0)
			if tt.want == 0 {
				if err != nil {
					t.Errorf("Verify: %v", err)
				}
				return
			}
			checkRejected(t, err, tt.want)
		})
	}
}

func TestVerify_date(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *http.Request)
		now    time.Time
		want   signer.Reason
	}{
		{"missing", func(r *http.Request) { r.Header.Del("X-Sdk-Date") }, t0, signer.ErrMissingDate},
		{"two values", func(r *http.Request) { r.Header.Add("X-Sdk-Date", t0.Format(signer.DateLayout)) }, t0, signer.ErrBadDate},
		{"extended ISO 8601", func(r *http.Request) { r.Header.Set("X-Sdk-Date", "2024-05-06T07:08:09Z") }, t0, signer.ErrBadDate},
		{"no zone letter", func(r *http.Request) { r.Header.Set("X-Sdk-Date", "20240506T070809") }, t0, signer.ErrBadDate},
		{"HTTP date", func(r *http.Request) { r.Header.Set("X-Sdk-Date", t0.Format(http.TimeFormat)) }, t0, signer.ErrBadDate},
		{"16 minutes old", nil, t0.Add(16 * time.Minute), signer.ErrDateSkew},
		{"16 minutes ahead", nil, t0.Add(-16 * time.Minute), signer.ErrDateSkew},
		{"14 minutes old", nil, t0.Add(14 * time.Minute), 0},
		{"14 minutes ahead", nil, t0.Add(-14 * time.Minute), 0},
		{"exactly 15 minutes old", nil, t0.Add(15 * time.Minute), 0},
		{"15 minutes and a second old", nil, t0.Add(15*time.Minute + time.Second), signer.ErrDateSkew},
		// Beyond what a time.Duration holds (about 292 years), where now.Sub saturates.
		{"300 years ahead", nil, t0.AddDate(-300, 0, 0), signer.ErrDateSkew},
		{"300 years old", nil, t0.AddDate(300, 0, 0), signer.ErrDateSkew},
		{"year 9999 at year 1", func(r *http.Request) { r.Header.Set("X-Sdk-Date", "99991231T235959Z") }, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), signer.ErrDateSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, http.MethodGet, "https://h/p", "", nil)
			if tt.change != nil {
				tt.change(req)
			}
			err := signer.Verify(req, lookup, tt.now)
			if tt.want == 0 {
				if err != nil {
					t.Errorf("Verify: %v", err)
				}
				return
			}
			checkRejected(t, err, tt.want)
		})
	}
}

func TestVerify_dateNotSigned(t *testing.T) {
	// A client that signs only X-Project-Id leaves the time open to replay.
	req := signed(t, http.MethodGet, "https://h/p", "", http.Header{"X-Project-Id": {"p"}})
	auth := req.Header.Get("Authorization")
	req.Header.Set("Authorization", strings.Replace(auth, "x-project-id;x-sdk-date", "x-project-id", 1))
	checkRejected(t, signer.Verify(req, lookup, t0), signer.ErrDateNotSigned)
}

func TestVerify_withMaxSkew(t *testing.T) {
	req := signed(t, http.MethodGet, "https://h/p", "", nil)
	err := signer.Verify(req, lookup, t0.Add(2*time.Minute), signer.WithMaxSkew(time.Minute))
	checkRejected(t, err, signer.ErrDateSkew)
	if err := signer.Verify(req, lookup, t0.Add(59*time.Minute), signer.WithMaxSkew(time.Hour)); err != nil {
		t.Errorf("Verify with a one-hour skew: %v", err)
	}
}

func TestVerify_signedHeaderMissing(t *testing.T) {
	req := signed(t, http.MethodGet, "https://h/p", "", http.Header{"X-Project-Id": {"p"}, "Host": {"h"}})
	req.Header.Del("X-Project-Id")
	checkRejected(t, signer.Verify(req, lookup, t0), signer.ErrMissingSignedHeader)

	req = signed(t, http.MethodGet, "https://h/p", "", http.Header{"Host": {"h"}})
	req.Host, req.URL.Host = "", ""
	checkRejected(t, signer.Verify(req, lookup, t0), signer.ErrMissingSignedHeader)
}

func TestVerify_bodyLimit(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		unknownLength bool
		want          signer.Reason
	}{
		{"at the limit", "12345", false, 0},
		{"at the limit, length unknown", "12345", true, 0},
		{"over the limit", "123456", false, signer.ErrBodyTooLarge},
		{"over the limit, length unknown", "123456", true, signer.ErrBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, http.MethodPost, "https://h/p", tt.body, nil)
			if tt.unknownLength {
				req.ContentLength = -1
			}
			err := signer.Verify(req, lookup, t0, signer.WithMaxBodySize(5))
			if tt.want == 0 {
				if err != nil {
					t.Errorf("Verify: %v", err)
				}
			} else {
				checkRejected(t, err, tt.want)
			}
			// Accepted or not, the handler still gets the whole body.
			if got := readAll(t, req.Body); got != tt.body {
				t.Errorf("body after Verify = %q, want %q", got, tt.body)
			}
		})
	}
}

func TestVerify_bodyUnreadable(t *testing.T) {
	boom := errors.New("connection reset")
	req := signed(t, http.MethodPost, "https://h/p", "x", nil)
	req.Body = failingReader{boom}
	err := signer.Verify(req, lookup, t0)
	checkRejected(t, err, signer.ErrBodyUnreadable)
	if !errors.Is(err, boom) {
		t.Errorf("Verify = %v, want it to wrap the read error", err)
	}
}

// The body is read only once the cheap checks pass.
func TestVerify_doesNotReadBodyOfRejectedRequest(t *testing.T) {
	req := signed(t, http.MethodPost, "https://h/p", "x", nil)
	req.Body = failingReader{errors.New("must not be read")}
	none := func(string) (string, bool) { return "", false }
	checkRejected(t, signer.Verify(req, none, t0), signer.ErrUnknownAccessKey)
}

func TestVerify_statedPayloadHash(t *testing.T) {
	t.Run("UNSIGNED-PAYLOAD leaves the body out", func(t *testing.T) {
		req := signed(t, http.MethodPut, "https://h/p", "big", http.Header{"X-Sdk-Content-Sha256": {"UNSIGNED-PAYLOAD"}})
		req.Body = failingReader{errors.New("must not be read")}
		if err := signer.Verify(req, lookup, t0); err != nil {
			t.Errorf("Verify: %v", err)
		}
	})
	t.Run("a stated hash must be the body's", func(t *testing.T) {
		sum := sha256.Sum256([]byte("big"))
		req := signed(t, http.MethodPut, "https://h/p", "big", http.Header{"X-Sdk-Content-Sha256": {hex.EncodeToString(sum[:])}})
		if err := signer.Verify(req, lookup, t0); err != nil {
			t.Errorf("Verify: %v", err)
		}
		req.Body = io.NopCloser(strings.NewReader("bag"))
		checkRejected(t, signer.Verify(req, lookup, t0), signer.ErrSignatureMismatch)
	})
}

func TestVerify_invalidOptions(t *testing.T) {
	req := signed(t, http.MethodGet, "https://h/p", "", nil)
	for _, opt := range []signer.VerifyOption{signer.WithMaxSkew(0), signer.WithMaxSkew(-time.Second), signer.WithMaxBodySize(-1)} {
		err := signer.Verify(req, lookup, t0, opt)
		var verr *signer.VerifyError
		if err == nil || errors.As(err, &verr) {
			t.Errorf("Verify with an invalid option = %v, want a plain error", err)
		}
	}
}

// Every value of the request a VerifyError quotes (an access key, X-Sdk-Date, a SignedHeaders
// name, a parameter name of the Authorization header) is cut to 64 bytes, so that a 500 kB
// header gives a short error, which the emulator sends back and logs.
func TestVerify_boundsWhatItQuotes(t *testing.T) {
	long := strings.Repeat("k", 500<<10)
	upper := strings.Repeat("K", 500<<10)
	valid := signed(t, http.MethodGet, "https://h/p", "", nil).Header.Get("Authorization")
	tests := []struct {
		name string
		edit func(r *http.Request)
		want signer.Reason
		msg  string
	}{
		{"an unknown access key", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(valid, "Access="+testAccessKey, "Access="+upper, 1))
		}, signer.ErrUnknownAccessKey, `unknown access key: access key "` + upper[:64] + `"…`},
		{"an unknown parameter", func(r *http.Request) { r.Header.Set("Authorization", valid+", "+upper+"=1") },
			signer.ErrMalformedAuthorization, `malformed Authorization header: unknown parameter "` + upper[:64] + `"…`},
		{"a SignedHeaders name in upper case", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders="+upper, 1))
		}, signer.ErrMalformedAuthorization, `SignedHeaders name "` + upper[:64] + `"… is not a lower-case header name`},
		{"a signed header missing", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(valid, "SignedHeaders=x-sdk-date", "SignedHeaders=x-sdk-date;z"+long, 1))
		}, signer.ErrMissingSignedHeader, `signed header missing from the request: "z` + long[:63] + `"… is in SignedHeaders`},
		{"X-Sdk-Date", func(r *http.Request) { r.Header.Set("X-Sdk-Date", long) },
			signer.ErrBadDate, `bad X-Sdk-Date: "` + long[:64] + `"… is not in the form 20060102T150405Z`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signed(t, http.MethodGet, "https://h/p", "", nil)
			tt.edit(req)
			err := signer.Verify(req, lookup, t0)
			checkRejected(t, err, tt.want)
			if msg := err.Error(); !strings.Contains(msg, tt.msg) || len(msg) > 512 {
				t.Errorf("error of %d bytes: %.300s; want it to contain %q", len(msg), msg, tt.msg)
			}
		})
	}
}
