package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const value = "tok-SECRET-4d2e"

// Every way of printing a Secret, alone or inside a struct (exported or not), shows the
// placeholder and never the value; Reveal gives the value back.
func TestSecret_neverPrints(t *testing.T) {
	s := New(value)
	holder := struct {
		Exported   Secret
		unexported Secret
		Ptr        *Secret
	}{s, s, &s}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T", "%10.3v", "%-8s"} {
		out = append(out, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, &holder))
	}
	for _, v := range []any{s, holder} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Info("config", "secret", s, "holder", holder)
	}
	out = append(out, logs.String())
	all := strings.Join(out, "\n")
	if strings.Contains(all, value) || strings.Contains(all, fmt.Sprintf("%x", value)) {
		t.Fatalf("the secret leaked:\n%s", all)
	}
	if !strings.Contains(all, Placeholder) {
		t.Fatalf("no placeholder in:\n%s", all)
	}
	if got := s.Reveal(); got != value {
		t.Errorf("Reveal() = %q", got)
	}
	if got := (Secret{}).Reveal(); got != "" {
		t.Errorf("zero Reveal() = %q", got)
	}
}
