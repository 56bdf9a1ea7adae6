package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/jetstore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// readingNode is one palabre node of a cluster in this process: its
// JetStream node, a store on it, its own read models and runner, and its
// API over HTTP.
type readingNode struct {
	url    string
	runner *projections.Runner
	tokens *access.Tokens
	model  *inclusion.Model
}

// BenchmarkGraphQLReadsOnOneTwoThreeNodes loads a synthetic history into
// a three-node cluster (one replicated log; each node replays it into
// read models of its own), then sends a fixed mix of reads — an analyst's
// inclusion view of one space over a year by month, a Gao facilitator's
// dialogue list — from 32 clients, spread over the first 1, 2 and 3
// nodes. Every answer is executed (no two requests of a client repeat
// their variables, so the answer cache does not serve them). The nodes,
// the clients and the log share this process and its cores: on one
// machine it measures what the nodes cost, not what separate machines
// add. PALABRE_BENCH_EVENTS sets the history's size (default 100,000).
// Run it with -benchtime Nx: N requests per count of nodes.
func BenchmarkGraphQLReadsOnOneTwoThreeNodes(b *testing.B) {
	size := 100_000
	if v, err := strconv.Atoi(os.Getenv("PALABRE_BENCH_EVENTS")); err == nil && v > 0 {
		size = v
	}
	stores := clusterStores(b)
	start := time.Now()
	n, err := synthetic.Load(context.Background(), stores[0], synthetic.Generate(synthetic.Config{Events: size, Seed: 1, Unnamed: true}))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d events appended through node 1 in %s", n, time.Since(start).Round(time.Millisecond))
	nodes := make([]*readingNode, len(stores))
	for i, s := range stores {
		nodes[i] = startReadingNode(b, s)
	}
	waitUntilEveryNodeHasReplayed(b, nodes)
	b.Logf("every node's read models caught up %s after the load began", time.Since(start).Round(time.Millisecond))
	mix := newReadMix(b, nodes)
	for count := 1; count <= len(nodes); count++ {
		b.Run(fmt.Sprintf("nodes=%d", count), func(b *testing.B) {
			mix.run(b, nodes[:count], 32)
		})
	}
}

