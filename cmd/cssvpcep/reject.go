package main

import (
	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
)

func (c *cli) rejectCommand() *cobra.Command {
	return c.endpointsCommand("reject", "rejected",
		`Rejects VPC endpoint connections to a cluster (API operation UpdateVpcepConnection, action
reject): their status becomes rejected, and the endpoints can no longer reach the cluster.`,
		`  cssvpcep reject --cluster-id C e88ad0bc-c2c7-419c-bd9b-a961111f0a42
  cssvpcep connections --cluster-id C -o json |
    jq -r '.connections[] | select(.domain_id == "ACCOUNT") | .id' |
    xargs cssvpcep reject --cluster-id C`,
		(*client.Client).RejectConnections)
}
