package client

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	idrules "github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/options"
	"github.com/cssvpcep/cssvpcep/internal/quote"
	"github.com/cssvpcep/cssvpcep/internal/redact"
	"github.com/cssvpcep/cssvpcep/signer"
)

// The environment variables NewFromEnv reads: the OpenStack names that Open Telekom Cloud and
// Huawei Cloud tools share (the openstack CLI, Terraform's providers, gophercloud), and
// CSS_ENDPOINT.
const (
	EnvAuthToken      = "OS_AUTH_TOKEN"       // IAM token (WithToken)
	EnvAccessKey      = "OS_ACCESS_KEY"       // access key (WithAccessKey)
	EnvSecretKey      = "OS_SECRET_KEY"       // secret key (WithAccessKey)
	EnvUsername       = "OS_USERNAME"         // IAM user name (WithPassword)
	EnvPassword       = "OS_PASSWORD"         // IAM user's password (WithPassword)
	EnvUserDomainName = "OS_USER_DOMAIN_NAME" // the user's domain, the account name (WithPassword)
	EnvDomainName     = "OS_DOMAIN_NAME"      // the same, when OS_USER_DOMAIN_NAME is not set
	EnvAuthURL        = "OS_AUTH_URL"         // IAM endpoint (WithIAMEndpoint)
	EnvProjectID      = "OS_PROJECT_ID"       // project ID (WithProjectID)
	EnvProjectName    = "OS_PROJECT_NAME"     // project name (WithProjectName)
	EnvRegion         = "OS_REGION_NAME"      // region (WithRegion)
	EnvCloud          = "OS_CLOUD"            // a cloud of clouds.yaml
	EnvCloudsFile     = "OS_CLIENT_CONFIG_FILE"
	EnvEndpoint       = "CSS_ENDPOINT" // endpoint URL (WithEndpoint); takes precedence over OS_REGION_NAME
)

// NewFromEnv returns a Client configured from the process environment (os.LookupEnv) and opts.
// It reads what OpenStack tools read, so that a user who signs in to the openstack CLI, with
// variables or a clouds.yaml, signs in here the same way.
//
// An option always wins over the environment, even when its value is wrong (the error then
// names the option): with WithEndpoint or WithRegion no variable gives the endpoint; with
// WithProjectID or WithProjectName none gives the project; with WithToken, WithAccessKey or
// WithPassword none gives credentials; with WithIAMEndpoint, OS_AUTH_URL is not read. A
// variable set to the empty string counts as unset. For the rest, the first that is set wins:
//
//	endpoint      CSS_ENDPOINT, OS_REGION_NAME, the cloud's region_name, with a password the
//	              CSS endpoint of the token's catalog (service type css), the region a project
//	              name starts with (Open Telekom Cloud names projects eu-de or eu-de_<sub>)
//	IAM endpoint  OS_AUTH_URL, the cloud's auth_url, Open Telekom Cloud's for the region
//	project       OS_PROJECT_ID, OS_PROJECT_NAME, the cloud's project_id, its project_name
//	credentials   one kind of: OS_AUTH_TOKEN; OS_ACCESS_KEY with OS_SECRET_KEY;
//	              OS_USERNAME with OS_PASSWORD and OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME);
//	              the cloud's auth (a token, or a user name, password and domain)
//
// The cloud is OS_CLOUD's, read from clouds.yaml (and secure.yaml beside it) through
// gophercloud's clouds package: OS_CLIENT_CONFIG_FILE if set, else the first clouds.yaml of
// the current directory, $XDG_CONFIG_HOME/openstack (~/.config/openstack), /etc/openstack. As
// with python-openstackclient, OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME override the
// cloud's user, password and domain, so that a password can stay out of the file.
//
// Two complete kinds of credentials at once (a token and a password, say) are an error, as
// is an incomplete one (OS_USERNAME without OS_PASSWORD, an access key without its secret
// key). The error holds a *ConfigError for every variable that is missing, incomplete,
// contradictory or wrong, and for every option that is wrong (see ConfigError); it never
// quotes a credential.
func NewFromEnv(opts ...Option) (*Client, error) {
	return NewFromEnvFunc(os.LookupEnv, opts...)
}

