package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// switchFlags are the flags of enable and disable.
type switchFlags struct {
	clientFlags
	wait, dryRun bool
}

// add declares --wait and --dry-run and the flags every client command takes.
func (f *switchFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.wait, "wait", false, "then wait until the cluster's task is done, showing progress on stderr "+
		"(see cssvpcep wait)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the request it would send (method, URL, body; never a credential) "+
		"and send nothing")
	f.clientFlags.add(fs, defaultWaitTimeout)
}

func switchMore(verb, state, output string) string {
	return `
The service answers at once and goes on with a cluster task; ` + verb + ` on a service that is
` + state + ` already says so and exits 0: the state asked for is the state there is.

` + credentialsHelp + `
Output:
  table   a line saying what was done (and, with --wait, that the task is done).
  json    {"cluster_id", "action": "` + output + `", "result": "started" or "already ` + state + `",
          "cluster": the cluster as last read, with --wait}; with --dry-run {"dry_run": true,
          "requests": [{"operation", "method", "url", "body"}]}.

` + exitStatusHelp("done, or already "+state+", or a dry run")
}

func (c *cli) enableCommand() *cobra.Command {
	f := &switchFlags{}
	var opts client.EnableOptions
	cmd := &cobra.Command{
		Use:   "enable --cluster-id ID",
		Short: "enable the VPC endpoint service of a cluster",
		Long: `Enables the VPC endpoint service of a cluster (API operation StartVpecp), so that other
accounts on its whitelist can reach it through VPC endpoints.`,
		Args:        noArgs,
		Annotations: map[string]string{"more": switchMore("enable", "enabled", "enable")},
		Example: `  cssvpcep enable --cluster-id C --dns --wait
  cssvpcep enable --cluster-id C --professional --dual-stack --dry-run`,
	}
	fs := cmd.Flags()
	f.addCluster(fs)
	fs.BoolVar(&opts.DNSName, "dns", false, "give the VPC endpoint a private domain name")
	fs.BoolVar(&opts.Professional, "professional", false, "create a professional VPC endpoint")
	fs.BoolVar(&opts.DualStack, "dual-stack", false, "enable the IPv4/IPv6 dual-stack network (the service allows it "+
		"with --professional only, in a VPC that supports IPv6)")
	f.add(cmd)
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		return c.switchService(ctx, f, true, f.check(true), nil, func(cl *client.Client, ctx context.Context) error {
			return cl.EnableVPCEndpointService(ctx, f.clusterID.value, &opts)
		})
	})
	return cmd
}

// jsonSwitch is the JSON output of enable and disable.
type jsonSwitch struct {
	ClusterID string       `json:"cluster_id"`
	Action    string       `json:"action"`
	Result    string       `json:"result"`
	Cluster   *jsonCluster `json:"cluster,omitempty"`
}

// switchService enables or disables the service with call, once the flags (and problems, the
// command's own) are right and confirm, if given, agrees; then, with --wait, it waits for the
// task. The service in the state asked for already is a success.
func (c *cli) switchService(ctx context.Context, f *switchFlags, enable bool, problems []string, confirm func() error,
	call func(*client.Client, context.Context) error) error {
	action, state, already := "disable", "disabled", client.IsAlreadyDisabled
	if enable {
		action, state, already = "enable", "enabled", client.IsAlreadyEnabled
	}
	s, dry, err := c.changeSession(ctx, &f.clientFlags, f.dryRun, problems)
	if err != nil {
		return err
	}
	defer s.close()
	id := f.clusterID.value
	if confirm != nil {
		if err := confirm(); err != nil {
			return err
		}
	}

	err = call(s.client, s.ctx)
	if errors.Is(err, client.ErrDryRun) {
		report := dryRunReport{reqs: dry.planned(), leads: []string{action + " the VPC endpoint service"}}
		if f.wait {
			// Plan one look of the wait too: the same request, repeated until the task is done.
			if _, err := s.client.GetCluster(s.ctx, id); !errors.Is(err, client.ErrDryRun) {
				return err
			}
			report.reqs = dry.planned()
			report.leads = append(report.leads, fmt.Sprintf("then, with --wait, until the cluster's task is done, every %v to %v",
				client.DefaultWaitMinInterval, client.DefaultWaitMaxInterval))
		}
		return report.write(c.stdout, f.json())
	}
	out := jsonSwitch{ClusterID: id, Action: action, Result: "started"}
	started := err == nil
	switch {
	case already(err):
		out.Result = "already " + state
		if !f.json() {
			fmt.Fprintf(c.stdout, "the VPC endpoint service of cluster %s is already %s: nothing to do\n", quote.Value(id), state)
		}
	case err != nil:
		return err
	case !f.json():
		fmt.Fprintf(c.stdout, "%s the VPC endpoint service of cluster %s: task started\n", gerund(action), quote.Value(id))
	}
	if f.wait {
		cl, err := c.waitFor(s, id, started)
		if err != nil {
			return err
		}
		out.Cluster = clusterJSON(cl)
		if !f.json() {
			fmt.Fprintf(c.stdout, "the VPC endpoint service of cluster %s is %s: the cluster is idle: %s\n", quote.Value(id), state, clusterState(cl))
		}
	}
	if f.json() {
		return printJSON(c.stdout, out)
	}
	return nil
}

// gerund is "enabling" for "enable".
func gerund(verb string) string { return verb[:len(verb)-1] + "ing" }
