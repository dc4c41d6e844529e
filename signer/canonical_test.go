package signer

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestWriteCanonicalURI(t *testing.T) {
	tests := []struct{ escaped, want string }{
		{"", "/"},
		{"/", "/"},
		{"/path", "/path/"},
		{"/path/", "/path/"},
		{"//double//slash", "//double//slash/"},
		{"/a%20b", "/a%20b/"},                       // a space
		{"/clusters/a%2Fb/x", "/clusters/a%2Fb/x/"}, // an encoded slash stays in its segment
		{"/clusters/a%2fb", "/clusters/a%2Fb/"},     // hex digits in upper case
		{"/%C3%A9t%C3%A9/%E9%9B%86", "/%C3%A9t%C3%A9/%E9%9B%86/"}, // UTF-8
		{"/a+b", "/a%2Bb/"}, // "+" is no space in a path
		{"/a!$&'()*,;=:@b", "/a%21%24%26%27%28%29%2A%2C%3B%3D%3A%40b/"},
		{"/~user/-_.", "/~user/-_./"},
		{"/%7Euser/%41", "/~user/A/"},   // unreserved characters are decoded
		{"/bad%zz/%", "/bad%25zz/%25/"}, // undecodable segments are encoded as they are
	}
	for _, tt := range tests {
		var b strings.Builder
		writeCanonicalURI(&b, tt.escaped)
		if got := b.String(); got != tt.want {
			t.Errorf("canonical URI of %q = %q, want %q", tt.escaped, got, tt.want)
		}
	}
}

func TestWirePath(t *testing.T) {
	mustParse := func(s string) *url.URL {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tests := []struct {
		name string
		u    *url.URL
		want string
	}{
		{"no path", mustParse("https://h"), ""},
		{"escaped path kept", mustParse("https://h/clusters/a%2Fb%20c"), "/clusters/a%2Fb%20c"},
		{"decoded path escaped", &url.URL{Scheme: "https", Host: "h", Path: "/a b/é"}, "/a%20b/%C3%A9"},
		{"opaque path", &url.URL{Scheme: "https", Host: "h", Opaque: "/x%2Fy"}, "/x%2Fy"},
		{"opaque absolute form", &url.URL{Scheme: "https", Host: "h", Opaque: "//h/p%20q"}, "/p%20q"},
		{"opaque host only", &url.URL{Scheme: "https", Host: "h", Opaque: "//h"}, ""},
	}
	for _, tt := range tests {
		if got := wirePath(tt.u); got != tt.want {
			t.Errorf("%s: wirePath = %q, want %q", tt.name, got, tt.want)
		}
		// Whatever wirePath returns is what the transport puts in the request line.
		if uri := tt.u.RequestURI(); !strings.Contains(uri, tt.want) {
			t.Errorf("%s: RequestURI %q does not hold %q", tt.name, uri, tt.want)
		}
	}
}

func TestWriteCanonicalQuery(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"empty", "", ""},
		{"one pair", "limit=1", "limit=1"},
		{"sorted by key", "offset=0&limit=10", "limit=10&offset=0"},
		{"repeated key sorted by value", "a=2&a=1&a=10", "a=1&a=10&a=2"},
		{"empty values", "a=&b", "a=&b="},
		{"empty key", "=v", "=v"},
		{"empty pairs skipped", "&&a=1&", "a=1"},
		{"plus is a space", "a+b=c+d", "a%20b=c%20d"},
		{"%20 is a space, %2B a plus", "a%20b=%2B", "a%20b=%2B"},
		{"keys needing escape", "k%26ey=v%3Dal&%2Fk=1", "%2Fk=1&k%26ey=v%3Dal"},
		{"lower-case hex", "a=%2f", "a=%2F"},
		// The SDK's own test of its canonicalQueryString.
		{
			"SDK vector",
			url.Values{
				"limit": {"1"}, "enable": {"true"}, "test": {"一 (&=?!#%.*)"},
				"path": {"/tmp/123"}, "multi": {"1", "2", "3"},
			}.Encode(),
			"enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29",
		},
		// Sorted as decoded, like the SDK: "~" sorts before "é", whose encoding starts with "%".
		{"decoded order", "a%C3%A9=1&a~=2", "a~=2&a%C3%A9=1"},
		// url.ParseQuery would drop these pairs; they are sent, so they are signed.
		{"semicolon kept", "a;b=1", "a%3Bb=1"},
		{"bad escape kept", "a=%zz&b=%", "a=%25zz&b=%25"},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeCanonicalQuery(&b, tt.raw)
		if got := b.String(); got != tt.want {
			t.Errorf("%s: canonical query of %q = %q, want %q", tt.name, tt.raw, got, tt.want)
		}
	}
}

func TestCanonicalRequest_firstVector(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://example.huaweicloud.com/path?limit=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Sdk-Date", "20060102T150405Z")
	req.Header["TEST_UNDERSCORE"] = []string{"TEST_VALUE"}
	// The headers block ends with a newline of its own, so a blank line precedes the list.
	want := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	got := canonicalRequest(messageOf(req), signedHeaderNames(req.Header), hexSHA256(nil))
	if got != want {
		t.Errorf("canonical request\n got %q\nwant %q", got, want)
	}
}

func TestCanonicalRequest_headerValues(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "https://h/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header["X-Multi"] = []string{" b ", "\tc", "a  "}
	req.Header["x-multi"] = []string{"0"}
	req.Header.Set("X-Inner", "  keeps  inner  spaces ")
	got := canonicalRequest(messageOf(req), []string{"x-inner", "x-multi"}, "-")
	want := "GET\n/\n\nx-inner:keeps  inner  spaces\nx-multi:0\nx-multi:a\nx-multi:b\nx-multi:c\n\nx-inner;x-multi\n-"
	if got != want {
		t.Errorf("canonical request\n got %q\nwant %q", got, want)
	}
}
