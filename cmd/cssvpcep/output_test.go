package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

// odd is a page with what the service may send but the examples do not: unparseable and
// fractional time stamps, both kinds of addresses, characters that would break a table, an
// empty list of permissions.
func odd() *listing {
	created := time.Date(2024, 6, 11, 9, 36, 24, 500_000_000, time.UTC)
	return &listing{
		page: &client.Page{TotalCount: 3, UpdateSwitch: true, Permissions: []client.Permission{}},
		conns: []client.Connection{
			{ID: "a", Status: client.StatusAccepted, IP: "10.0.0.1", IPv6: "fd00::1", Created: created, CreatedText: "2024-06-11T11:36:24.5+02:00"},
			{ID: "b\tc\x1b[31m", Status: "pending\u202e", CreatedText: "yesterday", DNSName: "b.example"},
		},
		offset: 1,
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeTable(&b, odd()); err != nil {
		t.Fatal(err)
	}
	want := `ID        STATUS    MAX SESSIONS  SPECIFICATION  IP                CREATED               UPDATED  DOMAIN
a         accepted  -             -              10.0.0.1,fd00::1  2024-06-11T09:36:24Z  -        -
b?c?[31m  pending?  -             -              -                 yesterday             -        -

VPC endpoint switch: on   service: -   2 of 3 connections, from offset 1
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeJSON(&b, odd()); err != nil {
		t.Fatal(err)
	}
	want := `{
  "connections": [
    {
      "id": "a",
      "status": "accepted",
      "vpcepIp": "10.0.0.1",
      "vpcepIpv6Address": "fd00::1",
      "created_at": "2024-06-11T09:36:24.5Z"
    },
    {
      "id": "b\tc\u001b[31m",
      "status": "pending<RLO>",
      "vpcepDnsName": "b.example",
      "created_at": "yesterday"
    }
  ],
  "vpcepUpdateSwitch": true,
  "total_count": 3,
  "permissions": []
}
`
	want = strings.ReplaceAll(want, "<RLO>", "\u202e") // JSON escapes control characters only
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	conns := make([]client.Connection, 10)
	for _, tc := range []struct {
		l    listing
		want string
	}{
		{listing{conns: conns[:2], page: &client.Page{TotalCount: 2}}, "2 of 2 connections"},
		{listing{conns: conns, page: &client.Page{TotalCount: 25}}, "10 of 25 connections (more with --offset and --limit, or --all)"},
		{listing{conns: conns[:5], page: &client.Page{TotalCount: 25}, offset: 20}, "5 of 25 connections, from offset 20"},
		{listing{conns: nil, page: &client.Page{TotalCount: 2}, offset: 5}, "0 of 2 connections, from offset 5"},
		{listing{conns: conns[:0], page: &client.Page{}, all: true}, "0 of 0 connections"},
	} {
		if got := count(&tc.l); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// In-process against the emulator, with the environment and flags mixed.
func TestConnections_inProcess(t *testing.T) {
	t.Parallel()
	ts := emulator.NewTestServer(t, emulator.WithAccessKey(testAK, testSK), emulator.WithSynthetic("other-project", "empty", 0))
	env := map[string]string{
		client.EnvRegion:    "eu-de", // --endpoint wins
		client.EnvProjectID: "not-this-one",
		client.EnvAccessKey: testAK,
		client.EnvSecretKey: testSK,
	}
	r := runInProcess(t, env, "connections", "--endpoint", ts.URL, "--project-id", emulator.DefaultProjectID, "--cluster-id", emulator.DefaultClusterID)
	wantCode(t, r, exitOK)
	if r.stdout != readGolden(t, "connections-table") {
		t.Errorf("stdout:\n%s", r.stdout)
	}

	r = runInProcess(t, env, "connections", "--endpoint", ts.URL+"/", "--project-id", "other-project", "--cluster-id", "empty", "--all")
	wantCode(t, r, exitOK)
	if want := "ID  STATUS  MAX SESSIONS  SPECIFICATION  IP  CREATED  UPDATED  DOMAIN\n\nVPC endpoint switch: on   service: eu-de.css-emulator.synthetic   0 of 0 connections\n"; r.stdout != want {
		t.Errorf("got:\n%s\nwant:\n%s", r.stdout, want)
	}

	r = runInProcess(t, env, "connections", "--endpoint", ts.URL, "--project-id", "other-project", "--cluster-id", "empty", "-o", "json")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"connections": [],`) {
		t.Errorf("an empty list is not []:\n%s", r.stdout)
	}
}
