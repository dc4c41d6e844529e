package client

import (
	"fmt"
	"strings"
	"unicode"

	idrules "github.com/cssvpcep/cssvpcep/internal/ids"
)

// MaxIDLength is the longest project or cluster ID, in bytes, that the client sends. Real IDs
// are 32 to 36 characters; the bound keeps a mistaken value (a whole file, say) out of URLs
// and logs.
const MaxIDLength = idrules.MaxLength

// ArgumentError is an argument of a call refused before any request is made: a cluster ID that
// could not be a real one (see CheckID), ListOptions out of the documented ranges, a nil
// context. The same call with the same argument always fails the same way, so it is never
// retried. errors.As finds it in the error of ListConnections, AllPages and AllConnections.
type ArgumentError struct {
	// Func is the function or method refusing the argument, such as "ListConnections"; empty
	// for CheckID.
	Func string
	// Name is the argument, such as "clusterID", "ListOptions.Limit" or "ctx".
	Name string
	// Reason says what is wrong, following Name in a sentence: "is empty",
	// `"a/b" contains '/', which is not allowed in an ID`. It quotes at most 64 bytes of the
	// value, escaped with strconv.Quote.
	Reason string
}

// Error returns "client: <Func>: <Name> <Reason>", such as
// `client: ListConnections: clusterID "a/b" contains '/', which is not allowed in an ID`.
func (e *ArgumentError) Error() string {
	s := "client: "
	if e.Func != "" {
		s += e.Func + ": "
	}
	return s + e.Name + " " + e.Reason
}

// CheckID returns an *ArgumentError named name when id could not be a project or cluster ID, or
// could change which path a request reaches; nil when the client would send it. These are the
// rules ListConnections, AllPages, AllConnections and WithProjectID apply before any request,
// for a caller (a command line, say) that checks its input before building a client.
//
// The generated client escapes every byte that is not safe in a path segment (url.PathEscape),
// so what passes reaches the server as exactly one segment holding exactly the value: a space
// is sent as %20, a "%" as %25, "ü" as %C3%BC. What is refused is what escaping cannot make
// safe or what only a mistake produces:
//   - "/" and "\" (some servers and proxies take an escaped or a back slash for a separator),
//     "?" and "#";
//   - "." and "..", which URL resolution removes, sending the request to another path;
//   - control characters, invalid UTF-8, leading or trailing white space, a blank value;
//   - more than MaxIDLength bytes.
func CheckID(name, id string) error {
	if reason := idProblem(id); reason != "" {
		return &ArgumentError{Name: name, Reason: reason}
	}
	return nil
}

// checkArgID is CheckID for an argument of fn.
func checkArgID(fn, name, id string) error {
	if reason := idProblem(id); reason != "" {
		return &ArgumentError{Func: fn, Name: name, Reason: reason}
	}
	return nil
}

// idProblem says what is wrong with an ID, as the Reason of an ArgumentError; "" when nothing
// is. The rules are CheckID's, the same the emulator applies to what it stores (internal/ids).
func idProblem(v string) string { return idrules.SegmentProblem(v) }

// headerTextProblem says what is wrong with a header value (an empty one, or one with a control
// character: CR or LF would split the header), naming it name; "" when nothing is. It never
// quotes the value, which may be a credential.
func headerTextProblem(name, v string) string {
	if strings.TrimSpace(v) == "" {
		return name + " is empty"
	}
	if i := strings.IndexFunc(v, unicode.IsControl); i >= 0 {
		return fmt.Sprintf("%s has a control character at byte %d", name, i)
	}
	if strings.TrimSpace(v) != v {
		return name + " has leading or trailing white space"
	}
	return ""
}
