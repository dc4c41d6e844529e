package emulator

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// MaxEndpoints is how many connections a cluster's service may have for AddEndpoint to add
// one more: a bound on what the emulator-only path can make it hold, far above any cluster's
// connections (a seed or WithSynthetic may hold more; AddEndpoint then refuses with ErrQuota).
const MaxEndpoints = 10_000

// setConnectionStatus accepts (status accepted) or rejects (rejected) the cluster's
// connections of the VPC endpoints endpointIDs (UpdateVpcepConnection), stamping their
// update_at. An ID the cluster has no connection of refuses the whole request, naming it;
// IDs match in either case, as UUIDs do.
func (s *Store) setConnectionStatus(projectID, clusterID string, status api.ConnectionStatus, endpointIDs []string) error {
	err := s.change(projectID, clusterID, func(c *Cluster, now time.Time) error {
		if err := checkIdle(clusterID, c); err != nil {
			return err
		}
		if err := checkEnabled(clusterID, c); err != nil {
			return err
		}
		index := make(map[string]int, len(c.Connections))
		for i, conn := range c.Connections {
			index[strings.ToLower(conn.Id)] = i
		}
		var unknown []string
		for _, id := range endpointIDs {
			if _, ok := index[strings.ToLower(id)]; !ok {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) > 0 {
			return refuse(ErrNoEndpoint, "cluster %s has no connection of the VPC endpoint %s", quote.Value(clusterID), quoteList(unknown))
		}
		for _, id := range endpointIDs {
			conn := &c.Connections[index[strings.ToLower(id)]]
			updated := api.NewFlexTime(now)
			conn.Status, conn.UpdateAt = status, &updated
		}
		return nil
	})
	return err
}

// quoteList quotes the first few values of list, and says how many more there are.
func quoteList(list []string) string {
	const shown = 5
	quoted := make([]string, 0, shown)
	for _, v := range list[:min(len(list), shown)] {
		quoted = append(quoted, quote.Value(v))
	}
	out := strings.Join(quoted, ", ")
	if len(list) > shown {
		out += fmt.Sprintf(" and %d more", len(list)-shown)
	}
	return out
}

// setWhitelist replaces the whitelist of the cluster's service with accounts
// (UpdateVpcepWhitelist; empty means nobody). An account already on it keeps its entry (ID
// and created_at); a new one gets an ID made from the cluster and the account and created_at
// now. The connections of accounts taken off stay, as a VPC endpoint service keeps them.
func (s *Store) setWhitelist(projectID, clusterID string, accounts []string) error {
	err := s.change(projectID, clusterID, func(c *Cluster, now time.Time) error {
		if err := checkIdle(clusterID, c); err != nil {
			return err
		}
		if err := checkEnabled(clusterID, c); err != nil {
			return err
		}
		have := make(map[string]api.Permission, len(c.Permissions))
		for _, p := range c.Permissions {
			if p.Permission != nil {
				have[*p.Permission] = p
			}
		}
		perms := make([]api.Permission, 0, len(accounts))
		for _, a := range accounts {
			perm := ids.PermissionPrefix + a
			if p, ok := have[perm]; ok {
				perms = append(perms, p)
				continue
			}
			id, typ, created := nameUUID("vpcep-permission", clusterID+"\x00"+a), api.DomainId, api.NewFlexTime(now)
			perms = append(perms, api.Permission{Id: &id, Permission: &perm, PermissionType: &typ, CreatedAt: &created})
		}
		c.Permissions = perms
		return nil
	})
	return err
}

// AddEndpoint adds the connection of a consumer's new VPC endpoint to the cluster's service,
// as the VPC endpoint service does when an account creates an endpoint for it, and returns
// it. The account (domainID, 32 lower-case hexadecimal characters) must be on the service's
// whitelist: the VPC endpoint service refuses any other (ErrNotWhitelisted). The connection
// starts rejected, waiting to be accepted with UpdateVpcepConnection: the spec knows only
// accepted and rejected, and rejected is the one that does not let traffic through. It gets a
// random ID, maxSession "3000" and specificationName "default" (as the page's examples), the
// next free vpcepIp of 192.168.0.0/16 from 192.168.0.10 on, a vpcepDnsName when the service was
// enabled with endpoint_with_dns_name, and a vpcepIpv6Address in 2001:db8::/32 (the
// documentation prefix) when it was enabled professional and dual-stack.
//
// It fails with ErrIncorrectParameters for a domain ID of another form, ErrNotFound,
// ErrServiceNotEnabled, ErrBusy (a task runs or the cluster is faulty), ErrNotWhitelisted, and
// ErrQuota when the service has MaxEndpoints connections. The emulator serves it over HTTP as
// POST /emulator/v1/{project_id}/clusters/{cluster_id}/endpoints (see the package doc).
func (s *Store) AddEndpoint(projectID, clusterID, domainID string) (api.Connection, error) {
	if !ids.AccountID.MatchString(domainID) {
		return api.Connection{}, refuse(ErrIncorrectParameters, "domain_id %s is not an account ID: 32 lower-case hexadecimal characters", quote.Value(domainID))
	}
	var added api.Connection
	err := s.change(projectID, clusterID, func(c *Cluster, now time.Time) error {
		if err := checkIdle(clusterID, c); err != nil {
			return err
		}
		if err := checkEnabled(clusterID, c); err != nil {
			return err
		}
		if !whitelisted(c, domainID) {
			return refuse(ErrNotWhitelisted, "account %s is not on the whitelist of the VPC endpoint service of cluster %s", quote.Value(domainID), quote.Value(clusterID))
		}
		if len(c.Connections) >= MaxEndpoints {
			return refuse(ErrQuota, "the VPC endpoint service of cluster %s has %d connections, the most the emulator adds to", quote.Value(clusterID), len(c.Connections))
		}
		conn, err := newConnection(c, domainID, now)
		if err != nil {
			return err
		}
		c.Connections = append(c.Connections, conn)
		added = cloneConnection(conn)
		return nil
	})
	if err != nil {
		return api.Connection{}, err
	}
	return added, nil
}

// whitelisted reports whether the account is on the service's whitelist.
func whitelisted(c *Cluster, account string) bool {
	for _, p := range c.Permissions {
		if p.Permission != nil && *p.Permission == ids.PermissionPrefix+account {
			return true
		}
	}
	return false
}

// newConnection makes the connection of a new endpoint of account (see AddEndpoint).
func newConnection(c *Cluster, account string, now time.Time) (api.Connection, error) {
	id := randomUUID()
	ip, err := nextIPv4(c)
	if err != nil {
		return api.Connection{}, err
	}
	maxSession, spec, created, ipText := "3000", "default", api.NewFlexTime(now), ip.String()
	conn := api.Connection{Id: id, Status: api.Rejected, MaxSession: &maxSession, SpecificationName: &spec,
		CreatedAt: &created, DomainId: &account, VpcepIp: &ipText}
	if c.ServiceOptions.DNSName {
		dns := id + ".vpcep." + serviceRegion + ".css.internal"
		conn.VpcepDnsName = &dns
	}
	if c.ServiceOptions.Professional && c.ServiceOptions.DualStack {
		v4 := ip.As4()
		v6 := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 12: v4[0], 13: v4[1], 14: v4[2], 15: v4[3]}).String()
		conn.VpcepIpv6Address = &v6
	}
	return conn, nil
}

// nextIPv4 is the first address of 192.168.0.0/16, from 192.168.0.10 on, that no connection of
// the cluster has.
func nextIPv4(c *Cluster) (netip.Addr, error) {
	used := make(map[netip.Addr]bool, len(c.Connections))
	for _, conn := range c.Connections {
		if conn.VpcepIp != nil {
			if a, err := netip.ParseAddr(*conn.VpcepIp); err == nil {
				used[a] = true
			}
		}
	}
	for n := 10; n < 1<<16-1; n++ {
		if a := netip.AddrFrom4([4]byte{192, 168, byte(n >> 8), byte(n)}); !used[a] {
			return a, nil
		}
	}
	return netip.Addr{}, refuse(ErrQuota, "no address of 192.168.0.0/16 is free")
}

// randomUUID is a random (version 4) UUID, as VPC endpoint IDs are.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
