package contract

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// missingCredential is what requireCredential reports: a scheme's header is absent or empty.
// It names the header, never its value.
type missingCredential struct {
	scheme, header string
}

func (e *missingCredential) Error() string {
	return fmt.Sprintf("security scheme %s: header %q is missing", e.scheme, e.header)
}

// requireCredential is the AuthenticationFunc that checks a credential is present, not that it
// is valid: verifying a token or an AK/SK signature is the service's (or the emulator's) job.
// The spec's schemes are API keys in headers (token: X-Auth-Token, aksk: Authorization);
// kin-openapi tries them in turn and accepts the request when one is present.
func requireCredential(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s.Type != "apiKey" || s.In != "header" {
		return fmt.Errorf("security scheme %s: type %q in %q cannot be checked", in.SecuritySchemeName, s.Type, s.In)
	}
	if in.RequestValidationInput.Request.Header.Get(s.Name) == "" {
		return &missingCredential{scheme: in.SecuritySchemeName, header: s.Name}
	}
	return nil
}
