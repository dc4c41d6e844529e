package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// The IDs of the built-in seed, for programs that print where the emulator's data is (the
// CLI's serve command) and for tests.
const (
	// DefaultProjectID is the project of the built-in seed.
	DefaultProjectID = "demo-project"
	// DefaultProjectName is the name of DefaultProjectID in the answers of the emulator's IAM
	// (WithIAMUser), unless the seed names it otherwise: the name of Open Telekom Cloud's
	// project of the region eu-de, which clients sign in to (OS_PROJECT_NAME=eu-de).
	DefaultProjectName = "eu-de"
	// DefaultClusterID is the cluster that answers with the current page's example: the
	// cluster ID of that page's example request.
	DefaultClusterID = "5c77b71c-5b35-4f50-8984-76387e42451a"
	// ClusterID2023 is the cluster that answers with the 2023 page's (css_03_0112) example, the
	// one that sends vpcepUpdateSwitch as a string. Its ID is the one in the example requests
	// of the sibling pages (enabling the VPC endpoint service), as the 2023 page has none.
	ClusterID2023 = "4f3deec3-efa8-4598-bf91-560aad1377a3"
)

// MaxSynthetic is the largest number of connections WithSynthetic and SyntheticCluster make.
const MaxSynthetic = 100_000

// Seed is the state the emulator starts with, or has: a list of clusters, each named by its
// project and cluster ID. It encodes to, and ParseSeed decodes from, the format of seed files
// and state files, one format, described in the package doc.
type Seed struct {
	// Clusters are the clusters, in the order NewTestServer lists them.
	Clusters []SeedCluster `json:"clusters"`
	// Projects names projects for the emulator's IAM (WithIAMUser), which lists them and
	// scopes tokens to them by name. Optional: a project it leaves out is named by its ID
	// (DefaultProjectID by DefaultProjectName). A project named here is known to IAM even
	// without clusters. Names are unique, as IAM's are within a domain.
	Projects []SeedProject `json:"projects,omitempty"`
}

// SeedProject is a project's name.
type SeedProject struct {
	// ID is the project's ID, the {project_id} of the paths.
	ID string `json:"id"`
	// Name is its name in IAM's answers, such as "eu-de" or "eu-de_test": the rules of an ID
	// apply (see internal/ids), as clients send names where IDs go.
	Name string `json:"name"`
}

// projectName is the name of the project id: the one names gives it, else DefaultProjectName
// for DefaultProjectID, else the ID itself.
func projectName(id string, names map[string]string) string {
	if n, ok := names[id]; ok {
		return n
	}
	if id == DefaultProjectID {
		return DefaultProjectName
	}
	return id
}

// checkNames reports the first two of the projects (IDs, in any order) that projectName gives
// the same name: IAM's names are unique within a domain, so a name finds one project.
func checkNames(projectIDs []string, names map[string]string) error {
	all := slices.Clone(projectIDs)
	slices.Sort(all)
	all = slices.Compact(all)
	byName := make(map[string]string, len(all))
	for _, id := range all {
		n := projectName(id, names)
		if other, taken := byName[n]; taken {
			return fmt.Errorf("projects %s and %s are both named %s: IAM's names are unique; name one of them otherwise in \"projects\"",
				quote.Value(other), quote.Value(id), quote.Value(n))
		}
		byName[n] = id
	}
	return nil
}

// names returns the seed's project names by project ID.
func (seed Seed) names() map[string]string {
	names := make(map[string]string, len(seed.Projects))
	for _, p := range seed.Projects {
		names[p.ID] = p.Name
	}
	return names
}

// checkProjects checks the seed's project names: IDs and names a request can name, each
// project named once, every project's name (its clusters' projects included) unique.
func (seed Seed) checkProjects() error {
	seen := make(map[string]int, len(seed.Projects))
	projectIDs := make([]string, 0, len(seed.Projects)+len(seed.Clusters))
	for i, p := range seed.Projects {
		if prob := ids.SegmentProblem(p.ID); prob != "" {
			return fmt.Errorf("projects[%d].id: project ID %s", i, prob)
		}
		if prob := ids.SegmentProblem(p.Name); prob != "" {
			return fmt.Errorf("projects[%d].name: project name %s", i, prob)
		}
		if j, dup := seen[p.ID]; dup {
			return fmt.Errorf("projects[%d]: project %s is also projects[%d]", i, quote.Value(p.ID), j)
		}
		seen[p.ID] = i
		projectIDs = append(projectIDs, p.ID)
	}
	for _, c := range seed.Clusters {
		projectIDs = append(projectIDs, c.ProjectID)
	}
	return checkNames(projectIDs, seed.names())
}

