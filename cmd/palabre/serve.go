package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/kurrentstore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/web"
)

// serveConfig is what serve runs with. Each setting is a flag that falls
// back to a PALABRE_* variable (envName); defaultServeConfig gives the
// defaults.
type serveConfig struct {
	Data           string       // the data directory
	Addr           string       // HOST:PORT to listen on
	Store          string       // embedded, kurrentdb or nats
	KurrentDBURL   string       // with Store kurrentdb
	NATS           natsSettings // with Store nats
	Reference      string       // a reference data file; "" is Mali 2023
	SmallCells     int          // counts below it are withheld from roles without identities
	Disclosure     graphql.Disclosure
	RequestTimeout time.Duration // the deadline of one API request
	LogFormat      string        // json, console or auto
	ReserveMiB     int           // free space under which the embedded store refuses writes
	MemoryLimitMiB int           // the soft memory limit; 0 is 75 % of the machine's
	TLS            tlsSettings   // HTTPS; none is plain HTTP
	// TrustedProxies are the reverse proxies (CIDRs or addresses,
	// comma-separated) whose X-Forwarded-For and -Proto are believed.
	TrustedProxies string
}

func defaultServeConfig() serveConfig {
	return serveConfig{Data: "./palabre-data", Addr: "127.0.0.1:8080", Store: "embedded", SmallCells: 5,
		Disclosure: graphql.CellKey, RequestTimeout: 10 * time.Second, LogFormat: "auto", ReserveMiB: pebblestore.DefaultReserve >> 20,
		TLS: tlsSettings{ACMEDirectory: letsEncrypt}}
}

// Validate returns every wrong setting, joined with errors.Join, each
// named by its flag and variable; nil when all are right.
func (c serveConfig) Validate() error {
	var problems []error
	bad := func(name, format string, args ...any) {
		problems = append(problems, settingError(name, format, args...))
	}
	if p := dataDirProblem(c.Data); p != "" {
		bad("data", "%s", p)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "%q is not HOST:PORT", c.Addr)
	}
	switch c.Store {
	case "embedded":
		if c.KurrentDBURL != "" {
			bad("kurrentdb-url", "only with --store kurrentdb")
		}
	case "kurrentdb":
		if _, err := kurrentstore.ParseURL(c.KurrentDBURL); err != nil {
			bad("kurrentdb-url", "needs a connection string such as esdb://localhost:2113?tls=false, not %q", c.KurrentDBURL)
		}
	case "nats":
		if c.KurrentDBURL != "" {
			bad("kurrentdb-url", "only with --store kurrentdb")
		}
	default:
		bad("store", "must be embedded, kurrentdb or nats, not %q", c.Store)
	}
	c.NATS.problems(c.Store, bad)
	if c.SmallCells < 1 || c.SmallCells > 100 {
		bad("small-cells", "must be between 1 and 100, not %d", c.SmallCells)
	}
	switch c.Disclosure {
	case graphql.CellKey:
		if c.SmallCells < 2 {
			bad("small-cells", "must be at least 2 with --disclosure cellkey (a true 1 is never perturbed), not %d", c.SmallCells)
		}
	case graphql.Suppress:
		bad("disclosure", "%s", suppressRetired)
	default:
		bad("disclosure", "must be cellkey, not %q", c.Disclosure)
	}
	if c.RequestTimeout < 100*time.Millisecond || c.RequestTimeout > 10*time.Minute {
		bad("request-timeout", "must be a duration between 100ms and 10m, not %s", c.RequestTimeout)
	}
	if c.LogFormat != "auto" && c.LogFormat != "json" && c.LogFormat != "console" {
		bad("log-format", "must be auto, json or console, not %q", c.LogFormat)
	}
	if p := reserveProblem(c.ReserveMiB); p != "" {
		bad("reserve-mib", "%s", p)
	}
	if p := memoryLimitProblem(c.MemoryLimitMiB); p != "" {
		bad("memory-limit-mib", "%s", p)
	}
	c.TLS.problems(bad)
	if _, err := parseProxies(c.TrustedProxies); err != nil {
		bad("trusted-proxies", "%v", err)
	}
	return errors.Join(problems...)
}

// settingError names a setting by its flag and the variable it falls
// back to.
func settingError(name, format string, args ...any) error {
	return fmt.Errorf("--%s (%s): %s", name, envName(name), fmt.Sprintf(format, args...))
}

func (m *Main) serve(ctx context.Context, args []string) error {
	c, ref, err := m.serveSettings(args)
	if err != nil {
		return err
	}
	log := m.logger(c.LogFormat)
	m.setMemoryLimit(c.MemoryLimitMiB, log)
	https, err := serverTLS(c.TLS, c.Data, log) // before the store: a wrong certificate stops serve at once
	if err != nil {
		return err
	}
	s, err := m.openServer(c, ref, log)
	if err != nil {
		return err
	}
	return m.runServer(ctx, c, s, https, log)
}

