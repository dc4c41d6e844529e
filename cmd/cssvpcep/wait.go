package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

const waitMore = `
Progress goes to stderr: on a terminal, one line updated in place with the elapsed time and
the cluster's status and actions; otherwise a line each time they change.

` + credentialsHelp + `
Output:
  table   a line saying the cluster is idle, with its status.
  json    the cluster as last read: id, name, status, actions, vpcepIp, vpcepIpv6Address,
          updated, instances (id, name, type, status) and failedReason.

Exit status: 0 the cluster is idle; 1 the API or the network failed, the task failed (status
303) or the deadline (--timeout) passed first; 2 usage error.
`

func (c *cli) waitCommand() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{
		Use:   "wait --cluster-id ID",
		Short: "wait until the task of a cluster (enabling or disabling) is done",
		Long: fmt.Sprintf(`Waits until a cluster has finished the task that enabling or disabling its VPC endpoint
service started: until the cluster's status is 200 (available), it runs no action and every
node is available (API operation ShowClusterDetail, read after %v, then every %v to %v).`,
			client.DefaultWaitInitialDelay, client.DefaultWaitMinInterval, client.DefaultWaitMaxInterval),
		Args:        noArgs,
		Annotations: map[string]string{"more": waitMore},
		Example: `  cssvpcep enable --cluster-id C && cssvpcep wait --cluster-id C --timeout 20m
  cssvpcep wait --cluster-id C -o json | jq -r .status`,
	}
	f.addCluster(cmd.Flags())
	f.add(cmd.Flags(), defaultWaitTimeout)
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		s, err := c.client(ctx, f, f.check(true))
		if err != nil {
			return err
		}
		defer s.close()
		cl, err := c.waitFor(s, f.clusterID.value, true)
		if err != nil {
			return err
		}
		if f.json() {
			return printJSON(c.stdout, clusterJSON(cl))
		}
		_, err = fmt.Fprintf(c.stdout, "cluster %s is idle: %s\n", quote.Value(f.clusterID.value), clusterState(cl))
		return err
	})
	return cmd
}

// waitFor waits for the task of the cluster, showing progress on stderr. afterTask says that
// the command has just started one, which may take a few seconds to show in the cluster's
// actions; otherwise the first look is at once.
func (c *cli) waitFor(s *session, clusterID string, afterTask bool) (*client.Cluster, error) {
	opts := c.wait
	if !afterTask {
		opts.InitialDelay = -1
	}
	// With --debug the log shares stderr: a line per change, as off a terminal, so that no log
	// record lands inside a line being redrawn.
	p := startProgress(c.stderr, c.stderrTerminal && !s.logging, clusterID)
	opts.Progress = p.update
	cl, err := s.client.WaitVPCEndpointService(s.ctx, clusterID, &opts)
	p.stop()
	return cl, err
}

// clusterState describes what a look at a cluster saw: its status, and its actions or that it
// runs none, and the nodes that are not available.
func clusterState(cl *client.Cluster) string {
	s := "status " + quote.Line(cl.Status.String(), 64)
	if len(cl.Actions) == 0 {
		s += ", no task running"
	} else {
		s += ", running " + quote.Line(strings.Join(cl.Actions, ", "), 128)
	}
	busy := 0
	for _, in := range cl.Instances {
		if in.Status != client.StatusAvailable {
			busy++
		}
	}
	if busy > 0 {
		s += fmt.Sprintf(", %d of %d nodes not available", busy, len(cl.Instances))
	}
	return s
}

// progress shows a wait's progress: on a terminal one line redrawn every second and after
// every look; elsewhere (a log, a pipe) a line per change of what the looks see.
type progress struct {
	w        io.Writer
	terminal bool
	cluster  string
	start    time.Time

	mu    sync.Mutex
	state string
	drawn bool

	stopTicker, ticked chan struct{}
}

func startProgress(w io.Writer, terminal bool, clusterID string) *progress {
	p := &progress{w: w, terminal: terminal, cluster: quote.Value(clusterID), start: time.Now(), state: "waiting for the first look"}
	if !terminal {
		fmt.Fprintf(w, "waiting for cluster %s\n", p.cluster)
		return p
	}
	p.stopTicker, p.ticked = make(chan struct{}), make(chan struct{})
	p.draw(0)
	go func() {
		defer close(p.ticked)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-p.stopTicker:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw(time.Since(p.start))
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// draw redraws the terminal line: carriage return, clear to the end of the line, the line.
func (p *progress) draw(elapsed time.Duration) {
	fmt.Fprintf(p.w, "\r\033[Kwaiting for cluster %s: %v: %s", p.cluster, elapsed.Round(time.Second), p.state)
	p.drawn = true
}

// update is the wait's Progress function, called after every look.
func (p *progress) update(wp client.WaitProgress) {
	state := "a look failed, trying again: " + trimPackage(fmt.Sprint(wp.Err))
	if wp.Cluster != nil {
		state = clusterState(wp.Cluster)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		p.state = state
		p.draw(wp.Elapsed)
		return
	}
	if state == p.state {
		return
	}
	p.state = state
	fmt.Fprintf(p.w, "waiting for cluster %s: %v: %s\n", p.cluster, wp.Elapsed.Round(time.Second), state)
}

// stop ends the terminal line, so that what follows starts on a line of its own.
func (p *progress) stop() {
	if !p.terminal {
		return
	}
	close(p.stopTicker)
	<-p.ticked
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// The JSON form of a cluster.
type (
	jsonCluster struct {
		ID               string          `json:"id"`
		Name             string          `json:"name,omitempty"`
		Status           string          `json:"status"`
		Actions          []string        `json:"actions"`
		VpcepIP          string          `json:"vpcepIp,omitempty"`
		VpcepIPv6Address string          `json:"vpcepIpv6Address,omitempty"`
		Updated          string          `json:"updated,omitempty"`
		Instances        []jsonInstance  `json:"instances,omitempty"`
		FailedReason     *jsonFailReason `json:"failedReason,omitempty"`
	}
	jsonInstance struct {
		ID     string `json:"id"`
		Name   string `json:"name,omitempty"`
		Type   string `json:"type,omitempty"`
		Status string `json:"status"`
	}
	jsonFailReason struct {
		ErrorCode string `json:"errorCode,omitempty"`
		ErrorMsg  string `json:"errorMsg,omitempty"`
	}
)

func clusterJSON(cl *client.Cluster) *jsonCluster {
	out := &jsonCluster{
		ID: cl.ID, Name: cl.Name, Status: string(cl.Status), Actions: append([]string{}, cl.Actions...),
		VpcepIP: cl.VPCEndpointIP, VpcepIPv6Address: cl.VPCEndpointIPv6,
	}
	if !cl.Updated.IsZero() {
		out.Updated = cl.Updated.UTC().Format(time.RFC3339Nano)
	}
	for _, in := range cl.Instances {
		out.Instances = append(out.Instances, jsonInstance{ID: in.ID, Name: in.Name, Type: in.Type, Status: string(in.Status)})
	}
	if r := cl.FailedReason; r != nil {
		out.FailedReason = &jsonFailReason{ErrorCode: r.Code, ErrorMsg: r.Message}
	}
	return out
}
