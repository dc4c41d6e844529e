package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/cssvpcep/cssvpcep/client"
)

// listing is what connections prints: the connections listed, and the rest of the response
// (switch, service name, total, permissions) from the first page asked for.
type listing struct {
	page   *client.Page
	conns  []client.Connection
	offset int  // the --offset asked for
	all    bool // --all: every connection was asked for
}

// listPage lists one page.
func listPage(ctx context.Context, cl *client.Client, clusterID string, opts *client.ListOptions) (*listing, error) {
	p, err := cl.ListConnections(ctx, clusterID, opts)
	if err != nil {
		return nil, err
	}
	return &listing{page: p, conns: p.Connections, offset: opts.Offset}, nil
}

// listAll lists every connection, page by page with AllPages and its checks against
// connections that move while it pages. The switch, the service name, the total and the
// permissions come from the first page, so that no request is made beyond the pages. Nothing
// is returned unless every page arrived.
func listAll(ctx context.Context, cl *client.Client, clusterID string) (*listing, error) {
	var l *listing
	for page, err := range cl.AllPages(ctx, clusterID) {
		if err != nil {
			return nil, err
		}
		if l == nil {
			reach := client.MaxOffset + client.MaxPageSize
			l = &listing{page: page, conns: make([]client.Connection, 0, min(page.TotalCount, reach)), all: true}
		}
		l.conns = append(l.conns, page.Connections...)
	}
	if l == nil { // AllPages yields the first page or an error
		return nil, errors.New("AllPages: no page and no error")
	}
	return l, nil
}

// writeTable writes l as an aligned table with a summary line.
func writeTable(w io.Writer, l *listing) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tMAX SESSIONS\tSPECIFICATION\tIP\tCREATED\tUPDATED\tDOMAIN")
	for _, c := range l.conns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			cell(c.ID), cell(string(c.Status)), cell(c.MaxSession), cell(c.SpecificationName),
			cell(ipOf(c)), cell(tableTime(c.Created, c.CreatedText)), cell(tableTime(c.Updated, c.UpdatedText)),
			cell(c.DomainID))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	sw := "off"
	if l.page.UpdateSwitch {
		sw = "on"
	}
	_, err := fmt.Fprintf(w, "\nVPC endpoint switch: %s   service: %s   %s\n", sw, cell(l.page.ServiceName), count(l))
	return err
}

// count says how many connections are listed of how many, and how to get the others.
func count(l *listing) string {
	n, total := len(l.conns), l.page.TotalCount
	noun := "connections"
	if total == 1 {
		noun = "connection"
	}
	s := fmt.Sprintf("%d of %d %s", n, total, noun)
	if l.offset > 0 {
		s += fmt.Sprintf(", from offset %d", l.offset)
	}
	if !l.all && l.offset+n < total {
		s += " (more with --offset and --limit, or --all)"
	}
	return s
}

// ipOf returns the connection's addresses: IPv4, IPv6 or both.
func ipOf(c client.Connection) string {
	switch {
	case c.IP != "" && c.IPv6 != "":
		return c.IP + "," + c.IPv6
	case c.IP != "":
		return c.IP
	}
	return c.IPv6
}

// tableTime renders a time stamp in UTC, RFC 3339, to the second; the text as received when it
// did not parse; "" when there was none.
func tableTime(t time.Time, raw string) string {
	if t.IsZero() {
		return raw
	}
	return t.UTC().Format(time.RFC3339)
}

// jsonTime is tableTime keeping fractional seconds, so that JSON loses nothing.
func jsonTime(t time.Time, raw string) string {
	if t.IsZero() {
		return raw
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// cell makes a value safe for a table cell: "-" for an empty one, and every control or format
// character (a tab or a line break would break the table; an escape sequence or a
// bidirectional override would play tricks on the terminal) replaced by "?".
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '?'
		}
		return r
	}, s)
}

// The JSON output: the fields of the API response (the spec's ConnectionList), in the order of
// the API reference's example. Optional fields the service did not send are left out.
type (
	jsonList struct {
		Connections       []jsonConnection `json:"connections"`
		VpcepUpdateSwitch bool             `json:"vpcepUpdateSwitch"`
		TotalCount        int              `json:"total_count"`
		VpcServiceName    string           `json:"vpcServiceName,omitempty"`
		// Permissions the service did not send stay out; an empty list is kept.
		Permissions []jsonPermission `json:"permissions,omitzero"`
	}
	jsonConnection struct {
		ID                string `json:"id"`
		Status            string `json:"status"`
		MaxSession        string `json:"maxSession,omitempty"`
		SpecificationName string `json:"specificationName,omitempty"`
		VpcepIP           string `json:"vpcepIp,omitempty"`
		VpcepIPv6Address  string `json:"vpcepIpv6Address,omitempty"`
		VpcepDNSName      string `json:"vpcepDnsName,omitempty"`
		CreatedAt         string `json:"created_at,omitempty"`
		UpdateAt          string `json:"update_at,omitempty"`
		DomainID          string `json:"domain_id,omitempty"`
	}
	jsonPermission struct {
		ID             string `json:"id,omitempty"`
		Permission     string `json:"permission,omitempty"`
		PermissionType string `json:"permission_type,omitempty"`
		CreatedAt      string `json:"created_at,omitempty"`
	}
)

// writeJSON writes l as one indented JSON object.
func writeJSON(w io.Writer, l *listing) error {
	out := jsonList{
		Connections:       make([]jsonConnection, len(l.conns)),
		VpcepUpdateSwitch: l.page.UpdateSwitch,
		TotalCount:        l.page.TotalCount,
		VpcServiceName:    l.page.ServiceName,
	}
	for i, c := range l.conns {
		out.Connections[i] = jsonConnection{
			ID:                c.ID,
			Status:            string(c.Status),
			MaxSession:        c.MaxSession,
			SpecificationName: c.SpecificationName,
			VpcepIP:           c.IP,
			VpcepIPv6Address:  c.IPv6,
			VpcepDNSName:      c.DNSName,
			CreatedAt:         jsonTime(c.Created, c.CreatedText),
			UpdateAt:          jsonTime(c.Updated, c.UpdatedText),
			DomainID:          c.DomainID,
		}
	}
	if l.page.Permissions != nil {
		out.Permissions = make([]jsonPermission, len(l.page.Permissions))
		for i, p := range l.page.Permissions {
			out.Permissions[i] = jsonPermission{
				ID:             p.ID,
				Permission:     p.Permission,
				PermissionType: p.Type,
				CreatedAt:      jsonTime(p.Created, p.CreatedText),
			}
		}
	}
	return printJSON(w, out)
}
