package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// errNotConfirmed is a disable that the person at the terminal did not confirm.
var errNotConfirmed = errors.New("not confirmed: nothing was sent")

func (c *cli) disableCommand() *cobra.Command {
	f := &switchFlags{}
	var yes bool
	cmd := &cobra.Command{
		Use:   "disable --cluster-id ID",
		Short: "disable the VPC endpoint service of a cluster, dropping every connection",
		Long: `Disables the VPC endpoint service of a cluster (API operation StopVpecp). Every VPC
endpoint connection to the cluster is dropped, and the service's address or domain name may
change when it is enabled again. On a terminal it asks first; when standard input is not a
terminal it refuses (exit status 2) unless --yes is given. Nothing is sent then.`,
		Args:        noArgs,
		Annotations: map[string]string{"more": switchMore("disable", "disabled", "disable")},
		Example: `  cssvpcep disable --cluster-id C --wait
  cssvpcep disable --cluster-id C --yes -o json    # in a script`,
	}
	fs := cmd.Flags()
	f.addCluster(fs)
	fs.BoolVar(&yes, "yes", false, "do not ask: disable, dropping every connection (needed when standard input is "+
		"not a terminal)")
	f.add(cmd)
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		ask := !yes && !f.dryRun
		problems := f.check(true)
		if ask && !c.stdinTerminal {
			problems = append(problems, "standard input is not a terminal, so disable cannot ask: give --yes to "+
				"disable the service, dropping every VPC endpoint connection of the cluster (nothing was sent)")
		}
		confirm := func() error {
			if ask && !c.confirm(ctx, fmt.Sprintf("Disable the VPC endpoint service of cluster %s, dropping every VPC endpoint connection to it?", quote.Value(f.clusterID.value))) {
				return errNotConfirmed
			}
			return nil
		}
		return c.switchService(ctx, f, false, problems, confirm, func(cl *client.Client, ctx context.Context) error {
			return cl.DisableVPCEndpointService(ctx, f.clusterID.value)
		})
	})
	return cmd
}