// suppressRetired says why --disclosure suppress is refused: exact
// figures with small ones withheld hold within one answer at best, and
// two overlapping answers give a small count back exactly (the attack
// suite, graphql/attack_test.go, recovers 200 of 200 by averaging).
const suppressRetired = "suppress is retired: exact figures cannot be protected across answers (two overlapping questions give a small count back exactly; the attack suite recovers 200 of 200), use cellkey — see docs/DISCLOSURE.md"

// serveSettings reads serve's flags and variables into a config, and
// names every problem at once: what could not be read, what Validate
// refuses and a reference file that cannot be loaded.
func (m *Main) serveSettings(args []string) (serveConfig, *refdata.Data, error) {
	c := defaultServeConfig()
	f := m.flags("serve")
	data := f.string("data", c.Data, "data directory")
	addr := f.string("addr", c.Addr, "address to listen on")
	kind := f.string("store", c.Store, "event store: embedded, kurrentdb, or nats (JetStream, embedded alone or in a cluster, or external)")
	url := f.string("kurrentdb-url", c.KurrentDBURL, "KurrentDB connection string, esdb://host:2113?tls=…")
	reference := f.string("reference", c.Reference, "reference data file (regions, groups); default Mali 2023")
	smallCells := f.int("small-cells", c.SmallCells, "withhold counts below this from roles without access to identities")
	disclosure := f.string("disclosure", string(c.Disclosure), "how those roles' figures are published: cellkey, sums of a fixed table of cells each perturbed once, over whole months (the only choice: suppress is retired, exact figures cannot be protected across answers)")
	timeout := f.string("request-timeout", c.RequestTimeout.String(), "deadline of one API request")
	logFormat := f.string("log-format", c.LogFormat, "logs: json, console, or auto (console on a terminal)")
	reserve := f.int("reserve-mib", c.ReserveMiB, reserveHelp)
	memoryLimit := f.int("memory-limit-mib", c.MemoryLimitMiB, memoryLimitHelp)
	tlsSettings := f.tlsFlags(c.TLS)
	natsSettings := f.natsFlags(c.NATS)
	proxies := f.string("trusted-proxies", c.TrustedProxies, "reverse proxies (CIDRs or addresses, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed")
	if err := f.parse(args); err != nil {
		return c, nil, err
	}
	c.Data, c.Addr, c.Store, c.KurrentDBURL, c.Reference = *data, *addr, *kind, *url, *reference
	c.SmallCells, c.Disclosure, c.LogFormat, c.ReserveMiB = *smallCells, graphql.Disclosure(*disclosure), *logFormat, *reserve
	c.MemoryLimitMiB = *memoryLimit
	c.TLS, c.TrustedProxies, c.NATS = tlsSettings(), *proxies, natsSettings()
	if d, err := time.ParseDuration(*timeout); err == nil {
		c.RequestTimeout = d
	} else {
		f.problem("request-timeout", "must be a duration between 100ms and 10m, not %q", *timeout)
	}
	f.invalid(c.Validate())
	ref, err := referenceData(c.Reference)
	if err != nil {
		f.problem("reference", "%v", err)
	}
	if err := f.err(); err != nil {
		return c, nil, err
	}
	c.Data = f.dataDir(c.Data)
	return c, ref, nil
}

// server is what serve runs: the API over the store and the read models'
// runner.
type server struct {
	api     http.Handler
	runner  *projections.Runner
	handler *commands.Handler
	models  readModels
}

// openServer opens the store, the keys and the tokens and wires the API
// over them.
func (m *Main) openServer(c serveConfig, ref *refdata.Data, log zerolog.Logger) (*server, error) {
	d, storeHealth, err := m.openServedStore(c, &log)
	if err != nil {
		return nil, err
	}
	keys, err := m.openKeys(context.Background(), d, log)
	if err != nil {
		return nil, err
	}
	models := newReadModels(keys)
	runner, err := projections.NewRunner(d.store, d.path("projections"), &projections.Options{Logger: &log}, models.all()...)
	if err != nil {
		return nil, err
	}
	tokens, err := m.openTokens(context.Background(), d, ref)
	if err != nil {
		return nil, err
	}
	if err := revokeRecomputableTokens(tokens, keys.Secret("api"), log); err != nil {
		return nil, err
	}
	handler := newHandler(d.store, ref, keys)
	deviceKey, err := keys.DeviceKey()
	if err != nil {
		return nil, err
	}
	deps := graphql.Deps{Envelopes: keystore.NewEnvelopes(deviceKey, d.store, nil), Handler: handler, Runner: runner,
		Inclusion: models.inclusion, Commitments: models.commitments, Stakeholders: models.stakeholders, Participants: models.participants,
		Outcomes: models.outcomes, Frameworks: models.frameworks,
		AsOf: projections.NewAsOf(d.store, 8), Tokens: tokens, Logger: log, SmallCells: c.SmallCells,
		Disclosure: c.Disclosure, Secret: keys.Secret("api"), CodeKey: codeKey(keys), WebApp: web.Files(),
		Publication: newPublications(d.dir, keys, log).file}
	if d.embedded != nil || d.cluster != nil {
		deps.Backup = d.backup
	}
	if d.cluster != nil {
		deps.Cluster, deps.RemovePeer = d.cluster.report, d.cluster.removePeer
	}
	deps.StoreHealth = storeHealth
	proxies, _ := parseProxies(c.TrustedProxies) // checked by Validate
	api, err := graphql.NewServer(deps, &graphql.Options{RequestTimeout: c.RequestTimeout, TrustedProxies: proxies})
	if err != nil {
		return nil, err
	}
	return &server{api: api, runner: runner, handler: handler, models: models}, nil
}

