package client

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxIDLength is the longest project or cluster ID, in bytes, that the client sends. Real IDs
// are 32 to 36 characters; the bound keeps a mistaken value (a whole file, say) out of URLs
// and logs.
const MaxIDLength = 256

// checkID rejects a path parameter that could not be a real ID or that could change which path
// the request reaches, before any request is made. where names the function or option and name
// the parameter, so the error says which value is wrong.
//
// The generated client escapes every byte that is not safe in a path segment (url.PathEscape),
// so what passes here reaches the server as exactly one segment holding exactly the value: a
// space is sent as %20, a "%" as %25, "ü" as %C3%BC. What is refused is what escaping cannot
// make safe or what only a mistake produces:
//   - "/" and "\" (some servers and proxies take an escaped or a back slash for a separator),
//     "?" and "#";
//   - "." and "..", which URL resolution removes, sending the request to another path;
//   - control characters, invalid UTF-8, leading or trailing white space, a blank value;
//   - more than MaxIDLength bytes.
func checkID(where, name, v string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("client: %s: %s %s", where, name, fmt.Sprintf(format, args...))
	}
	switch {
	case v == "":
		return bad("is empty")
	case len(v) > MaxIDLength:
		return bad("is %d bytes long; at most %d are allowed", len(v), MaxIDLength)
	case !utf8.ValidString(v):
		return bad("%q is not valid UTF-8", v)
	case strings.TrimSpace(v) == "":
		return bad("%q is blank", v)
	case v == "." || v == "..":
		return bad("%q is a dot segment, which URL resolution would remove", v)
	}
	for i, r := range v {
		if unicode.IsControl(r) {
			return bad("%q has a control character at byte %d", v, i)
		}
		switch r {
		case '/', '\\', '?', '#':
			return bad("%q contains %q, which is not allowed in an ID", v, r)
		}
	}
	if strings.TrimSpace(v) != v {
		return bad("%q has leading or trailing white space", v)
	}
	return nil
}

// checkHeaderText rejects a header value that is empty or holds a control character (CR or LF
// would split the header). It never quotes the value, which may be a credential.
func checkHeaderText(where, name, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("client: %s: %s is empty", where, name)
	}
	if i := strings.IndexFunc(v, unicode.IsControl); i >= 0 {
		return fmt.Errorf("client: %s: %s has a control character at byte %d", where, name, i)
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("client: %s: %s has leading or trailing white space", where, name)
	}
	return nil
}
