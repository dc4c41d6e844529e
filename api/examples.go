package api

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// The names of the spec's examples (components/examples), each taken from its page verbatim
// (made valid JSON where the page's is not, as the spec's deviations say).
const (
	// ExampleSeed is the 200 example of the 2023 page css_03_0112 (ShowVpcepConnection), whose
	// vpcepUpdateSwitch is the string "false".
	ExampleSeed = "SeedConnections"
	// ExampleCurrent is the 200 example of today's ShowVpcepConnection page.
	ExampleCurrent = "CurrentConnections"

	// ExampleStartVpecpRequest is the request body of the StartVpecp page.
	ExampleStartVpecpRequest = "StartVpecpRequest"
	// ExampleStartVpecpResult is the 200 example of the StartVpecp page.
	ExampleStartVpecpResult = "StartVpecpResult"
	// ExampleStopVpecpResult is the 200 example of the StopVpecp page.
	ExampleStopVpecpResult = "StopVpecpResult"
	// ExampleUpdateVpcepConnectionRequest is the request body of the UpdateVpcepConnection page.
	ExampleUpdateVpcepConnectionRequest = "UpdateVpcepConnectionRequest"
	// ExampleUpdateVpcepWhitelistRequest is the request body of the UpdateVpcepWhitelist page.
	ExampleUpdateVpcepWhitelistRequest = "UpdateVpcepWhitelistRequest"
	// ExampleClusterDetail is the 200 example of the ShowClusterDetail page, without the //
	// comments that make the page's text invalid JSON (deviation cluster-example-comments).
	ExampleClusterDetail = "ClusterDetail"
)

// The names of the spec's error body examples (components/examples), in the service's shape
// ({"errCode", "externalMessage"}) unless the name says otherwise.
const (
	// ExampleErrorIncorrectParameters is 400 CSS.0001.
	ExampleErrorIncorrectParameters = "ErrorIncorrectParameters"
	// ExampleErrorIncorrectParametersDocumented is 400 CSS.0001 in the documented shape
	// ({"error_code", "error_msg"}).
	ExampleErrorIncorrectParametersDocumented = "ErrorIncorrectParametersDocumented"
	// ExampleErrorVpcepServiceNotEnabled is 400 CSS.5182: listing connections while the VPC
	// endpoint service is disabled, or disabling it again (this project's assumption).
	ExampleErrorVpcepServiceNotEnabled = "ErrorVpcepServiceNotEnabled"
	// ExampleErrorAccessDenied is 403 CSS.0015.
	ExampleErrorAccessDenied = "ErrorAccessDenied"
	// ExampleErrorClusterNotFound is 404 CSS.3027.
	ExampleErrorClusterNotFound = "ErrorClusterNotFound"
	// ExampleErrorObjectExists is 409 CSS.0031: also enabling an enabled VPC endpoint service
	// (this project's assumption).
	ExampleErrorObjectExists = "ErrorObjectExists"
	// ExampleErrorPreconditionFailed is 412 in the documented shape.
	ExampleErrorPreconditionFailed = "ErrorPreconditionFailed"
	// ExampleErrorServer is 500 CSS.9999.
	ExampleErrorServer = "ErrorServer"
	// ExampleErrorGatewayAuthentication is the API gateway's 401 (APIGW.0301), documented shape.
	ExampleErrorGatewayAuthentication = "ErrorGatewayAuthentication"
	// ExampleErrorGatewayAuthenticationRequestID is the same with the gateway's request_id.
	ExampleErrorGatewayAuthenticationRequestID = "ErrorGatewayAuthenticationRequestId"
	// ExampleErrorOperationInProgress is CSS.0011, which the error-code page answers with the
	// status 202.
	ExampleErrorOperationInProgress = "ErrorOperationInProgress"
)

// Example returns the value of the embedded spec's components/examples entry name (such as
// ExampleSeed or ExampleClusterDetail) as JSON, so that tests and the emulator use the doc
// examples from the spec instead of copies of them.
func Example(name string) ([]byte, error) {
	doc, err := Spec()
	if err != nil {
		return nil, fmt.Errorf("api: loading the embedded spec: %w", err)
	}
	ex := doc.Components.Examples[name]
	if ex == nil || ex.Value == nil {
		return nil, fmt.Errorf("api: the embedded spec has no example %q", name)
	}
	data, err := json.Marshal(ex.Value.Value)
	if err != nil {
		return nil, fmt.Errorf("api: example %q: %w", name, err)
	}
	return data, nil
}

// Spec returns the embedded spec, decoded and resolved once (GetSpec costs milliseconds and
// allocates the whole document): the one loader of the module, for Example, package contract,
// the emulator and tests. The document is shared: read it, never change it; a caller that needs
// a changed document (contract drops Servers) changes a shallow copy at its top level.
func Spec() (*openapi3.T, error) { return spec() }

var spec = sync.OnceValues(GetSpec)
