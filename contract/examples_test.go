package contract_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
)

// flexTime is a time stamp as the generated client decodes raw: the instant and the text.
func flexTime(t *testing.T, raw string) *api.FlexTime {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		t.Fatal(err)
	}
	return &api.FlexTime{Time: tm.UTC(), Raw: raw}
}

// The examples of the spec, served verbatim, pass validation and decode field by field into
// what the pages say they hold.
func TestRoundTripper_specExamplesDecode(t *testing.T) {
	tests := []struct {
		example string
		want    func(t *testing.T) api.ConnectionList
	}{{
		example: api.ExampleSeed,
		want: func(t *testing.T) api.ConnectionList {
			return api.ConnectionList{
				Connections: []api.Connection{{
					Id:                "connectionsID",
					Status:            api.Accepted,
					MaxSession:        ptr("3000"),
					SpecificationName: ptr("default"),
					CreatedAt:         flexTime(t, "2021-09-17T08:00:07Z"),
					UpdateAt:          nil, // null in the example
					DomainId:          ptr("domainID"),
				}},
				VpcepUpdateSwitch: ptr(api.FlexBool(false)), // the string "false" in the example
				TotalCount:        1,
			}
		},
	}, {
		example: api.ExampleCurrent,
		want: func(t *testing.T) api.ConnectionList {
			return api.ConnectionList{
				Connections: []api.Connection{{
					Id:                "54b7f739-31a1-40d0-862b-ac85b83ab2da",
					Status:            api.Accepted,
					MaxSession:        ptr("3000"),
					SpecificationName: ptr("default"),
					VpcepIp:           ptr("192.168.0.122"),
					CreatedAt:         flexTime(t, "2024-06-11T09:36:24Z"),
					UpdateAt:          nil, // absent in the example
					DomainId:          ptr("db9b76a0d9ae431f8e85e89da2ca867c"),
				}, {
					Id:                "e88ad0bc-c2c7-419c-bd9b-a961111f0a42",
					Status:            api.Accepted,
					MaxSession:        ptr("3000"),
					SpecificationName: ptr("default"),
					VpcepIp:           ptr("192.168.0.133"),
					CreatedAt:         flexTime(t, "2023-10-12T07:33:16Z"),
					DomainId:          ptr("db9b76a0d9ae431f8e85e89da2ca867c"),
				}},
				VpcepUpdateSwitch: ptr(api.FlexBool(false)),
				TotalCount:        2,
				VpcServiceName:    ptr("cn-north-4.css-op-no-delete.cf072729-b076-49db-83d3-020dc9f589bd"),
				Permissions: &[]api.Permission{{
					Id:             ptr("432a6429-f377-4168-8b24-feb5885af08c"),
					Permission:     ptr("iam:domain::db9b76a0d9ae431f8e85e89da2ca867c"),
					PermissionType: ptr(api.DomainId),
					CreatedAt:      flexTime(t, "2023-10-12T07:33:11Z"),
				}},
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			srv := serve(t, jsonReply(example(t, tt.example)))
			client := newClient(t, srv.URL, validating(t)) // fails the call on any problem

			resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
				t.Fatalf("status %d, JSON200 %v; body %s", resp.StatusCode(), resp.JSON200, resp.Body)
			}
			if diff := cmp.Diff(tt.want(t), *resp.JSON200); diff != "" {
				t.Errorf("decoded list (-want +got):\n%s", diff)
			}
		})
	}
}