// NewFromEnvFunc is NewFromEnv reading the variables through lookup, which has the signature of
// os.LookupEnv, instead of the process environment: for a command that is given its
// environment (and its flags, as opts, which win over the variables), or for tests. The
// clouds.yaml search uses lookup's HOME and XDG_CONFIG_HOME, and the process's current
// directory.
func NewFromEnvFunc(lookup func(string) (string, bool), opts ...Option) (*Client, error) {
	if lookup == nil {
		return nil, &ArgumentError{Func: "NewFromEnvFunc", Name: "lookup", Reason: "is nil"}
	}
	r := &envReader{lookup: lookup}
	// Apply opts to a scratch configuration to learn what they give, a wrong value included;
	// their errors come from New below, or with the environment's.
	fromOpts := defaultConfig()
	optErrs := fromOpts.apply(opts)

	if name := r.get(EnvCloud); name != "" {
		r.cloud, r.cloudErr = readCloud(lookup, name)
		if r.cloudErr != nil {
			r.bad("", EnvCloud, r.cloudErr)
		}
	}
	r.sources = append(r.sources, "environment")
	if r.cloud != nil {
		r.sources = append(r.sources, fmt.Sprintf("clouds.yaml %s (cloud %s)", r.cloud.file, quote.Value(r.cloud.name)))
	}

	if fromOpts.given&settingEndpoint == 0 {
		r.endpoint(r.projectName(fromOpts))
	}
	if fromOpts.given&settingProjectID == 0 {
		r.project()
	}
	if fromOpts.given&settingIAM == 0 {
		r.iam()
	}
	if fromOpts.given&settingCredentials == 0 {
		r.credentials()
	}
	if r.noEndpoint {
		// With a password, the catalog of the token IAM issues names the endpoint; with the
		// other kinds nothing would.
		if fromOpts.password == nil && !r.password { // in its place among the problems, as the variables are read
			r.errs = slices.Insert(r.errs, r.noEndpointAt, error(&ConfigError{Err: errNoEndpoint, env: true}))
		}
	}
	source := "environment"
	if r.cloud != nil {
		source = r.sources[1] + " and the environment"
	}
	r.set(func(c *config) { c.source = source })

	if len(r.errs) > 0 {
		return nil, options.Join(append(r.errs, optErrs...))
	}
	return New(append(r.env, opts...)...)
}

// envReader turns variables into options and problems.
type envReader struct {
	lookup   func(string) (string, bool)
	cloud    *cloudSettings
	cloudErr error
	sources  []string
	env      []Option
	errs     []error
	// noEndpoint: nothing named the CSS endpoint (which a password's token catalog may);
	// noEndpointAt is where its problem goes among errs.
	noEndpoint   bool
	noEndpointAt int
	// password: the variables (or the cloud) give a password sign-in.
	password bool
}

func (r *envReader) get(name string) string {
	v, _ := r.lookup(name)
	return v
}

func (r *envReader) set(f func(*config)) {
	r.env = append(r.env, func(c *config) error { f(c); return nil })
}

func (r *envReader) bad(option, variable string, err error) {
	r.errs = append(r.errs, &ConfigError{Option: option, Variable: variable, Err: err, env: true})
}

// projectName returns the name the project will be named by, "" when an ID names it.
func (r *envReader) projectName(fromOpts *config) string {
	if fromOpts.given&settingProjectID != 0 {
		return fromOpts.projectName
	}
	id, name := r.get(EnvProjectID), r.get(EnvProjectName)
	if c := r.cloud; c != nil && id == "" && name == "" {
		id, name = c.projectID, c.projectName
	}
	if id != "" {
		return ""
	}
	return name
}

// project reads the project.
func (r *envReader) project() {
	id, name := r.get(EnvProjectID), r.get(EnvProjectName)
	idVar, nameVar := EnvProjectID, EnvProjectName
	if c := r.cloud; c != nil && id == "" && name == "" {
		id, name = c.projectID, c.projectName
		idVar, nameVar = EnvCloud, EnvCloud
	}
	switch {
	case id != "":
		if reason := idProblem(id); reason != "" {
			r.bad("WithProjectID", idVar, fmt.Errorf("project ID %s", reason))
			return
		}
		r.set(func(c *config) { c.projectID = id })
	case name != "":
		if reason := idProblem(name); reason != "" {
			r.bad("WithProjectName", nameVar, fmt.Errorf("project name %s", reason))
			return
		}
		r.set(func(c *config) { c.projectName = name })
	default:
		r.bad("", "", fmt.Errorf("%w: set %s or %s (or %s), or use WithProjectID or WithProjectName", ErrNoProjectID, EnvProjectID, EnvProjectName, EnvCloud))
	}
}

