package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cssvpcep/cssvpcep/api"
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

// pageBody is a page of n connections with every field of the example, as client's
// benchmarks build it (client/bench_test.go): one in three rejected, a tenth with a zone-less
// update_at and a tenth with a zoned one, three whitelist entries.
func pageBody(n int) []byte {
	owners := []string{"db9b76a0d9ae431f8e85e89da2ca867c", "5c1e0b1d7f2a4e6b9a8d3c2f1e0d9c8b", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}
	base := time.Date(2023, 10, 12, 7, 33, 16, 0, time.UTC)
	ptr := func(s string) *string { return &s }
	sw := api.FlexBool(false)
	list := api.ConnectionList{
		Connections:       make([]api.Connection, 0, n),
		TotalCount:        int32(n),
		VpcServiceName:    ptr("cn-north-4.css-op-no-delete.cf072729-b076-49db-83d3-020dc9f589bd"),
		VpcepUpdateSwitch: &sw,
	}
	for i := range n {
		c := api.Connection{
			Id:                fmt.Sprintf("%08x-31a1-40d0-862b-%012x", 0x54b7f739+i, 0xac85b83ab2da+i*7919),
			Status:            api.Accepted,
			MaxSession:        ptr("3000"),
			SpecificationName: ptr("default"),
			VpcepIp:           ptr(fmt.Sprintf("192.168.%d.%d", i/254%256, 1+i%254)),
			CreatedAt:         &api.FlexTime{Raw: base.Add(time.Duration(i*3607) * time.Second).Format(time.RFC3339)},
			DomainId:          ptr(owners[i%len(owners)]),
		}
		if i%3 == 2 {
			c.Status = api.Rejected
		}
		switch i % 10 {
		case 4:
			c.UpdateAt = &api.FlexTime{Raw: base.Add(time.Duration(i*7211) * time.Second).Format("2006-01-02T15:04:05")}
		case 7:
			c.UpdateAt = &api.FlexTime{Raw: base.Add(time.Duration(i*7211) * time.Second).Format(time.RFC3339)}
		}
		list.Connections = append(list.Connections, c)
	}
	perms := make([]api.Permission, 0, len(owners))
	for i, o := range owners {
		pt := api.DomainId
		perms = append(perms, api.Permission{
			Id:             ptr(fmt.Sprintf("432a6429-f377-4168-8b24-feb5885af0%02x", i)),
			Permission:     ptr("iam:domain::" + o),
			PermissionType: &pt,
			CreatedAt:      &api.FlexTime{Raw: "2023-10-12T07:33:11Z"},
		})
	}
	list.Permissions = &perms
	data, err := json.Marshal(list)
	if err != nil {
		panic(err)
	}
	return data
}

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
