package api

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFlexBool_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		in   string
		want FlexBool
	}{
		{"true", true},
		{"false", false},
		{`"true"`, true},
		{`"false"`, false},
		{" true ", true},
	}
	for _, tt := range tests {
		got := !tt.want
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Unmarshal(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFlexBool_UnmarshalJSON_rejects(t *testing.T) {
	for _, in := range []string{`"yes"`, `"TRUE"`, `1`, `0`, `null`, `""`, `{}`, `[true]`, `"true "`} {
		var b FlexBool
		err := json.Unmarshal([]byte(in), &b)
		if err == nil {
			t.Errorf("Unmarshal(%s) succeeded with %v, want an error", in, b)
			continue
		}
		if !strings.Contains(err.Error(), "vpcepUpdateSwitch") {
			t.Errorf("Unmarshal(%s) error %q does not name the field", in, err)
		}
	}
}

func TestFlexBool_UnmarshalJSON_quotesLongValues(t *testing.T) {
	in := `"` + strings.Repeat("x", 500) + `"`
	var b FlexBool
	err := json.Unmarshal([]byte(in), &b)
	if err == nil {
		t.Fatal("Unmarshal succeeded, want an error")
	}
	if len(err.Error()) > 200 {
		t.Errorf("error is %d bytes long, want a short excerpt: %q", len(err.Error()), err)
	}
}

func TestFlexBool_MarshalJSON(t *testing.T) {
	for _, b := range []FlexBool{true, false} {
		got, err := json.Marshal(struct {
			S FlexBool `json:"s"`
		}{b})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"s":` + map[FlexBool]string{true: "true", false: "false"}[b] + `}`
		if string(got) != want {
			t.Errorf("Marshal(%v) = %s, want %s", b, got, want)
		}
	}
}

func TestFlexBool_behavesLikeBool(t *testing.T) {
	var list ConnectionList
	if err := json.Unmarshal([]byte(`{"connections":[],"total_count":0,"vpcepUpdateSwitch":"true"}`), &list); err != nil {
		t.Fatal(err)
	}
	if list.VpcepUpdateSwitch == nil || !*list.VpcepUpdateSwitch {
		t.Fatalf("VpcepUpdateSwitch = %v, want true", list.VpcepUpdateSwitch)
	}
}

// A JSON string may spell its characters with escapes: "\u0074rue" is the string "true".
func TestFlexBool_UnmarshalJSON_escapedStrings(t *testing.T) {
	for in, want := range map[string]FlexBool{`"\u0074rue"`: true, `"f\u0061lse"`: false, `"\u0066\u0061\u006c\u0073\u0065"`: false} {
		got := !want
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{`"\u0074ru"`, `"tru\"e"`, `"\ud800"`, `"\x"`} {
		var got FlexBool
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, got)
		}
	}
}
