package api

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// FlexTime is a CSS time stamp (created_at, update_at) as the service writes it: ISO 8601 with
// or without a zone ("2021-09-17T08:00:07Z" or the documented "2021-09-17T08:00:07"; a zone-less
// time is UTC), with optional fractional seconds. See the spec's deviation timestamp-zone.
//
// Decoding a JSON string never fails, so one bad time stamp does not make a whole page
// undecodable: Raw keeps the text as received, Time is set only when Raw parses. Use Parse to
// find out why a time stamp did not parse. Response validation (package contract) still reports
// a time stamp that breaks the documented format.
type FlexTime struct {
	// Time is the instant in UTC; the zero time when Raw is not a valid time stamp.
	Time time.Time
	// Raw is the text exactly as received; empty for a FlexTime made with NewFlexTime.
	Raw string
}

// timeLayouts are the zoned form every example carries and the documented zone-less form.
// Fractional seconds are accepted by both (Go parses them after the seconds).
var timeLayouts = [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// NewFlexTime returns t (in UTC) as a FlexTime that encodes in the zoned form.
func NewFlexTime(t time.Time) FlexTime {
	return FlexTime{Time: t.UTC()}
}

// ParseFlexTime parses s in one of the accepted forms. A zone-less time is taken as UTC.
func ParseFlexTime(s string) (time.Time, error) {
	// No string parses under both layouts (one needs a zone, the other forbids text after the
	// seconds), so trying first the one the end of s points to changes no result; it only
	// spares the zone-less form, the documented one, a failed attempt (time.Parse allocates
	// its error).
	first, second := timeLayouts[0], timeLayouts[1]
	if n := len(s); n > 0 && s[n-1] != 'Z' && (n < 6 || (s[n-6] != '+' && s[n-6] != '-')) {
		first, second = second, first
	}
	for _, layout := range [2]string{first, second} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time stamp %q is not ISO 8601 CCYY-MM-DDThh:mm:ss with an optional zone", s)
}

// Parse returns the instant, or an error that says why Raw is not a time stamp. A FlexTime
// made with NewFlexTime (Raw empty) returns its Time.
func (t FlexTime) Parse() (time.Time, error) {
	if t.Raw == "" {
		return t.Time, nil
	}
	return ParseFlexTime(t.Raw)
}

// Valid reports whether t holds a usable instant.
func (t FlexTime) Valid() bool {
	return !t.Time.IsZero()
}

// String returns Raw when set, else Time in the zoned form, else "".
func (t FlexTime) String() string {
	if t.Raw != "" {
		return t.Raw
	}
	if t.Time.IsZero() {
		return ""
	}
	return t.Time.UTC().Format(time.RFC3339Nano)
}

// UnmarshalJSON accepts any JSON string (see the type's comment) and null (which leaves t
// zero). Other JSON types are an error.
func (t *FlexTime) UnmarshalJSON(data []byte) error {
	// Every real time stamp is a string of printable ASCII without escapes, whose value is
	// exactly the bytes between the quotes; anything else (escapes, non-ASCII that may need
	// U+FFFD, null, other types) goes through encoding/json, so the result is the same.
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' && plainJSONString(data[1:n-1]) {
		t.set(string(data[1 : n-1]))
		return nil
	}
	if string(data) == "null" {
		*t = FlexTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("time stamp: want a string, got %s", quote.Bytes(data))
	}
	t.set(s)
	return nil
}

// set keeps s as Raw and its instant, if it parses; a bad time stamp keeps Raw and a zero Time,
// by design.
func (t *FlexTime) set(s string) {
	parsed, _ := ParseFlexTime(s)
	*t = FlexTime{Time: parsed, Raw: s}
}

// plainJSONString reports whether b, the bytes between a JSON string's quotes, is its own
// value: printable ASCII without a quote or a backslash. JSON's escapes (\/, \u with surrogate
// pairs) differ from Go's, so anything with a backslash is left to encoding/json.
func plainJSONString(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// MarshalJSON writes Raw when set, so what was received is sent back unchanged; otherwise Time
// in the zoned form, or null for the zero FlexTime.
func (t FlexTime) MarshalJSON() ([]byte, error) {
	s := t.String()
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(s)
}
