package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/pagination"
	"golang.org/x/sync/singleflight"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// projectLookup finds the ID of the project WithProjectName names, with the client's token or
// AK/SK (GET /v3/projects?name=, signed like every request), once: the answer is kept, and
// calls that need it at the same time share one request.
type projectLookup struct {
	c     *Client
	mu    sync.Mutex
	id    string
	group singleflight.Group
}

// projectID returns the ID of the project every request's path names, for a client without
// WithPassword (whose project is its token's, see attemptTarget): WithProjectID's, or the one
// WithProjectName's lookup found.
func (c *Client) projectID(ctx context.Context) (string, error) {
	if c.cfg.projectID != "" {
		return c.cfg.projectID, nil
	}
	return c.project.get(ctx)
}

func (p *projectLookup) get(ctx context.Context) (string, error) {
	p.mu.Lock()
	id := p.id
	p.mu.Unlock()
	if id != "" {
		return id, nil
	}
	return shared(ctx, &p.group, "the ID of project "+quote.Value(p.c.cfg.projectName), func(rctx context.Context) (string, error) {
		id, err := p.find(rctx)
		if err == nil {
			p.mu.Lock()
			p.id = id
			p.mu.Unlock()
		}
		return id, err
	})
}

// find asks IAM for the projects named so, through gophercloud.
func (p *projectLookup) find(ctx context.Context) (string, error) {
	cfg := p.c.cfg
	iam := cfg.iam.String()
	sc := iamServiceClient(p.c.iamHC, iam, cfg.userAgent, iamRetry(cfg))
	// One page: the list is filtered by the name, which is unique in a domain. Its links.next
	// is not followed (IAM's answer would choose where the credentials go next; the transport
	// refuses another host anyway).
	var found []projects.Project
	var extractErr error
	err := projects.List(sc, projects.ListOpts{Name: cfg.projectName}).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		found, extractErr = projects.ExtractProjects(page)
		return false, nil
	})
	switch {
	case err != nil:
		return "", iamError(iam, "GET /projects?name="+quote.Value(cfg.projectName), err, newMasker(cfg))
	case extractErr != nil:
		return "", &IAMError{URL: iam, Message: "the project list does not decode: " + quote.Line(extractErr.Error(), maxErrorText)}
	}
	var ids []string
	for _, pr := range found {
		if pr.Name == cfg.projectName && pr.ID != "" {
			ids = append(ids, pr.ID)
		}
	}
	switch {
	case len(ids) == 0:
		return "", &IAMError{URL: iam, Message: fmt.Sprintf("no project is named %s for these credentials", quote.Value(cfg.projectName))}
	case len(ids) > 1:
		return "", &IAMError{URL: iam, Message: fmt.Sprintf("%d projects are named %s: use WithProjectID", len(ids), quote.Value(cfg.projectName))}
	}
	if reason := idProblem(ids[0]); reason != "" {
		return "", &IAMError{URL: iam, Message: "the project ID IAM gave " + reason}
	}
	return ids[0], nil
}

// orDefault is rt, or http.DefaultTransport for nil.
func orDefault(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		return http.DefaultTransport
	}
	return rt
}