// runServer serves, over HTTPS when https is not nil, until ctx ends,
// the listener fails or the read models cannot follow the log, then shuts
// down in order.
func (m *Main) runServer(ctx context.Context, c serveConfig, s *server, https *httpsSetup, log zerolog.Logger) error {
	listener, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("--addr (PALABRE_ADDR): %w", err)
	}
	srv := &http.Server{Handler: s.api, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: c.RequestTimeout + 30*time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	scheme := "http"
	if https != nil {
		srv.TLSConfig, scheme = https.config, "https"
		if c.TLS.Redirect != "" {
			_, port, _ := net.SplitHostPort(listener.Addr().String())
			redirect, at, err := https.serveRedirect(c.TLS.Redirect, port)
			if err != nil {
				listener.Close()
				return err
			}
			defer redirect.Close()
			fmt.Fprintf(m.Stdout, "palabre redirecting http://%s to HTTPS\n", at)
		}
	}

	runCtx, stopRunner := context.WithCancel(context.Background())
	runnerDone := make(chan error, 1)
	go func() { runnerDone <- s.runner.Run(runCtx) }()
	go func() {
		// The claims are events the models catch up with too: memory
		// settles after them.
		claimLegacyCodes(runCtx, s.handler, s.models.participants, caughtUp(s.runner), log)
		m.settleMemory(runCtx, caughtUp(s.runner), s.runner.Version, 2*time.Second, log)
	}()
	served := make(chan error, 1)
	go func() {
		if https != nil {
			served <- srv.ServeTLS(listener, "", "") // the certificate comes from TLSConfig
			return
		}
		served <- srv.Serve(listener)
	}()
	url := scheme + "://" + listener.Addr().String()
	log.Info().Str("url", url).Str("data", c.Data).Str("store", c.Store).Msg("palabre serving; GraphiQL at /graphiql")
	proxies, _ := parseProxies(c.TrustedProxies) // checked by Validate
	for _, warning := range []string{plainHTTPWarning(c), everyoneTrustedWarning(proxies)} {
		if warning != "" {
			log.Warn().Msg(warning)
		}
	}
	fmt.Fprintf(m.Stdout, "palabre serving on %s (GraphiQL: %s/graphiql)\n", url, url)

	select {
	case <-ctx.Done():
	case err = <-served:
	case err = <-runnerDone:
		// The read models cannot follow the log for good: serving stale
		// answers would hide it; a supervisor restarts the process.
		log.Error().Err(err).Msg("palabre stops: the read models cannot follow the event log")
		runnerDone <- err // for the wait below
	}
	// Stop taking requests, let those in flight finish, then let the read
	// models write their snapshots. Every acknowledged write is already
	// durable in the store.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		log.Warn().Err(serr).Msg("requests cut short at shutdown")
	}
	stopRunner()
	<-runnerDone
	log.Info().Msg("palabre stopped")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// revokeRecomputableTokens revokes the tokens that builds before random
// secrets made through the API, whose secret anyone holding master.key
// recomputes from the command id, saying which in the log: their holders
// need new ones.
func revokeRecomputableTokens(tokens *access.Tokens, apiSecret []byte, log zerolog.Logger) error {
	revoked, err := tokens.RevokeRecomputable(context.Background(), graphql.LegacyTokenSecret(apiSecret))
	for _, tok := range revoked {
		log.Warn().Str("token", tok.ID).Str("subject", tok.Subject).Str("role", string(tok.Role)).
			Msg("token revoked: an older build derived its secret from its command id, which whoever holds master.key can recompute; make its holder a new one")
	}
	if err != nil {
		return fmt.Errorf("revoking tokens with a recomputable secret: %w", err)
	}
	return nil
}
