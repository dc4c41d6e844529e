package client

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// ErrDryRun is the error of every call of a client made with WithDryRun: the request was
// built, checked and handed to the dry-run function, and not sent.
var ErrDryRun = errors.New("client: dry run: the request was not sent")

// PlannedRequest is a request a client made with WithDryRun would have sent. It never holds a
// credential: X-Auth-Token and the AK/SK signature are set only on requests that are sent.
type PlannedRequest struct {
	// Operation is the API operation the request calls.
	Operation Operation
	// Method and URL are the request's, as it would go out, but for what Unresolved names: URL
	// then holds {project_id} or starts with {css_endpoint}, and is not a URL to send to.
	Method, URL string
	// Header holds the headers the client sets (Accept, User-Agent, Content-Type,
	// X-Project-Id), without credentials.
	Header http.Header
	// Body is the request body; nil for a request without one.
	Body []byte
	// Unresolved says what of the URL only IAM can tell, which a dry run does not ask: with a
	// project given by name, the path holds {project_id} where the ID will be; with a password
	// and an endpoint guessed from the project's name, the token's catalog may name another
	// endpoint; with a password and no endpoint, the URL starts with {css_endpoint} where the
	// catalog's will be. Empty when the URL is the one that would be sent.
	Unresolved string
}

// projectPlaceholder stands in a planned URL for a project ID that IAM would give.
const projectPlaceholder = "{project_id}"

// catalogPlaceholder stands, in a planned request's URL, for the CSS endpoint that only the
// token's catalog can give (a password and no endpoint configured); the request is built on
// catalogPlaceholderServer, a name that cannot resolve (RFC 2606), and printed with it.
const (
	catalogPlaceholder       = "{css_endpoint}"
	catalogPlaceholderServer = "https://css-endpoint.invalid/"
)

// WithDryRun makes every call build and check its request as usual, then hand it to f instead
// of sending it, and fail with ErrDryRun. Nothing reaches the network: not even the read that
// AddToWhitelist and RemoveFromWhitelist make before they write (they plan the read and stop).
func WithDryRun(f func(PlannedRequest)) Option {
	return func(c *config) error {
		if f == nil {
			return optionError("WithDryRun", "the function is nil")
		}
		c.dryRun = f
		return nil
	}
}

// plan builds the request of x as an attempt would and hands it to the dry-run function.
func plan[T any](c *Client, x exchange[T]) error {
	projectID := c.cfg.projectID
	var unresolved []string
	if projectID == "" {
		projectID = projectPlaceholder
		unresolved = append(unresolved, "the ID of project "+quote.Value(c.cfg.projectName)+", which IAM gives, goes where the URL says {project_id}")
	}
	server := c.server
	switch {
	case c.tokens != nil && c.cfg.endpointGuessed:
		unresolved = append(unresolved, "the endpoint is the CSS endpoint of the token's catalog if it names one, else this one, guessed from the project's name")
	case server == "":
		server = catalogPlaceholderServer
		unresolved = append(unresolved, "the CSS endpoint of the token's catalog, which IAM gives, goes where the URL says "+catalogPlaceholder)
	}
	req, err := x.build(server, projectID)
	if err != nil {
		return fmt.Errorf("client: %s: building the request: %w", x.op.ID, err)
	}
	c.setHeaders(req)
	url := strings.Replace(req.URL.String(), "%7Bproject_id%7D", projectPlaceholder, 1)
	if server == catalogPlaceholderServer {
		url = catalogPlaceholder + "/" + strings.TrimPrefix(url, catalogPlaceholderServer)
	}
	p := PlannedRequest{Operation: *x.op, Method: req.Method, URL: url, Header: req.Header.Clone(), Unresolved: strings.Join(unresolved, "; ")}
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return fmt.Errorf("client: %s: reading the request body: %w", x.op.ID, err)
		}
		defer body.Close()
		if p.Body, err = io.ReadAll(body); err != nil {
			return fmt.Errorf("client: %s: reading the request body: %w", x.op.ID, err)
		}
	}
	c.cfg.dryRun(p)
	return fmt.Errorf("%w (%s %s)", ErrDryRun, p.Method, p.URL)
}
