package conformance

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// examples compares the page's example request body (the JSON after the request line in
// "Example Requests") and example responses (the code block under each "Status code: N" of
// "Example Responses") with the spec's examples of the same body: one of them must equal it.
func (c *checker) examples(p page, o docOp) {
	for _, cb := range p.code {
		switch cb.Section {
		case "Example Requests":
			body := jsonPart(cb.Text)
			if body == "" {
				continue // a request without a body: the request line only
			}
			m := mismatch{page: p.name, table: "Example Requests", line: cb.Line, name: "(request body)"}
			var mt *openapi3.MediaType
			if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
				mt = rb.Value.Content.Get("application/json")
			}
			ptrs := requestBodyPtrs(o)
			c.example(m, body, mt, ptrs[len(ptrs)-1]+"/content/application~1json")
		case "Example Responses":
			code := "200"
			if mm := statusRe.FindStringSubmatch(strings.TrimSpace(cb.Subheading)); mm != nil {
				code = mm[1]
			}
			m := mismatch{page: p.name, table: "Example Responses", line: cb.Line, name: code}
			var mt *openapi3.MediaType
			if o.op.Responses != nil {
				if r := o.op.Responses.Value(code); r != nil && r.Value != nil {
					mt = r.Value.Content.Get("application/json")
				}
			}
			ptrs := responsePtrs(o, code)
			c.example(m, cb.Text, mt, ptrs[len(ptrs)-1]+"/content/application~1json")
		}
	}
}

// jsonPart returns the text of an example request from its first line that opens a JSON
// object or array, or "" if there is none.
func jsonPart(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return ""
}

// example compares the text of one page example with the examples of the spec's media type
// mt (whose pointer is ptr). A text that is not JSON is compared once its // comments are
// removed, and reported either way: the finding then points at the spec example it equals.
func (c *checker) example(m mismatch, text string, mt *openapi3.MediaType, ptr string) {
	m.ptrs = []string{ptr + "/examples"}
	if mt == nil {
		c.add(with(m, aspectExample, "an example body", "no application/json body to hold it"))
		return
	}
	specs := specExamples(mt, ptr)
	if v, err := decodeJSON(text); err == nil {
		if _, ok := matchExample(v, specs); !ok {
			c.add(with(m, aspectExample, "the example "+compact(v), "no example of the body equals it"))
		}
		return
	} else if v, err2 := decodeJSON(stripComments(text)); err2 == nil {
		if sp, ok := matchExample(v, specs); ok {
			c.add(with(withPtrs(m, sp...), aspectExample, "not JSON ("+err.Error()+")", "equal to its example once the page's // comments are removed"))
		} else {
			c.add(with(m, aspectExample, "not JSON ("+err.Error()+"); without its // comments: "+compact(v), "no example of the body equals it"))
		}
	} else {
		c.add(with(m, aspectExample, "not JSON ("+err.Error()+")", "not compared"))
	}
}

// specExample is one example of a media type, its value normalised as decoded JSON, and its
// pointers: its use, then the components/examples entry it refers to.
type specExample struct {
	value any
	ptrs  []string
}

func specExamples(mt *openapi3.MediaType, ptr string) []specExample {
	var out []specExample
	if mt.Example != nil {
		out = append(out, specExample{value: normalise(mt.Example), ptrs: []string{ptr + "/example"}})
	}
	names := make([]string, 0, len(mt.Examples))
	for name := range mt.Examples {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		ex := mt.Examples[name]
		if ex == nil || ex.Value == nil {
			continue
		}
		ptrs := []string{ptr + "/examples/" + escape(name)}
		if strings.HasPrefix(ex.Ref, "#") {
			ptrs = append(ptrs, ex.Ref)
		}
		out = append(out, specExample{value: normalise(ex.Value.Value), ptrs: ptrs})
	}
	return out
}

func matchExample(v any, specs []specExample) ([]string, bool) {
	for _, s := range specs {
		if reflect.DeepEqual(v, s.value) {
			return s.ptrs, true
		}
	}
	return nil, false
}

// decodeJSON decodes one JSON value and nothing after it.
func decodeJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return v, nil
}

// normalise turns a value of the loaded spec (YAML decoded) into what decoding its JSON gives.
func normalise(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// compact writes a decoded value as one line of JSON, cut to a readable length.
func compact(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// stripComments removes // comments (to the end of the line) outside JSON strings.
func stripComments(text string) string {
	var b bytes.Buffer
	inString, escaped := false, false
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
		case ch == '"':
			inString = true
		case ch == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			if i < len(text) {
				b.WriteByte('\n')
			}
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func TestStripComments(t *testing.T) {
	in := "{\n  \"url\": \"https://x//y\", // a comment \"with quotes\"\n  \"esc\": \"a\\\"//b\" //c\n}"
	want := "{\n  \"url\": \"https://x//y\", \n  \"esc\": \"a\\\"//b\" \n}"
	if got := stripComments(in); got != want {
		t.Errorf("stripComments:\n got %q\nwant %q", got, want)
	}
	if _, err := decodeJSON(`{"a":1} {"b":2}`); err == nil {
		t.Error("decodeJSON accepted data after the value")
	}
}
