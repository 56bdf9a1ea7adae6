package graphql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/graphql/access"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

// BenchmarkGraphQLInclusion asks, as an analyst, for one space's inclusion
// figures over 12 months by month with 1M synthetic events loaded, through
// the whole HTTP handler: cached (the same query text, parsed and
// validated once) and uncached (a new text every time).
func BenchmarkGraphQLInclusion(b *testing.B) {
	dir := b.TempDir()
	store, err := pebblestore.Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	start := time.Now()
	size := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("PALABRE_BENCH_EVENTS")); err == nil && v > 0 {
		size = v // smaller histories for quick profiles
	}
	n, err := synthetic.Load(context.Background(), store, synthetic.Generate(synthetic.Config{Events: size, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	model := inclusion.New()
	if _, _, err := projections.Replay(context.Background(), store, model); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d events loaded and replayed in %s", n, time.Since(start).Round(time.Second))
	var space string
	for rec, err := range store.ReadAll(context.Background(), events.Start, 1) {
		if err != nil {
			b.Fatal(err)
		}
		space = rec.Stream[len(rec.Stream)-26:]
	}
	tokens, err := access.OpenTokens(dir+"/tokens.json", nil)
	if err != nil {
		b.Fatal(err)
	}
	_, secret, err := tokens.Create(access.NewToken{Role: access.Analyst, TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	runner, err := projections.NewRunner(store, dir+"/projections", nil)
	if err != nil {
		b.Fatal(err)
	}
	api, err := graphql.NewServer(graphql.Deps{Runner: runner, Inclusion: model, Tokens: tokens, Logger: zerolog.Nop()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	query := `query($s: ID!, $to: Date) { inclusion(spaceId: $s, from: "2024-01-01", to: $to, bucket: MONTH) {
	  rows { from to figures { dialogues attendance { count share } women { count share suppressed } youth { count share } personsWithDisabilities { count suppressed } } }
	  total { dialogues attendance { count } women { count share } youth { count share } youngWomen { count } displaced { count suppressed } groups { group count } } } }`
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	ask := func(b *testing.B, q string, to time.Time) {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"s": space, "to": to.Format(time.DateOnly)}})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	// The same answer again: served from the answer cache until a write.
	b.Run("answer-cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ask(b, query, end)
		}
	})
	// Parsed and validated once, executed every time: the range ends on a
	// different day each time, so no answer repeats.
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			ask(b, query, end.AddDate(0, 0, -(i%5000)))
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			ask(b, fmt.Sprintf("%s # %d", query, i), end.AddDate(0, 0, -(i%5000)))
		}
	})
}
