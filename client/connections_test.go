package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
)

func TestClient_ListConnections_seedExample(t *testing.T) {
	f := setup(t)
	body := specExample(t, api.ExampleSeed)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-seed")
		writeRaw(w, http.StatusOK, "application/json", string(body))
	})

	got, err := f.client.ListConnections(context.Background(), testCluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &Page{
		Connections: []Connection{{
			ID:                "connectionsID",
			Status:            StatusAccepted,
			MaxSession:        "3000",
			SpecificationName: "default",
			DomainID:          "domainID",
			Created:           mustTime(t, "2021-09-17T08:00:07Z"),
			CreatedText:       "2021-09-17T08:00:07Z",
		}},
		UpdateSwitch: false, // the string "false"
		TotalCount:   1,
		RequestID:    "req-seed",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	if !got.Connections[0].Updated.IsZero() {
		t.Errorf("Updated = %v, want the zero time for update_at null", got.Connections[0].Updated)
	}
	if n, err := got.Connections[0].MaxSessionInt(); n != 3000 || err != nil {
		t.Errorf("MaxSessionInt() = %d, %v; want 3000", n, err)
	}
}

func TestClient_ListConnections_currentExample(t *testing.T) {
	f := setup(t)
	body := specExample(t, api.ExampleCurrent)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", string(body))
	})

	got, err := f.client.ListConnections(context.Background(), testCluster, &ListOptions{Offset: 0, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := &Page{
		Connections: []Connection{{
			ID:                "54b7f739-31a1-40d0-862b-ac85b83ab2da",
			Status:            StatusAccepted,
			MaxSession:        "3000",
			SpecificationName: "default",
			DomainID:          "db9b76a0d9ae431f8e85e89da2ca867c",
			IP:                "192.168.0.122",
			Created:           mustTime(t, "2024-06-11T09:36:24Z"),
			CreatedText:       "2024-06-11T09:36:24Z",
		}, {
			ID:                "e88ad0bc-c2c7-419c-bd9b-a961111f0a42",
			Status:            StatusAccepted,
			MaxSession:        "3000",
			SpecificationName: "default",
			DomainID:          "db9b76a0d9ae431f8e85e89da2ca867c",
			IP:                "192.168.0.133",
			Created:           mustTime(t, "2023-10-12T07:33:16Z"),
			CreatedText:       "2023-10-12T07:33:16Z",
		}},
		Permissions: []Permission{{
			ID:          "432a6429-f377-4168-8b24-feb5885af08c",
			Permission:  "iam:domain::db9b76a0d9ae431f8e85e89da2ca867c",
			Type:        "domainId",
			Created:     mustTime(t, "2023-10-12T07:33:11Z"),
			CreatedText: "2023-10-12T07:33:11Z",
		}},
		UpdateSwitch: false,
		ServiceName:  "cn-north-4.css-op-no-delete.cf072729-b076-49db-83d3-020dc9f589bd",
		TotalCount:   2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
}

func TestClient_ListConnections_allFields(t *testing.T) {
	f := setup(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{
			"connections": [{
				"id": "a", "status": "rejected", "maxSession": "10", "specificationName": "s",
				"created_at": "2024-01-02T03:04:05", "update_at": "2024-02-03T04:05:06.5+01:00",
				"domain_id": "d", "vpcepIp": "10.0.0.1", "vpcepIpv6Address": "2001:db8::1",
				"vpcepDnsName": "x.example"
			}],
			"vpcepUpdateSwitch": "true", "total_count": 1, "vpcServiceName": "svc", "permissions": []
		}`)
	})
	got := f.list(nil)
	want := &Page{
		Connections: []Connection{{
			ID: "a", Status: StatusRejected, MaxSession: "10", SpecificationName: "s",
			DomainID: "d", IP: "10.0.0.1", IPv6: "2001:db8::1", DNSName: "x.example",
			Created:     time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
			CreatedText: "2024-01-02T03:04:05",
			Updated:     time.Date(2024, 2, 3, 3, 5, 6, 5e8, time.UTC),
			UpdatedText: "2024-02-03T04:05:06.5+01:00",
		}},
		Permissions:  []Permission{},
		UpdateSwitch: true,
		ServiceName:  "svc",
		TotalCount:   1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
}

func TestClient_ListConnections_updateSwitchBoolean(t *testing.T) {
	f := setup(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{"connections":[],"total_count":0,"vpcepUpdateSwitch":true}`)
	})
	got := f.list(nil)
	if !got.UpdateSwitch {
		t.Error("UpdateSwitch = false, want true")
	}
}

