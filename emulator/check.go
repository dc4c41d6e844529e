package emulator

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cssvpcep/cssvpcep/api"
)

// MaxIDLength is the longest project or cluster ID, in bytes, the Store accepts.
const MaxIDLength = 256

// loadSpec decodes the embedded spec once: the built-in seed and the time stamp rule come from
// it, so nothing the docs say is typed twice.
var loadSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("emulator: loading the embedded spec: %w", err)
	}
	return doc, nil
})

// timestampPattern is the spec's pattern for created_at and update_at (schema Timestamp).
var timestampPattern = sync.OnceValues(func() (*regexp.Regexp, error) {
	doc, err := loadSpec()
	if err != nil {
		return nil, err
	}
	ref := doc.Components.Schemas["Timestamp"]
	if ref == nil || ref.Value == nil || ref.Value.Pattern == "" {
		return nil, errors.New("emulator: the embedded spec has no Timestamp pattern")
	}
	return regexp.Compile(ref.Value.Pattern)
})

// checkIDs rejects IDs that no request can name as one path segment, with the rules package
// client applies to the IDs it sends.
func checkIDs(projectID, clusterID string) error {
	if err := checkID("project ID", projectID); err != nil {
		return err
	}
	return checkID("cluster ID", clusterID)
}

func checkID(name, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty", name)
	case len(v) > MaxIDLength:
		return fmt.Errorf("%s is %d bytes long; at most %d are allowed", name, len(v), MaxIDLength)
	case !utf8.ValidString(v):
		return fmt.Errorf("%s %q is not valid UTF-8", name, v)
	case v == "." || v == "..":
		return fmt.Errorf("%s %q is a dot segment", name, v)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("%s %q has leading or trailing white space", name, v)
	}
	if i := strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) || strings.ContainsRune(`/\?#`, r) }); i >= 0 {
		return fmt.Errorf("%s %q has %q at byte %d, which is not allowed in an ID", name, v, v[i:i+1], i)
	}
	return nil
}

// checkCluster reports the first field of c that would make a response break the spec, by its
// JSON path, such as connections[2].status.
func checkCluster(c Cluster) error {
	seen := make(map[string]int, len(c.Connections))
	for i, conn := range c.Connections {
		at := func(field string) string { return fmt.Sprintf("connections[%d].%s", i, field) }
		switch {
		case conn.Id == "":
			return fmt.Errorf("%s is empty", at("id"))
		case !conn.Status.Valid():
			return fmt.Errorf("%s: %q is not %q or %q", at("status"), conn.Status, api.Accepted, api.Rejected)
		}
		if j, dup := seen[conn.Id]; dup {
			return fmt.Errorf("%s: %q is also connections[%d].id", at("id"), conn.Id, j)
		}
		seen[conn.Id] = i
		if err := checkTime(at("created_at"), conn.CreatedAt, false); err != nil {
			return err
		}
		if err := checkTime(at("update_at"), conn.UpdateAt, true); err != nil {
			return err
		}
		if err := checkIP(at("vpcepIp"), conn.VpcepIp, true); err != nil {
			return err
		}
		if err := checkIP(at("vpcepIpv6Address"), conn.VpcepIpv6Address, false); err != nil {
			return err
		}
	}
	for i, p := range c.Permissions {
		at := func(field string) string { return fmt.Sprintf("permissions[%d].%s", i, field) }
		if p.PermissionType != nil && !p.PermissionType.Valid() {
			return fmt.Errorf("%s: %q is not %q", at("permission_type"), *p.PermissionType, api.DomainId)
		}
		if err := checkTime(at("created_at"), p.CreatedAt, false); err != nil {
			return err
		}
	}
	return nil
}

// checkTime checks a time stamp as it will be encoded: the text received, or the time in the
// zoned form. It must match the spec's pattern and be a real date, since doc-quirk mode
// re-formats it; null is allowed only where the spec says nullable.
func checkTime(field string, t *api.FlexTime, nullable bool) error {
	if t == nil {
		return nil
	}
	text := t.String()
	if text == "" {
		if nullable {
			return nil
		}
		return fmt.Errorf("%s is the zero time, which would be sent as null", field)
	}
	pattern, err := timestampPattern()
	if err != nil {
		return err
	}
	if !pattern.MatchString(text) {
		return fmt.Errorf("%s: %q is not CCYY-MM-DDThh:mm:ss with optional fractional seconds and zone", field, text)
	}
	if _, err := t.Parse(); err != nil {
		return fmt.Errorf("%s: %q is not a valid time", field, text)
	}
	return nil
}

// checkIP checks an address as the spec's ipv4 and ipv6 formats want it; stricter than
// kin-openapi in refusing an IPv6 zone or an IPv4 address in the IPv6 field.
func checkIP(field string, ip *string, v4 bool) error {
	if ip == nil {
		return nil
	}
	addr, err := netip.ParseAddr(*ip)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %q is not an IP address", field, *ip)
	case v4 && !addr.Is4():
		return fmt.Errorf("%s: %q is not an IPv4 address", field, *ip)
	case !v4 && (!addr.Is6() || addr.Zone() != ""):
		return fmt.Errorf("%s: %q is not an IPv6 address without a zone", field, *ip)
	}
	return nil
}
