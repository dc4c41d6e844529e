package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
)

// credentialsHelp is the part of every client command's help that says where the credentials
// come from.
const credentialsHelp = `Credentials come from the environment only. They are not accepted as flags, which would
leave them in shell history and in process listings (ps). One kind:
  OS_AUTH_TOKEN                     an IAM token, sent as X-Auth-Token; or
  OS_ACCESS_KEY and OS_SECRET_KEY   an access key and its secret key, with which every
                                    request is signed (SDK-HMAC-SHA256); or
  OS_USERNAME, OS_PASSWORD and      an IAM user's name, password and domain (the account's
  OS_USER_DOMAIN_NAME               name; or OS_DOMAIN_NAME), with which the client gets a
                                    token from IAM (--auth-url), and a new one before it
                                    expires; or
  --cloud NAME or OS_CLOUD          a cloud of clouds.yaml (OS_CLIENT_CONFIG_FILE, else
                                    ./clouds.yaml, ~/.config/openstack, /etc/openstack) and
                                    its secure.yaml: its auth (token, or user name, password
                                    and domain; OS_USERNAME, OS_PASSWORD and
                                    OS_USER_DOMAIN_NAME override them), auth_url, project and
                                    region_name.
A variable set to the empty string counts as unset. 'cssvpcep auth' shows which credentials
and endpoints a command uses, never a secret.
`

// exitStatusHelp is the exit status section of a client command that succeeds by doing what.
func exitStatusHelp(what string) string {
	return strings.Join(wrap("Exit status: 0 "+what+"; 1 the API or the network failed (stderr gives the HTTP "+
		"status, the CSS error code, the message and the request ID); 2 usage error.", 92), "\n") + "\n"
}

const connectionsOutputHelp = `Output:
  table   a row per connection: ID, STATUS, MAX SESSIONS, SPECIFICATION, IP, CREATED, UPDATED
          and DOMAIN ("-" for an empty value; times in UTC, RFC 3339, to the second), then a
          line with the VPC endpoint switch, the service name and how many of the connections
          are listed.
  json    one JSON object with the fields of the API response: connections (id, status,
          maxSession, specificationName, vpcepIp, vpcepIpv6Address, vpcepDnsName,
          created_at, update_at, domain_id), vpcepUpdateSwitch, total_count, vpcServiceName
          and permissions. vpcepUpdateSwitch is always a boolean; times are UTC RFC 3339
          with any fraction of a second (as received when they do not parse); a field the
          service did not send, or sent as null, is left out, never null. With --all,
          connections holds every connection and the other fields come from the first page.
`

// connectionsFlags are the flags of the connections command.
type connectionsFlags struct {
	clientFlags
	offset, limit intFlag
	all           bool
}

func (c *cli) connectionsCommand() *cobra.Command {
	f := &connectionsFlags{
		offset: intFlag{min: 0, max: client.MaxOffset},
		limit:  intFlag{min: 1, max: client.MaxPageSize},
	}
	cmd := &cobra.Command{
		Use:   "connections --cluster-id ID",
		Short: "list the VPC endpoint connections of a cluster",
		Long:  "Lists the VPC endpoint connections of a CSS cluster (API operation ShowVpcepConnection).",
		Args:  noArgs,
		Annotations: map[string]string{
			"more": "\n" + credentialsHelp + "\n" + connectionsOutputHelp + "\n" + exitStatusHelp("listed"),
		},
		Example: `  export OS_AUTH_TOKEN=... OS_PROJECT_ID=... OS_REGION_NAME=eu-de
  cssvpcep connections --cluster-id 5c77b71c-5b35-4f50-8984-76387e42451a
  cssvpcep connections --cluster-id C --all -o json | jq -r '.connections[].vpcepIp'`,
	}
	fs := cmd.Flags()
	f.addCluster(fs)
	fs.Var(&f.offset, "offset", fmt.Sprintf("skip the first `N` connections, 0-%d (default 0)", client.MaxOffset))
	fs.Var(&f.limit, "limit", fmt.Sprintf("list at most `N` connections, 1-%d (default: the service's, 10)", client.MaxPageSize))
	fs.BoolVar(&f.all, "all", false, "list every connection, page by page; not with --offset or --limit. "+
		"The API's ranges of offset and limit reach 2,000 connections at most: a cluster with more fails "+
		"(exit status 1) and prints none")
	f.add(fs, defaultTimeout)
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error { return c.connections(ctx, f) })
	return cmd
}

// connections is the connections command: one page, or with --all every connection, of a
// cluster, as a table or JSON.
func (c *cli) connections(ctx context.Context, f *connectionsFlags) error {
	problems := f.check(true)
	if f.all && (f.offset.set || f.limit.set) {
		problems = append(problems, "--all lists every connection: it takes no --offset or --limit")
	}
	s, err := c.client(ctx, &f.clientFlags, problems)
	if err != nil {
		return err
	}
	defer s.close()
	var l *listing
	if f.all {
		l, err = listAll(s.ctx, s.client, f.clusterID.value)
	} else {
		l, err = listPage(s.ctx, s.client, f.clusterID.value, &client.ListOptions{Offset: f.offset.value, Limit: f.limit.value})
	}
	if err != nil {
		return err
	}
	if f.json() {
		return writeJSON(c.stdout, l)
	}
	return writeTable(c.stdout, l)
}
