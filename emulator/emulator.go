package emulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/cssvpcep/cssvpcep/contract"
	"github.com/cssvpcep/cssvpcep/internal/csserr"
	"github.com/cssvpcep/cssvpcep/internal/options"
)

// readHeaderTimeout bounds how long a client may take to send its request headers, and
// idleTimeout how long a kept-alive connection may wait for its next request, so that idle or
// slow clients cannot hold connections (and goroutines) forever. The time a body may take is
// bounded per request (bodyTimeout), so that it holds for Handler in any server.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
)

// Emulator is an in-memory CSS endpoint serving the VPC endpoint operations of the spec and
// ShowClusterDetail. Build it with New; serve it with Serve or ListenAndServe, or mount
// Handler in a server of your own. It is safe for concurrent use.
//
// Printing an Emulator (any fmt verb, log/slog) shows its configuration, never a token, a
// secret key or a password.
type Emulator struct {
	cfg     *config
	store   *Store
	handler http.Handler
	creds   *credentials
	iam     *iamService // nil without WithIAMUser

	mu       sync.Mutex
	servers  map[*http.Server]struct{}
	shutdown bool
}

// New returns an Emulator configured by opts. Without options it serves the built-in seed
// (BuiltinSeed) without authentication, latency or faults, with tasks of DefaultTaskDuration.
// The error holds a *ConfigError for every option that is wrong (see ConfigError), or, when
// none is, for every cluster of WithSynthetic that the seed has already, or for a state file
// that cannot be read or written.
func New(opts ...Option) (*Emulator, error) {
	cfg := defaultConfig()
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	seed, loaded, err := initialState(cfg)
	if err != nil {
		return nil, err
	}
	store, err := NewStore(seed)
	if err != nil {
		return nil, err
	}
	store.now, store.taskDuration = cfg.clock, cfg.tasks
	if cfg.stateFile != "" {
		store.file = &stateFile{path: cfg.stateFile}
		if !loaded {
			if err := store.save(); err != nil {
				return nil, &ConfigError{Option: "WithStateFile", Err: err}
			}
		}
	}
	e := &Emulator{cfg: cfg, store: store, creds: newCredentials(cfg), servers: make(map[*http.Server]struct{})}
	if cfg.iamUser != nil {
		e.iam = newIAMService(cfg, store, e.creds)
	}
	if e.handler, err = e.layers(NewServer(store, cfg.quirks).Handler()); err != nil {
		return nil, err
	}
	return e, nil
}

// initialState is what the emulator starts with: the state file's state when it exists
// (loaded true), else the seed (WithSeed, WithSeedFile or BuiltinSeed) with the clusters of
// WithSynthetic.
func initialState(cfg *config) (seed Seed, loaded bool, err error) {
	if cfg.stateFile != "" {
		state, found, err := readStateFile(cfg.stateFile)
		if err != nil {
			return Seed{}, false, &ConfigError{Option: "WithStateFile", Err: err}
		}
		if found {
			cfg.seed = nil
			return state, true, nil
		}
	}
	if cfg.seed != nil {
		seed = Seed{Clusters: slices.Clone(cfg.seed.Clusters), Projects: slices.Clone(cfg.seed.Projects)}
		cfg.seed = nil // the Store has its own copy; do not keep the caller's
	} else if seed, err = BuiltinSeed(); err != nil {
		return Seed{}, false, err
	}
	var dups []error
	for _, s := range cfg.synthetic {
		if slices.ContainsFunc(seed.Clusters, func(have SeedCluster) bool {
			return have.ProjectID == s.projectID && have.ClusterID == s.clusterID
		}) {
			dups = append(dups, configError("WithSynthetic", "", "cluster %q of project %q: the seed has this cluster already", s.clusterID, s.projectID))
			continue
		}
		c, err := SyntheticCluster(s.n)
		if err != nil {
			return Seed{}, false, err
		}
		seed.Clusters = append(seed.Clusters, SeedCluster{ProjectID: s.projectID, ClusterID: s.clusterID, Cluster: c})
	}
	if err := options.Join(dups); err != nil {
		return Seed{}, false, err
	}
	if len(cfg.synthetic) > 0 {
		// The seed's own names are unique (WithSeed and WithSeedFile checked them): a clash
		// is a synthetic project's.
		if err := seed.checkProjects(); err != nil {
			return Seed{}, false, &ConfigError{Option: "WithSynthetic", Arg: "projectID", Err: err}
		}
	}
	return seed, false, nil
}

