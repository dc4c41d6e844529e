package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cssvpcep/cssvpcep/client"
	"github.com/cssvpcep/cssvpcep/emulator"
	"github.com/cssvpcep/cssvpcep/signer"
)

const demoLong = `Starts the emulator in this process on a free loopback port, with AK/SK authentication by a
key pair made up for the run, lists the connections of its example clusters through the
client over real HTTP, signing every request, and stops it. It shows the current API
reference's example, the 2023 reference's example in that page's form (a string for a
boolean, time stamps without a zone) as the client decodes it, the error a wrong secret key
gets, and the lifecycle of the VPC endpoint service: list, reject and accept a connection,
whitelist an account, disable and wait, enable and wait, list again. It needs no network, no
credentials and no environment variables.`

// demoBodyLimit bounds the response body the demo keeps to show what was sent.
const demoBodyLimit = 1 << 20

func (c *cli) demoCommand() *cobra.Command {
	var debug bool
	cmd := &cobra.Command{
		Use:         "demo",
		Short:       "start the emulator in-process and list its connections through the client",
		Long:        demoLong,
		Args:        noArgs,
		Annotations: map[string]string{"more": "\nExit status: 0 done; 1 something failed; 2 usage error.\n"},
	}
	cmd.Flags().BoolVar(&debug, "debug", false, "log every HTTP attempt of the client to stderr")
	cmd.RunE = c.runE(func(ctx context.Context, _ *cobra.Command, _ []string) error { return c.demo(ctx, debug) })
	return cmd
}

// demo is the demo command: two emulators on loopback ports and the client listing their
// example clusters, with what went over the wire.
func (c *cli) demo(ctx context.Context, debug bool) error {
	// A key pair for this run only: the emulator accepts it, the client signs with it.
	ak, sk := "DEMO"+rand.Text()[:16], rand.Text()

	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	rec := &recorder{next: transport}
	newClient := func(endpoint, secretKey string) (*client.Client, error) {
		opts := []client.Option{
			client.WithEndpoint(endpoint),
			client.WithProjectID(emulator.DefaultProjectID),
			client.WithAccessKey(ak, secretKey),
			client.WithHTTPClient(&http.Client{Transport: rec}),
			client.WithValidation(client.ValidationFail, nil),
		}
		if debug {
			opts = append(opts, client.WithLogger(debugLogger(c.stderr)))
		}
		return client.New(opts...)
	}
	out := c.stdout

	fmt.Fprintln(out, "cssvpcep demo: the emulator and the client in one process, over HTTP on loopback")
	fmt.Fprintln(out)
	current, err := startEmulator(ctx, emulator.WithAccessKey(ak, sk), emulator.WithTaskDuration(demoTaskDuration))
	if err != nil {
		return err
	}
	defer func() { _ = current.stop() }() // on an early return; the end reports its error
	fmt.Fprintf(out, "started emulator at %s (AK/SK auth on)\n", current.url)
	cl, err := newClient(current.url, sk)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "client: project %s, a random AK/SK pair, every request and response checked against the OpenAPI spec\n", emulator.DefaultProjectID)

	fmt.Fprintln(out, "\n1. The example of the current API reference page (ShowVpcepConnection)")
	fmt.Fprintln(out)
	if err := demoList(ctx, out, cl, rec, emulator.DefaultClusterID); err != nil {
		return err
	}

	fmt.Fprintln(out, "\n2. The example of the 2023 API reference page (css_03_0112), in that page's form")
	fmt.Fprintln(out)
	// Doc-quirk mode is a setting of a whole emulator, and the current example is not to be
	// served in the 2023 form: so a second emulator serves this one.
	legacy, err := startEmulator(ctx, emulator.WithAccessKey(ak, sk), emulator.WithDocQuirks())
	if err != nil {
		return err
	}
	defer func() { _ = legacy.stop() }()
	fmt.Fprintf(out, "started emulator at %s (AK/SK auth on, --doc-quirks)\n", legacy.url)
	cl2023, err := newClient(legacy.url, sk)
	if err != nil {
		return err
	}
	if err := demoList(ctx, out, cl2023, rec, emulator.ClusterID2023); err != nil {
		return err
	}

	fmt.Fprintln(out, "\n3. A request signed with a wrong secret key")
	fmt.Fprintln(out)
	wrong, err := newClient(current.url, "wrong-"+sk)
	if err != nil {
		return err
	}
	_, err = wrong.ListConnections(ctx, emulator.DefaultClusterID, nil)
	var apiErr *client.APIError
	switch {
	case err == nil:
		return errors.New("a request signed with a wrong secret key succeeded")
	case !errors.As(err, &apiErr):
		return err
	}
	rec.print(out)
	fmt.Fprintf(out, "error:   %d %s: %s: %s\n", apiErr.StatusCode, http.StatusText(apiErr.StatusCode), apiErr.Code, apiErr.Message)

	fmt.Fprintf(out, "\n4. The lifecycle of the VPC endpoint service, every operation through the client (tasks of %v)\n", demoTaskDuration)
	if err := demoLifecycle(ctx, out, cl, rec); err != nil {
		return err
	}

	transport.CloseIdleConnections()
	if err := errors.Join(current.stop(), legacy.stop()); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nstopped both emulators")
	return nil
}

