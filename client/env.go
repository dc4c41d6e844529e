package client

import (
	"errors"
	"fmt"
	"os"

	"github.com/cssvpcep/cssvpcep/internal/options"
	"github.com/cssvpcep/cssvpcep/internal/redact"
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

// NewFromEnv returns a Client configured from the process environment (os.LookupEnv) and opts.
// The environment gives what opts do not: the endpoint (CSS_ENDPOINT, else the region
// OS_REGION_NAME), the project ID (OS_PROJECT_ID) and the credentials (OS_AUTH_TOKEN, or
// OS_ACCESS_KEY with OS_SECRET_KEY). An option always wins over the environment, even when
// its value is wrong (the error then names the option): with WithEndpoint or WithRegion,
// neither CSS_ENDPOINT nor OS_REGION_NAME is read; with WithProjectID, OS_PROJECT_ID is not;
// with WithToken or WithAccessKey, no credential variable is. A variable set to the empty
// string counts as unset.
//
// The error holds a *ConfigError for every variable that is missing, incomplete (an access key
// without its secret key, or the reverse), contradictory (a token and an access key both) or
// wrong, and for every option that is wrong (see ConfigError).
func NewFromEnv(opts ...Option) (*Client, error) {
	return NewFromEnvFunc(os.LookupEnv, opts...)
}

// NewFromEnvFunc is NewFromEnv reading the variables through lookup, which has the signature of
// os.LookupEnv, instead of the process environment: for a command that is given its
// environment (and its flags, as opts, which win over the variables), or for tests.
func NewFromEnvFunc(lookup func(string) (string, bool), opts ...Option) (*Client, error) {
	if lookup == nil {
		return nil, &ArgumentError{Func: "NewFromEnvFunc", Name: "lookup", Reason: "is nil"}
	}
	get := func(name string) string {
		v, _ := lookup(name)
		return v
	}
	// Apply opts to a scratch configuration to learn what they give, a wrong value included;
	// their errors come from New below, or with the environment's.
	fromOpts := defaultConfig()
	optErrs := fromOpts.apply(opts)

	var env []Option
	var errs []error
	set := func(f func(*config)) { env = append(env, func(c *config) error { f(c); return nil }) }
	bad := func(option, variable string, err error) {
		errs = append(errs, &ConfigError{Option: option, Variable: variable, Err: err, env: true})
	}

	if fromOpts.given&settingEndpoint == 0 {
		var u, region = get(EnvEndpoint), get(EnvRegion)
		switch {
		case u != "":
			if ep, err := parseEndpoint(u); err != nil {
				bad("WithEndpoint", EnvEndpoint, err)
			} else {
				set(func(c *config) { c.endpoint, c.region = ep, "" })
			}
		case region != "":
			if ep, err := regionEndpoint(region); err != nil {
				bad("WithRegion", EnvRegion, err)
			} else {
				set(func(c *config) { c.endpoint, c.region = ep, region })
			}
		default:
			bad("", "", fmt.Errorf("%w: set %s or %s, or use WithEndpoint or WithRegion", ErrNoEndpoint, EnvEndpoint, EnvRegion))
		}
	}

	if fromOpts.given&settingProjectID == 0 {
		p := get(EnvProjectID)
		switch reason := idProblem(p); {
		case p == "":
			bad("", "", fmt.Errorf("%w: set %s, or use WithProjectID", ErrNoProjectID, EnvProjectID))
		case reason != "":
			bad("WithProjectID", EnvProjectID, fmt.Errorf("project ID %s", reason))
		default:
			set(func(c *config) { c.projectID = p })
		}
	}

	if fromOpts.given&settingCredentials == 0 {
		token, ak, sk := get(EnvAuthToken), get(EnvAccessKey), get(EnvSecretKey)
		switch {
		case token != "" && (ak != "" || sk != ""):
			bad("", "", fmt.Errorf("both %s and %s/%s are set: unset one kind of credentials", EnvAuthToken, EnvAccessKey, EnvSecretKey))
		case token != "":
			if reason := headerTextProblem("the token", token); reason != "" {
				bad("WithToken", EnvAuthToken, errors.New(reason))
			} else {
				set(func(c *config) { c.token, c.hasToken = redact.New(token), true })
			}
		case ak != "" && sk != "":
			if reason := headerTextProblem("the secret key", sk); reason != "" {
				// Checked as the token is, so that both say the same, naming the variable.
				bad("WithAccessKey", EnvSecretKey, errors.New(reason))
			} else if creds, err := signer.NewCredentials(ak, sk); err != nil {
				// A placeholder secret key tells which of the two is at fault.
				variable := EnvSecretKey
				if _, akErr := signer.NewCredentials(ak, "x"); akErr != nil {
					variable = EnvAccessKey
				}
				bad("WithAccessKey", variable, err)
			} else {
				set(func(c *config) { c.keys, c.secretKey, c.hasKeys = creds, redact.New(sk), true })
			}
		case ak != "":
			bad("", "", fmt.Errorf("%s is set but %s is not", EnvAccessKey, EnvSecretKey))
		case sk != "":
			bad("", "", fmt.Errorf("%s is set but %s is not", EnvSecretKey, EnvAccessKey))
		default:
			bad("", "", fmt.Errorf("%w: set %s, or %s and %s, or use WithToken or WithAccessKey", ErrNoCredentials, EnvAuthToken, EnvAccessKey, EnvSecretKey))
		}
	}

	if len(errs) > 0 {
		return nil, options.Join(append(errs, optErrs...))
	}
	return New(append(env, opts...)...)
}
