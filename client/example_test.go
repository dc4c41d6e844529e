package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/signer"
)

// fakeCSS stands in for the service in the examples: it serves n connections, page by page, to
// a request that carries the token "my-token".
func fakeCSS(n int) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("X-Auth-Token") != "my-token" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`)
			return
		}
		if r.URL.Path != "/v1.0/my-project/clusters/my-cluster/vpcepservice/connections" {
			w.Header().Set("X-Request-Id", "req-404")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"errCode":"CSS.3027","externalMessage":"The cluster does not exist!"}`)
			return
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil {
			limit = 10
		}
		fmt.Fprint(w, `{"connections":[`)
		for i := offset; i < min(offset+limit, n); i++ {
			if i > offset {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"id":"conn-%d","status":"accepted","maxSession":"3000","vpcepIp":"192.168.0.%d","created_at":"2024-06-11T09:36:%02dZ"}`, i, 100+i, i)
		}
		fmt.Fprintf(w, `],"vpcepUpdateSwitch":"true","total_count":%d}`, n)
	}))
}

func ExampleNew_token() {
	server := fakeCSS(2) // in real use: client.WithRegion("eu-de")
	defer server.Close()

	c, err := client.New(
		client.WithEndpoint(server.URL),
		client.WithProjectID("my-project"),
		client.WithToken("my-token"),
		client.WithHTTPClient(server.Client()),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.ListConnections(context.Background(), "my-cluster", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.TotalCount, "connections, VPC endpoint enabled:", page.UpdateSwitch)
	// Printing the client (or logging it with log/slog) never shows the token.
	fmt.Println("token printed:", strings.Contains(fmt.Sprintf("%+v", c), "my-token"))
	// Output:
	// 2 connections, VPC endpoint enabled: true
	// token printed: false
}

func ExampleNew_accessKey() {
	// The service checks the SDK-HMAC-SHA256 signature of every request.
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := signer.Verify(r, func(ak string) (string, bool) { return "my-secret-key", ak == "MYACCESSKEY" }, time.Now())
		fmt.Println("signature verified:", err == nil)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"connections":[{"id":"conn-0","status":"accepted"}],"total_count":1}`)
	}))
	defer server.Close()

	c, err := client.New(
		client.WithEndpoint(server.URL),
		client.WithProjectID("my-project"),
		client.WithAccessKey("MYACCESSKEY", "my-secret-key"),
		client.WithProjectIDHeader(), // for a subproject's resources
		client.WithHTTPClient(server.Client()),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.ListConnections(context.Background(), "my-cluster", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Connections[0].ID, page.Connections[0].Status)
	// Output:
	// signature verified: true
	// conn-0 accepted
}

func ExampleClient_ListConnections() {
	server := fakeCSS(25)
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID("my-project"),
		client.WithToken("my-token"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}

	page, err := c.ListConnections(context.Background(), "my-cluster", &client.ListOptions{Offset: 20, Limit: 3})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d of %d:\n", len(page.Connections), page.TotalCount)
	for _, conn := range page.Connections {
		sessions, err := conn.MaxSessionInt()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(conn.ID, conn.Status, conn.IP, sessions, conn.Created.Format(time.DateTime))
	}
	// Output:
	// 3 of 25:
	// conn-20 accepted 192.168.0.120 3000 2024-06-11 09:36:20
	// conn-21 accepted 192.168.0.121 3000 2024-06-11 09:36:21
	// conn-22 accepted 192.168.0.122 3000 2024-06-11 09:36:22
}

