package api

import (
	"encoding/json"
	"fmt"
	"time"
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

// timeLayouts are tried in order: the zoned form every example carries, then the documented
// zone-less form. Fractional seconds are accepted by both (Go parses them after the seconds).
var timeLayouts = [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// NewFlexTime returns t (in UTC) as a FlexTime that encodes in the zoned form.
func NewFlexTime(t time.Time) FlexTime {
	return FlexTime{Time: t.UTC()}
}

// ParseFlexTime parses s in one of the accepted forms. A zone-less time is taken as UTC.
func ParseFlexTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
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
	if string(data) == "null" {
		*t = FlexTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("time stamp: want a string, got %s", quoteExcerpt(data))
	}
	parsed, _ := ParseFlexTime(s) // a bad time stamp keeps Raw and a zero Time, by design
	*t = FlexTime{Time: parsed, Raw: s}
	return nil
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