// The forms the deviations allow decode and validate.
func TestRoundTripper_variantsDecode(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02T15:04:05.999999999Z07:00", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name  string
		conn  string // fields added to a connection {"id":"a","status":"accepted"}
		list  string // fields added to the list
		check func(t *testing.T, l *api.ConnectionList)
	}{{
		name: "zone-less created_at is UTC",
		conn: `"created_at":"2021-09-17T08:00:07"`,
		check: func(t *testing.T, l *api.ConnectionList) {
			got := l.Connections[0].CreatedAt
			if got == nil || !got.Time.Equal(utc("2021-09-17T08:00:07Z")) || got.Time.Location() != time.UTC || got.Raw != "2021-09-17T08:00:07" {
				t.Errorf("created_at = %#v, want 2021-09-17T08:00:07 UTC with the raw text kept", got)
			}
		},
	}, {
		name: "fractional seconds with an offset",
		conn: `"created_at":"2021-09-17T10:00:07.250+02:00"`,
		check: func(t *testing.T, l *api.ConnectionList) {
			if got := l.Connections[0].CreatedAt; got == nil || !got.Time.Equal(utc("2021-09-17T08:00:07.25Z")) {
				t.Errorf("created_at = %#v", got)
			}
		},
	}, {
		name: "update_at absent",
		check: func(t *testing.T, l *api.ConnectionList) {
			if got := l.Connections[0].UpdateAt; got != nil {
				t.Errorf("update_at = %#v, want nil", got)
			}
		},
	}, {
		name: "update_at null",
		conn: `"update_at":null`,
		check: func(t *testing.T, l *api.ConnectionList) {
			if got := l.Connections[0].UpdateAt; got != nil {
				t.Errorf("update_at = %#v, want nil", got)
			}
		},
	}, {
		name: "update_at a time",
		conn: `"update_at":"2021-09-18T10:00:00Z"`,
		check: func(t *testing.T, l *api.ConnectionList) {
			if got := l.Connections[0].UpdateAt; got == nil || !got.Time.Equal(utc("2021-09-18T10:00:00Z")) {
				t.Errorf("update_at = %#v", got)
			}
		},
	}, {
		name: "vpcepUpdateSwitch true",
		list: `"vpcepUpdateSwitch":true`,
		check: func(t *testing.T, l *api.ConnectionList) {
			if got := l.VpcepUpdateSwitch; got == nil || !*got {
				t.Errorf("vpcepUpdateSwitch = %v, want true", got)
			}
		},
	}, {
		name: `vpcepUpdateSwitch "true"`,
		list: `"vpcepUpdateSwitch":"true"`,
		check: func(t *testing.T, l *api.ConnectionList) {
			if got := l.VpcepUpdateSwitch; got == nil || !*got {
				t.Errorf("vpcepUpdateSwitch = %v, want true", got)
			}
		},
	}, {
		name: "IPv6 address and DNS name",
		conn: `"vpcepIpv6Address":"2001:db8::7","vpcepDnsName":"vpcep.example.internal"`,
		check: func(t *testing.T, l *api.ConnectionList) {
			c := l.Connections[0]
			if c.VpcepIpv6Address == nil || *c.VpcepIpv6Address != "2001:db8::7" || c.VpcepDnsName == nil {
				t.Errorf("connection = %+v", c)
			}
		},
	}, {
		name: "no connections",
		list: `"connections":[]`,
		check: func(t *testing.T, l *api.ConnectionList) {
			if len(l.Connections) != 0 {
				t.Errorf("connections = %v", l.Connections)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, jsonReply(listJSON(tt.conn, tt.list)))
			client := newClient(t, srv.URL, validating(t))
			resp, err := client.ShowVpcepConnectionWithResponse(context.Background(), "p1", "c1", nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.JSON200 == nil {
				t.Fatalf("status %d; body %s", resp.StatusCode(), resp.Body)
			}
			tt.check(t, resp.JSON200)
		})
	}
}

// listJSON is a page with one connection {"id":"a","status":"accepted"} plus conn's fields, and
// list's fields (which replace connections when they name it).
func listJSON(conn, list string) string {
	c := `{"id":"a","status":"accepted"`
	if conn != "" {
		c += "," + conn
	}
	c += "}"
	l := `{"total_count":1`
	if list != "" {
		l += "," + list
	}
	if !strings.Contains(list, `"connections"`) {
		l += `,"connections":[` + c + `]`
	}
	return l + "}"
}
