package client

import (
	"context"
	"fmt"
	"iter"
	"strings"
)

// AllConnections returns every VPC endpoint connection of a cluster, calling the API operation
// ShowVpcepConnection page by page (see ListConnections for clusterID and retries):
//
//	for conn, err := range c.AllConnections(ctx, clusterID) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// It asks for pages of MaxPageSize connections and moves the offset on by the number of
// connections each page holds, so a server that returns fewer than asked for is followed page
// by page. It stops when it has received total_count connections (as the first page gives it).
// Any other ending is an error, yielded once, after the connections received before it; then
// the iteration ends:
//   - the documented ranges (offset at most MaxOffset, limit at most MaxPageSize) reach no
//     further than 2,000 connections: when total_count is larger, the error comes after the
//     connections that could be reached, and says so;
//   - a page with no connections before total_count is reached (no progress);
//   - a connection whose ID was already yielded (a repeated page, or connections that moved
//     while paging); it is not yielded again;
//   - total_count changing between pages, or more connections than it says: connections were
//     added or removed while paging, so some may have been skipped;
//   - a failed call, or ctx ending (checked before every page and every connection).
//
// Each run over the sequence starts again from the first page. Breaking out of the loop stops
// it at once; it starts no goroutines.
func (c *Client) AllConnections(ctx context.Context, clusterID string) iter.Seq2[Connection, error] {
	return func(yield func(Connection, error) bool) {
		fail := func(format string, args ...any) {
			yield(Connection{}, fmt.Errorf("client: AllConnections: "+format, args...))
		}
		if ctx == nil {
			fail("%w", errNilContext)
			return
		}
		if err := checkID("AllConnections", "clusterID", clusterID); err != nil {
			yield(Connection{}, err)
			return
		}
		seen := make(map[string]struct{})
		offset, total := 0, 0
		for page := 0; ; page++ {
			if err := ctx.Err(); err != nil {
				fail("after %d connections: %w", offset, context.Cause(ctx))
				return
			}
			p, err := c.ListConnections(ctx, clusterID, &ListOptions{Offset: offset, Limit: MaxPageSize})
			if err != nil {
				yield(Connection{}, &pageError{offset: offset, err: err})
				return
			}
			switch {
			case page == 0:
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
					fail("connection %q at offset %d was already returned: the server repeated connections (a repeated page, or connections moved while paging)", conn.ID, offset)
					return
				}
				if err := ctx.Err(); err != nil {
					fail("after %d connections: %w", len(seen), context.Cause(ctx))
					return
				}
				seen[conn.ID] = struct{}{}
				if !yield(conn, nil) {
					return
				}
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

// pageError is a failed call of AllConnections, at an offset.
type pageError struct {
	offset int
	err    error
}

func (e *pageError) Error() string {
	return fmt.Sprintf("client: AllConnections: at offset %d: %s", e.offset, strings.TrimPrefix(e.err.Error(), "client: "))
}

func (e *pageError) Unwrap() error { return e.err }