// SeedCluster is a cluster of a Seed.
type SeedCluster struct {
	// ProjectID is the {project_id} that reaches the cluster.
	ProjectID string `json:"project_id"`
	// ClusterID is the {cluster_id} that reaches the cluster.
	ClusterID string `json:"cluster_id"`
	Cluster
}

// check reports the first cluster that appears twice or breaks the spec, then the first
// problem of the project names.
func (seed Seed) check() error {
	seen := make(map[[2]string]int, len(seed.Clusters))
	for i, sc := range seed.Clusters {
		if err := checkIDs(sc.ProjectID, sc.ClusterID); err != nil {
			return fmt.Errorf("clusters[%d]: %w", i, err)
		}
		key := [2]string{sc.ProjectID, sc.ClusterID}
		if j, dup := seen[key]; dup {
			return fmt.Errorf("clusters[%d]: cluster %q of project %q is also clusters[%d]", i, sc.ClusterID, sc.ProjectID, j)
		}
		seen[key] = i
		if err := checkCluster(sc.ClusterID, sc.Cluster); err != nil {
			return fmt.Errorf("clusters[%d] (cluster %q of project %q): %w", i, sc.ClusterID, sc.ProjectID, err)
		}
	}
	return seed.checkProjects()
}

// BuiltinSeed returns the default seed: project DefaultProjectID with two clusters whose VPC
// endpoint services are enabled, DefaultClusterID answering with the current page's example
// response (its connections, whitelist and service name) and ClusterID2023 answering with the
// 2023 page's. Both are read from the examples of the embedded spec (CurrentConnections and
// SeedConnections), which hold them verbatim; their details are the spec's ClusterDetail
// example (see Cluster.Detail).
func BuiltinSeed() (Seed, error) {
	current, err := exampleCluster(api.ExampleCurrent)
	if err != nil {
		return Seed{}, err
	}
	legacy, err := exampleCluster(api.ExampleSeed)
	if err != nil {
		return Seed{}, err
	}
	return Seed{Clusters: []SeedCluster{
		{ProjectID: DefaultProjectID, ClusterID: DefaultClusterID, Cluster: current},
		{ProjectID: DefaultProjectID, ClusterID: ClusterID2023, Cluster: legacy},
	}}, nil
}

// exampleCluster decodes a response example of the spec into a Cluster.
func exampleCluster(name string) (Cluster, error) {
	raw, err := api.Example(name)
	if err != nil {
		return Cluster{}, fmt.Errorf("emulator: %w", err)
	}
	var list api.ConnectionList
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		return Cluster{}, fmt.Errorf("emulator: example %q: %w", name, err)
	}
	if int(list.TotalCount) != len(list.Connections) {
		return Cluster{}, fmt.Errorf("emulator: example %q: total_count %d, but %d connections", name, list.TotalCount, len(list.Connections))
	}
	c := Cluster{Connections: list.Connections}
	if list.Permissions != nil {
		c.Permissions = *list.Permissions
	}
	if list.VpcServiceName != nil {
		c.VpcServiceName = *list.VpcServiceName
	}
	if list.VpcepUpdateSwitch != nil {
		c.UpdateSwitch = *list.VpcepUpdateSwitch
	}
	return c, nil
}

// seedFile is the seed file as decoded: a cluster may carry total_count, so that a response
// body can be pasted in as it is.
type seedFile struct {
	Clusters *[]seedFileCluster `json:"clusters"`
	Projects []SeedProject      `json:"projects"`
}

type seedFileCluster struct {
	SeedCluster
	TotalCount *int64 `json:"total_count"`
}

// ParseSeed decodes a seed file or a state file (one format, in the package doc). Unknown
// fields, a second JSON value, a missing "clusters" array, a total_count that differs from
// the number of connections, a cluster given twice, a value that breaks the spec, a state
// the emulator never reaches (a disabled service with connections, a task that does not fit
// the service), a project named twice and two projects of one name are errors; each says where, as a line and column or as a path such as
// clusters[0] (cluster "c" of project "p"): connections[2].status.
func ParseSeed(data []byte) (Seed, error) {
	var f seedFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Seed{}, decodeError(data, dec, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Seed{}, fmt.Errorf("%s: more data after the seed object", position(data, dec.InputOffset()))
	}
	if f.Clusters == nil {
		return Seed{}, errors.New(`the seed has no "clusters" array`)
	}
	seed := Seed{Clusters: make([]SeedCluster, len(*f.Clusters)), Projects: f.Projects}
	for i, c := range *f.Clusters {
		if c.TotalCount != nil && *c.TotalCount != int64(len(c.Connections)) {
			return Seed{}, fmt.Errorf("clusters[%d].total_count: %d, but the cluster has %d connections", i, *c.TotalCount, len(c.Connections))
		}
		seed.Clusters[i] = c.SeedCluster
	}
	if err := seed.check(); err != nil {
		return Seed{}, err
	}
	return seed, nil
}

