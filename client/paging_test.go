package client

import (
	"github.com/cssvpcep/cssvpcep/internal/quote"

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

// pagingTest is a server holding connections and what paging through them gives.
type pagingTest struct {
	name         string
	total        int
	held         int // connections the server holds, when not total
	pageCap      int
	wantYielded  int
	wantRequests string
	wantErr      string
}

// serve registers the test's server with f and returns its pager and every connection ID.
func (tt pagingTest) serve(f *fixture) (*pager, []string) {
	held := tt.total
	if tt.held != 0 {
		held = tt.held
	}
	all := ids(0, held)
	p := new(pager)
	f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, all, tt.total, tt.pageCap) })
	return p, all
}

func TestClient_AllConnections(t *testing.T) {
	for _, tt := range pagingTests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			p, all := tt.serve(f)
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

var pagingTests = []pagingTest{
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

// A page that repeats a connection is left out whole: no connection of it is yielded.
func TestClient_AllConnections_duplicateInsidePage(t *testing.T) {
	f := setup(t)
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, pageOf(3, "a", "b", "a"))
	})
	got, errs := collect(f.client.AllConnections(context.Background(), testCluster))
	if len(got) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), `client: AllConnections: connection "a" at offset 0 was already returned`) {
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

// collectPages runs seq to its end, returning the pages yielded and the errors.
func collectPages(t *testing.T, seq iter.Seq2[*Page, error]) ([]*Page, []error) {
	t.Helper()
	var pages []*Page
	var errs []error
	for p, err := range seq {
		switch {
		case err != nil && p != nil:
			t.Errorf("yielded a page with the error %v", err)
		case err != nil:
			errs = append(errs, err)
		case p == nil:
			t.Error("yielded a nil page without an error")
		default:
			pages = append(pages, p)
		}
	}
	return pages, errs
}

// idsOf returns the IDs of the connections of pages, in order.
func idsOf(pages []*Page) []string {
	var out []string
	for _, p := range pages {
		for _, c := range p.Connections {
			out = append(out, c.ID)
		}
	}
	return out
}

// AllPages follows the rules of AllConnections: the same requests, the same connections in
// the same order, the same error under its own name.
func TestClient_AllPages(t *testing.T) {
	for _, tt := range pagingTests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			p, all := tt.serve(f)
			pages, errs := collectPages(t, f.client.AllPages(context.Background(), testCluster))
			if got := idsOf(pages); strings.Join(got, ",") != strings.Join(all[:tt.wantYielded], ",") {
				t.Errorf("yielded %d connections, want the first %d in order", len(got), tt.wantYielded)
			}
			if len(pages) == 0 {
				t.Fatal("the first page was not yielded")
			}
			for i, page := range pages {
				if page.TotalCount != tt.total {
					t.Errorf("page %d: TotalCount %d, want %d", i, page.TotalCount, tt.total)
				}
				if tt.pageCap > 0 && len(page.Connections) > tt.pageCap {
					t.Errorf("page %d holds %d connections, more than the server gives", i, len(page.Connections))
				}
			}
			if p.got() != tt.wantRequests {
				t.Errorf("requests (offset/limit) = %q, want %q", p.got(), tt.wantRequests)
			}
			wantErr := strings.ReplaceAll(tt.wantErr, "AllConnections", "AllPages")
			switch {
			case wantErr == "" && len(errs) > 0:
				t.Errorf("errors = %v, want none", errs)
			case wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), wantErr)):
				t.Errorf("errors = %v, want one saying %q", errs, wantErr)
			}
		})
	}
}

// Every page carries what its own response said, so that a caller of AllPages needs no other
// request for the switch, the service name, the permissions or the request IDs.
func TestClient_AllPages_eachPageWhole(t *testing.T) {
	f := setup(t)
	all := ids(0, 1500)
	var calls atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		body := pageOf(1500, all[offset:min(offset+MaxPageSize, len(all))]...)
		body["vpcepUpdateSwitch"] = true
		body["vpcServiceName"] = "svc"
		body["permissions"] = []map[string]any{{"id": "perm-1", "permission": "iam:domain::acct", "permission_type": "domainId", "created_at": "2024-06-11T09:36:24Z"}}
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
		writeJSON(w, http.StatusOK, body)
	})
	pages, errs := collectPages(t, f.client.AllPages(context.Background(), testCluster))
	if len(errs) != 0 || len(pages) != 2 {
		t.Fatalf("%d pages, errors %v", len(pages), errs)
	}
	for i, p := range pages {
		if !p.UpdateSwitch || p.ServiceName != "svc" || len(p.Permissions) != 1 || p.Permissions[0].ID != "perm-1" ||
			p.TotalCount != 1500 || p.RequestID != fmt.Sprintf("req-%d", i+1) {
			t.Errorf("page %d: %+v", i, *p)
		}
	}
	if len(pages[0].Connections) != 1000 || len(pages[1].Connections) != 500 || calls.Load() != 2 {
		t.Errorf("pages of %d and %d connections in %d requests", len(pages[0].Connections), len(pages[1].Connections), calls.Load())
	}
}

