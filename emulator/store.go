package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/cssvpcep/cssvpcep/api"
)

// ErrNotFound is wrapped by the Store's errors when a project or cluster does not exist. The
// handler answers it with 404 {"errCode":"CSS.3027",...}, as the service does for a cluster
// that does not exist.
var ErrNotFound = errors.New("emulator: not found")

// Cluster is the state of one CSS cluster as ShowVpcepConnection shows it. In a seed file it is
// written as the fields of a response body (see the package doc).
type Cluster struct {
	// Connections are the cluster's VPC endpoint connections, in the order they are listed.
	// Each needs a unique, non-empty ID and a status of accepted or rejected; every other field
	// is optional and, when set, must match the spec (time stamps, IP addresses).
	Connections []api.Connection `json:"connections"`
	// Permissions is the VPC endpoint whitelist. Nil (null or absent in a seed file) leaves
	// "permissions" out of responses, as the 2023 API did; an empty, non-nil slice sends [].
	Permissions []api.Permission `json:"permissions"`
	// VpcServiceName is the name of the VPC endpoint service; empty leaves it out of responses.
	VpcServiceName string `json:"vpcServiceName,omitempty"`
	// UpdateSwitch is vpcepUpdateSwitch: whether the VPC endpoint is enabled.
	UpdateSwitch api.FlexBool `json:"vpcepUpdateSwitch"`
}

// Store holds the state of the emulator: any number of projects, each with any number of
// clusters. It is safe for concurrent use. Every method that stores a Cluster checks it first,
// so what the emulator serves always matches the spec, and keeps its own deep copy, so the
// caller may go on using what it passed in.
type Store struct {
	mu       sync.RWMutex
	projects map[string]map[string]*snapshot
}

// snapshot is a cluster as served: built once per change, never modified afterwards, so a
// request can use it after the lock is released while a writer swaps in a new one.
type snapshot struct {
	conns        []api.Connection
	perms        *[]api.Permission
	serviceName  *string
	updateSwitch api.FlexBool
	total        int32

	// The 200 body, encoded ahead as the generated ShowVpcepConnection200JSONResponse encodes
	// it, so that a request only writes slices of it: joined holds every connection's JSON,
	// each followed by a comma, connection i from starts[i] (starts[len(conns)] is the end);
	// tail is what follows the connections (permissions, total_count, vpcServiceName,
	// vpcepUpdateSwitch).
	joined []byte
	starts []int
	tail   []byte
}

// NewStore returns a Store holding the clusters of seed. It fails, naming the cluster and the
// field, when a cluster appears twice or breaks the spec.
func NewStore(seed Seed) (*Store, error) {
	if err := seed.check(); err != nil {
		return nil, fmt.Errorf("emulator: seed: %w", err)
	}
	s := &Store{projects: make(map[string]map[string]*snapshot)}
	for i, sc := range seed.Clusters {
		snap, err := buildSnapshot(sc.Cluster)
		if err != nil {
			return nil, fmt.Errorf("emulator: seed: clusters[%d]: %w", i, err)
		}
		s.put(sc.ProjectID, sc.ClusterID, snap)
	}
	return s, nil
}

func (s *Store) put(projectID, clusterID string, snap *snapshot) {
	p := s.projects[projectID]
	if p == nil {
		p = make(map[string]*snapshot)
		s.projects[projectID] = p
	}
	p[clusterID] = snap
}

// lookup returns the cluster's snapshot or an error wrapping ErrNotFound. Callers hold s.mu.
func (s *Store) lookup(projectID, clusterID string) (*snapshot, error) {
	p, ok := s.projects[projectID]
	if !ok {
		return nil, &notFoundError{projectID: projectID, clusterID: clusterID, noProject: true}
	}
	snap, ok := p[clusterID]
	if !ok {
		return nil, &notFoundError{projectID: projectID, clusterID: clusterID}
	}
	return snap, nil
}

// PutCluster creates the cluster, or replaces it, with a copy of c. It fails when the IDs
// cannot be requested (empty, ".", "..", or holding "/", "\", "?", "#", a control character or
// leading or trailing white space) or c breaks the spec.
func (s *Store) PutCluster(projectID, clusterID string, c Cluster) error {
	if err := checkIDs(projectID, clusterID); err != nil {
		return fmt.Errorf("emulator: PutCluster: %w", err)
	}
	snap, err := newSnapshot(c)
	if err != nil {
		return fmt.Errorf("emulator: PutCluster: cluster %q of project %q: %w", clusterID, projectID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(projectID, clusterID, snap)
	return nil
}

// Cluster returns a copy of the cluster, or an error wrapping ErrNotFound.
func (s *Store) Cluster(projectID, clusterID string) (Cluster, error) {
	s.mu.RLock()
	snap, err := s.lookup(projectID, clusterID)
	s.mu.RUnlock()
	if err != nil {
		return Cluster{}, err
	}
	return snap.cluster(), nil
}

// UpdateCluster changes a cluster: fn gets a copy to modify, and the result replaces the
// cluster once it passes the same checks as PutCluster. When fn fails, or the result does not
// pass, the cluster stays as it was and the error is returned. fn runs with the Store locked,
// so updates never get lost between concurrent callers; it must not call the Store. A cluster
// that does not exist is an error wrapping ErrNotFound.
func (s *Store) UpdateCluster(projectID, clusterID string, fn func(c *Cluster) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.lookup(projectID, clusterID)
	if err != nil {
		return err
	}
	c := snap.cluster()
	if err := fn(&c); err != nil {
		return err
	}
	next, err := newSnapshot(c)
	if err != nil {
		return fmt.Errorf("emulator: UpdateCluster: cluster %q of project %q: %w", clusterID, projectID, err)
	}
	s.projects[projectID][clusterID] = next
	return nil
}

// DeleteCluster removes a cluster; a project left without clusters is removed too. A cluster
// that does not exist is an error wrapping ErrNotFound.
func (s *Store) DeleteCluster(projectID, clusterID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookup(projectID, clusterID); err != nil {
		return err
	}
	delete(s.projects[projectID], clusterID)
	if len(s.projects[projectID]) == 0 {
		delete(s.projects, projectID)
	}
	return nil
}

// Projects returns the IDs of the projects that have clusters, sorted.
func (s *Store) Projects() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.projects))
	for id := range s.projects {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// ClusterIDs returns the IDs of a project's clusters, sorted; none for an unknown project.
func (s *Store) ClusterIDs(projectID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.projects[projectID]))
	for id := range s.projects[projectID] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// page is connections start to end of a snapshot.