func ExampleClient_AllConnections() {
	server := fakeCSS(1234) // two pages of at most 1000
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID("my-project"),
		client.WithToken("my-token"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, last := 0, ""
	for conn, err := range c.AllConnections(ctx, "my-cluster") {
		if err != nil {
			log.Fatal(err)
		}
		n, last = n+1, conn.ID
	}
	fmt.Println(n, "connections, the last", last)
	// Output:
	// 1234 connections, the last conn-1233
}

func ExampleClient_AllPages() {
	server := fakeCSS(1234) // two pages of at most 1000
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID("my-project"),
		client.WithToken("my-token"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}

	// Every connection, and the rest of the response (total_count, the switch, the service
	// name, the permissions) from the first page, with no request more than the pages.
	var first *client.Page
	var conns []client.Connection
	for page, err := range c.AllPages(context.Background(), "my-cluster") {
		if err != nil {
			log.Fatal(err) // nothing of a listing that failed is used
		}
		if first == nil {
			first = page
		}
		fmt.Println("a page of", len(page.Connections))
		conns = append(conns, page.Connections...)
	}
	fmt.Printf("%d of %d connections, VPC endpoint enabled: %v\n", len(conns), first.TotalCount, first.UpdateSwitch)
	// Output:
	// a page of 1000
	// a page of 234
	// 1234 of 1234 connections, VPC endpoint enabled: true
}

func ExampleArgumentError() {
	server := fakeCSS(1)
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID("my-project"),
		client.WithToken("my-token"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}

	// Refused before any request: a caller's mistake, not a failed call.
	_, err = c.ListConnections(context.Background(), "my-cluster/../other", nil)
	var argErr *client.ArgumentError
	if errors.As(err, &argErr) {
		fmt.Println(argErr.Name, argErr.Reason)
	}
	// Output:
	// clusterID "my-cluster/../other" contains '/', which is not allowed in an ID
}

func ExampleNewFromEnvFunc() {
	// An environment of its own, such as a command's; the option wins over OS_REGION_NAME.
	env := map[string]string{
		"OS_REGION_NAME": "eu-nl",
		"OS_PROJECT_ID":  "my-project",
		"OS_ACCESS_KEY":  "MYACCESSKEY",
	}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }

	_, err := client.NewFromEnvFunc(lookup, client.WithRegion("EU-DE"))
	fmt.Println(err)
	fmt.Println()

	// One *client.ConfigError per problem, naming the option or the variable.
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			var ce *client.ConfigError
			if errors.As(e, &ce) {
				fmt.Printf("option %q, variable %q: %v\n", ce.Option, ce.Variable, ce.Err)
			}
		}
	}
	// Output:
	// client: NewFromEnv: OS_ACCESS_KEY is set but OS_SECRET_KEY is not
	// client: WithRegion: region "EU-DE" does not match ^[a-z]{2,}(-[a-z0-9]+)+$ (such as eu-de)
	//
	// option "", variable "": OS_ACCESS_KEY is set but OS_SECRET_KEY is not
	// option "WithRegion", variable "": region "EU-DE" does not match ^[a-z]{2,}(-[a-z0-9]+)+$ (such as eu-de)
}