// A page that holds a connection already received, on an earlier page or on itself, is not
// yielded: the error comes instead of it, and no connection is ever yielded twice.
func TestClient_AllPages_repeatedConnections(t *testing.T) {
	tests := []struct {
		name      string
		pages     [][]string // the server's answer at offset 0, then at any other
		total     int
		wantPages int
		wantErr   string
	}{
		{"a page repeats the last one", [][]string{ids(0, 1000), ids(0, 1000)}, 1500, 1,
			`client: AllPages: connection "id-0" at offset 1000 was already returned`},
		{"a page ends with a connection of an earlier page", [][]string{ids(0, 1000), append(ids(1000, 1499), "id-5")}, 1500, 1,
			`client: AllPages: connection "id-5" at offset 1000 was already returned`},
		{"the first page repeats a connection", [][]string{{"a", "b", "a"}}, 3, 0,
			`client: AllPages: connection "a" at offset 0 was already returned`},
		{"a long ID is quoted short", [][]string{{strings.Repeat("x", 300), strings.Repeat("x", 300)}}, 2, 0,
			`connection "` + strings.Repeat("x", quote.Max) + `"… at offset 0 was already returned`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			f.handle(func(w http.ResponseWriter, r *http.Request) {
				page := tt.pages[0]
				if r.URL.Query().Has("offset") {
					page = tt.pages[len(tt.pages)-1]
				}
				writeJSON(w, http.StatusOK, pageOf(tt.total, page...))
			})
			pages, errs := collectPages(t, f.client.AllPages(context.Background(), testCluster))
			if len(pages) != tt.wantPages || len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.wantErr) {
				t.Fatalf("%d pages, errors %v; want %d pages and %q", len(pages), errs, tt.wantPages, tt.wantErr)
			}
			seen := make(map[string]bool)
			for _, id := range idsOf(pages) {
				if seen[id] {
					t.Errorf("connection %s yielded twice", id)
				}
				seen[id] = true
			}
			// AllConnections, built on AllPages, yields the connections of the same pages.
			conns, connErrs := collect(f.client.AllConnections(context.Background(), testCluster))
			if strings.Join(conns, ",") != strings.Join(idsOf(pages), ",") || len(connErrs) != 1 ||
				connErrs[0].Error() != strings.Replace(errs[0].Error(), "AllPages", "AllConnections", 1) {
				t.Errorf("AllConnections yielded %d connections and %v", len(conns), connErrs)
			}
		})
	}
}

func TestClient_AllPages_totalCountChanges(t *testing.T) {
	f := setup(t)
	all := ids(0, 1600)
	var p pager
	var calls atomic.Int64
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		total := 1500
		if calls.Add(1) > 1 {
			total = 1600
		}
		p.serve(w, r, all, total, 0)
	})
	pages, errs := collectPages(t, f.client.AllPages(context.Background(), testCluster))
	if len(pages) != 1 || len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "client: AllPages: total_count changed from 1500 to 1600 while paging (at offset 1000)") {
		t.Errorf("%d pages, errors %v; want the first page, then the error", len(pages), errs)
	}
}

func TestClient_AllPages_consumerBreaks(t *testing.T) {
	f := setup(t)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, ids(0, 1500), 1500, 0) })
	for _, err := range f.client.AllPages(context.Background(), testCluster) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if p.got() != "0/1000" {
		t.Errorf("requests = %q, want only the first page", p.got())
	}
}

func TestClient_AllPages_contextCanceled(t *testing.T) {
	f := setup(t)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, ids(0, 1500), 1500, 0) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages int
	var errs []error
	for page, err := range f.client.AllPages(ctx, testCluster) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pages++
		if len(page.Connections) > 0 {
			cancel()
		}
	}
	if pages != 1 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) ||
		errs[0].Error() != "client: AllPages: after 1000 connections: context canceled" || p.got() != "0/1000" {
		t.Errorf("%d pages, errors %v, requests %q", pages, errs, p.got())
	}
}

func TestClient_AllPages_failedPage(t *testing.T) {
	f := setup(t)
	var p pager
	f.handle(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "1000" {
			writeError(w, http.StatusNotFound, "CSS.3027", "The cluster does not exist!")
			return
		}
		p.serve(w, r, ids(0, 1500), 1500, 0)
	})
	pages, errs := collectPages(t, f.client.AllPages(context.Background(), testCluster))
	if len(pages) != 1 || len(errs) != 1 || !IsNotFound(errs[0]) ||
		errs[0].Error() != "client: AllPages: at offset 1000: ShowVpcepConnection: 404 Not Found: CSS.3027: The cluster does not exist!" {
		t.Errorf("%d pages, errors %v", len(pages), errs)
	}
}
