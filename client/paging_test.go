package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// pager is a server side of paging: it serves a slice of the connections it holds, as the
// request's offset and limit select, and records the requests.
type pager struct {
	mu       sync.Mutex
	requests []string // "offset/limit"
}

// serve answers with all[offset:offset+limit] (limit capped at pageCap when set) and total.
func (p *pager) serve(w http.ResponseWriter, r *http.Request, all []string, total, pageCap int) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil {
		limit = 10
	}
	p.mu.Lock()
	p.requests = append(p.requests, fmt.Sprintf("%d/%d", offset, limit))
	p.mu.Unlock()
	if pageCap > 0 {
		limit = min(limit, pageCap)
	}
	lo, hi := min(offset, len(all)), min(offset+limit, len(all))
	writeJSON(w, http.StatusOK, pageOf(total, all[lo:hi]...))
}

func (p *pager) got() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.requests, " ")
}

// collect runs seq to its end, returning the IDs yielded and the errors.
func collect(seq iter.Seq2[Connection, error]) ([]string, []error) {
	var got []string
	var errs []error
	for c, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, c.ID)
	}
	return got, errs
}

func TestClient_AllConnections(t *testing.T) {
	tests := []struct {
		name         string
		total        int
		held         int // connections the server holds, when not total
		pageCap      int
		wantYielded  int
		wantRequests string
		wantErr      string
	}{
		{name: "none", total: 0, wantYielded: 0, wantRequests: "0/1000"},
		{name: "one page", total: 3, wantYielded: 3, wantRequests: "0/1000"},
		{name: "exactly one full page", total: 1000, wantYielded: 1000, wantRequests: "0/1000"},
		{name: "two pages", total: 1500, wantYielded: 1500, wantRequests: "0/1000 1000/1000"},
		{name: "exactly 2000", total: 2000, wantYielded: 2000, wantRequests: "0/1000 1000/1000"},
		{name: "2500 is beyond reach", total: 2500, wantYielded: 2000, wantRequests: "0/1000 1000/1000",
			wantErr: "client: AllConnections: total_count is 2500, but the documented ranges of offset (at most 1000) and limit (at most 1000) reach no further than 2000 connections: stopped after the first 2000"},
		{name: "server caps pages", total: 700, pageCap: 300, wantYielded: 700, wantRequests: "0/1000 300/1000 600/1000"},
		{name: "server caps pages, beyond reach", total: 1500, pageCap: 400, wantYielded: 1200, wantRequests: "0/1000 400/1000 800/1000",
			wantErr: "stopped after the first 1200"},
		{name: "empty page before total_count", total: 5, held: 3, wantYielded: 3, wantRequests: "0/1000 3/1000",
			wantErr: "client: AllConnections: the page at offset 3 is empty, but total_count is 5: the server makes no progress"},
		{name: "more connections than total_count", total: 2, held: 3, wantYielded: 3, wantRequests: "0/1000",
			wantErr: "client: AllConnections: received 3 connections, more than total_count 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := tt.total
			if tt.held != 0 {
				held = tt.held
			}
			all := ids(0, held)
			f := setup(t)
			var p pager
			f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, all, tt.total, tt.pageCap) })
			got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
			if len(got) != tt.wantYielded || strings.Join(got, ",") != strings.Join(all[:tt.wantYielded], ",") {
				t.Errorf("yielded %d connections, want the first %d in order", len(got), tt.wantYielded)
			}
			if p.got() != tt.wantRequests {
				t.Errorf("requests (offset/limit) = %q, want %q", p.got(), tt.wantRequests)
			}
			switch {
			case tt.wantErr == "" && len(errs) > 0:
				t.Errorf("errors = %v, want none", errs)
			case tt.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.wantErr)):
				t.Errorf("errors = %v, want one saying %q", errs, tt.wantErr)
			}
		})
	}
}

func TestClient_AllConnections_repeatedPage(t *testing.T) {
	f := setup(t)
	all := ids(0, 1500)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, pageOf(1500, all[:1000]...)) // ignores offset
	})
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if len(got) != 1000 {
		t.Errorf("yielded %d, want 1000 and no duplicate", len(got))
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `client: AllConnections: connection "id-0" at offset 1000 was already returned`) {
		t.Errorf("errors = %v", errs)
	}
}

