package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/cssvpcep/cssvpcep/api"
)

// zonelessLayout is the documented time stamp format, CCYY-MM-DDThh:mm:ss without a zone,
// keeping fractional seconds when there are any.
const zonelessLayout = "2006-01-02T15:04:05.999999999"

// quirkResponse is a 200 answer in the form of the 2023 page's example (doc-quirk mode):
// vpcepUpdateSwitch as the string "true" or "false", time stamps without a zone, update_at
// null when the connection was never updated, and the fields in the example's order. It is
// a response object of the strict server like the generated ones, so the mode stays inside it.
type quirkResponse page

var _ api.ShowVpcepConnectionResponseObject = quirkResponse{}

// quirkList is ConnectionList as the 2023 example orders and types it.
type quirkList struct {
	Connections       []quirkConnection  `json:"connections"`
	VpcepUpdateSwitch string             `json:"vpcepUpdateSwitch"`
	TotalCount        int32              `json:"total_count"`
	VpcServiceName    *string            `json:"vpcServiceName,omitempty"`
	Permissions       *[]quirkPermission `json:"permissions,omitempty"`
}

type quirkConnection struct {
	ID                string               `json:"id"`
	Status            api.ConnectionStatus `json:"status"`
	MaxSession        *string              `json:"maxSession,omitempty"`
	SpecificationName *string              `json:"specificationName,omitempty"`
	VpcepIP           *string              `json:"vpcepIp,omitempty"`
	VpcepIPv6Address  *string              `json:"vpcepIpv6Address,omitempty"`
	VpcepDNSName      *string              `json:"vpcepDnsName,omitempty"`
	CreatedAt         *string              `json:"created_at,omitempty"`
	UpdateAt          *string              `json:"update_at"` // null, never left out, as in the example
	DomainID          *string              `json:"domain_id,omitempty"`
}

type quirkPermission struct {
	ID             *string             `json:"id,omitempty"`
	Permission     *string             `json:"permission,omitempty"`
	PermissionType *api.PermissionType `json:"permission_type,omitempty"`
	CreatedAt      *string             `json:"created_at,omitempty"`
}

// VisitShowVpcepConnectionResponse writes the page with status 200, as the generated
// ShowVpcepConnection200JSONResponse does, in the 2023 form.
func (r quirkResponse) VisitShowVpcepConnectionResponse(w http.ResponseWriter) error {
	snap, conns := r.snap, page(r).conns()
	body := quirkList{
		Connections:       make([]quirkConnection, len(conns)),
		VpcepUpdateSwitch: strconv.FormatBool(bool(snap.updateSwitch)),
		TotalCount:        snap.total,
		VpcServiceName:    snap.serviceName,
	}
	for i, c := range conns {
		body.Connections[i] = quirkConnection{
			ID:                c.Id,
			Status:            c.Status,
			MaxSession:        c.MaxSession,
			SpecificationName: c.SpecificationName,
			VpcepIP:           c.VpcepIp,
			VpcepIPv6Address:  c.VpcepIpv6Address,
			VpcepDNSName:      c.VpcepDnsName,
			CreatedAt:         zoneless(c.CreatedAt),
			UpdateAt:          zoneless(c.UpdateAt),
			DomainID:          c.DomainId,
		}
	}
	if snap.perms != nil {
		perms := make([]quirkPermission, len(*snap.perms))
		for i, p := range *snap.perms {
			perms[i] = quirkPermission{ID: p.Id, Permission: p.Permission, PermissionType: p.PermissionType, CreatedAt: zoneless(p.CreatedAt)}
		}
		body.Permissions = &perms
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(body); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

// zoneless renders a time stamp in UTC without a zone; nil for nil and for the zero time
// (null). The Store has checked that every time stamp parses, and set its Time.
func zoneless(t *api.FlexTime) *string {
	if t == nil || t.Time.IsZero() {
		return nil
	}
	s := t.Time.UTC().Format(zonelessLayout)
	return &s
}
