package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/pagegen"
)

// BenchmarkBodyCheck compares, for the 200 response of ShowVpcepConnection, kin-openapi's
// validation of a body with the body check's: the whole ValidateResponse (status, headers,
// Content-Type, decoding and VisitJSON, as checkResponse calls it), its body part alone
// (encoding/json with UseNumber, then VisitJSON) and the body check. The bodies: the spec's
// current example (780 bytes), a page of 1,000 connections built as client's benchmarks build
// it (232 kB), and 1 MB of empty connections, each missing id and status (2 problems per 3
// bytes), of which the body check keeps 100.
func BenchmarkBodyCheck(b *testing.B) {
	r := spec200(b)
	bc, err := compileBody(r.mt.Schema, bodyFormats{strings: contractFormats()})
	if err != nil {
		b.Fatal(err)
	}
	example, err := api.Example(api.ExampleCurrent)
	if err != nil {
		b.Fatal(err)
	}
	s, err := loadSpec()
	if err != nil {
		b.Fatal(err)
	}
	for _, body := range []struct {
		name string
		data []byte
	}{
		{"doc-example", example},
		{"page-1000", pageBody(1000)},
		{"hostile-1MB", hostileBody(1 << 20)},
	} {
		b.Run("body="+body.name+"/impl=kin-ValidateResponse", func(b *testing.B) {
			opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, SchemaValidationOptions: s.formats,
				AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
			req := httptest.NewRequest(http.MethodGet, "http://css.test/", nil)
			in := &openapi3filter.RequestValidationInput{Request: req, Route: r.route, Options: opts}
			b.SetBytes(int64(len(body.data)))
			b.ReportAllocs()
			for b.Loop() {
				rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200,
					Header: http.Header{"Content-Type": {"application/json"}}, Options: opts}
				rin.SetBodyBytes(body.data)
				_ = openapi3filter.ValidateResponse(context.Background(), rin)
			}
		})
		b.Run("body="+body.name+"/impl=kin-body", func(b *testing.B) {
			opts := append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, s.formats...)
			opts = append(opts, openapi3.VisitAsResponse())
			b.SetBytes(int64(len(body.data)))
			b.ReportAllocs()
			for b.Loop() {
				dec := json.NewDecoder(bytes.NewReader(body.data))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					b.Fatal(err)
				}
				_ = r.mt.Schema.Value.VisitJSON(v, opts...)
			}
		})
		b.Run("body="+body.name+"/impl=bodycheck", func(b *testing.B) {
			b.SetBytes(int64(len(body.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, err := bc.check(body.data, 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// spec200 is the 200 response of ShowVpcepConnection.
func spec200(tb testing.TB) specResponse {
	tb.Helper()
	rs, err := specResponses()
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rs {
		if r.name == "ShowVpcepConnection/200" {
			return r
		}
	}
	tb.Fatal("no 200 response of ShowVpcepConnection")
	return specResponse{}
}

// pageBody is a page of n connections, the one client's benchmarks measure (pagegen.Body).
func pageBody(n int) []byte { return pagegen.Body(0, n, n) }

// hostileBody is a 200 body of about size bytes: {"connections":[{},{},…],"total_count":0},
// every connection missing id and status.
func hostileBody(size int) []byte {
	b := make([]byte, 0, size+40)
	b = append(b, `{"connections":[{}`...)
	for len(b) < size {
		b = append(b, ",{}"...)
	}
	return append(b, `],"total_count":0}`...)
}
