package contract

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// bodyChecks holds the body checks of a document's responses, by the media type object whose
// schema each was compiled from: the one ValidateResponse picks for a response.
type bodyChecks map[*openapi3.MediaType]*bodyCheck

// compileResponseBodies compiles the application/json schema of every response of every
// operation of doc, which must be the document the router routes with (its media type objects
// are the keys). refused holds what did not compile and why: those bodies are left to
// kin-openapi. An OpenAPI 3.1 document is refused whole (kin-openapi validates it with its
// JSON Schema 2020-12 validator, not the 3.0 one the body check mirrors).
func compileResponseBodies(doc *openapi3.T, formats bodyFormats) (checks bodyChecks, refused map[*openapi3.MediaType]error) {
	checks, refused = bodyChecks{}, map[*openapi3.MediaType]error{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for code, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				mt := resp.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					continue
				}
				if _, done := checks[mt]; done {
					continue
				}
				if doc.IsOpenAPI31OrLater() {
					refused[mt] = fmt.Errorf("%w: an OpenAPI %s document", errNotCompiled, doc.OpenAPI)
					continue
				}
				bc, err := compileBody(mt.Schema, formats)
				if err != nil {
					refused[mt] = fmt.Errorf("%s %s %s: %w", method, path, code, err)
					continue
				}
				checks[mt] = bc
			}
		}
	}
	return checks, refused
}

// forResponse returns the check kin-openapi's ValidateResponse would apply, through
// encoding/json, to the body of a response to a request with method for op, with status and
// the response's Content-Type; nil when it would not check the body that way, or when no check
// was compiled for it: the body is then kin-openapi's, as before. A check returned applies
// only once kin-openapi, with ExcludeResponseBody, found nothing wrong with the status and
// headers: ValidateResponse stops at the first of those that is wrong, before the body.
func (bs bodyChecks) forResponse(method string, op *openapi3.Operation, status int, contentType string) *bodyCheck {
	// ValidateResponse checks nothing of these (validate_response.go).
	switch {
	case method == http.MethodHead:
		return nil
	case status == http.StatusNotModified, status == http.StatusPermanentRedirect,
		status == http.StatusTemporaryRedirect, status == http.StatusMovedPermanently:
		return nil
	case op == nil || op.Responses == nil || op.Responses.Len() == 0:
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get(contentType)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	// kin-openapi decodes with the decoder of the response's own media type, which it reads as
	// decodeBody does (the part before any ";", trimmed, in any case): the body check is that
	// of application/json (encoding/json with UseNumber).
	if mediaType, _, _ := strings.Cut(contentType, ";"); !strings.EqualFold(strings.TrimSpace(mediaType), "application/json") {
		return nil
	}
	return bs[mt]
}