func TestClient_ListConnections_badTimestampKeepsText(t *testing.T) {
	f := setupViolating(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{"connections":[{"id":"a","status":"accepted","created_at":"yesterday"}],"total_count":1}`)
	})
	got := f.list(nil)
	c := got.Connections[0]
	if !c.Created.IsZero() || c.CreatedText != "yesterday" {
		t.Errorf("Created, CreatedText = %v, %q; want the zero time and the text as received", c.Created, c.CreatedText)
	}
	if len(f.problems()) != 1 {
		t.Errorf("the validator reported %d problems, want 1 (created_at)", len(f.problems()))
	}
}

func TestClient_ListConnections_unknownStatusPassesThrough(t *testing.T) {
	f := setupViolating(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, "application/json", `{"connections":[{"id":"a","status":"pendingAcceptance"}],"total_count":1}`)
	})
	got := f.list(nil)
	if got.Connections[0].Status != "pendingAcceptance" {
		t.Errorf("Status = %q", got.Connections[0].Status)
	}
}

func TestClient_ListConnections_sendsQuery(t *testing.T) {
	tests := []struct {
		opts      *ListOptions
		wantQuery string
	}{
		{nil, ""},
		{&ListOptions{}, ""},
		{&ListOptions{Offset: 5}, "offset=5"},
		{&ListOptions{Limit: 7}, "limit=7"},
		{&ListOptions{Offset: MaxOffset, Limit: MaxPageSize}, "limit=1000&offset=1000"},
	}
	for _, tt := range tests {
		f := setup(t)
		var got string
		f.handle(func(w http.ResponseWriter, r *http.Request) {
			got = r.URL.Query().Encode()
			writeJSON(w, http.StatusOK, pageOf(0))
		})
		if _, err := f.client.ListConnections(context.Background(), testCluster, tt.opts); err != nil {
			t.Fatal(err)
		}
		if got != tt.wantQuery {
			t.Errorf("ListConnections(%+v) sent query %q, want %q", tt.opts, got, tt.wantQuery)
		}
	}
}

func TestClient_ListConnections_rejectsOptionsOutOfRange(t *testing.T) {
	tests := []struct {
		opts ListOptions
		name string
		want string
	}{
		{ListOptions{Offset: -1}, "ListOptions.Offset", "client: ListConnections: ListOptions.Offset is -1, out of the documented range 0-1000"},
		{ListOptions{Offset: 1001}, "ListOptions.Offset", "client: ListConnections: ListOptions.Offset is 1001, out of the documented range 0-1000"},
		{ListOptions{Limit: -1}, "ListOptions.Limit", "client: ListConnections: ListOptions.Limit is -1, out of the documented range 1-1000"},
		{ListOptions{Limit: 1001}, "ListOptions.Limit", "client: ListConnections: ListOptions.Limit is 1001, out of the documented range 1-1000"},
	}
	f := setup(t)
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, pageOf(0)) })
	for _, tt := range tests {
		_, err := f.client.ListConnections(context.Background(), testCluster, &tt.opts)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ListConnections(%+v) = %v, want an error starting %q", tt.opts, err, tt.want)
		}
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Func != "ListConnections" || ae.Name != tt.name {
			t.Errorf("ListConnections(%+v): errors.As found %+v, want an *ArgumentError named %s", tt.opts, ae, tt.name)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests were sent for invalid options", hits.Load())
	}
}

func TestClient_ListConnections_nilContext(t *testing.T) {
	f := setup(t)
	//nolint:staticcheck // a nil context is what is tested
	_, err := f.client.ListConnections(nil, testCluster, nil)
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Name != "ctx" || err.Error() != "client: ListConnections: ctx is nil" {
		t.Errorf("ListConnections(nil ctx) = %v, want an *ArgumentError naming ctx", err)
	}
	for _, err := range f.client.AllPages(nil, testCluster) { //nolint:staticcheck // a nil context is what is tested
		if !errors.As(err, &ae) || err.Error() != "client: AllPages: ctx is nil" {
			t.Errorf("AllPages(nil ctx) yielded %v", err)
		}
	}
	for _, err := range f.client.AllConnections(nil, testCluster) { //nolint:staticcheck // a nil context is what is tested
		if !errors.As(err, &ae) || err.Error() != "client: AllConnections: ctx is nil" {
			t.Errorf("AllConnections(nil ctx) yielded %v", err)
		}
	}
}

func TestClient_ListConnections_responseErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"invalid JSON", `{"connections": [`, "unexpected end of JSON input"},
		{"HTML", `<html>oops</html>`, "invalid character"},
		{"wrong type", `{"connections": [], "total_count": "1"}`, "total_count"},
		{"missing connections", `{"total_count": 0}`, "connections is missing or null"},
		{"missing total_count", `{"connections": []}`, "total_count is missing or null"},
		{"negative total_count", `{"connections": [], "total_count": -1}`, "total_count -1 is negative"},
		{"connection without id", `{"connections": [{"status": "accepted"}], "total_count": 1}`, "connections[0].id is missing or empty"},
		{"connection without status", `{"connections": [{"id": "a"}], "total_count": 1}`, "connections[0].status is missing or empty"},
		{"bad switch", `{"connections": [], "total_count": 0, "vpcepUpdateSwitch": "yes"}`, "vpcepUpdateSwitch"},
		{"empty", ``, "the body is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setupViolating(t)
			hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-bad")
				writeRaw(w, http.StatusOK, "application/json", tt.body)
			})
			_, err := f.client.ListConnections(context.Background(), testCluster, nil)
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("error = %v (%T), want a *ResponseError", err, err)
			}
			if re.StatusCode != http.StatusOK || re.RequestID != "req-bad" || re.Operation != "ShowVpcepConnection" {
				t.Errorf("ResponseError = %+v", re)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "req-bad") {
				t.Errorf("error %q does not mention %q and the request id", err, tt.want)
			}
			if hits.Load() != 1 {
				t.Errorf("%d requests, want 1: a response that breaks the spec is not retried", hits.Load())
			}
			if IsRetryable(err) {
				t.Error("IsRetryable = true")
			}
			if len(f.problems()) == 0 && tt.name != "connection without id" && tt.name != "connection without status" && tt.name != "negative total_count" {
				t.Error("the contract validator saw no problem")
			}
		})
	}
}

func TestClient_ListConnections_otherSuccessStatus(t *testing.T) {
	f := setupViolating(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	_, err := f.client.ListConnections(context.Background(), testCluster, nil)
	var re *ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusNoContent {
		t.Fatalf("error = %v, want a *ResponseError for 204", err)
	}
}

func TestConnection_MaxSessionInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr string
	}{
		{"3000", 3000, ""},
		{"0", 0, ""},
		{"", 0, `client: connection "c" has no maxSession`},
		{"lots", 0, `client: connection "c": maxSession "lots" is not a number`},
		{"3e3", 0, `maxSession "3e3" is not a number`},
		{"99999999999999999999999", 0, "is not a number"},
	}
	for _, tt := range tests {
		got, err := Connection{ID: "c", MaxSession: tt.in}.MaxSessionInt()
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("MaxSessionInt(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("MaxSessionInt(%q) error = %v, want %q", tt.in, err, tt.wantErr)
		}
	}
	// The ID and the value are the server's: each is quoted to at most 64 bytes, however long
	// (a 1 MiB ID and a 1 MiB maxSession once made a 2 MB error).
	long := strings.Repeat("9", 1<<20) + "x"
	_, err := Connection{ID: strings.Repeat("i", 1<<20), MaxSession: long}.MaxSessionInt()
	if err == nil {
		t.Fatal("MaxSessionInt of a 1 MiB non-number: no error")
	}
	if n := len(err.Error()); n > 256 {
		t.Errorf("MaxSessionInt of 1 MiB values: an error of %d bytes, want at most 256", n)
	}
}
