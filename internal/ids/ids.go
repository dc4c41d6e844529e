// Package ids holds the rules for the IDs that become path segments of a request (project and
// cluster IDs) and the formats of the IDs that travel in request bodies (VPC endpoint IDs,
// account IDs), so that the client, which checks what it sends, and the emulator, which checks
// what it stores, apply the same ones.
package ids

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// MaxLength is the longest project or cluster ID, in bytes. Real IDs are 32 to 36 characters;
// the bound keeps a mistaken value (a whole file, say) out of URLs and logs.
const MaxLength = 256

// SegmentProblem says what is wrong with v as a project or cluster ID, an ID that becomes one
// path segment of a request, following the ID's name in a sentence ("is empty", `"a/b"
// contains '/', which is not allowed in an ID`); "" when nothing is. It quotes at most
// quote.Max bytes of v. Refused is what escaping cannot make safe or what only a mistake
// produces:
//   - "/" and "\" (some servers and proxies take an escaped or a back slash for a separator),
//     "?" and "#";
//   - "." and "..", which URL resolution removes, sending the request to another path;
//   - control characters, invalid UTF-8, leading or trailing white space, a blank value;
//   - more than MaxLength bytes.
func SegmentProblem(v string) string {
	switch {
	case v == "":
		return "is empty"
	case len(v) > MaxLength:
		return fmt.Sprintf("is %d bytes long; at most %d are allowed", len(v), MaxLength)
	case !utf8.ValidString(v):
		return quote.Value(v) + " is not valid UTF-8"
	case strings.TrimSpace(v) == "":
		return quote.Value(v) + " is blank"
	case v == "." || v == "..":
		return quote.Value(v) + " is a dot segment, which URL resolution would remove"
	}
	for i, r := range v {
		if unicode.IsControl(r) {
			return fmt.Sprintf("%s has a control character at byte %d", quote.Value(v), i)
		}
		switch r {
		case '/', '\\', '?', '#':
			return fmt.Sprintf("%s contains %q, which is not allowed in an ID", quote.Value(v), r)
		}
	}
	if strings.TrimSpace(v) != v {
		return quote.Value(v) + " has leading or trailing white space"
	}
	return ""
}

// The formats of the IDs in request bodies, as the spec gives them (schemas EndpointId and
// AccountId; a test holds these to the spec): a VPC endpoint ID is a UUID, an account (domain)
// ID 32 lower-case hexadecimal digits.
var (
	EndpointID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	AccountID  = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// Region is what a region's name looks like: lower-case letters, then one or more "-" parts of
// lower-case letters and digits, as in eu-de, eu-nl or cn-north-4.
var Region = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// ProjectRegion is the region a project's name gives, as Open Telekom Cloud names projects (a
// region, or a region, "_" and a subproject): "" for any other name.
func ProjectRegion(name string) string {
	region, _, _ := strings.Cut(name, "_")
	if !Region.MatchString(region) {
		return ""
	}
	return region
}

// PermissionPrefix starts the permission of a whitelisted account, as the service writes it
// (and the page's example has it): "iam:domain::<account ID>", with permission_type domainId.
const PermissionPrefix = "iam:domain::"

// The bounds of the lists in request bodies, as the spec gives them (deviations
// endpoint-list-bounds and whitelist-bounds).
const (
	// MaxEndpointIDs is how many endpoint IDs one UpdateVpcepConnection takes.
	MaxEndpointIDs = 100
	// MaxAccountIDs is how many account IDs one UpdateVpcepWhitelist takes.
	MaxAccountIDs = 100
)

// ListProblem says what is wrong with a list of IDs that must each match format, must not
// repeat, and number at least min and at most max; "" when nothing is. kind names an element
// ("endpoint ID"), and what is wrong is said of the first element at fault, by its index.
// Hexadecimal digits name the same ID in either case (the emulator finds an endpoint so, and a
// UUID is case-insensitive by RFC 9562), so two elements that differ only in case repeat.
func ListProblem(list []string, kind string, format *regexp.Regexp, what string, min, max int) string {
	switch {
	case len(list) < min:
		return fmt.Sprintf("holds %d %ss; at least %d is needed", len(list), kind, min)
	case len(list) > max:
		return fmt.Sprintf("holds %d %ss; at most %d are allowed in one request", len(list), kind, max)
	}
	seen := make(map[string]int, len(list))
	for i, v := range list {
		if !format.MatchString(v) {
			return fmt.Sprintf("[%d] %s is not %s", i, quote.Value(v), what)
		}
		key := strings.ToLower(v)
		if j, dup := seen[key]; dup {
			return fmt.Sprintf("[%d] %s is also [%d]: an ID may be given once", i, quote.Value(v), j)
		}
		seen[key] = i
	}
	return ""
}
