package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"

	"github.com/cssvpcep/cssvpcep/api"
)

// listOf is the response body of ShowVpcepConnection for a cluster, with conns as its
// connections (nil for none): the one mapping from the state to the generated type.
func listOf(c *Cluster, conns []api.Connection) api.ConnectionList {
	if conns == nil {
		conns = []api.Connection{}
	}
	l := api.ConnectionList{
		Connections:       conns,
		TotalCount:        int32(min(len(c.Connections), math.MaxInt32)),
		VpcepUpdateSwitch: &c.UpdateSwitch,
	}
	if c.Permissions != nil {
		l.Permissions = &c.Permissions
	}
	if c.VpcServiceName != "" {
		l.VpcServiceName = &c.VpcServiceName
	}
	return l
}

// page is connections start to end of an entry.
type page struct {
	e          *entry
	start, end int
}

// pageOf is the page of e's connections from offset on, at most limit of them (offset and
// limit are not negative).
func pageOf(e *entry, offset, limit int) page {
	n := len(e.c.Connections)
	start := min(offset, n)
	return page{e: e, start: start, end: start + min(limit, n-start)}
}

// conns returns the page's connections, which must not be modified.
func (p page) conns() []api.Connection { return p.e.c.Connections[p.start:p.end:p.end] }

// list is the page's response body.
func (p page) list() api.ConnectionList { return listOf(&p.e.c, p.conns()) }

// listCache memoizes the JSON of an entry's list, which the 200 of ShowVpcepConnection
// writes slices of: encoding a thousand connections per request would cost the emulator most
// of its throughput. It is derived from the entry's state the first time a page is asked for
// and never read back into it; a change of the cluster makes a new entry, and so drops it.
type listCache struct {
	once sync.Once
	enc  *listEncoding
	err  error
}

// listEncoding is an entry's list as the generated ShowVpcepConnection200JSONResponse
// encodes it: joined holds every connection's JSON, each followed by a comma, connection i
// from starts[i] (starts[len(connections)] is the end); tail is what follows the connections
// (permissions, total_count, vpcServiceName, vpcepUpdateSwitch).
type listEncoding struct {
	joined []byte
	starts []int
	tail   []byte
}

// bodyHead opens every 200 body.
const bodyHead = `{"connections":[`

// encoding returns the entry's list encoding, made on the first call.
func (e *entry) encoding() (*listEncoding, error) {
	e.list.once.Do(func() { e.list.enc, e.list.err = encodeList(&e.c) })
	return e.list.enc, e.list.err
}

// encodeList encodes c's list with the generated types.
func encodeList(c *Cluster) (*listEncoding, error) {
	enc := &listEncoding{starts: make([]int, len(c.Connections)+1)}
	for i, conn := range c.Connections {
		data, err := json.Marshal(conn)
		if err != nil {
			return nil, fmt.Errorf("connections[%d]: %w", i, err)
		}
		enc.starts[i] = len(enc.joined)
		enc.joined = append(append(enc.joined, data...), ',')
	}
	enc.starts[len(c.Connections)] = len(enc.joined)
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(api.ShowVpcepConnection200JSONResponse(listOf(c, nil))); err != nil {
		return nil, err
	}
	tail, ok := bytes.CutPrefix(buf.Bytes(), []byte(bodyHead))
	if !ok || !bytes.HasPrefix(tail, []byte("]")) {
		return nil, fmt.Errorf("emulator: the generated 200 body does not start with %s: %.40s", bodyHead, buf.Bytes())
	}
	enc.tail = tail
	return enc, nil
}

// pageResponse is a 200 answer: the bytes the generated ShowVpcepConnection200JSONResponse
// writes for the page's list (a test holds it to that), joined from the entry's list encoding.
type pageResponse page

var _ api.ShowVpcepConnectionResponseObject = pageResponse{}

// VisitShowVpcepConnectionResponse writes the page with status 200.
func (r pageResponse) VisitShowVpcepConnectionResponse(w http.ResponseWriter) error {
	enc, err := r.e.encoding()
	if err != nil {
		return err
	}
	var conns []byte // the page's connections, without the comma after the last
	if r.end > r.start {
		conns = enc.joined[enc.starts[r.start] : enc.starts[r.end]-1]
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(bodyHead)+len(conns)+len(enc.tail)))
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, bodyHead); err != nil {
		return err
	}
	if _, err := w.Write(conns); err != nil {
		return err
	}
	_, err = w.Write(enc.tail)
	return err
}
