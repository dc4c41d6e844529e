package client

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestDecodeList pins the contract of decodeList, which a faster decoder must keep.
func TestDecodeList(t *testing.T) {
	ok := []struct {
		name, body string
		check      func(t *testing.T, conns int, total int32, extra string)
	}{
		{name: "minimal", body: `{"connections":[],"total_count":0}`},
		{name: "white space around", body: " \n\t{\"connections\":[],\"total_count\":0}\n \r\n"},
		{name: "unknown fields ignored", body: `{"connections":[{"id":"a","status":"accepted","new":{"x":[1]}}],"total_count":1,"later":true}`},
		{name: "update_at null", body: `{"connections":[{"id":"a","status":"accepted","update_at":null}],"total_count":1}`},
		{name: "bad time stamp kept", body: `{"connections":[{"id":"a","status":"accepted","created_at":"soon"}],"total_count":1}`},
		{name: "switch string", body: `{"connections":[],"total_count":0,"vpcepUpdateSwitch":"true"}`},
		{name: "switch bool", body: `{"connections":[],"total_count":0,"vpcepUpdateSwitch":false}`},
		{name: "max int32", body: `{"connections":[],"total_count":2147483647}`},
		{name: "null optional fields are absent", body: `{"connections":[],"total_count":0,"vpcepUpdateSwitch":null,"permissions":null,"vpcServiceName":null}`},
	}
	for _, tt := range ok {
		if _, err := decodeList(strings.NewReader(tt.body), -1); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}

	list, err := decodeList(strings.NewReader(`{"connections":[{"id":"a","status":"accepted","created_at":"soon","update_at":"2024-01-02T03:04:05Z"}],"total_count":7,"vpcepUpdateSwitch":"true","vpcServiceName":"s","permissions":[{"id":"p"}]}`), -1)
	if err != nil {
		t.Fatal(err)
	}
	c := list.Connections[0]
	if list.TotalCount != 7 || !bool(*list.VpcepUpdateSwitch) || *list.VpcServiceName != "s" || len(*list.Permissions) != 1 ||
		c.Id != "a" || c.CreatedAt.Raw != "soon" || !c.CreatedAt.Time.IsZero() || !c.UpdateAt.Time.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("decoded %+v", list)
	}

	bad := []struct{ name, body string }{
		{"empty", ""},
		{"white space", "  \n"},
		{"null", "null"},
		{"array", "[]"},
		{"truncated", `{"connections":[`},
		{"trailing value", `{"connections":[],"total_count":0} {}`},
		{"trailing garbage", `{"connections":[],"total_count":0}x`},
		{"missing connections", `{"total_count":0}`},
		{"null connections", `{"connections":null,"total_count":0}`},
		{"missing total_count", `{"connections":[]}`},
		{"null total_count", `{"connections":[],"total_count":null}`},
		{"total_count string", `{"connections":[],"total_count":"1"}`},
		{"total_count float", `{"connections":[],"total_count":1.5}`},
		{"total_count overflow", `{"connections":[],"total_count":2147483648}`},
		{"connections object", `{"connections":{},"total_count":0}`},
		{"id number", `{"connections":[{"id":1,"status":"accepted"}],"total_count":1}`},
		{"switch other string", `{"connections":[],"total_count":0,"vpcepUpdateSwitch":"yes"}`},
		{"time stamp number", `{"connections":[{"id":"a","status":"accepted","created_at":5}],"total_count":1}`},
	}
	for _, tt := range bad {
		if got, err := decodeList(strings.NewReader(tt.body), -1); err == nil {
			t.Errorf("%s: decoded %+v, want an error", tt.name, got)
		}
	}
}

func TestDecodeList_readError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(`{"connections":[`), readerFunc(func([]byte) (int, error) { return 0, boom }))
	if _, err := decodeList(r, -1); !errors.Is(err, boom) {
		t.Errorf("error = %v, want the reader's", err)
	}
}

func TestDecodeList_readsToTheEnd(t *testing.T) {
	r := strings.NewReader(`{"connections":[],"total_count":0}` + strings.Repeat(" ", 10000))
	if _, err := decodeList(r, -1); err != nil || r.Len() != 0 {
		t.Errorf("error %v, %d bytes left unread", err, r.Len())
	}
}