func ExampleAPIError() {
	server := fakeCSS(1)
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID("my-project"),
		client.WithToken("my-token"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}

	_, err = c.ListConnections(context.Background(), "no-such-cluster", nil)
	var apiErr *client.APIError
	switch {
	case client.IsNotFound(err) && errors.As(err, &apiErr):
		fmt.Println("no such cluster:", apiErr.Code, apiErr.Message, "- request", apiErr.RequestID)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(err)

	_, err = c.ListConnections(context.Background(), "a/b", nil)
	fmt.Println(err)
	// Output:
	// no such cluster: CSS.3027 The cluster does not exist! - request req-404
	// client: ShowVpcepConnection: 404 Not Found: CSS.3027: The cluster does not exist! (request id req-404)
	// client: ListConnections: clusterID "a/b" contains '/', which is not allowed in an ID
}

// The family's methods against the emulator (package emulator), which any test can start: the
// VPC endpoint service of the current page's cluster is enabled with its two connections.
func ExampleClient_EnableVPCEndpointService() {
	e, err := emulator.New(emulator.WithTaskDuration(0)) // tasks end at once here
	if err != nil {
		log.Fatal(err)
	}
	server := httptest.NewServer(e.Handler()) // or emulator.NewTestServer(t) in a test
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID(emulator.DefaultProjectID),
		client.WithToken("any"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	cluster := emulator.DefaultClusterID

	// Asking for the state there is: "already enabled" is success.
	err = c.EnableVPCEndpointService(ctx, cluster, &client.EnableOptions{DNSName: true})
	fmt.Println("already enabled:", client.IsAlreadyEnabled(err))

	// Disabling starts a task; wait for it before anything else.
	if err := c.DisableVPCEndpointService(ctx, cluster); err != nil {
		log.Fatal(err)
	}
	cl, err := c.WaitVPCEndpointService(ctx, cluster, &client.WaitOptions{InitialDelay: -1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("idle:", cl.Idle(), "status:", cl.Status)
	_, err = c.ListConnections(ctx, cluster, nil)
	fmt.Println("listing now:", client.IsNotEnabled(err))
	// Output:
	// already enabled: true
	// idle: true status: 200 (available)
	// listing now: true
}

func ExampleClient_AddToWhitelist() {
	e, err := emulator.New()
	if err != nil {
		log.Fatal(err)
	}
	server := httptest.NewServer(e.Handler())
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID(emulator.DefaultProjectID),
		client.WithToken("any"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}
	// A read-modify-write: nothing guards against someone else's change in between.
	change, err := c.AddToWhitelist(context.Background(), emulator.DefaultClusterID, "dffef70c1db243cbb373e45791165281")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("added:", change.Changed)
	fmt.Println("whitelist:", change.After)
	// Output:
	// added: [dffef70c1db243cbb373e45791165281]
	// whitelist: [db9b76a0d9ae431f8e85e89da2ca867c dffef70c1db243cbb373e45791165281]
}

func ExampleClient_AcceptConnections() {
	e, err := emulator.New()
	if err != nil {
		log.Fatal(err)
	}
	server := httptest.NewServer(e.Handler())
	defer server.Close()
	c, err := client.New(client.WithEndpoint(server.URL), client.WithProjectID(emulator.DefaultProjectID),
		client.WithToken("any"), client.WithHTTPClient(server.Client()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	id := "54b7f739-31a1-40d0-862b-ac85b83ab2da" // a connection of the page's example
	if err := c.RejectConnections(ctx, emulator.DefaultClusterID, []string{id}); err != nil {
		log.Fatal(err)
	}
	page, err := c.ListConnections(ctx, emulator.DefaultClusterID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Connections[0].ID, page.Connections[0].Status)
	// IDs are checked before any request.
	err = c.AcceptConnections(ctx, emulator.DefaultClusterID, []string{"connectionsID"})
	var argErr *client.ArgumentError
	fmt.Println("refused before sending:", errors.As(err, &argErr))
	// Output:
	// 54b7f739-31a1-40d0-862b-ac85b83ab2da rejected
	// refused before sending: true
}

func ExampleWithDryRun() {
	c, err := client.New(client.WithRegion("eu-de"), client.WithProjectID("my-project"), client.WithToken("my-token"),
		client.WithDryRun(func(p client.PlannedRequest) {
			fmt.Println(p.Method, p.URL)
			fmt.Println(string(p.Body))
			fmt.Println("token in the plan:", p.Header.Get("X-Auth-Token") != "")
		}))
	if err != nil {
		log.Fatal(err)
	}
	err = c.EnableVPCEndpointService(context.Background(), "my-cluster", &client.EnableOptions{DNSName: true})
	fmt.Println("sent:", !errors.Is(err, client.ErrDryRun))
	// Output:
	// POST https://css.eu-de.otc.t-systems.com/v1.0/my-project/clusters/my-cluster/vpcepservice/open
	// {"endpoint_with_dns_name":true}
	// token in the plan: false
	// sent: false
}

// Signing in as OpenStack users do: a user name, a password and a domain, and the project by
// its name. The emulator stands in for both IAM (under /v3) and CSS here; on Open Telekom
// Cloud, client.WithRegion("eu-de") gives both endpoints.
func ExampleWithPassword() {
	e, err := emulator.New(emulator.WithIAMUser("cloud-user", "my-password", "my-domain"))
	if err != nil {
		log.Fatal(err)
	}
	server := httptest.NewServer(e.Handler())
	defer server.Close()

	c, err := client.New(
		client.WithEndpoint(server.URL),
		client.WithIAMEndpoint(server.URL+"/v3"),
		client.WithPassword("cloud-user", "my-password", "my-domain"),
		client.WithProjectName("eu-de"),
		client.WithHTTPClient(server.Client()),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// The first call signs in; the token is kept, renewed before it expires, and renewed
	// once when a call is answered 401.
	info, err := c.Auth(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Kind, info.User, "in project", info.ProjectName, "=", info.ProjectID)
	page, err := c.ListConnections(ctx, emulator.DefaultClusterID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.TotalCount, "connections; sign-ins:", e.TokensIssued())
	fmt.Println("password printed:", strings.Contains(fmt.Sprintf("%+v %v", c, info), "my-password"))
	// Output:
	// password cloud-user in project eu-de = demo-project
	// 2 connections; sign-ins: 1
	// password printed: false
}
