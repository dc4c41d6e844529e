package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// endpointsFlags are the flags of accept and reject.
type endpointsFlags struct {
	clientFlags
	dryRun bool
}

// endpointsCommand is accept or reject: verb is "accept" or "reject", done "accepted" or
// "rejected", call the client's method.
func (c *cli) endpointsCommand(verb, done, long, example string,
	call func(cl *client.Client, ctx context.Context, clusterID string, ids []string) error) *cobra.Command {
	f := &endpointsFlags{}
	cmd := &cobra.Command{
		Use:   verb + " --cluster-id ID ENDPOINT_ID...",
		Short: verb + " VPC endpoint connections to a cluster",
		Long:  long,
		// The IDs are the client's to check (UUIDs, none twice, at most 100), before any request.
		Args: cobra.ArbitraryArgs,
		Annotations: map[string]string{"more": `
ENDPOINT_ID is the ID of a VPC endpoint, as cssvpcep connections lists it (a UUID): at least
one, at most ` + fmt.Sprint(client.MaxEndpointIDs) + `, none twice. Flags may come before or after the IDs.

` + credentialsHelp + `
Output:
  table   a line saying which connections were ` + done + `.
  json    {"cluster_id", "action": "` + verb + `", "endpoint_ids": [...]}; with --dry-run
          {"dry_run": true, "requests": [{"operation", "method", "url", "body"}]}.

` + exitStatusHelp(done+", or a dry run")},
		Example: example,
	}
	fs := cmd.Flags()
	f.addCluster(fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the request it would send (method, URL, body; never a credential) "+
		"and send nothing")
	f.add(fs, defaultTimeout)
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, ids []string) error {
		problems := f.check(true)
		if len(ids) == 0 {
			problems = append(problems, fmt.Sprintf("no ENDPOINT_ID: name the connections to %s (at most %d)", verb, client.MaxEndpointIDs))
		}
		s, dry, err := c.changeSession(ctx, &f.clientFlags, f.dryRun, problems)
		if err != nil {
			return err
		}
		defer s.close()
		id := f.clusterID.value
		err = call(s.client, s.ctx, id, ids)
		switch {
		case errors.Is(err, client.ErrDryRun):
			report := dryRunReport{reqs: dry.planned(), leads: []string{verb + " " + countOf(len(ids), "connection")}}
			return report.write(c.stdout, f.json())
		case err != nil:
			return err
		case f.json():
			return printJSON(c.stdout, jsonEndpoints{ClusterID: id, Action: verb, EndpointIDs: ids})
		}
		// The client has checked that every ID is a UUID: nothing in them to quote.
		_, err = fmt.Fprintf(c.stdout, "%s %s of cluster %s: %s\n", done, countOf(len(ids), "connection"), quote.Value(id), strings.Join(ids, ", "))
		return err
	})
	return cmd
}

// jsonEndpoints is the JSON output of accept and reject.
type jsonEndpoints struct {
	ClusterID   string   `json:"cluster_id"`
	Action      string   `json:"action"`
	EndpointIDs []string `json:"endpoint_ids"`
}

func (c *cli) acceptCommand() *cobra.Command {
	return c.endpointsCommand("accept", "accepted",
		`Accepts VPC endpoint connections to a cluster (API operation UpdateVpcepConnection, action
receive): their status becomes accepted, and the endpoints can reach the cluster.`,
		`  cssvpcep accept --cluster-id C 54b7f739-31a1-40d0-862b-ac85b83ab2da
  cssvpcep accept 54b7f739-31a1-40d0-862b-ac85b83ab2da --cluster-id C --dry-run`,
		(*client.Client).AcceptConnections)
}
