package conformance

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/internal/rst"
)

// facts is what a Description cell says about the values a parameter or property takes. The
// pages write it in two styles: the 2023 style is free text with an optional bullet list of
// values; today's style has bold headings (**Definition**:, **Constraints**:, **Value
// range**: or **Options**:, **Default value**:) each followed by its own paragraphs.
type facts struct {
	enum       []string // documented values: "-  **v**: meaning" or "-  v: meaning" bullets, "**v**: meaning" under a value heading, "v: meaning" as the whole value range, "the fixed value is **v**"
	hasRange   bool     // a value range "min-max"
	min, max   float64
	maxLen     *uint64 // "up to N characters"
	def        string  // documented default value ("" if none is given)
	defNA      bool    // the default value is documented as N/A
	null       bool    // "the default value is null"
	timeFormat string  // a documented time layout such as "CCYY-MM-DDThh:mm:ss"
}

var (
	headingRe   = regexp.MustCompile(`^\*\*([^*]+)\*\*:?$`)
	bulletValRe = regexp.MustCompile(`^\*\*([^*]+)\*\*(?:\s*:|\s|$)`)
	plainValRe  = regexp.MustCompile(`^([A-Za-z0-9_][A-Za-z0-9_.-]*)(?::\s|:$|$)`)
	rangeRe     = regexp.MustCompile(`^(-?\d+(?:\.\d+)?)\s*(?:-|–|~|to)\s*(-?\d+(?:\.\d+)?)\.?$`)
	identValRe  = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*):\s+\S`)
	scalarRe    = regexp.MustCompile(`^(-?\d+(?:\.\d+)?|true|false|null)\.?$`)
	defaultIsRe = regexp.MustCompile(`(?i)\bdefault value is\s+([A-Za-z0-9_.+-]+?)\.?(?:[\s,;)]|$)`)
	fixedRe     = regexp.MustCompile(`(?i)\bthe fixed value is\s+([A-Za-z0-9_.-]*[A-Za-z0-9_])`)
	maxLenRe    = regexp.MustCompile(`(?i)\bup to (\d+) characters\b`)
	timeFmtRe   = regexp.MustCompile(`\b(?:CCYY|YYYY)-MM-DD(?:Thh:mm(?::ss)?)?`)
)

// describe reads the facts of a Description cell (as parsed, markup and all).
func describe(desc string) facts {
	var f facts
	heading := ""
	for _, b := range rst.Paragraphs(desc) {
		if m := headingRe.FindStringSubmatch(b); m != nil {
			heading = strings.ToLower(strings.TrimSpace(m[1]))
			continue
		}
		text := strings.TrimSpace(rst.Plain(b))
		if m := defaultIsRe.FindStringSubmatch(text); m != nil {
			f.setDefault(m[1])
		}
		if m := timeFmtRe.FindString(text); m != "" && f.timeFormat == "" {
			f.timeFormat = m
		}
		if m := fixedRe.FindStringSubmatch(text); m != nil {
			f.enum = append(f.enum, m[1])
		}
		if m := maxLenRe.FindStringSubmatch(text); m != nil {
			if n, err := strconv.ParseUint(m[1], 10, 64); err == nil {
				f.maxLen = &n
			}
		}
		item, isBullet := strings.CutPrefix(b, "- ")
		switch heading {
		case "", "value range", "options":
			if isBullet {
				if m := bulletValRe.FindStringSubmatch(item); m != nil {
					f.enum = append(f.enum, strings.TrimSpace(m[1]))
				} else if m := plainValRe.FindStringSubmatch(item); m != nil {
					f.enum = append(f.enum, m[1])
				}
				continue
			}
			if heading == "" {
				continue
			}
			if m := bulletValRe.FindStringSubmatch(b); m != nil {
				// A value written as a paragraph of its own, its bullet left out.
				f.enum = append(f.enum, strings.TrimSpace(m[1]))
				continue
			}
			if m := rangeRe.FindStringSubmatch(text); m != nil {
				f.min, _ = strconv.ParseFloat(m[1], 64)
				f.max, _ = strconv.ParseFloat(m[2], 64)
				f.hasRange = true
			} else if m := identValRe.FindStringSubmatch(text); m != nil {
				f.enum = append(f.enum, m[1])
			}
		case "default value":
			switch {
			case strings.EqualFold(text, "N/A"):
				f.defNA = true
			case scalarRe.MatchString(text):
				f.setDefault(strings.TrimSuffix(text, "."))
			}
		}
	}
	return f
}

func (f *facts) setDefault(v string) {
	if v == "null" {
		f.null = true
		return
	}
	f.def = v
}

// parseType reads a Type cell (plain text) in the words typeString uses for the spec.
func parseType(s string) (string, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if inner, ok := strings.CutPrefix(s, "array of "); ok {
		if strings.HasSuffix(inner, " objects") || strings.HasSuffix(inner, " object") || inner == "objects" {
			return "array of object", true
		}
		t, ok := scalarType(strings.TrimSuffix(inner, "s"))
		return "array of " + t, ok
	}
	if strings.HasSuffix(s, " object") {
		return "object", true
	}
	return scalarType(s)
}

func scalarType(s string) (string, bool) {
	switch s {
	case "string":
		return "string", true
	case "integer", "int", "long", "int32", "int64":
		return "integer", true
	case "number", "float", "double", "bigdecimal":
		return "number", true
	case "boolean", "bool":
		return "boolean", true
	case "object":
		return "object", true
	}
	return s, false
}

// The descriptions below are made up for the test; they follow the pages' conventions without
// copying their text.
func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		desc string
		want facts
	}{
		{
			name: "2023 style with bullets",
			desc: "Colour of the thing.\n\n-  **red**: warm.\n-  **blue**: cold.",
			want: facts{enum: []string{"red", "blue"}},
		},
		{
			name: "headings, range and a bare default",
			desc: "**Definition**:\n\nHow many.\n\n**Constraints**:\n\nN/A\n\n**Value range**:\n\n5-50\n\n**Default value**:\n\n20",
			want: facts{hasRange: true, min: 5, max: 50, def: "20"},
		},
		{
			name: "default in a sentence",
			desc: "**Value range**:\n\nN/A\n\n**Default value**:\n\nThe default value is 7, which is plenty.",
			want: facts{def: "7"},
		},
		{
			name: "default N/A",
			desc: "**Default value**:\n\nN/A",
			want: facts{defNA: true},
		},
		{
			name: "null default and a time layout",
			desc: "When it changed. The default value is **null**.\n\n**Value range**\n\nThe format is YYYY-MM-DDThh:mm:ss (UTC).",
			want: facts{null: true, timeFormat: "YYYY-MM-DDThh:mm:ss"},
		},
		{
			name: "single value written as name: meaning",
			desc: "**Definition**:\n\nKind.\n\n**Value range**:\n\nuserId: a user.",
			want: facts{enum: []string{"userId"}},
		},
		{
			name: "bullets under the value range heading only",
			desc: "**Definition**:\n\n-  **note**: not a value.\n\n**Value range**:\n\n-  **on**: yes.\n\n-  **off**: no.",
			want: facts{enum: []string{"on", "off"}},
		},
		{
			name: "prose value range is no range",
			desc: "**Value range**:\n\nAny name of the account. Notes: none.",
			want: facts{},
		},
		{
			name: "plain bullets, bold ones, and a value that lost its bullet, under options",
			desc: "**Parameter description**:\n\nState.\n\n**Options**:\n\n**10**: starting.\n\n-  **20**: up\n\n-  DOWN: stopped.\n\n-  gone",
			want: facts{enum: []string{"10", "20", "DOWN", "gone"}},
		},
		{
			name: "plain bullets without a heading; a prose bullet is no value",
			desc: "What to do.\n\n-  keep: keep it.\n\n-  drop: drop it.\n\n-  Note that this is prose.",
			want: facts{enum: []string{"keep", "drop"}},
		},
		{
			name: "a fixed value",
			desc: "**Parameter description**:\n\nKind. The fixed value is **makeThing**, meaning it was made.",
			want: facts{enum: []string{"makeThing"}},
		},
		{
			name: "a length limit",
			desc: "**Constraints**:\n\nThe value can contain up to 64 characters.\n\n**Default value**:\n\nN/A",
			want: facts{maxLen: ptr(uint64(64)), defNA: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describe(tt.desc)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(facts{})); diff != "" {
				t.Errorf("describe mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestParseType(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"String", "string", true},
		{"Integer", "integer", true},
		{"Long", "integer", true},
		{"Boolean", "boolean", true},
		{"Double", "number", true},
		{"Array of things objects", "array of object", true},
		{"Array of strings", "array of string", true},
		{"Array of String", "array of string", true},
		{"widget object", "object", true},
		{"Map<String,String>", "map<string,string>", false},
	}
	for _, tt := range tests {
		got, ok := parseType(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseType(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
