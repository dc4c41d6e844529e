package emulator

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// DefaultTaskDuration is how long the tasks of StartVpecp and StopVpecp run unless
// WithTaskDuration says otherwise (NewTestServer's default is 0): longer than a client's
// first wait (package client waits 5 s before its first look), so that a waiter sees the task
// running once, and short enough to try the lifecycle by hand.
const DefaultTaskDuration = 6 * time.Second

// serviceRegion is the region in the names the emulator makes (service names, DNS names):
// the spec's default server's.
const serviceRegion = "eu-de"

// startTask starts the task of action on the cluster: StartVpecp (ActionEnablingVPCEP) on a
// disabled service, StopVpecp (ActionDisablingVPCEP) on an enabled one. A task of no
// duration ends at once.
func (s *Store) startTask(projectID, clusterID, action string, opts ServiceOptions) error {
	err := s.change(projectID, clusterID, func(c *Cluster, now time.Time) error {
		if err := checkIdle(clusterID, c); err != nil {
			return err
		}
		switch {
		case action == ActionEnablingVPCEP && c.enabled():
			return refuse(ErrServiceEnabled, "the VPC endpoint service of cluster %s is enabled already (%s)",
				quote.Value(clusterID), quote.Value(c.VpcServiceName))
		case action == ActionDisablingVPCEP && !c.enabled():
			return refuse(ErrServiceNotEnabled, "cluster %s has no VPC endpoint service to disable", quote.Value(clusterID))
		}
		c.Task = &Task{Action: action, StartedAt: now, EndsAt: now.Add(s.taskDuration), Options: opts}
		if !now.Before(c.Task.EndsAt) {
			endTask(clusterID, c)
		}
		return nil
	})
	return err
}

// checkIdle refuses a change while a task runs or while the last one has left the cluster
// faulty, as CSS.0011 says: "another operation is being performed on the instance or the
// instance is faulty".
func checkIdle(clusterID string, c *Cluster) error {
	switch {
	case c.Task != nil:
		return refuse(ErrBusy, "cluster %s runs the task %s until %s", quote.Value(clusterID), c.Task.Action, c.Task.EndsAt.Format(timeLayout))
	case c.Detail.Status == api.ClusterStatusUnavailable:
		return refuse(ErrBusy, "cluster %s is faulty (status 303) since a task failed", quote.Value(clusterID))
	}
	return nil
}

// checkEnabled refuses an operation on a service that is not enabled.
func checkEnabled(clusterID string, c *Cluster) error {
	if !c.enabled() {
		return refuse(ErrServiceNotEnabled, "cluster %s", quote.Value(clusterID))
	}
	return nil
}

// endTask applies the outcome of c's task, which has ended: it is gone from the details'
// actions, the details' updated time is its end; then, unless it fails (FailNextTask),
// ActionEnablingVPCEP has created the service (its name, its options, no connections and an
// empty whitelist) and ActionDisablingVPCEP has deleted it with its connections and whitelist.
// A task that fails changes nothing of the service: the cluster's status is "303" with the
// reason as failedReason.
func endTask(clusterID string, c *Cluster) {
	t := c.Task
	c.Task = nil
	d := *c.Detail
	updated := api.NewFlexTime(t.EndsAt)
	d.Updated = &updated
	c.Detail = &d
	if r := c.FailNextTask; r != nil {
		c.FailNextTask = nil
		d.Status = api.ClusterStatusUnavailable
		d.FailedReason = r
		return
	}
	switch t.Action {
	case ActionEnablingVPCEP:
		c.ServiceDisabled = false
		c.VpcServiceName = serviceName(clusterID)
		c.ServiceOptions = t.Options
		c.Connections = []api.Connection{}
		c.Permissions = []api.Permission{}
	case ActionDisablingVPCEP:
		c.ServiceDisabled = true
		c.VpcServiceName = ""
		c.ServiceOptions = ServiceOptions{}
		c.Connections = nil
		c.Permissions = nil
	}
}

// serviceName is the name the service of a cluster gets, in the form of the page's example
// ("cn-north-4.css-op-no-delete.cf072729-…"): the region, "css-vpcep", and a UUID made from
// the cluster ID, so that the same cluster always gets the same name.
func serviceName(clusterID string) string {
	return serviceRegion + ".css-vpcep." + nameUUID("vpcep-service", clusterID)
}

// nameUUID is a UUID made from a namespace and a name: the first 16 bytes of their SHA-256 sum
// with the version (8, custom, RFC 9562) and variant bits set, the same for the same input.
func nameUUID(namespace, name string) string {
	sum := sha256.Sum256([]byte(namespace + "\x00" + name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// FailNextTask makes the next task of the cluster to end fail: the one running, if any, else
// the next one StartVpecp or StopVpecp starts (with a task duration of 0, at once). The failed
// task changes nothing of the VPC endpoint service; the cluster's details show status "303"
// and reason as failedReason, and the cluster refuses StartVpecp, StopVpecp,
// UpdateVpcepConnection and UpdateVpcepWhitelist with 202 CSS.0011 ("the instance is
// faulty") until UpdateCluster sets its Detail.Status back to "200". It lets a client's waiter
// be tested for the failure path. An empty reason gets errorCode CSS.0005 ("Server error.")
// and a message saying the failure was injected.
func (s *Store) FailNextTask(projectID, clusterID string, reason api.ClusterFailedReason) error {
	if reason == (api.ClusterFailedReason{}) {
		code, msg := csserr.ServerFault, "The task failed: failure injected by the emulator (FailNextTask)"
		reason = api.ClusterFailedReason{ErrorCode: &code, ErrorMsg: &msg}
	}
	err := s.change(projectID, clusterID, func(c *Cluster, _ time.Time) error {
		c.FailNextTask = &reason
		return nil
	})
	return err
}