// ReadSeedFile reads and decodes a seed file (see ParseSeed) of at most MaxSeedFileSize
// bytes. Errors start with the path.
func ReadSeedFile(path string) (Seed, error) {
	data, err := readBounded(path)
	if err != nil {
		return Seed{}, fmt.Errorf("seed file: %w", err)
	}
	seed, err := ParseSeed(data)
	if err != nil {
		return Seed{}, fmt.Errorf("seed file %s: %w", path, err)
	}
	return seed, nil
}

// MaxSeedFileSize is the largest seed or state file the emulator reads, in bytes: several
// clusters of MaxSynthetic connections (about 30 MB each as JSON).
const MaxSeedFileSize = 256 << 20

// readBounded reads the file at path, refusing one larger than MaxSeedFileSize before
// reading it (and, should it grow meanwhile, after reading one byte more).
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := fmt.Errorf("%s is larger than %d bytes", path, MaxSeedFileSize)
	if info, err := f.Stat(); err == nil && info.Size() > MaxSeedFileSize {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSeedFileSize+1))
	switch {
	case err != nil:
		return nil, err
	case len(data) > MaxSeedFileSize:
		return nil, tooLarge
	}
	return data, nil
}

// decodeError says where decoding failed, by line and column.
func decodeError(data []byte, dec *json.Decoder, err error) error {
	offset := dec.InputOffset()
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	case errors.Is(err, io.EOF):
		return errors.New("the seed is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		// The decoder reports the start of the value it could not finish; the fault is that
		// the data ends there.
		return fmt.Errorf("%s, the end of the data, before the JSON value ends: %w", position(data, int64(len(data))), err)
	}
	return fmt.Errorf("%s: %w", position(data, offset), err)
}

// position renders where the decoder stopped, after reading offset bytes, as the line and
// column (both from 1) of the last byte read: the one at fault.
func position(data []byte, offset int64) string {
	offset = min(max(offset-1, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

// syntheticEpoch is the creation time of the first synthetic connection.
var syntheticEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// syntheticDomain is the owner account of synthetic connections.
const syntheticDomain = "0e5c0000000000000000000000000001"

// SyntheticCluster returns a cluster of n made-up connections for paging and load tests. It is
// deterministic: the same n always gives the same cluster, whose first k connections are
// those of SyntheticCluster(k). Connection i has the ID 5e0c0000-0000-4000-8000-<i as 12 hex digits>, status
// rejected when i%10 == 9 and accepted otherwise, created_at one minute after the previous
// (from 2024-01-01T00:00:00Z), an update_at for every third one, and vpcepIp 10.x.y.z from i.
// n must be 0 to MaxSynthetic.
func SyntheticCluster(n int) (Cluster, error) {
	if n < 0 || n > MaxSynthetic {
		return Cluster{}, fmt.Errorf("emulator: SyntheticCluster: %d connections is out of the range 0-%d", n, MaxSynthetic)
	}
	conns := make([]api.Connection, n)
	for i := range conns {
		// Fresh values for every connection: no two share a pointer.
		maxSession, spec, domain := "3000", "default", syntheticDomain
		created := api.NewFlexTime(syntheticEpoch.Add(time.Duration(i) * time.Minute))
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)
		c := api.Connection{
			Id:                fmt.Sprintf("5e0c0000-0000-4000-8000-%012x", i),
			Status:            api.Accepted,
			MaxSession:        &maxSession,
			SpecificationName: &spec,
			CreatedAt:         &created,
			DomainId:          &domain,
			VpcepIp:           &ip,
		}
		if i%10 == 9 {
			c.Status = api.Rejected
		}
		if i%3 == 2 {
			updated := api.NewFlexTime(created.Time.Add(time.Hour))
			c.UpdateAt = &updated
		}
		conns[i] = c
	}
	permID, perm, typ := "5e0c0000-0000-4000-9000-000000000000", ids.PermissionPrefix+syntheticDomain, api.DomainId
	return Cluster{
		Connections:    conns,
		Permissions:    []api.Permission{{Id: &permID, Permission: &perm, PermissionType: &typ, CreatedAt: &api.FlexTime{Time: syntheticEpoch}}},
		VpcServiceName: "eu-de.css-emulator.synthetic",
		UpdateSwitch:   true,
	}, nil
}
