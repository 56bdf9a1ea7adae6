package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// env is a whole API over a real embedded store, key store, read models
// and runner, served by httptest.
type env struct {
	t      testing.TB
	server *httptest.Server
	api    *graphql.Server
	tokens *access.Tokens
	logs   *lockedBuffer
	// token secrets by name
	admin, analyst, advocacy, gao, mopti string
}

var today = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env { return newEnvWith(t, envOptions{}) }

// envOptions vary an env: the server's options, and a synthetic history
// loaded before the read models start.
type envOptions struct {
	server     *graphql.Options
	runner     *projections.Options // the read models' runner's; default its own
	history    int
	regions    []string // the history's regions; default the programme's five
	disclosure graphql.Disclosure
	replays    int // past views one token may replay at once
	// writeTimeout is the HTTP server's, as `palabre serve` sets one.
	writeTimeout time.Duration
	webApp       fs.FS
	secret       []byte           // the server's secret (Deps.Secret); default random
	tokenClock   func() time.Time // the token store's clock; default today
	clock        func() time.Time // the server's clock; default today
	oldUntil     time.Time        // when old envelopes stop being opened; default keystore's
	// sharedTokens, when set, keeps the tokens as nodes of a shared
	// engine do (an access.LogKeeper) over the store it returns, given
	// the env's.
	sharedTokens func(events.Store) events.Store
	// onLog sees each line the server logs, as it logs it (a test may
	// hold the server there).
	onLog func(line []byte)
	// backup serves GET /admin/backup (Deps.Backup).
	backup func(context.Context, io.Writer) error
}

func newEnvWith(t testing.TB, o envOptions) *env {
	t.Helper()
	c := commandstest.Open(t, today)
	t.Cleanup(c.Close)
	if o.history > 0 {
		if _, err := synthetic.Load(context.Background(), c.Store, synthetic.Generate(synthetic.Config{Events: o.history, Seed: 7, Regions: o.regions})); err != nil {
			t.Fatal(err)
		}
	}
	clock := func() time.Time { return today }
	if o.clock != nil {
		clock = o.clock
	}
	inc, com, sta, par, out := inclusion.NewKeyed([]byte("test secret")), commitments.New(clock), stakeholders.New(), participants.New(c.Keys), outcomes.New()
	fws := frameworks.New()
	runner, err := projections.NewRunner(c.Store, filepath.Join(c.Dir, "projections"), o.runner, inc, com, sta, par, out, fws)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { runner.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	tokenClock := clock
	if o.tokenClock != nil {
		tokenClock = o.tokenClock
	}
	tokens, err := access.OpenTokens(filepath.Join(c.Dir, "tokens.json"), tokenClock, refdata.Default())
	if o.sharedTokens != nil {
		tokens, err = access.NewTokens(context.Background(), access.NewLogKeeper(o.sharedTokens(c.Store), time.Second), tokenClock, refdata.Default())
	}
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{onWrite: o.onLog}
	deviceKey, err := c.Keys.DeviceKey()
	if err != nil {
		t.Fatal(err)
	}
	envelopes := keystore.NewEnvelopes(deviceKey, c.Store, &keystore.EnvelopeOptions{OldUntil: o.oldUntil, Clock: clock})
	api, err := graphql.NewServer(graphql.Deps{Envelopes: envelopes, Handler: c.Handler, Runner: runner, Inclusion: inc, Commitments: com, Stakeholders: sta,
		Participants: par, Outcomes: out, Frameworks: fws, AsOf: projections.NewAsOf(c.Store, 4), Tokens: tokens, CodeKey: c.CodeKey, Logger: zerolog.New(logs), Clock: clock, Disclosure: o.disclosure, Replays: o.replays, WebApp: o.webApp, Secret: o.secret, Backup: o.backup}, o.server)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(api)
	srv.Config.WriteTimeout = o.writeTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{t: t, server: srv, api: api, tokens: tokens, logs: logs}
	for deadline := time.Now().Add(time.Minute); o.history > 0; time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(srv.URL + "/readyz"); err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the read models did not catch up with the history in a minute")
		}
	}
	mk := func(role access.Role, regions ...string) string {
		_, secret, err := tokens.Create(context.Background(), access.NewToken{Role: role, Regions: regions, TTL: 30 * 24 * time.Hour, Subject: string(role) + fmt.Sprint(regions)})
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	e.admin, e.analyst, e.advocacy, e.gao, e.mopti = mk(access.Admin), mk(access.Analyst), mk(access.Advocacy), mk(access.Facilitator, "gao"), mk(access.Facilitator, "mopti")
	return e
}

// lockedBuffer collects the server's log while the test reads it.
type lockedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	onWrite func(line []byte)
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	if b.onWrite != nil {
		b.onWrite(p)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// response is a GraphQL answer.
type response struct {
	Status int
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	raw string
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts a query with a token.
func (e *env) do(token, query string, vars map[string]any) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) response {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out response
	if err := json.Unmarshal(b, &out); err != nil {
		e.t.Fatalf("status %d, body not JSON: %s", res.StatusCode, b)
	}
	out.Status, out.raw = res.StatusCode, string(b)
	return out
}

// must posts and fails the test on any error.
func (e *env) must(token, query string, vars map[string]any) map[string]any {
	e.t.Helper()
	r := e.do(token, query, vars)
	if len(r.Errors) > 0 || r.Status != 200 {
		e.t.Fatalf("%s\n-> %d %s", query, r.Status, r.raw)
	}
	return r.Data
}

func newID() string { return ulid.Make().String() }

// get walks a decoded JSON value by keys and indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func accessToken(role string) access.NewToken {
	return access.NewToken{Role: access.Role(role), TTL: time.Hour}
}