func TestClient_AllConnections_duplicateInsidePage(t *testing.T) {
	f := setup(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, pageOf(3, "a", "b", "a"))
	})
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if strings.Join(got, ",") != "a,b" || len(errs) != 1 {
		t.Errorf("yielded %v, errors %v", got, errs)
	}
}

func TestClient_AllConnections_totalCountChanges(t *testing.T) {
	for _, second := range []int{1400, 1600} {
		f := setup(t)
		all := ids(0, 1600)
		var p pager
		var calls int
		var mu sync.Mutex
		f.handle(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			total := 1500
			if calls > 1 {
				total = second
			}
			mu.Unlock()
			p.serve(w, r, all, total, 0)
		})
		got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
		if len(got) != 1000 {
			t.Errorf("total_count 1500 then %d: yielded %d, want 1000", second, len(got))
		}
		want := fmt.Sprintf("client: AllConnections: total_count changed from 1500 to %d while paging (at offset 1000)", second)
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) {
			t.Errorf("errors = %v, want %q", errs, want)
		}
	}
}

func TestClient_AllConnections_serverIgnoresPaging(t *testing.T) {
	// The 2023 API has no offset and limit: it answers with everything, which is complete.
	f := setup(t)
	hits := f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, pageOf(12, ids(0, 12)...))
	})
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if len(got) != 12 || len(errs) != 0 || hits.Load() != 1 {
		t.Errorf("yielded %d, errors %v, %d requests", len(got), errs, hits.Load())
	}
}

func TestClient_AllConnections_consumerBreaks(t *testing.T) {
	f := setup(t)
	all := ids(0, 1500)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, all, 1500, 0) })
	n := 0
	for _, err := range f.client.AllConnections(context.Background(), testCluster) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 5 {
			break
		}
	}
	if p.got() != "0/1000" {
		t.Errorf("requests = %q, want only the first page", p.got())
	}
}

func TestClient_AllConnections_contextCanceled(t *testing.T) {
	f := setup(t)
	all := ids(0, 1500)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, all, 1500, 0) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	var errs []error
	for c, err := range f.client.AllConnections(ctx, testCluster) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, c.ID)
		if len(got) == 10 {
			cancel()
		}
	}
	if len(got) != 10 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("yielded %d, errors %v; want 10 and context.Canceled", len(got), errs)
	}
	if !strings.Contains(errs[0].Error(), "after 10 connections") || p.got() != "0/1000" {
		t.Errorf("error %q, requests %q", errs[0], p.got())
	}
}

func TestClient_AllConnections_failedPage(t *testing.T) {
	f := setup(t)
	all := ids(0, 1500)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "1000" {
			writeError(w, http.StatusNotFound, "CSS.3027", "The cluster does not exist!")
			return
		}
		p.serve(w, r, all, 1500, 0)
	})
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if len(got) != 1000 || len(errs) != 1 {
		t.Fatalf("yielded %d, errors %v", len(got), errs)
	}
	if !IsNotFound(errs[0]) || errs[0].Error() != "client: AllConnections: at offset 1000: ShowVpcepConnection: 404 Not Found: CSS.3027: The cluster does not exist!" {
		t.Errorf("error = %q", errs[0])
	}
}

func TestClient_AllConnections_eachRangeStartsAgain(t *testing.T) {
	f := setup(t)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, ids(0, 2), 2, 0) })
	seq := f.client.AllConnections(context.Background(), testCluster)
	a, _ := collect(seq)
	b, _ := collect(seq)
	if len(a) != 2 || len(b) != 2 || p.got() != "0/1000 0/1000" {
		t.Errorf("runs yielded %v and %v with requests %q", a, b, p.got())
	}
}

func TestClient_AllConnections_endlessServer(t *testing.T) {
	// A server that always has another full page of new connections stops at the reach.
	f := setup(t)
	var calls atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		writeJSON(w, http.StatusOK, pageOf(math.MaxInt32, ids(n*MaxPageSize, (n+1)*MaxPageSize)...))
	})
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if len(got) != 2000 || len(errs) != 1 || calls.Load() != 2 || !strings.Contains(errs[0].Error(), "reach no further than 2000") {
		t.Errorf("yielded %d in %d requests, errors %v", len(got), calls.Load(), errs)
	}
}