// endpoint reads the CSS endpoint, and the region that gives it (which also gives IAM's).
func (r *envReader) endpoint(projectName string) {
	u, region, regionVar := r.get(EnvEndpoint), r.get(EnvRegion), EnvRegion
	if region == "" && r.cloud != nil && r.cloud.region != "" {
		region, regionVar = r.cloud.region, EnvCloud
	}
	guessed := false
	if region == "" && u == "" {
		if prefix := idrules.ProjectRegion(projectName); prefix != "" {
			region = prefix // Open Telekom Cloud's projects are named for their region
			guessed = true
		}
	}
	switch {
	case u != "":
		ep, err := parseEndpoint(u)
		if err != nil {
			r.bad("WithEndpoint", EnvEndpoint, err)
			return
		}
		r.set(func(c *config) { c.endpoint, c.region = ep, "" })
		if region != "" && idrules.Region.MatchString(region) {
			// The region still names IAM's endpoint, when nothing else does.
			r.set(func(c *config) {
				if c.iam == nil {
					c.iam = iamEndpoint(region)
				}
			})
		}
	case region != "":
		ep, err := regionEndpoint(region)
		if err != nil {
			r.bad("WithRegion", regionVar, err)
			return
		}
		r.set(func(c *config) {
			c.endpoint, c.region, c.endpointGuessed = ep, region, guessed
			if c.iam == nil {
				c.iam = iamEndpoint(region)
			}
		})
	default:
		r.noEndpoint, r.noEndpointAt = true, len(r.errs) // the token's catalog may name it: see NewFromEnvFunc
	}
}

// errNoEndpoint is NewFromEnv's error when nothing names the CSS endpoint.
var errNoEndpoint = fmt.Errorf("%w: set %s or %s, or use WithEndpoint or WithRegion", ErrNoEndpoint, EnvEndpoint, EnvRegion)

// iam reads the IAM endpoint.
func (r *envReader) iam() {
	u, variable := r.get(EnvAuthURL), EnvAuthURL
	if u == "" && r.cloud != nil {
		u, variable = r.cloud.authURL, EnvCloud
	}
	if u == "" {
		return
	}
	ep, err := parseEndpoint(u)
	if err != nil {
		r.bad("WithIAMEndpoint", variable, err)
		return
	}
	r.set(func(c *config) { c.iam, c.iamGiven = ep, true })
}

// credentials reads the one kind of credentials the environment gives.
func (r *envReader) credentials() {
	token, ak, sk := r.get(EnvAuthToken), r.get(EnvAccessKey), r.get(EnvSecretKey)
	user, password := r.get(EnvUsername), r.get(EnvPassword)
	domain := r.get(EnvUserDomainName)
	if domain == "" {
		domain = r.get(EnvDomainName)
	}
	userVar, passwordVar, domainVar := EnvUsername, EnvPassword, EnvUserDomainName
	if c := r.cloud; c != nil {
		// The variables override the cloud's sign-in, one field at a time.
		if user == "" && c.username != "" {
			user, userVar = c.username, EnvCloud
		}
		if password == "" && c.password != "" {
			password, passwordVar = c.password, EnvCloud
		}
		if domain == "" && c.userDomain != "" {
			domain, domainVar = c.userDomain, EnvCloud
		}
		if token == "" && c.token != "" {
			token = c.token
		}
	}
	fromCloud := func(name string, cloud bool) string {
		if cloud {
			return name + " (or the cloud of " + EnvCloud + ")"
		}
		return name
	}
	var kinds []string
	if token != "" {
		kinds = append(kinds, fromCloud(EnvAuthToken, r.get(EnvAuthToken) == ""))
	}
	if ak != "" || sk != "" {
		kinds = append(kinds, EnvAccessKey+"/"+EnvSecretKey)
	}
	if user != "" || password != "" {
		kinds = append(kinds, fromCloud(EnvUsername+"/"+EnvPassword, userVar == EnvCloud || passwordVar == EnvCloud))
	}
	switch {
	case len(kinds) == 2:
		r.bad("", "", fmt.Errorf("both %s and %s are set: unset one kind of credentials", kinds[0], kinds[1]))
	case len(kinds) > 2:
		r.bad("", "", fmt.Errorf("%s are set: unset all kinds of credentials but one", joinAnd(kinds)))
	case token != "":
		if reason := headerTextProblem("the token", token); reason != "" {
			r.bad("WithToken", EnvAuthToken, errors.New(reason))
			return
		}
		r.set(func(c *config) { c.token, c.hasToken = redact.New(token), true })
	case ak != "" || sk != "":
		r.accessKey(ak, sk)
	case user != "" && password == "":
		r.bad("", "", fmt.Errorf("%s is set but %s is not", varOrCloud(userVar, EnvUsername), EnvPassword))
	case password != "" && user == "":
		r.bad("", "", fmt.Errorf("%s is set but %s is not", varOrCloud(passwordVar, EnvPassword), EnvUsername))
	case user != "" && domain == "":
		r.bad("", "", fmt.Errorf("%s and %s are set but not %s (or %s)", EnvUsername, EnvPassword, EnvUserDomainName, EnvDomainName))
	case user != "":
		for _, f := range []struct{ variable, what, value string }{{userVar, "the user name", user}, {passwordVar, "the password", password}, {domainVar, "the user domain", domain}} {
			if reason := headerTextProblem(f.what, f.value); reason != "" {
				r.bad("WithPassword", f.variable, errors.New(reason))
				return
			}
		}
		r.password = true
		r.set(func(c *config) {
			c.password = &passwordAuth{username: user, password: redact.New(password), domain: domain}
		})
	default:
		r.bad("", "", fmt.Errorf("%w: set %s; or %s and %s; or %s, %s and %s; or %s; or use WithToken, WithAccessKey or WithPassword",
			ErrNoCredentials, EnvAuthToken, EnvAccessKey, EnvSecretKey, EnvUsername, EnvPassword, EnvUserDomainName, EnvCloud))
	}
}

