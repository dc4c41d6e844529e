package client

import (
	"context"
	"fmt"
	"time"
)

// AuthInfo says how a client signs in and where it goes, without a secret: what someone
// debugging a 401 looks at first (the CLI's auth command prints it).
type AuthInfo struct {
	// Kind is "token", "AK/SK" or "password".
	Kind string
	// Source is where the configuration came from: "options", "environment", or the
	// clouds.yaml file and cloud NewFromEnv read (and the environment).
	Source string
	// User and Domain are the IAM user name and its domain (with a password); AccessKey is the
	// access key (with AK/SK), which travels in every request and is not secret.
	User, Domain, AccessKey string
	// ProjectName and ProjectID are the project's; either may be empty when nothing gives it
	// (a token's project is not looked up unless WithProjectName asks).
	ProjectName, ProjectID string
	// IAMEndpoint is where a password or a project name is sent; empty when none is.
	IAMEndpoint string
	// Endpoint is the CSS endpoint the requests go to: with a password and an endpoint only
	// guessed from the project's name, or none configured, the one the token's catalog names
	// (empty when none is configured and the sign-in failed or the catalog names none).
	Endpoint string
	// EndpointFrom says where Endpoint came from when it was not configured: "catalog" (the
	// token's), or "project name" (guessed from the region a project's name starts with, as
	// NewFromEnv does when nothing else names one). Empty for a configured endpoint.
	EndpointFrom string
	// Expires is when the token got with the password expires; the zero time for the other
	// kinds, whose expiry the client does not know.
	Expires time.Time
}

// Auth returns how the client signs in. With a password it signs in (getting or reusing the
// token, so that IAM's answer is checked) and with a project name it finds the project's ID,
// which is what can fail: an *IAMError says why.
func (c *Client) Auth(ctx context.Context) (*AuthInfo, error) {
	if ctx == nil {
		return nil, nilContext("Auth")
	}
	cfg := c.cfg
	info := &AuthInfo{Source: cfg.source, ProjectName: cfg.projectName, ProjectID: cfg.projectID, Endpoint: c.server}
	if cfg.endpointGuessed {
		info.EndpointFrom = "project name"
	}
	if info.Source == "" {
		info.Source = "options"
	}
	if cfg.iam != nil && cfg.usesIAM() {
		info.IAMEndpoint = cfg.iam.String()
	}
	switch {
	case cfg.hasToken:
		info.Kind = "token"
	case cfg.hasKeys:
		info.Kind, info.AccessKey = "AK/SK", cfg.keys.AccessKey()
	case cfg.password != nil:
		info.Kind, info.User, info.Domain = "password", cfg.password.username, cfg.password.domain
	}
	if c.tokens != nil {
		t, err := c.tokens.get(ctx)
		if err != nil {
			return info, err
		}
		info.Expires, info.ProjectID = t.expires, t.projectID
		if t.projectName != "" {
			info.ProjectName = t.projectName
		}
		ep, err := c.endpointFor(t)
		if err != nil {
			return info, fmt.Errorf("client: Auth: %w", err)
		}
		info.Endpoint = ep.server
		if info.Endpoint != c.server {
			info.EndpointFrom = "catalog"
		}
		return info, nil
	}
	if info.ProjectID == "" {
		id, err := c.projectID(ctx)
		if err != nil {
			return info, err
		}
		info.ProjectID = id
	}
	return info, nil
}
