package client

import (
	"bytes"
	"errors"
	"io"
	"sync"

	gojson "github.com/goccy/go-json"

	"github.com/cssvpcep/cssvpcep/api"
)

// bodyBufs holds read buffers between calls. gojson.Unmarshal copies what it keeps out of its
// input (every string), so a buffer can be reused as soon as Unmarshal returns.
var bodyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf keeps an unusually large body's buffer out of the pool (a page of the
// documented maximum of 1,000 connections is about 250 kB).
const maxPooledBuf = 1 << 20

// decodeList decodes the body of a 200 response to ShowVpcepConnection. It is the only place
// the body is decoded, so that a faster decoder can replace it; a replacement must keep this
// contract, which decode_test.go pins:
//   - the body is one JSON object followed by nothing but white space, read from r to its end;
//   - connections and total_count are present and not null (the spec requires them);
//   - every field has the type api.ConnectionList gives it, with the rules of api.FlexBool
//     (true, false, "true", "false") and api.FlexTime (any string, or null; the text is kept);
//     an int32 out of range is an error;
//   - unknown fields are ignored, and null in an optional field counts as absent (the
//     contract validator reports it; a page is still usable);
//   - an error from r is returned (possibly wrapped); the caller tells read errors from
//     decoding errors by what r itself reports, so the error text is free.
func decodeList(r io.Reader, sizeHint int64) (*api.ConnectionList, error) {
	// The body is read whole (through the caller's size limit) and then decoded: goccy/go-json
	// decodes a byte slice about 3.5 times as fast as encoding/json with the same semantics
	// (case-insensitive names, last duplicate wins, U+FFFD for invalid UTF-8, data after the
	// value is an error); BENCHMARKS.md has the measurements and the alternatives.
	buf := bodyBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuf {
			buf.Reset()
			bodyBufs.Put(buf)
		}
	}()
	if sizeHint > 0 {
		// Room for the whole body plus the MinRead that ReadFrom wants free before each read,
		// so that a body of known length is read without the buffer doubling past it.
		buf.Grow(int(sizeHint) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return unmarshalList(buf.Bytes(), gojson.Unmarshal)
}

// unmarshalList decodes a whole body with unmarshal (goccy/go-json's, or encoding/json's in the
// test that holds the two to the same results) and checks what the spec requires.
func unmarshalList(body []byte, unmarshal func([]byte, any) error) (*api.ConnectionList, error) {
	list := new(api.ConnectionList)
	// The two outer fields shadow the embedded ones, so that a missing or null value stays a
	// nil pointer instead of a zero value; the other fields go straight into list.
	w := struct {
		*api.ConnectionList
		Connections *[]api.Connection `json:"connections"`
		TotalCount  *int32            `json:"total_count"`
	}{ConnectionList: list}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the body is empty")
	}
	if err := unmarshal(body, &w); err != nil {
		return nil, err
	}
	switch {
	case w.Connections == nil:
		return nil, errors.New("connections is missing or null")
	case w.TotalCount == nil:
		return nil, errors.New("total_count is missing or null")
	}
	list.Connections, list.TotalCount = *w.Connections, *w.TotalCount
	return list, nil
}
