package emulator

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// Store holds the state of the emulator: any number of projects, each with any number of
// clusters (Cluster, plain data). It is safe for concurrent use. Every method that stores a
// cluster checks it first, so what the emulator serves always matches the spec, and keeps its
// own deep copy, so the caller may go on using what it passed in.
//
// A cluster's task ends by the Store's clock (the emulator's, WithClock): the first call or
// request that finds it due applies its outcome. With a state file (WithStateFile) every
// change is written to it before it is made; a change that cannot be written is not made.
type Store struct {
	mu       sync.RWMutex
	projects map[string]map[string]*entry
	order    [][2]string       // project and cluster IDs in the order they were stored
	names    map[string]string // project ID → name, as the seed or SetProjectName gave it

	now          func() time.Time
	taskDuration time.Duration
	file         *stateFile // nil without WithStateFile
}

// entry is a stored cluster. It is never modified once stored: a change stores a new entry,
// so a request can use one after the lock is released while a writer swaps in the next.
type entry struct {
	c    Cluster
	list listCache
}

// NewStore returns a Store holding the clusters of seed, whose tasks end at once (Emulator
// sets the task duration and the clock). It fails, naming the cluster and the field, when a
// cluster appears twice or breaks the spec.
func NewStore(seed Seed) (*Store, error) {
	if err := seed.check(); err != nil {
		return nil, fmt.Errorf("emulator: seed: %w", err)
	}
	s := &Store{projects: make(map[string]map[string]*entry), names: seed.names(), now: time.Now}
	for i, sc := range seed.Clusters {
		e, err := adopt(sc.ClusterID, sc.clone()) // checked with the seed
		if err != nil {
			return nil, fmt.Errorf("emulator: seed: clusters[%d]: %w", i, err)
		}
		s.put(sc.ProjectID, sc.ClusterID, e)
	}
	return s, nil
}

// newEntry checks c and makes the entry that serves a deep copy of it.
func newEntry(clusterID string, c Cluster) (*entry, error) {
	if err := checkCluster(clusterID, c); err != nil {
		return nil, err
	}
	return adopt(clusterID, c.clone())
}

// adopt makes the entry that serves c, a checked cluster nobody else holds (a deep copy):
// normalized in place, not copied again.
func adopt(clusterID string, c Cluster) (*entry, error) {
	if err := normalize(clusterID, &c); err != nil {
		return nil, err
	}
	return &entry{c: c}, nil
}

// put stores e, or removes the cluster when e is nil. Callers hold s.mu.
func (s *Store) put(projectID, clusterID string, e *entry) {
	key := [2]string{projectID, clusterID}
	p := s.projects[projectID]
	if e == nil {
		delete(p, clusterID)
		if len(p) == 0 {
			delete(s.projects, projectID)
		}
		s.order = slices.DeleteFunc(s.order, func(k [2]string) bool { return k == key })
		return
	}
	if p == nil {
		p = make(map[string]*entry)
		s.projects[projectID] = p
	}
	if _, ok := p[clusterID]; !ok {
		s.order = append(s.order, key)
	}
	p[clusterID] = e
}

// commit writes the state with the cluster replaced by e (removed when e is nil) to the state
// file, if there is one, and then stores it. Callers hold s.mu for writing.
func (s *Store) commit(projectID, clusterID string, e *entry) error {
	if s.file != nil {
		if err := s.file.write(s.snapshot(projectID, clusterID, e)); err != nil {
			return err
		}
	}
	s.put(projectID, clusterID, e)
	return nil
}

// save writes the whole state to the state file.
func (s *Store) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.write(s.snapshot("", "", nil)) // no cluster has empty IDs: nothing is replaced
}

// snapshot is the Store's state as a Seed, in order, with the cluster replaced by e (left out
// when e is nil), and the project names, by ID. Its clusters share the entries' memory, which
// is never modified. Callers hold s.mu.
func (s *Store) snapshot(projectID, clusterID string, e *entry) Seed {
	seed := Seed{Clusters: make([]SeedCluster, 0, len(s.order)+1), Projects: projectList(s.names)}
	replaced := false
	for _, k := range s.order {
		cur := s.projects[k[0]][k[1]]
		if k == [2]string{projectID, clusterID} {
			cur, replaced = e, true
		}
		if cur != nil {
			seed.Clusters = append(seed.Clusters, SeedCluster{ProjectID: k[0], ClusterID: k[1], Cluster: cur.c})
		}
	}
	if !replaced && e != nil {
		seed.Clusters = append(seed.Clusters, SeedCluster{ProjectID: projectID, ClusterID: clusterID, Cluster: e.c})
	}
	return seed
}

