package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/internal/ids"
	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// MaxIDLength is the longest project or cluster ID, in bytes, the Store accepts: the bound
// package client applies to the IDs it sends (internal/ids).
const MaxIDLength = ids.MaxLength

// loadSpec is the embedded spec (api.Spec): the built-in seed, the time stamp rule and the
// cluster detail's schema come from it, so nothing the docs say is typed twice.
func loadSpec() (*openapi3.T, error) {
	doc, err := api.Spec()
	if err != nil {
		return nil, fmt.Errorf("emulator: loading the embedded spec: %w", err)
	}
	return doc, nil
}

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
// client applies to the IDs it sends (internal/ids).
func checkIDs(projectID, clusterID string) error {
	if p := ids.SegmentProblem(projectID); p != "" {
		return errors.New("project ID " + p)
	}
	if p := ids.SegmentProblem(clusterID); p != "" {
		return errors.New("cluster ID " + p)
	}
	return nil
}

// checkCluster reports the first field of c that would make a response break the spec, or
// the state be one the emulator never reaches, by its JSON path, such as
// connections[2].status. clusterID is the cluster's, which its details must carry.
func checkCluster(clusterID string, c Cluster) error {
	if err := checkConnections(c.Connections); err != nil {
		return err
	}
	for i, p := range c.Permissions {
		at := func(field string) string { return fmt.Sprintf("permissions[%d].%s", i, field) }
		if p.PermissionType != nil && !p.PermissionType.Valid() {
			return fmt.Errorf("%s: %s is not %q", at("permission_type"), quote.Value(string(*p.PermissionType)), api.DomainId)
		}
		if err := checkTime(at("created_at"), p.CreatedAt, false); err != nil {
			return err
		}
	}
	if err := checkService(c); err != nil {
		return err
	}
	return checkDetail(clusterID, c.Detail)
}

