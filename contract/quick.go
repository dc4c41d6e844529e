package contract

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// quickCheck passes, without kin-openapi, the requests most traffic is made of: an operation
// whose parameters are all plain strings or integers in the path or the query, with length or
// range limits, and a request without a body. kin-openapi spends several allocations per
// parameter on such a request (a settings object, option slices, a serialization method), which
// would halve the emulator's throughput.
//
// It is derived from the spec at load time and only ever says yes to a request kin-openapi
// accepts (FuzzQuickCheck holds it to that). Whenever it does not
// say yes, kin-openapi validates the request and has the final word, so every message comes
// from kin-openapi too.
type quickCheck struct {
	params []quickParam
	// security lists, per alternative requirement, the headers that must all be non-empty.
	security [][]string
	// securityOK is false when a scheme is not an API key in a header: only kin-openapi can tell.
	securityOK bool
}

type quickParam struct {
	name     string
	inPath   bool
	required bool
	integer  bool // else a string
	bits     int  // 32 for format int32, as kin-openapi parses it
	min, max *float64
	minLen   uint64
	maxLen   *uint64
}

// quickKeywords are the schema fields quickCheck understands; a parameter schema with any other
// field (a pattern, an enum, a new keyword a later kin-openapi knows) is left to kin-openapi.
// The annotations change nothing: defaults are not applied (SkipSettingDefaults) and a query or
// path value is never null.
var quickKeywords = map[string]bool{
	"type": true, "format": true, "minimum": true, "maximum": true, "minLength": true, "maxLength": true,
	"description": true, "title": true, "default": true, "example": true, "deprecated": true, "nullable": true,
}

// newQuickCheck returns the quick check of op, or nil when op has a parameter it cannot judge.
func newQuickCheck(doc *openapi3.T, item *openapi3.PathItem, op *openapi3.Operation) *quickCheck {
	if doc.IsOpenAPI31OrLater() || op.RequestBody != nil {
		return nil
	}
	qc := &quickCheck{}
	for _, refs := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range refs {
			p, ok := newQuickParam(ref.Value)
			if !ok {
				return nil
			}
			qc.params = append(qc.params, p)
		}
	}
	security := op.Security
	if security == nil {
		security = &doc.Security
	}
	qc.securityOK = true
	for _, req := range *security {
		var headers []string
		for name := range req {
			var ref *openapi3.SecuritySchemeRef
			if doc.Components != nil {
				ref = doc.Components.SecuritySchemes[name]
			}
			if ref == nil || ref.Value == nil || ref.Value.Type != "apiKey" || ref.Value.In != "header" {
				qc.securityOK = false
			} else {
				headers = append(headers, ref.Value.Name)
			}
		}
		qc.security = append(qc.security, headers)
	}
	return qc
}

func newQuickParam(p *openapi3.Parameter) (quickParam, bool) {
	if p.Content != nil || p.Schema == nil || p.AllowEmptyValue || p.Style != "" ||
		(p.In != openapi3.ParameterInPath && p.In != openapi3.ParameterInQuery) {
		return quickParam{}, false
	}
	s := p.Schema.Value
	raw, err := json.Marshal(s)
	if err != nil {
		return quickParam{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return quickParam{}, false
	}
	for f := range fields {
		if !quickKeywords[f] && !strings.HasPrefix(f, "x-") {
			return quickParam{}, false
		}
	}
	qp := quickParam{name: p.Name, inPath: p.In == openapi3.ParameterInPath, required: p.Required,
		min: s.Min, max: s.Max, minLen: s.MinLength, maxLen: s.MaxLength}
	switch {
	case s.Type.Is(openapi3.TypeString) && s.Format == "" && s.Min == nil && s.Max == nil:
	case s.Type.Is(openapi3.TypeInteger) && (s.Format == "" || s.Format == "int32" || s.Format == "int64") &&
		s.MinLength == 0 && s.MaxLength == nil:
		qp.integer, qp.bits = true, 64
		if s.Format == "int32" {
			qp.bits = 32
		}
	default:
		return quickParam{}, false
	}
	return qp, true
}

// passes reports whether the request is valid for sure; false means "ask kin-openapi".
func (qc *quickCheck) passes(h http.Header, pathParams map[string]string, rawQuery string, checkSecurity bool) bool {
	if checkSecurity && !qc.hasCredential(h) {
		return false
	}
	for i := range qc.params {
		p := &qc.params[i]
		var raw string
		if p.inPath {
			raw = pathParams[p.name]
		} else {
			v, n, sure := queryValue(rawQuery, p.name)
			switch {
			case !sure, n > 1:
				// A real repeat never gets here (paramRules.check rejects it first), so n > 1 means
				// url.ParseQuery drops pairs that do not decode, leaving at most one, which
				// need not be value: kin-openapi decides.
				return false
			case n == 0 && p.required:
				return false
			case n == 0:
				continue
			}
			raw = v
		}
		if raw == "" || !p.valid(raw) {
			return false
		}
	}
	return true
}

// queryValue finds name in a raw query as url.ParseQuery (which kin-openapi uses) would, without
// building the whole map: the first value and how many there are. It is not sure, and kin-openapi
// decides, when a key is escaped (it might spell name) or the query holds a semicolon (which
// ParseQuery rejects).
func queryValue(rawQuery, name string) (value string, n int, sure bool) {
	start, eq, escapedKey := 0, -1, false
	for i := 0; i <= len(rawQuery); i++ {
		if i < len(rawQuery) {
			switch rawQuery[i] {
			case ';':
				return "", 0, false
			case '=':
				if eq < 0 {
					eq = i
				}
				continue
			case '%', '+':
				escapedKey = escapedKey || eq < 0
				continue
			case '&':
			default:
				continue
			}
		}
		if escapedKey {
			return "", 0, false
		}
		key, v := rawQuery[start:i], ""
		if eq >= 0 {
			key, v = rawQuery[start:eq], rawQuery[eq+1:i]
		}
		if key == name {
			if n++; n == 1 {
				value = v
			}
		}
		start, eq = i+1, -1
	}
	if n == 1 && strings.ContainsAny(value, "%+") {
		u, err := url.QueryUnescape(value)
		if err != nil {
			return "", 0, false
		}
		value = u
	}
	return value, n, true
}

func (qc *quickCheck) hasCredential(h http.Header) bool {
	if !qc.securityOK {
		return false
	}
	if len(qc.security) == 0 {
		return true
	}
alternatives:
	for _, headers := range qc.security {
		for _, name := range headers {
			if h.Get(name) == "" {
				continue alternatives
			}
		}
		return true
	}
	return false
}

// valid repeats kin-openapi's parsing (strconv.ParseInt, base 10, 32 bits for int32) and its
// comparisons (as float64; lengths in UTF-16 code units as it counts them).
func (p *quickParam) valid(raw string) bool {
	if p.integer {
		n, err := strconv.ParseInt(raw, 10, p.bits)
		if err != nil {
			return false
		}
		v := float64(n)
		return (p.min == nil || *p.min <= v) && (p.max == nil || *p.max >= v)
	}
	if p.minLen == 0 && p.maxLen == nil {
		return true
	}
	var n uint64
	for _, r := range raw {
		if utf16.IsSurrogate(r) {
			n += 2
		} else {
			n++
		}
	}
	return n >= p.minLen && (p.maxLen == nil || n <= *p.maxLen)
}
