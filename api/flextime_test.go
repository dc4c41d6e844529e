package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFlexTime_UnmarshalJSON(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name, in string
		want     time.Time
	}{
		{"zoned Z", `"2021-09-17T08:00:07Z"`, utc("2021-09-17T08:00:07Z")},
		{"zone-less is UTC", `"2021-09-17T08:00:07"`, utc("2021-09-17T08:00:07Z")},
		{"offset converted to UTC", `"2021-09-17T10:00:07+02:00"`, utc("2021-09-17T08:00:07Z")},
		{"fraction zoned", `"2021-09-17T08:00:07.123Z"`, utc("2021-09-17T08:00:07.123Z")},
		{"fraction zone-less", `"2021-09-17T08:00:07.5"`, utc("2021-09-17T08:00:07.5Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got FlexTime
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(tt.want) || got.Time.Location() != time.UTC {
				t.Errorf("Time = %v, want %v in UTC", got.Time, tt.want)
			}
			if want := strings.Trim(tt.in, `"`); got.Raw != want {
				t.Errorf("Raw = %q, want %q", got.Raw, want)
			}
			if !got.Valid() {
				t.Error("Valid() = false")
			}
			if p, err := got.Parse(); err != nil || !p.Equal(tt.want) {
				t.Errorf("Parse() = %v, %v", p, err)
			}
		})
	}
}

func TestFlexTime_UnmarshalJSON_badStringKeepsRaw(t *testing.T) {
	for _, in := range []string{`"yesterday"`, `""`, `"2021-13-45T99:00:00Z"`, `"2021-09-17 08:00:07"`} {
		var got FlexTime
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			t.Errorf("Unmarshal(%s) = %v, want no error", in, err)
			continue
		}
		if got.Valid() || !got.Time.IsZero() {
			t.Errorf("Unmarshal(%s): Time = %v, want zero", in, got.Time)
		}
		if want := strings.Trim(in, `"`); got.Raw != want {
			t.Errorf("Unmarshal(%s): Raw = %q, want %q", in, got.Raw, want)
		}
		if want := strings.Trim(in, `"`); want != "" {
			if _, err := got.Parse(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Parse() error = %v, want one quoting %q", err, want)
			}
		}
	}
}

func TestFlexTime_badTimestampDoesNotSpoilThePage(t *testing.T) {
	body := `{"connections":[
		{"id":"a","status":"accepted","created_at":"not a time"},
		{"id":"b","status":"accepted","created_at":"2021-09-17T08:00:07","update_at":null}
	],"total_count":2}`
	var list ConnectionList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("one bad time stamp made the page undecodable: %v", err)
	}
	if got := list.Connections[0].CreatedAt; got == nil || got.Valid() || got.Raw != "not a time" {
		t.Errorf("connections[0].created_at = %+v, want Raw kept and no Time", got)
	}
	if got := list.Connections[1].CreatedAt; got == nil || !got.Valid() {
		t.Errorf("connections[1].created_at = %+v, want a valid time", got)
	}
	if list.Connections[1].UpdateAt != nil {
		t.Errorf("update_at null = %+v, want nil", list.Connections[1].UpdateAt)
	}
}

func TestFlexTime_UnmarshalJSON_rejectsNonStrings(t *testing.T) {
	for _, in := range []string{`1632000000`, `true`, `{}`, `["2021-09-17T08:00:07Z"]`} {
		var got FlexTime
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", in, got)
		}
	}
}

func TestFlexTime_UnmarshalJSON_null(t *testing.T) {
	got := FlexTime{Raw: "x"}
	if err := got.UnmarshalJSON([]byte("null")); err != nil {
		t.Fatal(err)
	}
	if got != (FlexTime{}) {
		t.Errorf("after null: %+v, want zero", got)
	}
}

func TestFlexTime_MarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   FlexTime
		want string
	}{
		{"raw kept verbatim", FlexTime{Raw: "2021-09-17T08:00:07"}, `"2021-09-17T08:00:07"`},
		{"bad raw kept verbatim", FlexTime{Raw: "yesterday"}, `"yesterday"`},
		{"from time, zoned UTC", NewFlexTime(time.Date(2024, 6, 11, 11, 36, 24, 0, time.FixedZone("CEST", 7200))), `"2024-06-11T09:36:24Z"`},
		{"zero is null", FlexTime{}, `null`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: Marshal = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestFlexTime_roundTrip(t *testing.T) {
	for _, in := range []string{`"2021-09-17T08:00:07Z"`, `"2021-09-17T08:00:07"`, `"garbage \u0000 \"quoted\""`} {
		var ft FlexTime
		if err := json.Unmarshal([]byte(in), &ft); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(ft)
		if err != nil {
			t.Fatal(err)
		}
		var again FlexTime
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatal(err)
		}
		if again != ft {
			t.Errorf("round trip of %s: %+v, want %+v", in, again, ft)
		}
	}
}

// FuzzFlexTime_UnmarshalJSON holds the fast path to what encoding/json alone makes of the same
// bytes: the same Raw, the same Time, the same acceptance.
func FuzzFlexTime_UnmarshalJSON(f *testing.F) {
	for _, s := range []string{`"2021-09-17T08:00:07Z"`, `"2021-09-17T08:00:07"`, `"2021-09-17T10:00:07+02:00"`,
		`"2021-09-17T08:00:07.5"`, `"\u0032021-09-17T08:00:07Z"`, `"2021\/09"`, `"\xff"`, `null`, `1`, `""`, `"a\"b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got FlexTime
		gotErr := got.UnmarshalJSON(data)

		var s string
		wantErr := json.Unmarshal(data, &s)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("UnmarshalJSON(%q) error %v, encoding/json error %v", data, gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		want := FlexTime{Raw: s}
		if s != "" {
			want.Time, _ = ParseFlexTime(s)
		}
		if got.Raw != want.Raw || !got.Time.Equal(want.Time) {
			t.Fatalf("UnmarshalJSON(%q) = %+v, want %+v", data, got, want)
		}
	})
}

// ParseFlexTime picks the layout to try first from the end of the string; the pick must never
// change the result, only the cost.
func TestParseFlexTime_layoutOrderChangesNothing(t *testing.T) {
	for _, s := range []string{"2021-09-17T08:00:07Z", "2021-09-17T08:00:07", "2021-09-17T08:00:07+02:00",
		"2021-09-17T08:00:07-05:30", "2021-09-17T08:00:07.123", "2021-09-17T08:00:07.1Z", "garbage", "", "Z", "+00:00"} {
		got, gotErr := ParseFlexTime(s)
		var want time.Time
		wantErr := errNoLayout
		for _, layout := range timeLayouts {
			if tm, err := time.Parse(layout, s); err == nil {
				want, wantErr = tm.UTC(), nil
				break
			}
		}
		if (gotErr == nil) != (wantErr == nil) || !got.Equal(want) {
			t.Errorf("ParseFlexTime(%q) = %v, %v; trying every layout in turn gives %v, %v", s, got, gotErr, want, wantErr)
		}
	}
}

var errNoLayout = errors.New("no layout parses")
