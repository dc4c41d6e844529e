package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/cssvpcep/cssvpcep/client"
)

// dryRun collects the requests a client made with client.WithDryRun would have sent.
type dryRun struct {
	mu   sync.Mutex
	reqs []client.PlannedRequest
}

// option is the client option that hands every request to d instead of sending it.
func (d *dryRun) option() client.Option {
	return client.WithDryRun(func(p client.PlannedRequest) {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.reqs = append(d.reqs, p)
	})
}

// changeSession builds the client of a verb that changes state: with dry, one that hands
// every request to the returned *dryRun instead of sending it. problems are the flags' and
// arguments' problems so far, a usage error when there are any.
func (c *cli) changeSession(ctx context.Context, f *clientFlags, dry bool, problems []string) (*session, *dryRun, error) {
	d := &dryRun{}
	var extra []client.Option
	if dry {
		extra = append(extra, d.option())
	}
	s, err := c.client(ctx, f, problems, extra...)
	return s, d, err
}

// planned returns the requests collected so far.
func (d *dryRun) planned() []client.PlannedRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]client.PlannedRequest(nil), d.reqs...)
}

// dryRunReport is what a --dry-run prints: a line before each request, and one at the end.
type dryRunReport struct {
	reqs  []client.PlannedRequest
	leads []string // what each request is for
	note  string   // what the requests do not show, if anything
}

// jsonDryRun is the JSON form of a dry run.
type (
	jsonDryRun struct {
		DryRun   bool          `json:"dry_run"`
		Requests []jsonRequest `json:"requests"`
		Note     string        `json:"note,omitempty"`
	}
	jsonRequest struct {
		Operation string          `json:"operation"`
		Method    string          `json:"method"`
		URL       string          `json:"url"`
		Body      json.RawMessage `json:"body,omitempty"`
		// Unresolved is client.PlannedRequest's.
		Unresolved string `json:"unresolved,omitempty"`
	}
)

// write prints the report: for each request its purpose, method and URL, then its body as
// indented JSON. No header is printed: PlannedRequest holds none with a credential, and
// the others say nothing the reader needs.
func (r *dryRunReport) write(w io.Writer, asJSON bool) error {
	if asJSON {
		out := jsonDryRun{DryRun: true, Requests: make([]jsonRequest, len(r.reqs)), Note: r.note}
		for i, p := range r.reqs {
			out.Requests[i] = jsonRequest{Operation: p.Operation.ID, Method: p.Method, URL: p.URL, Unresolved: p.Unresolved}
			if json.Valid(p.Body) {
				out.Requests[i].Body = p.Body
			}
		}
		return printJSON(w, out)
	}
	var b bytes.Buffer
	b.WriteString("dry run: nothing was sent\n")
	for i, p := range r.reqs {
		b.WriteString("\n")
		if i < len(r.leads) && r.leads[i] != "" {
			fmt.Fprintf(&b, "%s:\n", r.leads[i])
		}
		fmt.Fprintf(&b, "%s %s\n", p.Method, p.URL)
		if p.Unresolved != "" {
			fmt.Fprintf(&b, "%s\n", strings.Join(wrap("(not known without signing in: "+p.Unresolved+")", 92), "\n"))
		}
		if len(p.Body) > 0 {
			if err := json.Indent(&b, p.Body, "", "  "); err != nil {
				fmt.Fprintf(&b, "(a body of %d bytes that is not JSON)", len(p.Body))
			}
			b.WriteString("\n")
		}
	}
	if r.note != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.Join(wrap(r.note, 92), "\n"))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// printJSON writes v as indented JSON, HTML characters as they are.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