// layers wraps the generated handler in the emulator's layers; outermost first: request ID,
// request bodies, the spec document (GET /openapi.yaml), latency and faults, then the IAM
// (/v3, with WithIAMUser), or authentication and the emulator-only path (/emulator/...) or
// contract validation and the generated handler.
func (e *Emulator) layers(h http.Handler) (http.Handler, error) {
	c := e.cfg
	log := c.logger
	copts := []contract.Option{contract.WithReporter(func(ve *contract.ValidationError) {
		// Error never quotes a header; it does quote the path, which comes from the client.
		if ve.Direction == contract.DirectionRequest {
			log.Info("request rejected", "error", csserr.Bounded(ve.Error(), maxErrorText))
			return
		}
		log.Error("response breaks the contract", "error", csserr.Bounded(ve.Error(), maxErrorText))
		if c.report != nil {
			c.report(ve)
		}
	})}
	if c.validate {
		copts = append(copts, contract.WithResponseValidation(true))
	}
	h, err := contract.NewMiddleware(h, copts...)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	h = &emulatorOnly{spec: h, own: newConsumerHandler(e.store)}
	if len(c.tokens) > 0 || len(c.keys) > 0 || c.iamUser != nil {
		h = newAuthenticator(h, e.creds, c.logger)
	}
	if e.iam != nil {
		h = &iamRouter{iam: e.iam, next: h}
	}
	if c.latency > 0 || c.jitter > 0 || c.failRate > 0 {
		h = newFaults(h, c)
	}
	doc, err := newSpecDocument(h)
	if err != nil {
		return nil, err
	}
	return newRequestIDs(newBodies(doc, c), log), nil
}

// Handler returns the emulator's HTTP handler: every layer, from the request ID to the
// generated strict server and the emulator-only path.
func (e *Emulator) Handler() http.Handler { return e.handler }

// Store returns the emulator's state, for tests to read and change while it serves.
func (e *Emulator) Store() *Store { return e.store }

// TokensIssued returns how many tokens the emulator's IAM (WithIAMUser) has issued: its 201
// answers to POST /v3/auth/tokens, revoked and expired tokens included; 0 without an IAM
// user. A test counts a client's sign-ins with it.
func (e *Emulator) TokensIssued() int64 {
	if e.iam == nil {
		return 0
	}
	return e.creds.issued.issued.Load()
}

// RevokeTokens revokes every token the emulator's IAM has issued so far, as IAM does when a
// user's password or permissions change: from then on the CSS side answers them 401 APIGW.0301
// ("the X-Auth-Token is not valid"), which makes a client sign in again, and the project lookup
// refuses them too. It returns how many of them had not expired yet; 0 without an IAM user.
// Tokens of WithToken are not the IAM's and stay valid.
func (e *Emulator) RevokeTokens() int {
	if e.iam == nil {
		return 0
	}
	n := e.creds.issued.revokeAll(e.cfg.clock())
	e.cfg.logger.Info("IAM tokens revoked", "valid", n)
	return n
}

// Serve serves HTTP on l until Shutdown, and then returns http.ErrServerClosed, as
// http.Server.Serve does. It may be called for several listeners at once. l is closed when
// Serve returns.
func (e *Emulator) Serve(l net.Listener) error {
	srv := &http.Server{
		Handler:           e.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		// OPTIONS * reaches the layers (a request ID, authentication, a 400 in the CSS shape)
		// instead of net/http's own 200.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(e.cfg.logger.Handler(), slog.LevelWarn),
	}
	e.mu.Lock()
	if e.shutdown {
		e.mu.Unlock()
		_ = l.Close()
		return http.ErrServerClosed
	}
	e.servers[srv] = struct{}{}
	e.mu.Unlock()

	e.cfg.logger.Info("emulator serving", "addr", l.Addr().String(), "config", e.cfg.String())
	err := srv.Serve(l)
	e.mu.Lock()
	delete(e.servers, srv)
	e.mu.Unlock()
	return err
}

// ListenAndServe listens on the TCP address addr (such as "127.0.0.1:8080") and calls Serve.
func (e *Emulator) ListenAndServe(addr string) error {
	l, err := new(net.ListenConfig).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	return e.Serve(l)
}

// Shutdown stops the emulator gracefully: its listeners close at once, and it waits for the
// requests in flight to be answered (a latency set with WithLatency included) or for ctx to
// end, whichever comes first. When ctx ends first, the remaining connections are closed and
// the context's error returned. Serve returns http.ErrServerClosed from then on.
func (e *Emulator) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.shutdown = true
	servers := make([]*http.Server, 0, len(e.servers))
	for srv := range e.servers {
		servers = append(servers, srv)
	}
	e.mu.Unlock()

	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Go(func() {
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close() // ctx ended: do not leave connections behind
				errs[i] = err
			}
		})
	}
	wg.Wait()
	e.cfg.logger.Info("emulator stopped")
	return errors.Join(errs...)
}

// String describes the emulator: where its seed comes from, its authentication (the number of
// tokens, the access keys, the IAM user and domain; never a token, a secret key or the
// password), latency, faults and modes.
func (e *Emulator) String() string {
	if e == nil || e.cfg == nil {
		return "emulator.Emulator(nil)"
	}
	return "emulator.Emulator" + e.cfg.String()
}

// GoString is String, for %#v.
func (e *Emulator) GoString() string { return e.String() }

// Format prints String for every verb (quoted for %q), so that no verb prints the fields.
func (e *Emulator) Format(f fmt.State, verb rune) {
	s := e.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue gives log/slog the same description as String.
func (e *Emulator) LogValue() slog.Value { return slog.StringValue(e.String()) }
