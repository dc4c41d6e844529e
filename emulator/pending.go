package emulator

import (
	"context"
	"net/http"

	"github.com/cssvpcep/cssvpcep/api"
)

// The operations of the VPC endpoint family beyond ShowVpcepConnection, until the emulator's
// state grows to serve them: each answers 501 in the CSS error shape, saying so.
const codeNotImplemented = "CSS.5108" // 415 The operation is not supported (the closest code the page has)

func notImplemented(op string) api.Error {
	return cssError(codeNotImplemented, "The operation is not supported: the emulator does not serve "+op+" yet")
}

// StartVpecp is not served yet.
func (s *Server) StartVpecp(context.Context, api.StartVpecpRequestObject) (api.StartVpecpResponseObject, error) {
	return api.StartVpecpdefaultJSONResponse{Body: notImplemented("StartVpecp"), StatusCode: http.StatusNotImplemented}, nil
}

// StopVpecp is not served yet.
func (s *Server) StopVpecp(context.Context, api.StopVpecpRequestObject) (api.StopVpecpResponseObject, error) {
	return api.StopVpecpdefaultJSONResponse{Body: notImplemented("StopVpecp"), StatusCode: http.StatusNotImplemented}, nil
}

// UpdateVpcepConnection is not served yet.
func (s *Server) UpdateVpcepConnection(context.Context, api.UpdateVpcepConnectionRequestObject) (api.UpdateVpcepConnectionResponseObject, error) {
	return api.UpdateVpcepConnectiondefaultJSONResponse{Body: notImplemented("UpdateVpcepConnection"), StatusCode: http.StatusNotImplemented}, nil
}

// UpdateVpcepWhitelist is not served yet.
func (s *Server) UpdateVpcepWhitelist(context.Context, api.UpdateVpcepWhitelistRequestObject) (api.UpdateVpcepWhitelistResponseObject, error) {
	return api.UpdateVpcepWhitelistdefaultJSONResponse{Body: notImplemented("UpdateVpcepWhitelist"), StatusCode: http.StatusNotImplemented}, nil
}

// ShowClusterDetail is not served yet.
func (s *Server) ShowClusterDetail(context.Context, api.ShowClusterDetailRequestObject) (api.ShowClusterDetailResponseObject, error) {
	return api.ShowClusterDetaildefaultJSONResponse{Body: notImplemented("ShowClusterDetail"), StatusCode: http.StatusNotImplemented}, nil
}
