package api

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExample(t *testing.T) {
	for name, want := range map[string]string{
		ExampleSeed:                                `"vpcepUpdateSwitch":"false"`,
		ExampleCurrent:                             `"vpcepUpdateSwitch":false`,
		ExampleStartVpecpRequest:                   `"endpoint_with_dns_name":true`,
		ExampleStartVpecpResult:                    `"action":"createVpcepservice"`,
		ExampleStopVpecpResult:                     `"action":"deleteVpcepservice"`,
		ExampleUpdateVpcepConnectionRequest:        `"endpoint_id_list":["f132bb14-e1d5-4f25-9f7c-a29e4c8effd4"]`,
		ExampleUpdateVpcepWhitelistRequest:         `"vpc_permissions":["dffef70c1db243cbb373e45791165281"]`,
		ExampleClusterDetail:                       `"elbWhiteListResp":null`,
		ExampleErrorIncorrectParameters:            `"errCode":"CSS.0001"`,
		ExampleErrorIncorrectParametersDocumented:  `"error_code":"CSS.0001"`,
		ExampleErrorVpcepServiceNotEnabled:         `"errCode":"CSS.5182"`,
		ExampleErrorAccessDenied:                   `"errCode":"CSS.0015"`,
		ExampleErrorClusterNotFound:                `"errCode":"CSS.3027"`,
		ExampleErrorObjectExists:                   `"errCode":"CSS.0031"`,
		ExampleErrorPreconditionFailed:             `"error_code":"CSS.0001"`,
		ExampleErrorServer:                         `"errCode":"CSS.9999"`,
		ExampleErrorGatewayAuthentication:          `"error_code":"APIGW.0301"`,
		ExampleErrorGatewayAuthenticationRequestID: `"request_id":"`,
		ExampleErrorOperationInProgress:            `"errCode":"CSS.0011"`,
	} {
		data, err := Example(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("Example(%q) = %s, want it to hold %s", name, data, want)
		}
	}
	if _, err := Example("NoSuchExample"); err == nil || !strings.Contains(err.Error(), `"NoSuchExample"`) {
		t.Errorf("Example(unknown) error = %v", err)
	}
}

// Every example of the spec has a constant, so that none is reachable only by a string typed
// elsewhere.
func TestExample_everyExampleHasAName(t *testing.T) {
	doc, err := GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{
		ExampleSeed, ExampleCurrent, ExampleStartVpecpRequest, ExampleStartVpecpResult,
		ExampleStopVpecpResult, ExampleUpdateVpcepConnectionRequest, ExampleUpdateVpcepWhitelistRequest,
		ExampleClusterDetail, ExampleErrorIncorrectParameters, ExampleErrorIncorrectParametersDocumented,
		ExampleErrorVpcepServiceNotEnabled, ExampleErrorAccessDenied, ExampleErrorClusterNotFound,
		ExampleErrorObjectExists, ExampleErrorPreconditionFailed, ExampleErrorServer,
		ExampleErrorGatewayAuthentication, ExampleErrorGatewayAuthenticationRequestID,
		ExampleErrorOperationInProgress,
	}
	var inSpec []string
	for name := range doc.Components.Examples {
		inSpec = append(inSpec, name)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(inSpec))); diff != "" {
		t.Errorf("example constants and components/examples differ (-constants +spec):\n%s", diff)
	}
}

// The cluster-detail example decodes strictly into the generated types: every key of the page's
// example is a field of ClusterDetail (the emulator seeds clusters from it).
func TestExample_clusterDetailDecodes(t *testing.T) {
	data, err := Example(ExampleClusterDetail)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d ClusterDetail
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("decoding the example: %v", err)
	}
	if d.Status != ClusterStatusAvailable || d.Actions == nil || len(*d.Actions) != 0 ||
		d.Instances == nil || len(*d.Instances) != 1 || (*d.Instances)[0].Status != InstanceStatusAvailable {
		t.Errorf("status %q, actions %v, instances %v; want an available cluster, no tasks, one available node",
			d.Status, d.Actions, d.Instances)
	}
	if d.PublicKibanaResp == nil || d.PublicKibanaResp.ElbWhiteListResp != nil || d.Period == nil || !*d.Period {
		t.Errorf("publicKibanaResp %+v, period %v; want a null whitelist and period true", d.PublicKibanaResp, d.Period)
	}
	if d.Updated == nil || d.Updated.Raw != "2023-10-09T02:07:13" || d.Updated.Time.IsZero() {
		t.Errorf("updated %+v; want the zone-less time of the page, decoded", d.Updated)
	}
}