// lookup returns the cluster's entry or a refusal wrapping ErrNotFound. Callers hold s.mu.
func (s *Store) lookup(projectID, clusterID string) (*entry, error) {
	p, ok := s.projects[projectID]
	if !ok {
		return nil, refuse(ErrNotFound, "project %s has no clusters", quote.Value(projectID))
	}
	e, ok := p[clusterID]
	if !ok {
		return nil, refuse(ErrNotFound, "project %s has no cluster %s", quote.Value(projectID), quote.Value(clusterID))
	}
	return e, nil
}

// get returns the cluster's entry, its task ended first if it is due: the read path of every
// request, which takes the write lock only when a task has ended since the last look.
func (s *Store) get(projectID, clusterID string) (*entry, error) {
	s.mu.RLock()
	e, err := s.lookup(projectID, clusterID)
	s.mu.RUnlock()
	if err != nil || e.c.Task == nil || s.now().Before(e.c.Task.EndsAt) {
		return e, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settled(projectID, clusterID, s.now())
}

// settled returns the cluster's entry after ending its task if it is due at now, which is
// stored (and written) first. Callers hold s.mu for writing.
func (s *Store) settled(projectID, clusterID string, now time.Time) (*entry, error) {
	e, err := s.lookup(projectID, clusterID)
	if err != nil {
		return nil, err
	}
	if t := e.c.Task; t == nil || now.Before(t.EndsAt) {
		return e, nil
	}
	c := e.c.clone()
	endTask(clusterID, &c)
	next := &entry{c: c}
	if err := s.commit(projectID, clusterID, next); err != nil {
		return nil, err
	}
	return next, nil
}

// change changes a cluster: its task ended first if it is due, fn gets a deep copy to
// modify and the time, and the result replaces the cluster once it passes the checks and is
// written. When fn fails or the result does not pass, the cluster stays as it was (with its
// due task ended) and the error is returned. fn runs with the Store locked; it must not call
// the Store.
func (s *Store) change(projectID, clusterID string, fn func(c *Cluster, now time.Time) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, err := s.settled(projectID, clusterID, now)
	if err != nil {
		return err
	}
	c := e.c.clone()
	if err := fn(&c, now); err != nil {
		return err
	}
	if err := checkCluster(clusterID, c); err != nil {
		return fmt.Errorf("emulator: cluster %s of project %s: %w", quote.Value(clusterID), quote.Value(projectID), err)
	}
	next, err := adopt(clusterID, c) // c is the change's own copy
	if err != nil {
		return fmt.Errorf("emulator: cluster %s of project %s: %w", quote.Value(clusterID), quote.Value(projectID), err)
	}
	return s.commit(projectID, clusterID, next)
}

// PutCluster creates the cluster, or replaces it, with a copy of c. It fails when the IDs
// cannot be requested (empty, ".", "..", or holding "/", "\", "?", "#", a control character or
// leading or trailing white space), when c breaks the spec, when the cluster is the first of a
// project whose name (its ID, see ProjectName) another project has, or when the state file
// cannot be written.
func (s *Store) PutCluster(projectID, clusterID string, c Cluster) error {
	if err := checkIDs(projectID, clusterID); err != nil {
		return fmt.Errorf("emulator: PutCluster: %w", err)
	}
	e, err := newEntry(clusterID, c)
	if err != nil {
		return fmt.Errorf("emulator: PutCluster: cluster %s of project %s: %w", quote.Value(clusterID), quote.Value(projectID), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knows(projectID) {
		// A new project is named by its ID (or DefaultProjectName), which must be free.
		if err := checkNames(append(s.projectIDs(), projectID), s.names); err != nil {
			return fmt.Errorf("emulator: PutCluster: %w", err)
		}
	}
	return s.commit(projectID, clusterID, e)
}

// Cluster returns a copy of the cluster (its task ended first if it is due), or an error
// wrapping ErrNotFound.
func (s *Store) Cluster(projectID, clusterID string) (Cluster, error) {
	e, err := s.get(projectID, clusterID)
	if err != nil {
		return Cluster{}, err
	}
	return e.c.clone(), nil
}

// UpdateCluster changes a cluster: fn gets a copy to modify, and the result replaces the
// cluster once it passes the same checks as PutCluster. When fn fails, or the result does not
// pass, the cluster stays as it was and the error is returned. fn runs with the Store locked,
// so updates never get lost between concurrent callers; it must not call the Store. A cluster
// that does not exist is an error wrapping ErrNotFound. A task that is due has ended before fn
// sees the cluster.
func (s *Store) UpdateCluster(projectID, clusterID string, fn func(c *Cluster) error) error {
	err := s.change(projectID, clusterID, func(c *Cluster, _ time.Time) error { return fn(c) })
	return err
}

// DeleteCluster removes a cluster; a project left without clusters is removed too. A cluster
// that does not exist is an error wrapping ErrNotFound.
func (s *Store) DeleteCluster(projectID, clusterID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookup(projectID, clusterID); err != nil {
		return err
	}
	return s.commit(projectID, clusterID, nil)
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

// clusterOrder returns the project and cluster IDs in the order they were stored, for
// NewTestServer.
func (s *Store) clusterOrder() [][2]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.order)
}

// ProjectName returns the name of a project in the answers of the emulator's IAM, and whether
// IAM knows the project: it does when the project has clusters or a name given by the seed
// (Seed.Projects) or SetProjectName. A project not named so is named by its ID, and
// DefaultProjectID by DefaultProjectName.
func (s *Store) ProjectName(projectID string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return projectName(projectID, s.names), s.knows(projectID)
}

// SetProjectName names a project for the emulator's IAM, which then knows it even without
// clusters. It fails when the ID or the name breaks the rules of an ID (see PutCluster),
// when another project has the name, or when the state file cannot be written. Tokens issued
// for the project stay valid: they are scoped to its ID.
func (s *Store) SetProjectName(projectID, name string) error {
	if p := ids.SegmentProblem(projectID); p != "" {
		return fmt.Errorf("emulator: SetProjectName: project ID %s", p)
	}
	if p := ids.SegmentProblem(name); p != "" {
		return fmt.Errorf("emulator: SetProjectName: project name %s", p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := maps.Clone(s.names)
	names[projectID] = name
	if err := checkNames(append(s.projectIDs(), projectID), names); err != nil {
		return fmt.Errorf("emulator: SetProjectName: %w", err)
	}
	if s.file != nil {
		seed := s.snapshot("", "", nil)
		seed.Projects = projectList(names)
		if err := s.file.write(seed); err != nil {
			return err
		}
	}
	s.names = names
	return nil
}

// knows reports whether IAM knows the project: it has clusters or a name. Callers hold s.mu.
func (s *Store) knows(projectID string) bool {
	if _, ok := s.projects[projectID]; ok {
		return true
	}
	_, ok := s.names[projectID]
	return ok
}

// projectIDs returns the IDs of the projects IAM knows, sorted. Callers hold s.mu.
func (s *Store) projectIDs() []string {
	all := make([]string, 0, len(s.projects)+len(s.names))
	for id := range s.projects {
		all = append(all, id)
	}
	for id := range s.names {
		if _, ok := s.projects[id]; !ok {
			all = append(all, id)
		}
	}
	slices.Sort(all)
	return all
}

// iamProjects returns the projects IAM knows with their names, sorted by ID.
func (s *Store) iamProjects() []SeedProject {
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := s.projectIDs()
	out := make([]SeedProject, len(all))
	for i, id := range all {
		out[i] = SeedProject{ID: id, Name: projectName(id, s.names)}
	}
	return out
}

// projectNamed returns the ID of the project IAM knows by name, if any (names are unique).
func (s *Store) projectNamed(name string) (string, bool) {
	for _, p := range s.iamProjects() {
		if p.Name == name {
			return p.ID, true
		}
	}
	return "", false
}

// projectList is names as the seed's list, sorted by ID; nil for none, so that a state file
// of a Store without names has no "projects".
func projectList(names map[string]string) []SeedProject {
	if len(names) == 0 {
		return nil
	}
	out := make([]SeedProject, 0, len(names))
	for _, id := range slices.Sorted(maps.Keys(names)) {
		out = append(out, SeedProject{ID: id, Name: names[id]})
	}
	return out
}
