package client_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/cssvpcep/cssvpcep/api"
	"github.com/cssvpcep/cssvpcep/client"
)

// BenchmarkPairedOperations pairs, for every operation the client calls, the call with its
// doc example (the page's example request, answered with the page's example response, or an
// empty 200 where the page documents none) with validation off and in fail mode: the ratio of
// issue 12's target for each operation. (ShowVpcepConnection's doc example and 1,000 page are
// BenchmarkPaired's c= cases.)
func BenchmarkPairedOperations(b *testing.B) {
	responses := map[string][]byte{
		"POST /open":        specExampleBody(b, api.ExampleStartVpecpResult),
		"PUT /close":        specExampleBody(b, api.ExampleStopVpecpResult),
		"POST /connections": {},
		"POST /permissions": {},
		"GET /cluster":      specExampleBody(b, api.ExampleClusterDetail),
	}
	url := serveBytes(b, func(r *http.Request) []byte {
		key := r.Method + " /cluster"
		switch base := "/v1.0/" + benchProject + "/clusters/" + benchCluster; r.URL.Path {
		case base + "/vpcepservice/open":
			key = "POST /open"
		case base + "/vpcepservice/close":
			key = "PUT /close"
		case base + "/vpcepservice/connections":
			key = r.Method + " /connections"
		case base + "/vpcepservice/permissions":
			key = "POST /permissions"
		case base:
		default:
			return nil
		}
		return responses[key]
	})
	endpoint, account := "f132bb14-e1d5-4f25-9f7c-a29e4c8effd4", "dffef70c1db243cbb373e45791165281"
	for _, op := range []struct {
		name string
		call func(ctx context.Context, c *client.Client) error
	}{
		{"StartVpecp", func(ctx context.Context, c *client.Client) error {
			return c.EnableVPCEndpointService(ctx, benchCluster, &client.EnableOptions{DNSName: true})
		}},
		{"StopVpecp", func(ctx context.Context, c *client.Client) error {
			return c.DisableVPCEndpointService(ctx, benchCluster)
		}},
		{"UpdateVpcepConnection", func(ctx context.Context, c *client.Client) error {
			return c.AcceptConnections(ctx, benchCluster, []string{endpoint})
		}},
		{"UpdateVpcepWhitelist", func(ctx context.Context, c *client.Client) error {
			return c.SetWhitelist(ctx, benchCluster, []string{account})
		}},
		{"ShowClusterDetail", func(ctx context.Context, c *client.Client) error {
			_, err := c.GetCluster(ctx, benchCluster)
			return err
		}},
	} {
		b.Run("op="+op.name+"/off-vs-fail", func(b *testing.B) {
			off, fail := benchClient(b, url), benchClient(b, url, validation(b, "fail")...)
			call := func(c *client.Client) func(context.Context) {
				return func(ctx context.Context) {
					if err := op.call(ctx, c); err != nil {
						b.Fatal(err)
					}
				}
			}
			pairLoop(b, call(off), call(fail))
		})
	}
}
