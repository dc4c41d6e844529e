package client

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func envLookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func TestNewFromEnv(t *testing.T) {
	tests := []struct {
		name         string
		env          map[string]string
		opts         []Option
		wantEndpoint string
		wantProject  string
		wantAuth     string // "token" or "aksk"
		wantErr      []string
	}{{
		name:         "token and region",
		env:          map[string]string{"OS_AUTH_TOKEN": testToken, "OS_PROJECT_ID": "p1", "OS_REGION_NAME": "eu-de"},
		wantEndpoint: "https://css.eu-de.otc.t-systems.com/", wantProject: "p1", wantAuth: "token",
	}, {
		name:         "AK/SK and endpoint",
		env:          map[string]string{"OS_ACCESS_KEY": testAK, "OS_SECRET_KEY": testSK, "OS_PROJECT_ID": "p1", "CSS_ENDPOINT": "http://127.0.0.1:9000"},
		wantEndpoint: "http://127.0.0.1:9000/", wantProject: "p1", wantAuth: "aksk",
	}, {
		name:         "CSS_ENDPOINT wins over OS_REGION_NAME",
		env:          map[string]string{"OS_AUTH_TOKEN": "t", "OS_PROJECT_ID": "p1", "OS_REGION_NAME": "eu-de", "CSS_ENDPOINT": "https://css.eu-nl.otc.t-systems.com"},
		wantEndpoint: "https://css.eu-nl.otc.t-systems.com/", wantProject: "p1", wantAuth: "token",
	}, {
		name:         "options win over the environment",
		env:          map[string]string{"OS_AUTH_TOKEN": "t", "OS_PROJECT_ID": "p1", "CSS_ENDPOINT": "http://127.0.0.1:9000"},
		opts:         []Option{WithRegion("eu-nl"), WithProjectID("p2"), WithAccessKey("ak", "sk")},
		wantEndpoint: "https://css.eu-nl.otc.t-systems.com/", wantProject: "p2", wantAuth: "aksk",
	}, {
		name:         "options fill what the environment lacks",
		env:          map[string]string{"OS_REGION_NAME": "eu-de"},
		opts:         []Option{WithProjectID("p2"), WithToken("t")},
		wantEndpoint: "https://css.eu-de.otc.t-systems.com/", wantProject: "p2", wantAuth: "token",
	}, {
		name:         "a conflicting environment is not read when options give credentials",
		env:          map[string]string{"OS_AUTH_TOKEN": "t", "OS_ACCESS_KEY": "ak", "OS_PROJECT_ID": "p1", "OS_REGION_NAME": "eu-de"},
		opts:         []Option{WithToken("t2")},
		wantEndpoint: "https://css.eu-de.otc.t-systems.com/", wantProject: "p1", wantAuth: "token",
	}, {
		name:    "empty environment",
		env:     map[string]string{},
		wantErr: []string{"no endpoint: set CSS_ENDPOINT or OS_REGION_NAME", "no project ID: set OS_PROJECT_ID or OS_PROJECT_NAME", "no credentials: set OS_AUTH_TOKEN; or OS_ACCESS_KEY and OS_SECRET_KEY; or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME; or OS_CLOUD"},
	}, {
		name:    "empty values count as unset",
		env:     map[string]string{"OS_AUTH_TOKEN": "", "OS_PROJECT_ID": "", "OS_REGION_NAME": "", "CSS_ENDPOINT": ""},
		wantErr: []string{"no endpoint", "no project ID", "no credentials"},
	}, {
		name:    "token and AK/SK both",
		env:     map[string]string{"OS_AUTH_TOKEN": "t", "OS_ACCESS_KEY": "ak", "OS_SECRET_KEY": "sk", "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
		wantErr: []string{"client: NewFromEnv: both OS_AUTH_TOKEN and OS_ACCESS_KEY/OS_SECRET_KEY are set"},
	}, {
		name:    "token and half a pair",
		env:     map[string]string{"OS_AUTH_TOKEN": "t", "OS_SECRET_KEY": "sk", "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
		wantErr: []string{"both OS_AUTH_TOKEN and OS_ACCESS_KEY/OS_SECRET_KEY are set"},
	}, {
		name:    "access key without secret key",
		env:     map[string]string{"OS_ACCESS_KEY": "ak", "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
		wantErr: []string{"client: NewFromEnv: OS_ACCESS_KEY is set but OS_SECRET_KEY is not"},
	}, {
		name:    "secret key without access key",
		env:     map[string]string{"OS_SECRET_KEY": testSK, "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
		wantErr: []string{"client: NewFromEnv: OS_SECRET_KEY is set but OS_ACCESS_KEY is not"},
	}, {
		name:    "bad values are named",
		env:     map[string]string{"OS_AUTH_TOKEN": "t\n", "OS_PROJECT_ID": "a/b", "CSS_ENDPOINT": "ftp://x"},
		wantErr: []string{"client: NewFromEnv: CSS_ENDPOINT: scheme \"ftp\"", "client: NewFromEnv: OS_PROJECT_ID: project ID \"a/b\" contains '/'", "client: NewFromEnv: OS_AUTH_TOKEN: the token has a control character"},
	}, {
		name:    "bad region",
		env:     map[string]string{"OS_AUTH_TOKEN": "t", "OS_PROJECT_ID": "p", "OS_REGION_NAME": "Frankfurt"},
		wantErr: []string{"client: NewFromEnv: OS_REGION_NAME: region \"Frankfurt\" does not match"},
	}, {
		name:    "bad access key",
		env:     map[string]string{"OS_ACCESS_KEY": "a,k", "OS_SECRET_KEY": "sk", "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
		wantErr: []string{"client: NewFromEnv: OS_ACCESS_KEY: signer: access key has a character"},
	}, {
		name:    "option errors are reported with the environment's",
		env:     map[string]string{},
		opts:    []Option{WithTimeout(-1)},
		wantErr: []string{"no endpoint", "WithTimeout"},
	}, {
		name:    "option errors alone",
		env:     map[string]string{"OS_AUTH_TOKEN": "t", "OS_PROJECT_ID": "p", "OS_REGION_NAME": "eu-de"},
		opts:    []Option{WithTimeout(-1)},
		wantErr: []string{"client: WithTimeout: -1ns is negative"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewFromEnvFunc(envLookup(tt.env), tt.opts...)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("NewFromEnvFunc = %v, want an error", c)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				if strings.Contains(err.Error(), testSK) || strings.Contains(err.Error(), testToken) {
					t.Errorf("error quotes a secret: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.cfg.endpoint.String(); got != tt.wantEndpoint {
				t.Errorf("endpoint = %q, want %q", got, tt.wantEndpoint)
			}
			if c.cfg.projectID != tt.wantProject {
				t.Errorf("project = %q, want %q", c.cfg.projectID, tt.wantProject)
			}
			if got := map[bool]string{true: "token", false: "aksk"}[c.cfg.hasToken]; got != tt.wantAuth || c.cfg.hasToken == c.cfg.hasKeys {
				t.Errorf("auth = %s (token %v, keys %v), want %s", got, c.cfg.hasToken, c.cfg.hasKeys, tt.wantAuth)
			}
		})
	}
}

func TestNewFromEnv_readsTheProcessEnvironment(t *testing.T) {
	t.Setenv("OS_AUTH_TOKEN", "t")
	t.Setenv("OS_PROJECT_ID", "p-env")
	t.Setenv("OS_REGION_NAME", "eu-nl")
	t.Setenv("CSS_ENDPOINT", "")
	t.Setenv("OS_ACCESS_KEY", "")
	t.Setenv("OS_SECRET_KEY", "")
	c, err := NewFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.projectID != "p-env" || c.cfg.endpoint.Host != "css.eu-nl.otc.t-systems.com" {
		t.Errorf("NewFromEnv: %v", c)
	}
}

// configErrors returns the *ConfigError of every problem in err, which must hold nothing else.
func configErrors(t *testing.T, err error) []ConfigError {
	t.Helper()
	errs := []error{err}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		errs = joined.Unwrap()
	}
	var out []ConfigError
	for _, e := range errs {
		var ce *ConfigError
		if !errors.As(e, &ce) {
			t.Fatalf("%T %q is not a *ConfigError", e, e)
		}
		out = append(out, ConfigError{Option: ce.Option, Variable: ce.Variable, Err: errors.New(ce.Err.Error())})
	}
	return out
}

func TestNewFromEnvFunc_configErrors(t *testing.T) {
	type want struct{ option, variable, err string }
	tests := []struct {
		name    string
		env     map[string]string
		opts    []Option
		want    []want
		missing []error // the sentinels the error holds
	}{{
		name: "everything missing",
		env:  map[string]string{},
		want: []want{
			{"", "", "no endpoint: set CSS_ENDPOINT or OS_REGION_NAME, or use WithEndpoint or WithRegion"},
			{"", "", "no project ID: set OS_PROJECT_ID or OS_PROJECT_NAME (or OS_CLOUD), or use WithProjectID or WithProjectName"},
			{"", "", "no credentials: set OS_AUTH_TOKEN; or OS_ACCESS_KEY and OS_SECRET_KEY; or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME; or OS_CLOUD; or use WithToken, WithAccessKey or WithPassword"},
		},
		missing: []error{ErrNoEndpoint, ErrNoProjectID, ErrNoCredentials},
	}, {
		name: "wrong variables",
		env:  map[string]string{"CSS_ENDPOINT": "http://x/a b", "OS_PROJECT_ID": "..", "OS_AUTH_TOKEN": " t"},
		want: []want{
			{"WithEndpoint", "CSS_ENDPOINT", "the URL contains white space"},
			{"WithProjectID", "OS_PROJECT_ID", `project ID ".." is a dot segment, which URL resolution would remove`},
			{"WithToken", "OS_AUTH_TOKEN", "the token has leading or trailing white space"},
		},
	}, {
		name: "wrong region",
		env:  map[string]string{"OS_REGION_NAME": "EU", "OS_PROJECT_ID": "p", "OS_ACCESS_KEY": "ak", "OS_SECRET_KEY": testSK},
		want: []want{{"WithRegion", "OS_REGION_NAME", `region "EU" does not match ^[a-z]{2,}(-[a-z0-9]+)+$ (such as eu-de)`}},
	}, {
		name: "wrong access key",
		env:  map[string]string{"OS_REGION_NAME": "eu-de", "OS_PROJECT_ID": "p", "OS_ACCESS_KEY": "a k", "OS_SECRET_KEY": testSK},
		want: []want{{"WithAccessKey", "OS_ACCESS_KEY", "signer: access key has a character not allowed in the Authorization header at byte 1"}},
	}, {
		name: "half a pair",
		env:  map[string]string{"OS_REGION_NAME": "eu-de", "OS_PROJECT_ID": "p", "OS_SECRET_KEY": testSK},
		want: []want{{"", "", "OS_SECRET_KEY is set but OS_ACCESS_KEY is not"}},
	}, {
		name: "two kinds of credentials",
		env:  map[string]string{"OS_REGION_NAME": "eu-de", "OS_PROJECT_ID": "p", "OS_AUTH_TOKEN": "t", "OS_ACCESS_KEY": "ak"},
		want: []want{{"", "", "both OS_AUTH_TOKEN and OS_ACCESS_KEY/OS_SECRET_KEY are set: unset one kind of credentials"}},
	}, {
		name: "wrong options: their variables are not read",
		env:  map[string]string{"OS_REGION_NAME": "eu-de"},
		opts: []Option{WithEndpoint("ftp://x"), WithProjectID("a/b"), WithToken("t")},
		want: []want{
			{"WithEndpoint", "", `scheme "ftp" is not http or https`},
			{"WithProjectID", "", `project ID "a/b" contains '/', which is not allowed in an ID`},
		},
	}, {
		name: "an option wins over its variable, which is not read",
		env:  map[string]string{"CSS_ENDPOINT": "ftp://x", "OS_PROJECT_ID": "a/b", "OS_AUTH_TOKEN": "t\n"},
		opts: []Option{WithRegion("eu-de"), WithProjectID("p"), WithAccessKey("ak", "")},
		want: []want{{"WithAccessKey", "", "the secret key is empty"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFromEnvFunc(envLookup(tt.env), tt.opts...)
			if err == nil {
				t.Fatal("no error")
			}
			var got []want
			for _, ce := range configErrors(t, err) {
				got = append(got, want{ce.Option, ce.Variable, ce.Err.Error()})
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("the *ConfigErrors differ (-want +got):\n%s", diff)
			}
			for _, sentinel := range tt.missing {
				if !errors.Is(err, sentinel) {
					t.Errorf("errors.Is(err, %v) = false", sentinel)
				}
			}
			if strings.Contains(err.Error(), testSK) {
				t.Errorf("the error quotes the secret key: %q", err)
			}
		})
	}
}

func TestNewFromEnvFunc_nilLookup(t *testing.T) {
	_, err := NewFromEnvFunc(nil)
	var ae *ArgumentError
	if !errors.As(err, &ae) || err.Error() != "client: NewFromEnvFunc: lookup is nil" {
		t.Errorf("NewFromEnvFunc(nil) = %v", err)
	}
}

func TestNewFromEnv_isNewFromEnvFuncOfTheProcess(t *testing.T) {
	t.Setenv("OS_AUTH_TOKEN", "")
	t.Setenv("OS_ACCESS_KEY", "")
	t.Setenv("OS_SECRET_KEY", "")
	t.Setenv("CSS_ENDPOINT", "")
	t.Setenv("OS_REGION_NAME", "")
	t.Setenv("OS_PROJECT_ID", "..")
	_, fromEnv := NewFromEnv()
	_, fromFunc := NewFromEnvFunc(os.LookupEnv)
	if fromEnv == nil || fromFunc == nil || fromEnv.Error() != fromFunc.Error() {
		t.Errorf("NewFromEnv: %v\nNewFromEnvFunc(os.LookupEnv): %v", fromEnv, fromFunc)
	}
}

// urlOrEmpty is u's text, or "" for nil.
func urlOrEmpty(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}
