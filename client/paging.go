package client

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/cssvpcep/cssvpcep/internal/quote"
)

// AllPages returns every page of the VPC endpoint connections of a cluster, calling the API
// operation ShowVpcepConnection page by page (see ListConnections for clusterID and retries).
// Each page comes whole, with its total_count, switch, service name, permissions and request
// ID, so that a caller who wants those as well as every connection needs no extra request:
//
//	for page, err := range c.AllPages(ctx, clusterID) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// It asks for pages of MaxPageSize connections and moves the offset on by the number of
// connections each page holds, so a server that returns fewer than asked for is followed page
// by page. The first page is always yielded, even with no connections. It stops when it has
// received total_count connections (as the first page gives it). Any other ending is an error,
// yielded once, after the pages received before it; then the iteration ends:
//   - the documented ranges (offset at most MaxOffset, limit at most MaxPageSize) reach no
//     further than 2,000 connections: when total_count is larger, the error comes after the
//     pages that could be reached, and says so;
//   - a page with no connections before total_count is reached (no progress);
//   - a page holding a connection whose ID was already received, on that page or an earlier
//     one (a repeated page, or connections that moved while paging): the page is not yielded,
//     so no connection is ever yielded twice;
//   - total_count changing between pages (that page is not yielded), or more connections than
//     it says (the error comes after the page): connections were added or removed while
//     paging, so some may have been skipped;
//   - a failed call, or ctx ending (checked before every page is asked for and before it is
//     yielded).
//
// A clusterID that CheckID refuses and a nil ctx fail at once with an *ArgumentError. Each run
// over the sequence starts again from the first page. Breaking out of the loop stops it at
// once; it starts no goroutines.
func (c *Client) AllPages(ctx context.Context, clusterID string) iter.Seq2[*Page, error] {
	return c.pages(ctx, clusterID, "AllPages")
}

// AllConnections returns every VPC endpoint connection of a cluster: the connections of the
// pages of AllPages, one by one, with its rules and errors (errors name AllConnections):
//
//	for conn, err := range c.AllConnections(ctx, clusterID) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// No connection is yielded twice: a page that repeats one is left out whole, and the error
// comes after the connections of the pages before it. ctx is also checked before every
// connection. Each run over the sequence starts again from the first page. Breaking out of the
// loop stops it at once; it starts no goroutines.
func (c *Client) AllConnections(ctx context.Context, clusterID string) iter.Seq2[Connection, error] {
	return func(yield func(Connection, error) bool) {
		received := 0
		for page, err := range c.pages(ctx, clusterID, "AllConnections") {
			if err != nil {
				yield(Connection{}, err)
				return
			}
			for _, conn := range page.Connections {
				if err := ctx.Err(); err != nil {
					yield(Connection{}, fmt.Errorf("client: AllConnections: after %d connections: %w", received, context.Cause(ctx)))
					return
				}
				if !yield(conn, nil) {
					return
				}
				received++
			}
		}
	}
}

// pages is AllPages, with fn naming the method in errors. It holds the paging rules of both
// AllPages and AllConnections.
func (c *Client) pages(ctx context.Context, clusterID, fn string) iter.Seq2[*Page, error] {
	return func(yield func(*Page, error) bool) {
		fail := func(format string, args ...any) {
			yield(nil, fmt.Errorf("client: "+fn+": "+format, args...))
		}
		if ctx == nil {
			yield(nil, nilContext(fn))
			return
		}
		if err := checkArgID(fn, "clusterID", clusterID); err != nil {
			yield(nil, err)
			return
		}
		seen := make(map[string]struct{})
		offset, total := 0, 0
		for n := 0; ; n++ {
			if err := ctx.Err(); err != nil {
				fail("after %d connections: %w", offset, context.Cause(ctx))
				return
			}
			p, err := c.ListConnections(ctx, clusterID, &ListOptions{Offset: offset, Limit: MaxPageSize})
			if err != nil {
				yield(nil, &pageError{fn: fn, offset: offset, err: err})
				return
			}
			switch {
			case n == 0:
				total = p.TotalCount
			case p.TotalCount != total:
				fail("total_count changed from %d to %d while paging (at offset %d): connections were added or removed, so some may have been missed", total, p.TotalCount, offset)
				return
			}
			if len(p.Connections) == 0 && offset < total {
				fail("the page at offset %d is empty, but total_count is %d: the server makes no progress", offset, total)
				return
			}
			for _, conn := range p.Connections {
				if _, dup := seen[conn.ID]; dup {
					fail("connection %s at offset %d was already returned: the server repeated connections (a repeated page, or connections moved while paging)", quote.Value(conn.ID), offset)
					return
				}
				seen[conn.ID] = struct{}{}
			}
			if err := ctx.Err(); err != nil {
				fail("after %d connections: %w", offset, context.Cause(ctx))
				return
			}
			if !yield(p, nil) {
				return
			}
			offset += len(p.Connections)
			switch {
			case offset > total:
				fail("received %d connections, more than total_count %d: connections were added while paging, so some may have been missed", offset, total)
				return
			case offset == total:
				return
			case offset > MaxOffset:
				fail("total_count is %d, but the documented ranges of offset (at most %d) and limit (at most %d) reach no further than %d connections: stopped after the first %d",
					total, MaxOffset, MaxPageSize, MaxOffset+MaxPageSize, offset)
				return
			}
		}
	}
}

// pageError is a failed call of AllPages or AllConnections (fn), at an offset.
type pageError struct {
	fn     string
	offset int
	err    error
}

func (e *pageError) Error() string {
	return fmt.Sprintf("client: %s: at offset %d: %s", e.fn, e.offset, strings.TrimPrefix(e.err.Error(), "client: "))
}

func (e *pageError) Unwrap() error { return e.err }
