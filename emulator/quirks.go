package emulator

import (
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
// null when the connection was never updated. It is a response object of the strict server
// like the generated ones, so the mode stays inside it.
type quirkResponse page

var _ api.ShowVpcepConnectionResponseObject = quirkResponse{}

// quirkList is the generated list with vpcepUpdateSwitch as a string: the outer field hides
// the embedded one of the same JSON name, so the rest of the body is the generated type's.
type quirkList struct {
	api.ConnectionList
	VpcepUpdateSwitch string `json:"vpcepUpdateSwitch"`
}

// VisitShowVpcepConnectionResponse writes the page with status 200, as the generated
// ShowVpcepConnection200JSONResponse does, in the 2023 form.
func (r quirkResponse) VisitShowVpcepConnectionResponse(w http.ResponseWriter) error {
	list := page(r).list()
	conns := make([]api.Connection, len(list.Connections))
	for i, c := range list.Connections {
		c.CreatedAt = zoneless(c.CreatedAt)
		c.UpdateAt = zoneless(c.UpdateAt)
		if c.UpdateAt == nil {
			c.UpdateAt = &api.FlexTime{} // null, never left out, as in the example
		}
		conns[i] = c
	}
	list.Connections = conns
	if list.Permissions != nil {
		perms := make([]api.Permission, len(*list.Permissions))
		for i, p := range *list.Permissions {
			p.CreatedAt = zoneless(p.CreatedAt)
			perms[i] = p
		}
		list.Permissions = &perms
	}
	body, err := json.Marshal(quirkList{ConnectionList: list, VpcepUpdateSwitch: strconv.FormatBool(bool(r.e.c.UpdateSwitch))})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append(body, '\n'))
	return err
}

// zoneless renders a time stamp in UTC without a zone; nil for nil and for the zero time.
// The Store has checked that every time stamp parses.
func zoneless(t *api.FlexTime) *api.FlexTime {
	if t == nil {
		return nil
	}
	parsed, err := t.Parse()
	if err != nil || parsed.IsZero() {
		return nil
	}
	return &api.FlexTime{Time: parsed, Raw: parsed.UTC().Format(zonelessLayout)}
}