// clusterStores starts three routed JetStream nodes in temporary
// directories and opens a store of three replicas on each.
func clusterStores(b *testing.B) []events.Store {
	b.Helper()
	addrs := make([]string, 3)
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		addrs[i] = l.Addr().String()
		l.Close()
	}
	nodes := make([]*jetstore.Node, len(addrs))
	for i := range addrs {
		node, err := jetstore.StartNode(jetstore.NodeConfig{Name: fmt.Sprintf("n%d", i+1), DataDir: filepath.Join(b.TempDir(), "nats"),
			Listen: addrs[i], Peers: addrs, RouteSecret: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(node.Shutdown)
		nodes[i] = node
	}
	// Only once every node runs has the cluster a majority to elect from.
	stores := make([]events.Store, len(nodes))
	for i, node := range nodes {
		nc, err := node.Connect()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(nc.Close)
		stores[i] = openWithin(b, func(ctx context.Context) (*jetstore.Store, error) {
			return jetstore.Open(ctx, nc, jetstore.Options{Replicas: 3})
		})
	}
	return stores
}

func openWithin(b *testing.B, open func(context.Context) (*jetstore.Store, error)) *jetstore.Store {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// startReadingNode gives a store its own read models, runner, shared
// tokens and API, served over loopback HTTP.
func startReadingNode(b *testing.B, store events.Store) *readingNode {
	b.Helper()
	clock := func() time.Time { return today }
	inc, com, sta, par := inclusion.NewKeyed([]byte("benchmark secret")), commitments.New(clock), stakeholders.New(), participants.New(nil)
	runner, err := projections.NewRunner(store, filepath.Join(b.TempDir(), "projections"), nil, inc, com, sta, par)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { runner.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
	tokens, err := access.NewTokens(context.Background(), access.NewLogKeeper(store, time.Second), time.Now, refdata.Default()) // a fixed clock would never read the tokens again
	if err != nil {
		b.Fatal(err)
	}
	api, err := graphql.NewServer(graphql.Deps{Runner: runner, Inclusion: inc, Commitments: com, Stakeholders: sta, Participants: par,
		Tokens: tokens, Logger: zerolog.Nop(), Clock: clock}, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api)
	b.Cleanup(srv.Close)
	return &readingNode{url: srv.URL + "/graphql", runner: runner, tokens: tokens, model: inc}
}

// waitUntilEveryNodeHasReplayed waits until node 1's read models have
// caught up with the log, then until every node has applied as much.
func waitUntilEveryNodeHasReplayed(b *testing.B, nodes []*readingNode) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var end events.Position
	for {
		caughtUp := true
		for _, s := range nodes[0].runner.Status() {
			caughtUp = caughtUp && s.CaughtUp
			if end.Less(s.Position) {
				end = s.Position
			}
		}
		if caughtUp {
			break
		}
		if ctx.Err() != nil {
			b.Fatal("node 1's read models did not catch up within 10 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i, n := range nodes {
		if err := n.runner.WaitFor(ctx, end); err != nil {
			b.Fatalf("node %d: %v", i+1, err)
		}
	}
}

// readMix is the fixed mix of reads: even requests an analyst's view of
// one space, odd ones a Gao facilitator's list of dialogues; each client
// has its own token (one token's requests execute one at a time per node).
type readMix struct {
	spaces               []string
	analysts, gaoFacil   []string
	next                 atomic.Uint64
	clients              *http.Client
	inclusion, dialogues string
}

func newReadMix(b *testing.B, nodes []*readingNode) *readMix {
	b.Helper()
	first := nodes[0]
	m := &readMix{clients: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for _, sp := range first.model.Spaces("") {
		m.spaces = append(m.spaces, sp.ID.String())
	}
	if len(m.spaces) == 0 {
		b.Fatal("no space in the history")
	}
	for range 32 {
		m.analysts = append(m.analysts, benchToken(b, first.tokens, access.Analyst))
		m.gaoFacil = append(m.gaoFacil, benchToken(b, first.tokens, access.Facilitator, "gao"))
	}
	m.inclusion = `query($s: ID!, $to: Date) { inclusion(spaceId: $s, from: "2024-01-01", to: $to, bucket: MONTH) {
	  rows { from figures { dialogues attendance { count share } women { count share } youth { count share } } }
	  total { dialogues attendance { count } women { count share } youth { count share } personsWithDisabilities { count } } } }`
	m.dialogues = `query($to: Date) { dialogues(first: 20, to: $to) { edges { node { id heldOn format pillar space { id name } figures { attendance { count } } } } pageInfo { hasNextPage endCursor } } }`
	// Tokens are shared through the log: each node learns of them when it
	// next reads the log's tokens.
	for _, n := range nodes {
		for _, token := range slices.Concat(m.analysts, m.gaoFacil) {
			m.awaitToken(b, n.url, token)
		}
	}
	return m
}

// awaitToken waits until a node accepts token.
func (m *readMix) awaitToken(b *testing.B, url, token string) {
	b.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		err := m.post(url, token, `{ __typename }`, nil)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("a token made on node 1 is refused on %s after a minute: %v", url, err)
		}
	}
}

func benchToken(b *testing.B, tokens *access.Tokens, role access.Role, regions ...string) string {
	b.Helper()
	_, secret, err := tokens.Create(context.Background(), access.NewToken{Role: role, Regions: regions, TTL: 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	return secret
}

// run sends b.N requests of the mix from workers clients, client i to
// node i mod len(nodes), and reports requests/s and latency percentiles.
func (m *readMix) run(b *testing.B, nodes []*readingNode, workers int) {
	var left atomic.Int64
	left.Store(int64(b.N))
	lat := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range workers {
		url := nodes[w%len(nodes)].url
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				t := time.Now()
				if err := m.ask(url, w); err != nil {
					b.Error(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Sorted(slices.Values(slices.Concat(lat...)))
	if len(all) == 0 {
		return
	}
	at := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "requests/s")
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// ask sends client w's next request of the mix; the i-th ends its range
// on another day than the previous ones, so no answer is repeated.
func (m *readMix) ask(url string, w int) error {
	i := m.next.Add(1)
	to := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -int(i/2%600)).Format(time.DateOnly)
	token, query, vars := m.gaoFacil[w], m.dialogues, map[string]any{"to": to}
	if i%2 == 0 {
		token, query, vars = m.analysts[w], m.inclusion, map[string]any{"s": m.spaces[int(i/2)%len(m.spaces)], "to": to}
	}
	return m.post(url, token, query, vars)
}

// post sends a query and fails unless it is answered without error.
func (m *readMix) post(url, token, query string, vars map[string]any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := m.clients.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(answer, []byte(`"errors"`)) {
		return fmt.Errorf("%d %.300s", res.StatusCode, answer)
	}
	return nil
}