type page struct {
	snap       *snapshot
	start, end int
}

// conns returns the page's connections, which must not be modified.
func (p page) conns() []api.Connection { return p.snap.conns[p.start:p.end:p.end] }

// page returns the connections from offset on, at most limit of them (offset and limit are
// not negative), or an error wrapping ErrNotFound.
func (s *Store) page(projectID, clusterID string, offset, limit int) (page, error) {
	s.mu.RLock()
	snap, err := s.lookup(projectID, clusterID)
	s.mu.RUnlock()
	if err != nil {
		return page{}, err
	}
	n := len(snap.conns)
	start := min(offset, n)
	return page{snap: snap, start: start, end: start + min(limit, n-start)}, nil
}

// newSnapshot checks c and makes the snapshot that serves it.
func newSnapshot(c Cluster) (*snapshot, error) {
	if err := checkCluster(c); err != nil {
		return nil, err
	}
	return buildSnapshot(c)
}

// buildSnapshot makes the snapshot that serves c, which has been checked, from a deep copy.
func buildSnapshot(c Cluster) (*snapshot, error) {
	snap := &snapshot{
		conns:        make([]api.Connection, len(c.Connections)),
		starts:       make([]int, len(c.Connections)+1),
		updateSwitch: c.UpdateSwitch,
		total:        int32(min(len(c.Connections), math.MaxInt32)),
	}
	for i, conn := range c.Connections {
		conn = cloneConnection(conn)
		setTime(conn.CreatedAt)
		setTime(conn.UpdateAt)
		snap.conns[i] = conn
		enc, err := json.Marshal(conn)
		if err != nil {
			return nil, fmt.Errorf("connections[%d]: %w", i, err)
		}
		snap.starts[i] = len(snap.joined)
		snap.joined = append(append(snap.joined, enc...), ',')
	}
	snap.starts[len(snap.conns)] = len(snap.joined)
	if c.Permissions != nil {
		perms := make([]api.Permission, len(c.Permissions))
		for i, p := range c.Permissions {
			p = clonePermission(p)
			setTime(p.CreatedAt)
			perms[i] = p
		}
		snap.perms = &perms
	}
	if c.VpcServiceName != "" {
		name := c.VpcServiceName
		snap.serviceName = &name
	}
	tail, err := encodeTail(snap)
	if err != nil {
		return nil, err
	}
	snap.tail = tail
	return snap, nil
}

// encodeTail encodes the snapshot's body without connections, with the generated type, and
// returns what follows the opening of the connections array.
func encodeTail(snap *snapshot) ([]byte, error) {
	var buf bytes.Buffer
	empty := api.ShowVpcepConnection200JSONResponse(snap.list(nil))
	if err := json.NewEncoder(&buf).Encode(empty); err != nil {
		return nil, err
	}
	tail, ok := bytes.CutPrefix(buf.Bytes(), []byte(bodyHead))
	if !ok || !bytes.HasPrefix(tail, []byte("]")) {
		return nil, fmt.Errorf("emulator: the generated 200 body does not start with %s: %.40s", bodyHead, buf.Bytes())
	}
	return tail, nil
}

// bodyHead opens every 200 body.
const bodyHead = `{"connections":[`

// list returns the response body of snap with conns as its connections (nil for none).
func (snap *snapshot) list(conns []api.Connection) api.ConnectionList {
	if conns == nil {
		conns = []api.Connection{}
	}
	sw := snap.updateSwitch
	return api.ConnectionList{
		Connections:       conns,
		Permissions:       snap.perms,
		TotalCount:        snap.total,
		VpcServiceName:    snap.serviceName,
		VpcepUpdateSwitch: &sw,
	}
}

// cluster returns a deep copy of what snap serves.
func (snap *snapshot) cluster() Cluster {
	c := Cluster{Connections: make([]api.Connection, len(snap.conns)), UpdateSwitch: snap.updateSwitch}
	for i, conn := range snap.conns {
		c.Connections[i] = cloneConnection(conn)
	}
	if snap.perms != nil {
		c.Permissions = make([]api.Permission, len(*snap.perms))
		for i, p := range *snap.perms {
			c.Permissions[i] = clonePermission(p)
		}
	}
	if snap.serviceName != nil {
		c.VpcServiceName = *snap.serviceName
	}
	return c
}

// setTime sets the Time of a FlexTime built with Raw alone, which checkCluster has found to
// parse, so that doc-quirk mode can re-format it without parsing it per request.
func setTime(t *api.FlexTime) {
	if t != nil && t.Raw != "" && t.Time.IsZero() {
		t.Time, _ = t.Parse()
	}
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
