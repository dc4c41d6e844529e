// Package cssvpcep is a Go client, contract, command line and local emulator for the VPC
// endpoint service of Cloud Search Service (CSS) clusters: the operations StartVpecp,
// StopVpecp, ShowVpcepConnection, UpdateVpcepConnection, UpdateVpcepWhitelist and
// ShowClusterDetail, under
//
//	/v1.0/{project_id}/clusters/{cluster_id}
//
// Where to start:
//   - openapi/cssvpcep.yaml is the contract, transcribed by hand from the API reference pages,
//     with every place the pages disagree recorded in its x-doc-deviations list.
//   - package api holds the code oapi-codegen generates from it (models, client, strict server).
//   - package contract validates HTTP requests and responses against the spec.
//   - package client is what most users want: an authenticated, retrying, typed client.
//   - package emulator serves the family from memory for tests; cmd/cssvpcep is the command line.
//
// This file holds the go:generate lines: `go generate ./...` (or `make generate`) rewrites every
// api/*.gen.go file from the spec with the oapi-codegen version pinned in go.mod.
package cssvpcep

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/codegen-models.yaml openapi/cssvpcep.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/codegen-client.yaml openapi/cssvpcep.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/codegen-server.yaml openapi/cssvpcep.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config openapi/codegen-spec.yaml openapi/cssvpcep.yaml