// checkConnections checks the connections: IDs present and unique, statuses, time stamps
// and addresses as the spec has them.
func checkConnections(conns []api.Connection) error {
	seen := make(map[string]int, len(conns))
	for i, conn := range conns {
		at := func(field string) string { return fmt.Sprintf("connections[%d].%s", i, field) }
		switch {
		case conn.Id == "":
			return fmt.Errorf("%s is empty", at("id"))
		case !conn.Status.Valid():
			return fmt.Errorf("%s: %s is not %q or %q", at("status"), quote.Value(string(conn.Status)), api.Accepted, api.Rejected)
		}
		if j, dup := seen[conn.Id]; dup {
			return fmt.Errorf("%s: %s is also connections[%d].id", at("id"), quote.Value(conn.Id), j)
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
	return nil
}

// checkService checks that the service, its task and its options go together as the
// emulator's operations leave them: a disabled service has nothing but its state, a task
// enables a disabled service or disables an enabled one, dual-stack needs professional.
func checkService(c Cluster) error {
	if c.ServiceDisabled {
		switch {
		case len(c.Connections) > 0:
			return errors.New("connections: a disabled service (service_disabled) has none")
		case len(c.Permissions) > 0:
			return errors.New("permissions: a disabled service (service_disabled) has no whitelist")
		case c.VpcServiceName != "":
			return errors.New("vpcServiceName: a disabled service (service_disabled) has no name")
		case c.ServiceOptions != ServiceOptions{}:
			return errors.New("service_options: a disabled service (service_disabled) has none")
		}
	}
	if err := checkOptions("service_options", c.ServiceOptions); err != nil {
		return err
	}
	t := c.Task
	if t == nil {
		return nil
	}
	switch {
	case t.Action == ActionEnablingVPCEP && !c.ServiceDisabled:
		return fmt.Errorf("task.action: %s enables the service, which is enabled (service_disabled is false)", ActionEnablingVPCEP)
	case t.Action == ActionDisablingVPCEP && c.ServiceDisabled:
		return fmt.Errorf("task.action: %s disables the service, which is disabled", ActionDisablingVPCEP)
	case t.Action != ActionEnablingVPCEP && t.Action != ActionDisablingVPCEP:
		return fmt.Errorf("task.action: %s is not %s or %s", quote.Value(t.Action), ActionEnablingVPCEP, ActionDisablingVPCEP)
	case t.StartedAt.IsZero():
		return errors.New("task.started_at is missing")
	case t.EndsAt.Before(t.StartedAt):
		return fmt.Errorf("task.ends_at: %s is before started_at %s", t.EndsAt.Format(timeLayout), t.StartedAt.Format(timeLayout))
	case t.Action == ActionDisablingVPCEP && t.Options != ServiceOptions{}:
		return errors.New("task.options: a task disabling the service has none")
	}
	return checkOptions("task.options", t.Options)
}

// checkOptions checks what the spec says of StartVpecp's options: dual-stack "can be enabled
// only when a professional VPC endpoint is created".
func checkOptions(field string, o ServiceOptions) error {
	if o.DualStack && !o.Professional {
		return fmt.Errorf("%s: dualstack_enable needs profession_vpcep", field)
	}
	return nil
}

// timeLayout is how the emulator writes times in messages.
const timeLayout = "2006-01-02T15:04:05.999Z07:00"

// checkDetail checks a cluster's details against the spec's ClusterDetail schema, and for
// what the emulator keeps elsewhere: its ID is the cluster's, its status "200" or "303" (the
// "100" of a running task is the task's), its actions empty (the running task is Task). A nil
// detail, or an empty ID or status, is filled in by the Store.
func checkDetail(clusterID string, d *api.ClusterDetail) error {
	if d == nil {
		return nil
	}
	switch {
	case d.Id != "" && d.Id != clusterID:
		return fmt.Errorf("detail.id: %s is not the cluster's ID %s", quote.Value(d.Id), quote.Value(clusterID))
	case d.Status == api.ClusterStatusInProgress:
		return errors.New(`detail.status: "100" is what a running task shows; store "200" or "303", and the task as task`)
	case d.Actions != nil && len(*d.Actions) > 0:
		return errors.New("detail.actions: must be empty; the running task is task, which the answer lists")
	}
	full := *d
	if full.Id == "" {
		full.Id = clusterID
	}
	if full.Status == "" {
		full.Status = api.ClusterStatusAvailable
	}
	data, err := json.Marshal(full)
	if err != nil {
		return fmt.Errorf("detail: %w", err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("detail: %w", err)
	}
	doc, err := loadSpec()
	if err != nil {
		return err
	}
	schema := doc.Components.Schemas["ClusterDetail"]
	if schema == nil || schema.Value == nil {
		return errors.New("emulator: the embedded spec has no ClusterDetail schema")
	}
	if err := schema.Value.VisitJSON(v, detailFormats...); err != nil {
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			field := strings.Join(append([]string{"detail"}, se.JSONPointer()...), ".")
			return fmt.Errorf("%s: %s", field, quote.Line(se.Reason, maxErrorText))
		}
		return fmt.Errorf("detail: %s", quote.Line(err.Error(), maxErrorText))
	}
	return nil
}

// detailFormats checks the formats of the schema (ipv4, ipv6) as package contract checks
// them in responses.
var detailFormats = []openapi3.SchemaValidationOption{
	openapi3.VisitAsResponse(),
	openapi3.EnableFormatValidation(),
	openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
		"ipv4": openapi3.NewIPValidator(true),
		"ipv6": openapi3.NewIPValidator(false),
	}),
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
		return fmt.Errorf("%s: %s is not CCYY-MM-DDThh:mm:ss with optional fractional seconds and zone", field, quote.Value(text))
	}
	if _, err := t.Parse(); err != nil {
		return fmt.Errorf("%s: %s is not a valid time", field, quote.Value(text))
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
		return fmt.Errorf("%s: %s is not an IP address", field, quote.Value(*ip))
	case v4 && !addr.Is4():
		return fmt.Errorf("%s: %s is not an IPv4 address", field, quote.Value(*ip))
	case !v4 && (!addr.Is6() || addr.Zone() != ""):
		return fmt.Errorf("%s: %s is not an IPv6 address without a zone", field, quote.Value(*ip))
	}
	return nil
}
