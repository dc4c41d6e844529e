package emulator

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
)

// Cluster is the state of one CSS cluster, as plain data: its VPC endpoint service (on or
// off, its name and the options it was created with), the service's connections and
// whitelist, the cluster's details, its running task. Every response is built from it. In a
// seed file and in a state file a cluster is written as this type's JSON (see the package
// doc), so that a response body of ShowVpcepConnection pasted in is a cluster.
type Cluster struct {
	// Connections are the service's VPC endpoint connections, in the order they are listed.
	// Each needs a unique, non-empty ID and a status of accepted or rejected; every other field
	// is optional and, when set, must match the spec (time stamps, IP addresses).
	Connections []api.Connection `json:"connections"`
	// Permissions is the service's whitelist. Nil (null or absent in a seed file) leaves
	// "permissions" out of responses, as the 2023 API did; an empty, non-nil slice sends [].
	Permissions []api.Permission `json:"permissions"`
	// VpcServiceName is the name of the VPC endpoint service; empty leaves it out of responses.
	VpcServiceName string `json:"vpcServiceName,omitempty"`
	// UpdateSwitch is vpcepUpdateSwitch, which the emulator shows and never changes.
	UpdateSwitch api.FlexBool `json:"vpcepUpdateSwitch"`

	// ServiceDisabled says that the VPC endpoint service is disabled: every VPC endpoint
	// operation but StartVpecp answers 400 CSS.5182. A disabled service has no connections,
	// whitelist, name or options. The zero value, enabled, keeps a seed cluster that says
	// nothing about it served as the emulator always served it.
	ServiceDisabled bool `json:"service_disabled,omitempty"`
	// ServiceOptions are the options StartVpecp created the service with, which decide what
	// a consumer endpoint added later gets (see Store.AddEndpoint).
	ServiceOptions ServiceOptions `json:"service_options,omitzero"`
	// Detail is what ShowClusterDetail answers, but for the task: while Task runs, the answer's
	// status is "100" and its actions name the task. Nil takes the spec's ClusterDetail example
	// with the cluster's own ID and a name made from it (the Store fills it in); an empty ID
	// is the cluster's ID, an empty status "200". Its status is "200" (available) or "303" (a
	// task failed); its actions list must be empty, the running task being Task.
	Detail *api.ClusterDetail `json:"detail,omitempty"`
	// Task is the running task, nil when none runs.
	Task *Task `json:"task,omitempty"`
	// FailNextTask, when set, makes the next task to end fail with this reason (see
	// Store.FailNextTask).
	FailNextTask *api.ClusterFailedReason `json:"fail_next_task,omitempty"`
}

// ServiceOptions are the options of StartVpecp's request body.
type ServiceOptions struct {
	// DNSName is endpoint_with_dns_name: a consumer endpoint gets a private domain name
	// (vpcepDnsName).
	DNSName bool `json:"endpoint_with_dns_name,omitempty"`
	// Professional is profession_vpcep: a professional VPC endpoint service.
	Professional bool `json:"profession_vpcep,omitempty"`
	// DualStack is dualstack_enable, which needs Professional: a consumer endpoint gets an
	// IPv6 address (vpcepIpv6Address) too.
	DualStack bool `json:"dualstack_enable,omitempty"`
}

// The actions a cluster's details list while the emulator's tasks run. The page lists other
// tasks' names (REBOOTING, GROWING, RESTORING, SNAPSHOTTING), not these; the spec leaves the
// list open (deviation cluster-actions-open), and what a client needs is whether it is empty.
const (
	// ActionEnablingVPCEP is the task StartVpecp starts.
	ActionEnablingVPCEP = "ENABLING_VPCEP"
	// ActionDisablingVPCEP is the task StopVpecp starts.
	ActionDisablingVPCEP = "DISABLING_VPCEP"
)

// Task is a cluster task that StartVpecp or StopVpecp started. It runs from StartedAt until
// EndsAt by the emulator's clock (WithClock): from EndsAt on, every request sees its outcome.
type Task struct {
	// Action is ActionEnablingVPCEP or ActionDisablingVPCEP.
	Action string `json:"action"`
	// StartedAt is when the request that started it was served.
	StartedAt time.Time `json:"started_at"`
	// EndsAt is StartedAt plus the task duration (WithTaskDuration).
	EndsAt time.Time `json:"ends_at"`
	// Options are the options the service is being created with (ActionEnablingVPCEP only).
	Options ServiceOptions `json:"options,omitzero"`
}

