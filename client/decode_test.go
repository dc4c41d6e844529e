package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
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
		if _, _, err := decodeList([]byte(tt.body), MaxPageSize); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}

	list, _, err := decodeList([]byte(`{"connections":[{"id":"a","status":"accepted","created_at":"soon","update_at":"2024-01-02T03:04:05Z"}],"total_count":7,"vpcepUpdateSwitch":"true","vpcServiceName":"s","permissions":[{"id":"p"}]}`), MaxPageSize)
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
		if got, _, err := decodeList([]byte(tt.body), MaxPageSize); err == nil {
			t.Errorf("%s: decoded %+v, want an error", tt.name, got)
		}
	}
}

func TestReadBody_readError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(`{"connections":[`), readerFunc(func([]byte) (int, error) { return 0, boom }))
	if _, _, err := readBody(r, -1, 1<<20); !errors.Is(err, boom) {
		t.Errorf("error = %v, want the reader's", err)
	}
}

func TestReadBody_readsToTheEnd(t *testing.T) {
	r := strings.NewReader(`{"connections":[],"total_count":0}` + strings.Repeat(" ", 10000))
	data, release, err := readBody(r, -1, 1<<20)
	defer release()
	if err != nil || r.Len() != 0 || len(data) != 10034 {
		t.Errorf("error %v, %d bytes read, %d left unread", err, len(data), r.Len())
	}
}

// TestReadBody_contentLengthDoesNotSizeTheBuffer: the Content-Length is the server's word, not
// bytes received. A body announcing any length up to the limit (the largest int64 among them,
// which once overflowed the buffer's size and panicked) costs no more than maxPresize before
// its bytes arrive.
func TestReadBody_contentLengthDoesNotSizeTheBuffer(t *testing.T) {
	for _, announced := range []int64{math.MaxInt64, 1 << 40, 16 << 30, 5 << 20} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		data, release, err := readBody(strings.NewReader(`{"connections":[],"total_count":0}`), announced, math.MaxInt64)
		runtime.ReadMemStats(&after)
		if err != nil || string(data) != `{"connections":[],"total_count":0}` {
			t.Errorf("Content-Length %d: %q, %v", announced, data, err)
		}
		release()
		// The pool may hand out a buffer that already has room; a fresh one is maxPresize
		// plus bytes.MinRead. Anything near the announced length would be far above this.
		if got := after.TotalAlloc - before.TotalAlloc; got > 2*allocFactor*maxPresize {
			t.Errorf("Content-Length %d: %d bytes allocated before the body arrived", announced, got)
		}
	}
	if _, _, err := readBody(strings.NewReader("{}"), 1<<40, 1<<20); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("Content-Length over the limit: %v, want ErrResponseTooLarge", err)
	}
}

// TestDecodeList_morePagesThanAskedFor: a page with more connections than the limit is refused,
// naming both numbers, before the connections are decoded.
func TestDecodeList_moreConnectionsThanAskedFor(t *testing.T) {
	body := `{"connections":[{"id":"a","status":"accepted"},{"id":"b","status":"accepted"},{"id":"c","status":"accepted"}],"total_count":3}`
	if _, _, err := decodeList([]byte(body), 3); err != nil {
		t.Fatalf("3 of 3: %v", err)
	}
	_, _, err := decodeList([]byte(body), 2)
	if err == nil || err.Error() != "the page holds 3 connections, more than the 2 asked for" {
		t.Errorf("3 of 2: %v", err)
	}
}

func TestCountElements(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`[]`, 0},
		{"[ \n\t ]", 0},
		{`[{}]`, 1},
		{`[{},{}]`, 2},
		{`[{"a":[1,2,3],"b":{"c":[{},{}]}}, {}]`, 2},
		{`["a,b", "[", "]", "\",\"", "{"]`, 5},
		{`[1,2,3]`, 3},
		{`[null]`, 1},
		{`["x\\", "y"]`, 2},         // an escaped backslash, then the closing quote
		{`["x\\\"", "y"]`, 2},       // a backslash, an escaped quote, the closing quote
		{`["\\\\", ",", "\\,"]`, 3}, // two backslashes
		{`[{"a":"]"},{"b":"}"}]`, 2},
		{`["unclosed`, 1},
	}
	for _, tt := range tests {
		got, err := countElements([]byte(tt.in))
		if err != nil || got != tt.want {
			t.Errorf("countElements(%s) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
}

// TestDecodeList_errorFieldsIn200: a 200 whose body carries a CSS error code gives the code
// back instead of a page.
func TestDecodeList_errorFieldsIn200(t *testing.T) {
	list, f, err := decodeList([]byte(`{"errCode":"CSS.0011","externalMessage":"busy"}`), MaxPageSize)
	if err != nil || list != nil || f.Code() == "" || *f.ErrCode != "CSS.0011" {
		t.Errorf("list %v, fields %+v, error %v", list, f, err)
	}
}

// TestDecodeList_boundedErrors: a decoder's error quotes the value it could not decode; the
// error the client returns is bounded whatever the body.
func TestDecodeList_boundedErrors(t *testing.T) {
	for _, body := range []string{
		`{"connections":[],"total_count":` + strings.Repeat("9", 1<<20) + `}`,
		`{"connections":[{"id":"` + strings.Repeat("x", 1<<20) + `","status":5}],"total_count":1}`,
		`{"connections":[],"total_count":0}` + strings.Repeat("x", 1<<20),
	} {
		_, _, err := decodeList([]byte(body), MaxPageSize)
		if err == nil || len(err.Error()) > maxErrorText+10 {
			t.Errorf("%.40s…: error of %d bytes: %.200v", body, len(fmt.Sprint(err)), err)
		}
	}
}

// TestCountElements_matchesDecoding: the count is the number of elements encoding/json decodes,
// for arrays of strings with every tricky character around quotes and backslashes.
func TestCountElements_matchesDecoding(t *testing.T) {
	pieces := []string{`a`, `\\`, `\"`, `,`, `[`, `]`, `{`, `}`, `\u0022`, ` `, `\n`}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var elems []string
		for range rng.IntN(6) {
			var b strings.Builder
			for range rng.IntN(8) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			elems = append(elems, `"`+b.String()+`"`)
		}
		arr := "[" + strings.Join(elems, ",") + "]"
		var decoded []json.RawMessage
		if err := json.Unmarshal([]byte(arr), &decoded); err != nil {
			t.Fatalf("%s: %v", arr, err)
		}
		if n, err := countElements([]byte(arr)); err != nil || n != len(decoded) {
			t.Fatalf("countElements(%s) = %d, %v; encoding/json decodes %d", arr, n, err, len(decoded))
		}
	}
}
