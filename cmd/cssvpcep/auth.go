package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

const authMore = `
With a password it signs in, and with a project name it looks the project's ID up: what can
fail, and what a 401 of another command may come from. With a token or an access key it
sends nothing.

` + credentialsHelp + `
Output:
  table   credentials (the kind: token, AK/SK or password), source (the environment, or which
          clouds.yaml file and cloud), user, domain, access key, project name and ID, IAM
          endpoint, CSS endpoint, token expiry ("-" for what does not apply).
  json    {"kind", "source", "user", "domain", "access_key", "project_name", "project_id",
          "iam_endpoint", "endpoint", "expires"}, the fields that apply.

Exit status: 0 shown; 1 IAM refused the sign-in or the project lookup, or could not be
reached, or (with a password and no --endpoint or --region) the token's catalog names no CSS
endpoint (what is known is shown first); 2 usage error.
`

func (c *cli) authCommand() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "show how the commands sign in: credentials, user, project, endpoints",
		Long: `Shows which credentials the other commands would use, and where from (the variables, or
which clouds.yaml file and cloud), the user and domain, the project's name and ID, the IAM and
CSS endpoints, and when the token expires. It never shows a secret. Run it first when a
command is answered 401.`,
		Args:        noArgs,
		Annotations: map[string]string{"more": authMore},
		Example: `  OS_CLOUD=otc cssvpcep auth
  cssvpcep auth --cloud otc -o json | jq -r .project_id`,
	}
	f.add(cmd.Flags(), defaultTimeout)
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		s, err := c.client(ctx, f, f.check(false))
		if err != nil {
			return err
		}
		defer s.close()
		info, err := s.client.Auth(s.ctx)
		if info != nil {
			if f.json() {
				if perr := printJSON(c.stdout, authJSON(info)); perr != nil {
					return perr
				}
			} else if perr := writeAuth(c.stdout, info); perr != nil {
				return perr
			}
		}
		return err
	})
	return cmd
}

// writeAuth writes what Auth says, a line each. Every value came from the environment, a file
// or IAM: each is made one line of printable text.
func writeAuth(w io.Writer, info *client.AuthInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(name, value string) {
		fmt.Fprintf(tw, "%s:\t%s\n", name, cell(quote.Line(value, 256)))
	}
	line("credentials", info.Kind)
	line("source", info.Source)
	line("user", info.User)
	line("domain", info.Domain)
	line("access key", info.AccessKey)
	line("project name", info.ProjectName)
	line("project ID", info.ProjectID)
	line("IAM endpoint", info.IAMEndpoint)
	switch info.EndpointFrom {
	case "catalog":
		line("CSS endpoint", info.Endpoint+" (from the token's catalog)")
	case "project name":
		line("CSS endpoint", info.Endpoint+" (guessed from the project's name)")
	default:
		line("CSS endpoint", info.Endpoint)
	}
	switch {
	case !info.Expires.IsZero():
		line("token expires", fmt.Sprintf("%s (in %v)", info.Expires.UTC().Format(time.RFC3339), time.Until(info.Expires).Round(time.Minute)))
	case info.Kind == "password":
		line("token expires", "")
	default:
		line("token expires", "unknown: the client does not get this kind of credentials from IAM")
	}
	return tw.Flush()
}

// jsonAuth is the JSON output of auth.
type jsonAuth struct {
	Kind        string `json:"kind"`
	Source      string `json:"source"`
	User        string `json:"user,omitempty"`
	Domain      string `json:"domain,omitempty"`
	AccessKey   string `json:"access_key,omitempty"`
	ProjectName string `json:"project_name,omitempty"`
	ProjectID   string `json:"project_id,omitempty"`
	IAMEndpoint string `json:"iam_endpoint,omitempty"`
	Endpoint    string `json:"endpoint"`
	// EndpointFrom is client.AuthInfo's.
	EndpointFrom string `json:"endpoint_from,omitempty"`
	Expires      string `json:"expires,omitempty"`
}

func authJSON(info *client.AuthInfo) jsonAuth {
	out := jsonAuth{Kind: info.Kind, Source: info.Source, User: info.User, Domain: info.Domain, AccessKey: info.AccessKey,
		ProjectName: info.ProjectName, ProjectID: info.ProjectID, IAMEndpoint: info.IAMEndpoint, Endpoint: info.Endpoint, EndpointFrom: info.EndpointFrom}
	if !info.Expires.IsZero() {
		out.Expires = info.Expires.UTC().Format(time.RFC3339)
	}
	return out
}