// enabled reports whether the cluster's VPC endpoint service is enabled.
func (c *Cluster) enabled() bool { return !c.ServiceDisabled }

// clone returns a deep copy of c: a caller may change any part of it without touching c.
func (c *Cluster) clone() Cluster {
	out := *c
	if c.Connections != nil {
		out.Connections = make([]api.Connection, len(c.Connections))
		for i, conn := range c.Connections {
			out.Connections[i] = cloneConnection(conn)
		}
	}
	if c.Permissions != nil {
		out.Permissions = make([]api.Permission, len(c.Permissions))
		for i, p := range c.Permissions {
			out.Permissions[i] = clonePermission(p)
		}
	}
	out.Detail = cloneDetail(c.Detail)
	out.Task = clonePtr(c.Task)
	if r := c.FailNextTask; r != nil {
		out.FailNextTask = &api.ClusterFailedReason{ErrorCode: clonePtr(r.ErrorCode), ErrorMsg: clonePtr(r.ErrorMsg),
			ErrorCodeSnake: clonePtr(r.ErrorCodeSnake), ErrorMsgSnake: clonePtr(r.ErrorMsgSnake)}
	}
	return out
}

// cloneDetail deep-copies a cluster detail through its JSON: a tree of pointers and slices
// several levels deep, copied once per change of a cluster, where clarity beats speed. The
// generated type encodes and decodes without loss (a test holds it to that).
func cloneDetail(d *api.ClusterDetail) *api.ClusterDetail {
	if d == nil {
		return nil
	}
	data, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("emulator: a cluster detail does not encode: %v", err)) // the generated type always does
	}
	var out api.ClusterDetail
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("emulator: a cluster detail does not decode: %v", err))
	}
	return &out
}

// detailTemplate is the spec's ClusterDetail example, decoded once.
var detailTemplate = sync.OnceValues(func() (*api.ClusterDetail, error) {
	raw, err := api.Example(api.ExampleClusterDetail)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	var d api.ClusterDetail
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("emulator: example %q: %w", api.ExampleClusterDetail, err)
	}
	return &d, nil
})

// newDetail is the details of a cluster that has none of its own: the spec's example with
// the cluster's ID, a name made from it as the example's is ("css-" and four characters), and
// the example's node renamed after it. Everything else, the page's placeholders such as
// "{VPC_ID}" included, is the example's.
func newDetail(clusterID string) (*api.ClusterDetail, error) {
	tmpl, err := detailTemplate()
	if err != nil {
		return nil, err
	}
	d := cloneDetail(tmpl)
	d.Id = clusterID
	short := []rune(clusterID)
	name := "css-" + string(short[:min(4, len(short))])
	d.Name = &name
	if d.Instances != nil {
		for i := range *d.Instances {
			n := fmt.Sprintf("%s-ess-esn-%d-1", name, i+1)
			(*d.Instances)[i].Name = &n
		}
	}
	return d, nil
}

// normalize fills in what a stored cluster always has: its details (newDetail when it has
// none, its ID, status "200" and an empty actions list when left empty), so that every
// response is built from state alone.
func normalize(clusterID string, c *Cluster) error {
	if c.Detail == nil {
		d, err := newDetail(clusterID)
		if err != nil {
			return err
		}
		c.Detail = d
	}
	d := c.Detail
	if d.Id == "" {
		d.Id = clusterID
	}
	if d.Status == "" {
		d.Status = api.ClusterStatusAvailable
	}
	if d.Actions == nil {
		d.Actions = &[]string{}
	}
	return nil
}

func cloneConnection(c api.Connection) api.Connection {
	c.CreatedAt = clonePtr(c.CreatedAt)
	c.DomainId = clonePtr(c.DomainId)
	c.MaxSession = clonePtr(c.MaxSession)
	c.SpecificationName = clonePtr(c.SpecificationName)
	c.UpdateAt = clonePtr(c.UpdateAt)
	c.VpcepDnsName = clonePtr(c.VpcepDnsName)
	c.VpcepIp = clonePtr(c.VpcepIp)
	c.VpcepIpv6Address = clonePtr(c.VpcepIpv6Address)
	return c
}

func clonePermission(p api.Permission) api.Permission {
	p.CreatedAt = clonePtr(p.CreatedAt)
	p.Id = clonePtr(p.Id)
	p.Permission = clonePtr(p.Permission)
	p.PermissionType = clonePtr(p.PermissionType)
	return p
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