// demoTaskDuration is how long the demo's emulator takes to enable or disable the service:
// long enough for the wait to see the task running, short enough for a demo.
const demoTaskDuration = 600 * time.Millisecond

// demoLifecycle walks the example cluster through the lifecycle: list, reject and accept a
// connection, whitelist an account, disable and wait, enable and wait, list again.
func demoLifecycle(ctx context.Context, out io.Writer, cl *client.Client, rec *recorder) error {
	id := emulator.DefaultClusterID
	step := func(title string, do func() (string, error)) error {
		fmt.Fprintf(out, "\n%s\n", title)
		said, err := do()
		if err != nil {
			return err
		}
		rec.printLooks(out, "/clusters/"+id)
		fmt.Fprintln(out, said)
		return nil
	}
	statuses := func() (string, error) {
		page, err := cl.ListConnections(ctx, id, nil)
		if err != nil {
			return "", err
		}
		var parts []string
		for _, c := range page.Connections {
			parts = append(parts, c.ID+" "+string(c.Status))
		}
		return "connections: " + strings.Join(parts, ", "), nil
	}
	first := "54b7f739-31a1-40d0-862b-ac85b83ab2da" // the first connection of the reference's example
	wait := func(what string) (string, error) {
		var seen []string
		opts := &client.WaitOptions{InitialDelay: demoTaskDuration / 6, MinInterval: demoTaskDuration / 6, MaxInterval: demoTaskDuration / 3,
			Progress: func(p client.WaitProgress) {
				if p.Cluster != nil && (len(seen) == 0 || seen[len(seen)-1] != clusterState(p.Cluster)) {
					seen = append(seen, clusterState(p.Cluster))
				}
			}}
		if _, err := cl.WaitVPCEndpointService(ctx, id, opts); err != nil {
			return "", err
		}
		return what + "; the wait saw: " + strings.Join(seen, "; then "), nil
	}
	const account = "0e5c0000000000000000000000000001"
	steps := []struct {
		title string
		do    func() (string, error)
	}{
		{"list the connections", statuses},
		{"reject the first connection", func() (string, error) {
			if err := cl.RejectConnections(ctx, id, []string{first}); err != nil {
				return "", err
			}
			return statuses()
		}},
		{"accept it again", func() (string, error) {
			if err := cl.AcceptConnections(ctx, id, []string{first}); err != nil {
				return "", err
			}
			return statuses()
		}},
		{"whitelist an account (a read-modify-write)", func() (string, error) {
			ch, err := cl.AddToWhitelist(ctx, id, account)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("whitelist: %s before, %s after", countOf(len(ch.Before), "account"), countOf(len(ch.After), "account")), nil
		}},
		{"disable the service, dropping every connection, and wait for the task", func() (string, error) {
			if err := cl.DisableVPCEndpointService(ctx, id); err != nil {
				return "", err
			}
			return wait("disabled")
		}},
		{"enable it again, with a private domain name, and wait for the task", func() (string, error) {
			if err := cl.EnableVPCEndpointService(ctx, id, &client.EnableOptions{DNSName: true}); err != nil {
				return "", err
			}
			return wait("enabled")
		}},
		{"list again: a new service, no connections yet", func() (string, error) {
			page, err := cl.ListConnections(ctx, id, nil)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%s, %s on the whitelist", countOf(page.TotalCount, "connection"), countOf(len(page.Permissions), "account")), nil
		}},
	}
	for _, st := range steps {
		if err := step(st.title, st.do); err != nil {
			return err
		}
	}
	return nil
}

