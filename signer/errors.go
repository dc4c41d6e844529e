package signer

// Reason says why Verify rejected a request. Each Reason is an error, so that
// errors.Is(err, signer.ErrDateSkew) picks the reason out of the *VerifyError that Verify
// returns.
type Reason int

// The reasons Verify gives, roughly in the order it checks them.
const (
	// ErrMissingAuthorization: the request has no Authorization header, or an empty one.
	ErrMissingAuthorization Reason = iota + 1
	// ErrMalformedAuthorization: the header is not "SDK-HMAC-SHA256 Access=..,
	// SignedHeaders=.., Signature=.." with a non-empty access key, a sorted list of distinct
	// lower-case header names and 64 hex digits; or there are several Authorization headers.
	ErrMalformedAuthorization
	// ErrUnknownAccessKey: the lookup does not know the access key.
	ErrUnknownAccessKey
	// ErrMissingDate: the request has no X-Sdk-Date header.
	ErrMissingDate
	// ErrDateNotSigned: x-sdk-date is not among the signed headers, so the time could be
	// changed without breaking the signature.
	ErrDateNotSigned
	// ErrBadDate: X-Sdk-Date is not one time in DateLayout.
	ErrBadDate
	// ErrDateSkew: X-Sdk-Date is further from the verifier's clock than the allowed skew.
	ErrDateSkew
	// ErrMissingSignedHeader: a header named in SignedHeaders is not in the request.
	ErrMissingSignedHeader
	// ErrBodyTooLarge: the body is larger than the verifier reads (WithMaxBodySize).
	ErrBodyTooLarge
	// ErrBodyUnreadable: reading the body failed; VerifyError.Err holds the cause.
	ErrBodyUnreadable
	// ErrSignatureMismatch: the signature is not the one the secret key gives for this
	// request.
	ErrSignatureMismatch
)

// Error returns a short description of the reason.
func (r Reason) Error() string {
	switch r {
	case ErrMissingAuthorization:
		return "missing Authorization header"
	case ErrMalformedAuthorization:
		return "malformed Authorization header"
	case ErrUnknownAccessKey:
		return "unknown access key"
	case ErrMissingDate:
		return "missing X-Sdk-Date header"
	case ErrDateNotSigned:
		return "X-Sdk-Date is not signed"
	case ErrBadDate:
		return "bad X-Sdk-Date"
	case ErrDateSkew:
		return "X-Sdk-Date outside the allowed clock skew"
	case ErrMissingSignedHeader:
		return "signed header missing from the request"
	case ErrBodyTooLarge:
		return "body too large to verify"
	case ErrBodyUnreadable:
		return "body could not be read"
	case ErrSignatureMismatch:
		return "signature mismatch"
	}
	return "unknown reason"
}

// VerifyError is the error Verify returns for a request it rejects. Its message never holds
// the secret key nor any signature, the expected or the received one, and quotes at most 64
// bytes of any value taken from the request (an access key, a date, a header or parameter
// name), so it can be logged and returned to the caller as it is, whatever the request holds.
type VerifyError struct {
	// Reason is why; errors.Is(err, Reason) matches it.
	Reason Reason
	// Detail says precisely what was wrong with this request, each value of the request in it
	// quoted with strconv.Quote, cut to 64 bytes and marked with "…" when longer.
	Detail string
	// Err is the underlying error when there is one (reading the body), else nil.
	Err error
}

// Error returns "signer: <reason>: <detail>", and the underlying error if any.
func (e *VerifyError) Error() string {
	msg := "signer: " + e.Reason.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the reason and the underlying error, for errors.Is and errors.As.
func (e *VerifyError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

func reject(r Reason, detail string) *VerifyError {
	return &VerifyError{Reason: r, Detail: detail}
}
