package emulator_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/emulator"
)

func conn(id string) api.Connection {
	return api.Connection{Id: id, Status: api.Accepted}
}

func TestStore(t *testing.T) {
	s, err := emulator.NewStore(emulator.Seed{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cluster("p", "c"); !errors.Is(err, emulator.ErrNotFound) || !strings.Contains(err.Error(), `project "p" has no clusters`) {
		t.Errorf("Cluster on an empty store: %v", err)
	}
	in := emulator.Cluster{Connections: []api.Connection{conn("a")}, VpcServiceName: "svc"}
	if err := s.PutCluster("p", "c", in); err != nil {
		t.Fatal(err)
	}
	in.Connections[0].Id = "changed" // the Store holds a copy
	got, err := s.Cluster("p", "c")
	if err != nil || got.Connections[0].Id != "a" || got.VpcServiceName != "svc" {
		t.Fatalf("Cluster: %+v %v", got, err)
	}
	got.Connections[0].Id = "changed" // and hands out copies
	if again, _ := s.Cluster("p", "c"); again.Connections[0].Id != "a" {
		t.Error("Cluster shares the Store's memory")
	}
	if _, err := s.Cluster("p", "x"); !errors.Is(err, emulator.ErrNotFound) || !strings.Contains(err.Error(), `project "p" has no cluster "x"`) {
		t.Errorf("Cluster of an unknown cluster: %v", err)
	}

	err = s.UpdateCluster("p", "c", func(c *emulator.Cluster) error {
		c.Connections = append(c.Connections, conn("b"))
		c.UpdateSwitch = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Cluster("p", "c"); len(got.Connections) != 2 || !got.UpdateSwitch {
		t.Errorf("after UpdateCluster: %+v", got)
	}
	boom := errors.New("boom")
	if err := s.UpdateCluster("p", "c", func(c *emulator.Cluster) error { c.Connections = nil; return boom }); !errors.Is(err, boom) {
		t.Errorf("UpdateCluster returned %v, want fn's error", err)
	}
	err = s.UpdateCluster("p", "c", func(c *emulator.Cluster) error {
		c.Connections[1].Status = "gone"
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), `connections[1].status: "gone"`) {
		t.Errorf("UpdateCluster with a bad result: %v", err)
	}
	if got, _ := s.Cluster("p", "c"); len(got.Connections) != 2 || got.Connections[1].Status != api.Accepted {
		t.Errorf("a failed update changed the cluster: %+v", got)
	}
	if err := s.UpdateCluster("p", "x", func(*emulator.Cluster) error { return nil }); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("UpdateCluster of an unknown cluster: %v", err)
	}

	if err := s.PutCluster("p", "a/b", emulator.Cluster{}); err == nil {
		t.Error("PutCluster accepted an ID with a slash")
	}
	if err := s.PutCluster("q", "c", emulator.Cluster{Connections: []api.Connection{{Id: "a", Status: "x"}}}); err == nil {
		t.Error("PutCluster accepted a bad status")
	}
	if err := s.PutCluster("q", "d", emulator.Cluster{}); err != nil {
		t.Fatal(err)
	}
	if got := s.Projects(); !slices.Equal(got, []string{"p", "q"}) {
		t.Errorf("Projects %q", got)
	}
	if got := s.ClusterIDs("q"); !slices.Equal(got, []string{"d"}) {
		t.Errorf("ClusterIDs %q", got)
	}
	if err := s.DeleteCluster("q", "d"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCluster("q", "d"); !errors.Is(err, emulator.ErrNotFound) {
		t.Errorf("DeleteCluster twice: %v", err)
	}
	if got := s.Projects(); !slices.Equal(got, []string{"p"}) {
		t.Errorf("Projects after deleting q's last cluster: %q", got)
	}
}

func TestStore_changesAreServedAtOnce(t *testing.T) {
	f := setup(t)
	if err := f.Store().PutCluster("new-project", "new-cluster", emulator.Cluster{Connections: []api.Connection{conn("x")}}); err != nil {
		t.Fatal(err)
	}
	if l := decodeList(t, get(t, f.strict, f.URL, connectionsPath("new-project", "new-cluster"), nil).body); l.TotalCount != 1 {
		t.Errorf("new cluster: %+v", l)
	}
	if err := f.Store().DeleteCluster(f.ProjectID, emulator.DefaultClusterID); err != nil {
		t.Fatal(err)
	}
	checkError(t, get(t, f.strict, f.URL, defaultPath, nil), http.StatusNotFound, "CSS.3027")
}

// Many goroutines read through the handler while others change the Store; run with -race.
func TestStore_concurrentReadsAndWrites(t *testing.T) {
	e, err := emulator.New(emulator.WithSynthetic("p", "grow", 50), emulator.WithSynthetic("p", "flip", 5))
	if err != nil {
		t.Fatal(err)
	}
	store, h := e.Store(), e.Handler()
	var readers, writers sync.WaitGroup
	stop := make(chan struct{})
	for w := range 3 {
		writers.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				switch w {
				case 0: // add a connection to grow, or drop the first
					err = store.UpdateCluster("p", "grow", func(c *emulator.Cluster) error {
						if i%3 == 2 {
							c.Connections = c.Connections[1:]
						} else {
							c.Connections = append(c.Connections, conn(fmt.Sprintf("w-%d", i)))
						}
						c.UpdateSwitch = !c.UpdateSwitch
						return nil
					})
				case 1: // delete and recreate flip
					if i%2 == 0 {
						err = store.DeleteCluster("p", "flip")
					} else {
						err = store.PutCluster("p", "flip", emulator.Cluster{Connections: []api.Connection{conn("f")}})
					}
				case 2: // read copies
					_, err = store.Cluster("p", "grow")
					_ = store.ClusterIDs("p")
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for r := range 8 {
		readers.Go(func() {
			for i := range 200 {
				cluster, q := "grow", "?limit=1000"
				if (r+i)%2 == 1 {
					cluster, q = "flip", "?offset=0&limit=3"
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, connectionsPath("p", cluster)+q, nil))
				switch {
				case rec.Code == http.StatusNotFound && cluster == "flip":
				case rec.Code != http.StatusOK:
					t.Errorf("%s: %d %s", cluster, rec.Code, rec.Body)
					return
				default:
					var l api.ConnectionList
					if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil {
						t.Error(err)
						return
					}
					if int(l.TotalCount) != len(l.Connections) && cluster == "grow" {
						t.Errorf("grow: total_count %d, %d connections", l.TotalCount, len(l.Connections))
					}
				}
			}
		})
	}
	readers.Wait()
	close(stop)
	writers.Wait()
}
