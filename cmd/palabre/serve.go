package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	f := m.flags("serve")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	addr := f.string("addr", "127.0.0.1:8080", "address to listen on")
	kind := f.string("store", "embedded", "event store: embedded or kurrentdb")
	url := f.string("kurrentdb-url", "", "KurrentDB connection string, esdb://host:2113?tls=…")
	reference := f.string("reference", "", "reference data file (regions, groups); default Mali 2023")
	smallCells := f.int("small-cells", 5, "withhold counts below this from roles without access to identities")
	disclosure := f.string("disclosure", "cellkey", "how those roles' figures are published: cellkey (perturbed, safe to difference) or suppress (exact, small counts withheld)")
	timeout := f.string("request-timeout", "10s", "deadline of one API request")
	logFormat := f.string("log-format", "auto", "logs: json, console, or auto (console on a terminal)")
	reserve := f.reserve()
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		f.problem("addr", "%q is not HOST:PORT", *addr)
	}
	switch *kind {
	case "embedded":
		if *url != "" {
			f.problem("kurrentdb-url", "only with --store kurrentdb")
		}
	case "kurrentdb":
		if !strings.HasPrefix(*url, "esdb://") && !strings.HasPrefix(*url, "esdb+discover://") && !strings.HasPrefix(*url, "kurrentdb://") && !strings.HasPrefix(*url, "kurrentdb+discover://") {
			f.problem("kurrentdb-url", "needs a connection string such as esdb://localhost:2113?tls=false, not %q", *url)
		}
	default:
		f.problem("store", "must be embedded or kurrentdb, not %q", *kind)
	}
	if *smallCells < 1 || *smallCells > 100 {
		f.problem("small-cells", "must be between 1 and 100, not %d", *smallCells)
	}
	switch graphql.Disclosure(*disclosure) {
	case graphql.CellKey:
		if *smallCells < 2 {
			f.problem("small-cells", "must be at least 2 with --disclosure cellkey (a true 1 is never perturbed), not %d", *smallCells)
		}
	case graphql.Suppress:
	default:
		f.problem("disclosure", "must be cellkey or suppress, not %q", *disclosure)
	}
	requestTimeout, err := time.ParseDuration(*timeout)
	if err != nil || requestTimeout < 100*time.Millisecond || requestTimeout > 10*time.Minute {
		f.problem("request-timeout", "must be a duration between 100ms and 10m, not %q", *timeout)
	}
	if *logFormat != "auto" && *logFormat != "json" && *logFormat != "console" {
		f.problem("log-format", "must be auto, json or console, not %q", *logFormat)
	}
	ref, err := referenceData(*reference)
	if err != nil {
		f.problem("reference", "%v", err)
	}
	if err := f.err(); err != nil {
		return err
	}
	log := m.logger(*logFormat)

	d, storeHealth, err := m.openServedStore(dir, *kind, *url, reserve(), &log)
	if err != nil {
		return err
	}
	keys, err := m.openKeys(d, log)
	if err != nil {
		return err
	}
	models := newReadModels(keys)
	runner, err := projections.NewRunner(d.store, d.path("projections"), &projections.Options{Logger: &log}, models.all()...)
	if err != nil {
		return err
	}
	tokens, err := access.OpenTokens(d.path("tokens.json"), nil, ref)
	if err != nil {
		return err
	}
	handler := newHandler(d.store, ref, keys)
	deps := graphql.Deps{Handler: handler, Runner: runner,
		Inclusion: models.inclusion, Commitments: models.commitments, Stakeholders: models.stakeholders, Participants: models.participants,
		AsOf: projections.NewAsOf(d.store, 8), Tokens: tokens, Logger: log, SmallCells: *smallCells,
		Disclosure: graphql.Disclosure(*disclosure), Secret: keys.Secret("api"), CodeKey: codeKey(keys), WebApp: web.Files()}
	if d.embedded != nil {
		deps.Backup = d.backup
	}
	deps.StoreHealth = storeHealth
	api, err := graphql.NewServer(deps, &graphql.Options{RequestTimeout: requestTimeout})
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("--addr (PALABRE_ADDR): %w", err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: requestTimeout + 30*time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}

	runCtx, stopRunner := context.WithCancel(context.Background())
	runnerDone := make(chan error, 1)
	go func() { runnerDone <- runner.Run(runCtx) }()
	go claimLegacyCodes(runCtx, handler, models.participants, caughtUp(runner), log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()
	log.Info().Str("url", "http://"+listener.Addr().String()).Str("data", dir).Str("store", *kind).Msg("palabre serving; GraphiQL at /graphiql")
	fmt.Fprintf(m.Stdout, "palabre serving on http://%s (GraphiQL: http://%s/graphiql)\n", listener.Addr(), listener.Addr())

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
