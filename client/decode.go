package client

import (
	"bytes"
	"errors"
	"fmt"

	gojson "github.com/goccy/go-json"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// decodeList decodes the body of a 200 response to ShowVpcepConnection holding at most
// maxConns connections. It is the only place the body is decoded, so that a faster decoder
// can replace it; a replacement must keep this contract, which decode_test.go pins:
//   - the body is one JSON object followed by nothing but white space;
//   - connections and total_count are present and not null (the spec requires them);
//   - a page of more than maxConns connections is an error naming both numbers, found
//     before a single connection is decoded, so that a page far larger than asked for costs
//     no more memory than its bytes;
//   - every field has the type api.ConnectionList gives it, with the rules of api.FlexBool
//     (true, false, "true", "false") and api.FlexTime (any string, or null; the text is kept);
//     an int32 out of range is an error;
//   - unknown fields are ignored, and null in an optional field counts as absent (the
//     contract validator reports it; a page is still usable);
//   - the error fields of a CSS error body are returned as well: a 200 carrying a code is an
//     error, which the caller decides.
//
// goccy/go-json decodes a byte slice about 3.5 times as fast as encoding/json with the same
// semantics (case-insensitive names, last duplicate wins, U+FFFD for invalid UTF-8, data
// after the value is an error); BENCHMARKS.md has the measurements and the alternatives.
func decodeList(body []byte, maxConns int) (*api.ConnectionList, errFields, error) {
	return unmarshalList(body, maxConns, gojson.Unmarshal)
}

// unmarshalList decodes a whole body with unmarshal (goccy/go-json's, or encoding/json's in the
// test that holds the two to the same results) and checks what the spec requires.
func unmarshalList(body []byte, maxConns int, unmarshal func([]byte, any) error) (*api.ConnectionList, errFields, error) {
	list := new(api.ConnectionList)
	// The two outer fields shadow the embedded ones, so that a missing or null value stays a
	// nil pointer instead of a zero value; the connections stay raw until they are counted.
	// The other fields go straight into list.
	w := struct {
		*api.ConnectionList
		errFields
		Connections *rawArray `json:"connections"`
		TotalCount  *int32    `json:"total_count"`
	}{ConnectionList: list}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errFields{}, errors.New("the body is empty")
	}
	if err := unmarshal(body, &w); err != nil {
		return nil, errFields{}, decodeError(err)
	}
	if w.Code() != "" {
		return nil, w.errFields, nil
	}
	switch {
	case w.Connections == nil || w.Connections.null:
		return nil, errFields{}, errors.New("connections is missing or null")
	case w.TotalCount == nil:
		return nil, errFields{}, errors.New("total_count is missing or null")
	}
	if n := w.Connections.count; n > maxConns {
		return nil, errFields{}, &pageBoundError{count: n, max: maxConns}
	}
	list.Connections = make([]api.Connection, 0, w.Connections.count)
	if err := unmarshal(w.Connections.data, &list.Connections); err != nil {
		return nil, errFields{}, decodeError(err)
	}
	list.TotalCount = *w.TotalCount
	return list, errFields{}, nil
}

// rawArray is a JSON array kept undecoded, with its elements counted: the connections of a
// page, which are decoded only once their number is known to be what was asked for.
type rawArray struct {
	data  []byte
	count int
	null  bool
}

// UnmarshalJSON keeps a copy of an array (or notes null) and counts its elements; anything
// else is an error, as it is for a slice.
func (a *rawArray) UnmarshalJSON(data []byte) error {
	v := bytes.TrimSpace(data)
	if string(v) == "null" {
		*a = rawArray{null: true}
		return nil
	}
	n, err := countElements(v)
	if err != nil {
		return err
	}
	// v is kept only until unmarshalList decodes it, while the body is alive and unchanged:
	// go-json (v0.12, pinned) hands a type of ours a copy of exactly its bytes
	// (internal/decoder/unmarshal_json.go, retainsNothing), encoding/json a slice of the body.
	// A copy here would only double what a page costs. FuzzDecodeList_matchesEncodingJSON
	// holds the result to encoding/json's.
	*a = rawArray{data: v, count: n}
	return nil
}

// structural marks the bytes countElements stops at outside strings.
var structural = [256]bool{'"': true, '[': true, ']': true, '{': true, '}': true, ',': true}

// countElements counts the elements of a JSON array that the decoder has checked is
// well-formed: the commas at its top level outside strings, plus one. It skips a string's
// contents with bytes.IndexByte, so it runs at memory speed on a page of connections, whose
// bytes are mostly inside strings.
func countElements(v []byte) (int, error) {
	if len(v) < 2 || v[0] != '[' {
		return 0, fmt.Errorf("connections is not an array (it starts with %s)", quote.Bytes(v[:min(len(v), 1)]))
	}
	body := v[1 : len(v)-1]
	if len(bytes.TrimSpace(body)) == 0 {
		return 0, nil
	}
	depth, n := 0, 1
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !structural[c] {
			continue
		}
		switch c {
		case '"':
			i = stringEnd(body, i+1)
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return n, nil
}

// stringEnd returns the index of the quote that closes the string whose contents start at
// from in b (len(b) when it is not closed): the first quote not escaped by an odd number of
// backslashes.
func stringEnd(b []byte, from int) int {
	for i := from; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		q := i + j
		backslashes := 0
		for k := q - 1; k >= from && b[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// decodeError rewrites a decoder's error in bounded words: the decoder quotes the value it
// could not decode, and a server can send a number of megabytes.
func decodeError(err error) error {
	var te *gojson.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the body"
		}
		return fmt.Errorf("%s: cannot decode %s into %s (at byte %d)", quote.Line(field, quote.Max), quote.Line(te.Value, quote.Max), te.Type, te.Offset)
	}
	return errors.New(quote.Line(err.Error(), maxErrorText))
}

// pageBoundError is a page holding more connections than it may: the limit sent, or
// MaxPageSize when none was (unasked).
type pageBoundError struct {
	count, max int
	unasked    bool
}

func (e *pageBoundError) Error() string {
	if e.unasked {
		return fmt.Sprintf("the page holds %d connections, more than the %d a page holds at most (the documented maximum; no limit was sent)", e.count, e.max)
	}
	return fmt.Sprintf("the page holds %d connections, more than the %d asked for", e.count, e.max)
}