// demoList lists a cluster's connections, printing the exchange, what the body said of the
// switch and the first connection's time stamps, what the client made of them, and the table.
func demoList(ctx context.Context, out io.Writer, cl *client.Client, rec *recorder, clusterID string) error {
	page, err := cl.ListConnections(ctx, clusterID, nil)
	if err != nil {
		return err
	}
	body := rec.print(out)
	var wire struct {
		Switch      json.RawMessage              `json:"vpcepUpdateSwitch"`
		Connections []map[string]json.RawMessage `json:"connections"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return fmt.Errorf("the body of the response: %w", err)
	}
	if len(wire.Connections) == 0 || len(page.Connections) == 0 {
		return errors.New("the emulator's example has no connections")
	}
	sent := []string{`"vpcepUpdateSwitch":` + string(wire.Switch)}
	for _, name := range []string{"created_at", "update_at"} {
		if v, ok := wire.Connections[0][name]; ok {
			sent = append(sent, fmt.Sprintf("%q:%s", name, v))
		}
	}
	first := page.Connections[0]
	decoded := []string{"switch " + onOff(page.UpdateSwitch), "created " + tableTime(first.Created, first.CreatedText)}
	if first.UpdatedText == "" {
		decoded = append(decoded, "never updated")
	} else {
		decoded = append(decoded, "updated "+tableTime(first.Updated, first.UpdatedText))
	}
	fmt.Fprintf(out, "sent:    %s\n", strings.Join(sent, ", "))
	fmt.Fprintf(out, "decoded: %s\n", strings.Join(decoded, ", "))
	if bytes.HasPrefix(wire.Switch, []byte(`"`)) {
		fmt.Fprintln(out, "         (a string for a boolean: the official Huawei Go SDK fails to decode this response)")
	}
	fmt.Fprintln(out)
	return writeTable(out, &listing{page: page, conns: page.Connections})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// running is an emulator serving on a loopback port.
type running struct {
	url  string
	stop func() error // idempotent
}

// startEmulator starts an emulator with response validation and opts on a free loopback port.
func startEmulator(ctx context.Context, opts ...emulator.Option) (*running, error) {
	e, err := emulator.New(append([]emulator.Option{emulator.WithResponseValidation()}, opts...)...)
	if err != nil {
		return nil, err
	}
	l, err := new(net.ListenConfig).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()
	stop := sync.OnceValue(func() error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		err := e.Shutdown(sctx)
		if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
			err = errors.Join(err, serveErr)
		}
		return err
	})
	return &running{url: "http://" + l.Addr().String(), stop: stop}, nil
}

// exchange is an HTTP exchange the demo's recorder saw.
type exchange struct {
	method, path, auth string
	status             int
	took               time.Duration
	body               []byte
}

// recorder is the demo's transport: it notes every exchange, to show what went over the wire.
// It takes from a request only its method, path and kind of credentials.
type recorder struct {
	next http.RoundTripper

	mu   sync.Mutex
	seen []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := exchange{method: req.Method, path: req.URL.EscapedPath(), auth: authKind(req.Header)}
	start := time.Now()
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	x.body, err = io.ReadAll(io.LimitReader(resp.Body, demoBodyLimit))
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	x.took, x.status = time.Since(start), resp.StatusCode
	resp.Body = io.NopCloser(bytes.NewReader(x.body))
	r.mu.Lock()
	r.seen = append(r.seen, x)
	r.mu.Unlock()
	return resp, nil
}

// CloseIdleConnections passes the call on, so that the client can close idle connections.
func (r *recorder) CloseIdleConnections() {
	if c, ok := r.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// printLooks is print, except that a run of reads of a path ending in cluster (a wait's looks,
// whose number depends on timing) is printed as its first, marked as repeated.
func (r *recorder) printLooks(w io.Writer, cluster string) {
	r.mu.Lock()
	seen := r.seen
	r.seen = nil
	r.mu.Unlock()
	for i, x := range seen {
		looking := x.method == http.MethodGet && strings.HasSuffix(x.path, cluster)
		if looking && i > 0 && seen[i-1].method == x.method && seen[i-1].path == x.path {
			continue
		}
		line := fmt.Sprintf("%s %s %s → %d in %.1fms", x.method, x.path, x.auth, x.status, float64(x.took)/float64(time.Millisecond))
		if looking {
			line += ", read again until the cluster is idle"
		}
		fmt.Fprintln(w, line)
	}
}

// print prints the exchanges seen since the last call, one line each, and returns the last
// one's body.
func (r *recorder) print(w io.Writer) []byte {
	r.mu.Lock()
	seen := r.seen
	r.seen = nil
	r.mu.Unlock()
	var body []byte
	for _, x := range seen {
		fmt.Fprintf(w, "%s %s %s → %d in %.1fms\n", x.method, x.path, x.auth, x.status, float64(x.took)/float64(time.Millisecond))
		body = x.body
	}
	return body
}

// authKind names the kind of credentials a request carries, never the credentials.
func authKind(h http.Header) string {
	switch {
	case strings.HasPrefix(h.Get("Authorization"), signer.Algorithm+" "):
		return "signed with " + signer.Algorithm
	case h.Get("X-Auth-Token") != "":
		return "with an X-Auth-Token"
	}
	return "without credentials"
}
