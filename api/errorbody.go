package api

// ErrorBody is the error body of every error response: the spec's Error schema, for which
// the generated code declares `type Error = ErrorBody`.
//
// It is written by hand because the schema requires errCode or error_code (an anyOf), from
// which oapi-codegen would generate a union with an opaque json.RawMessage and empty
// interface types; the spec points at this type with x-go-type instead (deviation
// error-body-shapes). Validation still enforces the anyOf; this type only carries the fields.
//
// Two shapes reach a client: the service's {"errCode", "externalMessage"} and the documented
// {"error_code", "error_msg"} of the returned-values page, which the API gateway uses too,
// adding request_id. Fields outside the five are allowed on the wire and dropped on decoding.
type ErrorBody struct {
	// ErrCode is the CSS error code, such as CSS.0001, as the service sends it.
	ErrCode *string `json:"errCode,omitempty"`

	// ErrorCode is the error code in the documented shape (and the API gateway's, such as
	// APIGW.0301).
	ErrorCode *string `json:"error_code,omitempty"`

	// ErrorMsg is the error message in the documented shape.
	ErrorMsg *string `json:"error_msg,omitempty"`

	// ExternalMessage is the error message as the service sends it.
	ExternalMessage *string `json:"externalMessage,omitempty"`

	// RequestId is the ID of the request, which the API gateway adds to the errors it answers.
	RequestId *string `json:"request_id,omitempty"` //nolint:revive // the generated code's naming (Id, not ID)
}

// Code returns the error code of either shape: errCode if it is set and not empty, else
// error_code, else "".
func (e ErrorBody) Code() string {
	return first(e.ErrCode, e.ErrorCode)
}

// Message returns the error message of either shape: externalMessage if it is set and not
// empty, else error_msg, else "".
func (e ErrorBody) Message() string {
	return first(e.ExternalMessage, e.ErrorMsg)
}

func first(a, b *string) string {
	if a != nil && *a != "" {
		return *a
	}
	if b != nil {
		return *b
	}
	return ""
}
