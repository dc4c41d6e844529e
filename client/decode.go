package client

import (
	"encoding/json"
	"errors"
	"io"

	"github.com/cssvpcep/cssvpcep/api"
)

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
func decodeList(r io.Reader) (*api.ConnectionList, error) {
	list := new(api.ConnectionList)
	// The two outer fields shadow the embedded ones, so that a missing or null value stays a
	// nil pointer instead of a zero value; the other fields go straight into list.
	w := struct {
		*api.ConnectionList
		Connections *[]api.Connection `json:"connections"`
		TotalCount  *int32            `json:"total_count"`
	}{ConnectionList: list}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&w); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the body is empty")
		}
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("the body holds more than one JSON value")
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
