package client

import (
	"errors"
	"fmt"
	"os"

	"github.com/cssvpcep/cssvpcep/signer"
)

// The environment variables NewFromEnv reads: the OpenStack names that Open Telekom Cloud and
// Huawei Cloud tools share, and CSS_ENDPOINT.
const (
	EnvAuthToken = "OS_AUTH_TOKEN"  // IAM token (WithToken)
	EnvAccessKey = "OS_ACCESS_KEY"  // access key (WithAccessKey)
	EnvSecretKey = "OS_SECRET_KEY"  // secret key (WithAccessKey)
	EnvProjectID = "OS_PROJECT_ID"  // project ID (WithProjectID)
	EnvRegion    = "OS_REGION_NAME" // region (WithRegion)
	EnvEndpoint  = "CSS_ENDPOINT"   // endpoint URL (WithEndpoint); takes precedence over OS_REGION_NAME
)

// NewFromEnv returns a Client configured from the environment and opts. The environment gives
// what opts do not: the endpoint (CSS_ENDPOINT, else the region OS_REGION_NAME), the project ID
// (OS_PROJECT_ID) and the credentials (OS_AUTH_TOKEN, or OS_ACCESS_KEY with OS_SECRET_KEY). An
// option always wins over the environment: with WithRegion, CSS_ENDPOINT is not read; with
// WithToken or WithAccessKey, no credential variable is. A variable set to the empty string
// counts as unset.
//
// The error names every variable that is missing, incomplete (an access key without its secret
// key, or the reverse), contradictory (a token and an access key both) or wrong.
func NewFromEnv(opts ...Option) (*Client, error) {
	return newFromEnv(os.LookupEnv, opts)
}

// newFromEnv is NewFromEnv reading variables through lookup, for tests.
func newFromEnv(lookup func(string) (string, bool), opts []Option) (*Client, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return v
	}
	// Apply opts to a scratch configuration to learn what they set; their errors, if any,
	// come from New below, or with the environment's.
	given := defaultConfig()
	optErr := given.apply(opts)

	var env []Option
	var errs []error
	set := func(f func(*config)) { env = append(env, func(c *config) error { f(c); return nil }) }

	if given.endpoint == nil {
		var u, region = get(EnvEndpoint), get(EnvRegion)
		switch {
		case u != "":
			if ep, err := parseEndpoint("NewFromEnv: "+EnvEndpoint, u); err != nil {
				errs = append(errs, err)
			} else {
				set(func(c *config) { c.endpoint, c.region = ep, "" })
			}
		case region != "":
			if ep, err := regionEndpoint("NewFromEnv: "+EnvRegion, region); err != nil {
				errs = append(errs, err)
			} else {
				set(func(c *config) { c.endpoint, c.region = ep, region })
			}
		default:
			errs = append(errs, fmt.Errorf("client: NewFromEnv: no endpoint: set %s or %s, or use WithEndpoint or WithRegion", EnvEndpoint, EnvRegion))
		}
	}

	if given.projectID == "" {
		p := get(EnvProjectID)
		if p == "" {
			errs = append(errs, fmt.Errorf("client: NewFromEnv: no project ID: set %s, or use WithProjectID", EnvProjectID))
		} else if err := checkID("NewFromEnv", EnvProjectID, p); err != nil {
			errs = append(errs, err)
		} else {
			set(func(c *config) { c.projectID = p })
		}
	}

	if !given.hasToken && !given.hasKeys {
		token, ak, sk := get(EnvAuthToken), get(EnvAccessKey), get(EnvSecretKey)
		switch {
		case token != "" && (ak != "" || sk != ""):
			errs = append(errs, fmt.Errorf("client: NewFromEnv: both %s and %s/%s are set: unset one kind of credentials", EnvAuthToken, EnvAccessKey, EnvSecretKey))
		case token != "":
			if err := checkHeaderText("NewFromEnv", EnvAuthToken, token); err != nil {
				errs = append(errs, err)
			} else {
				set(func(c *config) { c.token, c.hasToken = newSecret(token), true })
			}
		case ak != "" && sk != "":
			if creds, err := signer.NewCredentials(ak, sk); err != nil {
				errs = append(errs, fmt.Errorf("client: NewFromEnv: %s/%s: %w", EnvAccessKey, EnvSecretKey, err))
			} else {
				set(func(c *config) { c.keys, c.hasKeys = creds, true })
			}
		case ak != "":
			errs = append(errs, fmt.Errorf("client: NewFromEnv: %s is set but %s is not", EnvAccessKey, EnvSecretKey))
		case sk != "":
			errs = append(errs, fmt.Errorf("client: NewFromEnv: %s is set but %s is not", EnvSecretKey, EnvAccessKey))
		default:
			errs = append(errs, fmt.Errorf("client: NewFromEnv: no credentials: set %s, or %s and %s, or use WithToken or WithAccessKey", EnvAuthToken, EnvAccessKey, EnvSecretKey))
		}
	}

	if len(errs) > 0 {
		return nil, errors.Join(append(errs, optErr)...)
	}
	return New(append(env, opts...)...)
}
