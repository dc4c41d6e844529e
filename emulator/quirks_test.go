package emulator_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
)

func TestEmulator_docQuirks_answersLikeThe2023Example(t *testing.T) {
	f := setup(t, emulator.WithDocQuirks())
	r := get(t, f.strict, f.URL, connectionsPath(f.ProjectID, emulator.ClusterID2023), nil)
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	// The example itself, with its time stamps in the documented zone-less form.
	want := specExample(t, api.ExampleSeed)
	conn := want["connections"].([]any)[0].(map[string]any)
	conn["created_at"] = strings.TrimSuffix(conn["created_at"].(string), "Z")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(r.body), `"vpcepUpdateSwitch":"false"`) || !strings.Contains(string(r.body), `"update_at":null`) {
		t.Errorf("body %s", r.body)
	}
}

func TestEmulator_docQuirks_decodeThroughBothClients(t *testing.T) {
	f := setup(t, emulator.WithDocQuirks(), emulator.WithSynthetic(emulator.DefaultProjectID, "synthetic", 3))
	err := f.Store().UpdateCluster(f.ProjectID, emulator.DefaultClusterID, func(c *emulator.Cluster) error {
		c.UpdateSwitch = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := get(t, f.strict, f.URL, defaultPath, nil)
	for _, s := range []string{`"vpcepUpdateSwitch":"true"`, `"created_at":"2024-06-11T09:36:24"`, `"created_at":"2023-10-12T07:33:11"`, `"update_at":null`} {
		if !strings.Contains(string(r.body), s) {
			t.Errorf("body lacks %s: %s", s, r.body)
		}
	}
	if strings.Contains(string(r.body), `Z"`) {
		t.Errorf("a time stamp has a zone: %s", r.body)
	}

	c := f.ours(t, client.WithToken(testToken))
	page, err := c.ListConnections(context.Background(), emulator.DefaultClusterID, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCreated := time.Date(2024, 6, 11, 9, 36, 24, 0, time.UTC)
	if !page.UpdateSwitch || !page.Connections[0].Created.Equal(wantCreated) || page.Connections[0].CreatedText != "2024-06-11T09:36:24" ||
		!page.Connections[0].Updated.IsZero() || page.Permissions[0].Created.IsZero() {
		t.Errorf("page %+v", page)
	}

	page, err = c.ListConnections(context.Background(), "synthetic", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := page.Connections[2]; got.UpdatedText != "2024-01-01T01:02:00" || got.Updated.IsZero() {
		t.Errorf("synthetic connection 2: %+v", got)
	}

	resp, err := f.generated(t).ShowVpcepConnectionWithResponse(context.Background(), f.ProjectID, emulator.ClusterID2023, nil)
	if err != nil || resp.JSON200 == nil {
		t.Fatalf("generated client: %v %s", err, resp.Body)
	}
	if l := resp.JSON200; l.VpcepUpdateSwitch == nil || bool(*l.VpcepUpdateSwitch) || !l.Connections[0].CreatedAt.Valid() {
		t.Errorf("generated client decoded %+v", l)
	}
}
