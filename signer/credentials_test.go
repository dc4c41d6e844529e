package signer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/signer"
)

func TestNewCredentials_rejects(t *testing.T) {
	tests := []struct{ name, ak, sk string }{
		{"empty access key", "", testSecret},
		{"empty secret key", testAccessKey, ""},
		{"space in access key", "AK 1", testSecret},
		{"comma in access key", "AK,1", testSecret},
		{"newline in access key", "AK\n1", testSecret},
		{"non-ASCII access key", "AKé", testSecret},
		{"secret key of spaces", testAccessKey, "   "},
		{"newline in secret key", testAccessKey, testSecret + "\n"},
		{"NUL in secret key", testAccessKey, "a\x00" + testSecret},
		{"space around secret key", testAccessKey, " " + testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := signer.NewCredentials(tt.ak, tt.sk)
			if err == nil {
				t.Fatal("NewCredentials succeeded")
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
}

// holder stands for a caller's config: fmt cannot call the methods of an unexported field and
// prints its fields by reflection instead.
type holder struct {
	Exported signer.Credentials
	hidden   signer.Credentials
	pointer  *signer.Credentials
}

func TestCredentials_neverPrintTheSecret(t *testing.T) {
	c := testCreds(t)
	h := holder{Exported: c, hidden: c, pointer: &c}

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p"} {
		outputs = append(outputs,
			fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, h), fmt.Sprintf(verb, &h),
			fmt.Sprintf(verb, []signer.Credentials{c}), fmt.Sprintf(verb, map[string]any{"c": c}))
	}
	outputs = append(outputs, c.String(), c.GoString(), fmt.Sprint(c, h), fmt.Sprintln(c, h))

	var text, js bytes.Buffer
	for _, l := range []*slog.Logger{slog.New(slog.NewTextHandler(&text, nil)), slog.New(slog.NewJSONHandler(&js, nil))} {
		l.Info("creds", "c", c, "p", &c, "h", h, "hp", &h, slog.Any("any", c))
	}
	outputs = append(outputs, text.String(), js.String())

	for _, v := range []any{c, &c, h, map[string]any{"c": c}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(b))
	}

	for _, out := range outputs {
		if strings.Contains(out, testSecret) || strings.Contains(out, "abc123") {
			t.Errorf("output leaks the secret: %s", out)
		}
	}

	// And the access key is still there to tell credentials apart.
	if want := "{AccessKey:AK-TEST-0001 SecretKey:[REDACTED]}"; fmt.Sprintf("%+v", c) != want {
		t.Errorf("%%+v = %s, want %s", fmt.Sprintf("%+v", c), want)
	}
	if want := `signer.Credentials{AccessKey:"AK-TEST-0001", SecretKey:"[REDACTED]"}`; fmt.Sprintf("%#v", c) != want {
		t.Errorf("%%#v = %s, want %s", fmt.Sprintf("%#v", c), want)
	}
	if !strings.Contains(text.String(), "c.access_key=AK-TEST-0001 c.secret_key=[REDACTED]") {
		t.Errorf("slog text output = %s", text.String())
	}
	if c.AccessKey() != testAccessKey {
		t.Errorf("AccessKey() = %q", c.AccessKey())
	}
}

func TestCredentials_RequestEditor(t *testing.T) {
	creds := testCreds(t)
	// The editor plugs into the generated client as it is.
	var fixed api.RequestEditorFn = creds.RequestEditor(func() time.Time { return t0 })
	req := newRequest(t, http.MethodGet, "https://h/p", "")
	if err := fixed(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("X-Sdk-Date"); got != "20240506T070809Z" {
		t.Errorf("X-Sdk-Date = %q", got)
	}
	if err := signer.Verify(req, lookup, t0); err != nil {
		t.Errorf("Verify: %v", err)
	}

	before := time.Now().Add(-time.Second)
	req = newRequest(t, http.MethodGet, "https://h/p", "")
	if err := creds.RequestEditor(nil)(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got, err := time.Parse(signer.DateLayout, req.Header.Get("X-Sdk-Date"))
	if err != nil || got.Before(before.Truncate(time.Second)) || got.After(time.Now()) {
		t.Errorf("a nil clock stamped %v (%v), want the current time", got, err)
	}
}
