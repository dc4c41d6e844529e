package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// FlexBool is the vpcepUpdateSwitch flag: a bool that decodes from a JSON boolean or from the
// strings "true" and "false", and always encodes as a JSON boolean.
//
// The pages document the field as Boolean, but the 2023 page's own example sends the string
// "false"; see the spec's deviation update-switch-string. A FlexBool can be used wherever a
// bool can be tested: `if list.VpcepUpdateSwitch != nil && *list.VpcepUpdateSwitch { ... }`.
type FlexBool bool

// UnmarshalJSON accepts true, false, "true" and "false". Anything else is an error that quotes
// the value received. (A null never reaches it: the field is a *FlexBool, which encoding/json
// sets to nil for null, so null reads as absent.)
func (b *FlexBool) UnmarshalJSON(data []byte) error {
	v := bytes.TrimSpace(data)
	if len(v) > 0 && v[0] == '"' && bytes.IndexByte(v, '\\') >= 0 {
		// An escaped string ("\u0074rue" is the string "true"): unquote it as JSON does.
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			v = []byte(strconv.Quote(s))
		}
	}
	switch string(v) {
	case "true", `"true"`:
		*b = true
		return nil
	case "false", `"false"`:
		*b = false
		return nil
	}
	return fmt.Errorf("vpcepUpdateSwitch: want true, false, \"true\" or \"false\", got %s", quote.Bytes(data))
}

// MarshalJSON encodes b as a JSON boolean.
func (b FlexBool) MarshalJSON() ([]byte, error) {
	return strconv.AppendBool(nil, bool(b)), nil
}
