package client

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// Defaults of WaitOptions.
const (
	// DefaultWaitInitialDelay is how long WaitVPCEndpointService waits before its first look:
	// right after StartVpecp or StopVpecp the task may not show in the cluster's actions yet.
	DefaultWaitInitialDelay = 5 * time.Second
	// DefaultWaitMinInterval and DefaultWaitMaxInterval bound the time between two looks, which
	// doubles from the first to the second.
	DefaultWaitMinInterval = 2 * time.Second
	DefaultWaitMaxInterval = 15 * time.Second
)

// WaitOptions tune WaitVPCEndpointService; the zero value takes the defaults.
type WaitOptions struct {
	// InitialDelay is the wait before the first look (DefaultWaitInitialDelay when 0; a
	// negative value means none).
	InitialDelay time.Duration
	// MinInterval and MaxInterval bound the wait between looks, which doubles from MinInterval
	// to MaxInterval (DefaultWaitMinInterval and DefaultWaitMaxInterval when 0).
	MinInterval, MaxInterval time.Duration
	// Progress, when set, is called after every look with what the cluster reported, from the
	// goroutine that called WaitVPCEndpointService.
	Progress func(WaitProgress)
}

// WaitProgress is what WaitVPCEndpointService saw at one look.
type WaitProgress struct {
	// Elapsed is the time since the wait began.
	Elapsed time.Duration
	// Looks is how many times the cluster was read so far, this one included.
	Looks int
	// Cluster is what the look read; nil when it failed with Err.
	Cluster *Cluster
	// Err is a failure of the look that the wait goes on after (one IsRetryable accepts, after
	// the client's own retries); nil otherwise.
	Err error
}

// TaskFailedError is the error of WaitVPCEndpointService when the cluster, or one of its
// nodes, reports status 303 (unavailable): the task failed, and waiting longer will not help.
type TaskFailedError struct {
	// ClusterID is the cluster waited for.
	ClusterID string
	// Cluster is what the cluster reported.
	Cluster *Cluster
}

// Error names the cluster, its status and actions, the nodes that are unavailable, and the
// failure reason the service gave.
func (e *TaskFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "client: WaitVPCEndpointService: cluster %s reports status %s", quote.Value(e.ClusterID), e.Cluster.Status)
	if len(e.Cluster.Actions) > 0 {
		fmt.Fprintf(&b, " during %s", quote.Line(strings.Join(e.Cluster.Actions, ", "), 128))
	}
	for _, in := range e.Cluster.Instances {
		if in.Status == StatusUnavailable {
			fmt.Fprintf(&b, "; node %s is %s", quote.Value(in.Name), in.Status)
		}
	}
	if r := e.Cluster.FailedReason; r != nil {
		fmt.Fprintf(&b, ": %s: %s", quote.Line(r.Code, 64), quote.Line(r.Message, 256))
	}
	return b.String()
}

// WaitVPCEndpointService waits until a cluster has finished the task that enabling or
// disabling its VPC endpoint service started (both are asynchronous): it reads the cluster
// (GetCluster) until its status is "200", its actions list is empty and every node's status is
// "200" (Cluster.Idle), as the huaweicloud Terraform provider does, and returns what it read
// last. It waits opts.InitialDelay first, so that the task has registered, then looks with
// waits that double from opts.MinInterval to opts.MaxInterval; opts may be nil for the
// defaults.
//
// ctx bounds the wait: give it a deadline. A look that fails with an error IsRetryable
// accepts (after the client's own retries) is reported to opts.Progress and the wait goes on;
// any other failure ends it. A cluster or node reporting status "303" (a failed task) ends it
// with a *TaskFailedError. Progress goes to opts.Progress and, at level Info, to the client's
// logger (WithLogger).
func (c *Client) WaitVPCEndpointService(ctx context.Context, clusterID string, opts *WaitOptions) (*Cluster, error) {
	const fn = "WaitVPCEndpointService"
	if err := checkCall(ctx, fn, clusterID); err != nil {
		return nil, err
	}
	o := WaitOptions{}
	if opts != nil {
		o = *opts
	}
	delay := o.InitialDelay
	switch {
	case delay == 0:
		delay = DefaultWaitInitialDelay
	case delay < 0:
		delay = 0
	}
	interval, maxInterval := o.MinInterval, o.MaxInterval
	if interval <= 0 {
		interval = DefaultWaitMinInterval
	}
	if maxInterval <= 0 {
		maxInterval = DefaultWaitMaxInterval
	}
	maxInterval = max(maxInterval, interval)

	start := time.Now()
	for looks := 1; ; looks++ {
		if err := sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("client: %s: cluster %s: after %v and %d looks: %w", fn, quote.Value(clusterID), time.Since(start).Round(time.Millisecond), looks-1, err)
		}
		cl, err := c.GetCluster(ctx, clusterID)
		p := WaitProgress{Elapsed: time.Since(start), Looks: looks, Cluster: cl}
		switch {
		case err != nil && ctx.Err() == nil && IsRetryable(err):
			p.Err = err
		case err != nil:
			return nil, fmt.Errorf("client: %s: %w", fn, trimClient(err))
		}
		c.logProgress(ctx, clusterID, p)
		if o.Progress != nil {
			o.Progress(p)
		}
		switch {
		case cl == nil:
		case cl.Idle():
			return cl, nil
		case failed(cl):
			return nil, &TaskFailedError{ClusterID: clusterID, Cluster: cl}
		}
		delay, interval = interval, min(2*interval, maxInterval)
	}
}

// failed reports whether the cluster or a node of it reports status "303".
func failed(cl *Cluster) bool {
	if cl.Status == StatusUnavailable {
		return true
	}
	for _, in := range cl.Instances {
		if in.Status == StatusUnavailable {
			return true
		}
	}
	return false
}

// sleep waits d, or until ctx ends, which it returns the cause of.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return context.Cause(ctx)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// logProgress writes a look of a wait to the client's logger.
func (c *Client) logProgress(ctx context.Context, clusterID string, p WaitProgress) {
	l := c.cfg.logger
	if !l.Enabled(ctx, slog.LevelInfo) {
		return
	}
	args := []any{slog.String("cluster_id", clusterID), slog.Int("look", p.Looks), slog.Duration("elapsed", p.Elapsed)}
	if p.Cluster != nil {
		args = append(args, slog.String("status", string(p.Cluster.Status)), slog.Any("actions", p.Cluster.Actions))
	}
	if p.Err != nil {
		args = append(args, slog.String("error", p.Err.Error()))
	}
	l.InfoContext(ctx, "cssvpcep: waiting", args...)
}