// accessKey reads an access key pair, complete or not.
func (r *envReader) accessKey(ak, sk string) {
	switch {
	case ak == "":
		r.bad("", "", fmt.Errorf("%s is set but %s is not", EnvSecretKey, EnvAccessKey))
	case sk == "":
		r.bad("", "", fmt.Errorf("%s is set but %s is not", EnvAccessKey, EnvSecretKey))
	default:
		if reason := headerTextProblem("the secret key", sk); reason != "" {
			// Checked as the token is, so that both say the same, naming the variable.
			r.bad("WithAccessKey", EnvSecretKey, errors.New(reason))
			return
		}
		creds, err := signer.NewCredentials(ak, sk)
		if err != nil {
			// A placeholder secret key tells which of the two is at fault.
			variable := EnvSecretKey
			if _, akErr := signer.NewCredentials(ak, "x"); akErr != nil {
				variable = EnvAccessKey
			}
			r.bad("WithAccessKey", variable, err)
			return
		}
		r.set(func(c *config) { c.keys, c.secretKey, c.hasKeys = creds, redact.New(sk), true })
	}
}

// varOrCloud names where a value came from: its variable, or the cloud.
func varOrCloud(from, variable string) string {
	if from == EnvCloud {
		return "the cloud of " + EnvCloud + " gives a " + strings.ToLower(strings.TrimPrefix(variable, "OS_")) + ", so " + variable
	}
	return variable
}

// joinAnd joins names as "a and b" or "a, b and c".
func joinAnd(names []string) string {
	if len(names) <= 2 {
		return strings.Join(names, " and ")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// cloudsLocations lists where clouds.yaml is looked for, as python-openstackclient and
// gophercloud look: OS_CLIENT_CONFIG_FILE alone when set, else the current directory, the
// user's configuration directory, /etc/openstack.
func cloudsLocations(lookup func(string) (string, bool)) []string {
	if f, _ := lookup(EnvCloudsFile); f != "" {
		return []string{f}
	}
	var locs []string
	if cwd, err := os.Getwd(); err == nil {
		locs = append(locs, filepath.Join(cwd, "clouds.yaml"))
	}
	if xdg, _ := lookup("XDG_CONFIG_HOME"); xdg != "" {
		locs = append(locs, filepath.Join(xdg, "openstack", "clouds.yaml"))
	} else if home, _ := lookup("HOME"); home != "" {
		locs = append(locs, filepath.Join(home, ".config", "openstack", "clouds.yaml"))
	}
	return append(locs, filepath.Join("/etc", "openstack", "clouds.yaml"))
}
