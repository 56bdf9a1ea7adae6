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

	"github.com/palabre/palabre/events/domain/refdata"
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
	model := inclusion.NewKeyed([]byte("benchmark secret"))
	if _, _, err := projections.Replay(context.Background(), store, model); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d events loaded and replayed in %s", n, time.Since(start).Round(time.Second))
	spaces := model.Spaces("")
	if len(spaces) == 0 {
		b.Fatal("no space in the history")
	}
	space := spaces[0].ID.String()
	tokens, err := access.OpenTokens(dir+"/tokens.json", nil, refdata.Default())
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
	query := `query($s: ID!, $from: Date, $to: Date) { inclusion(spaceId: $s, from: $from, to: $to, bucket: MONTH) {
	  rows { from to figures { dialogues attendance { count share } women { count share suppressed } youth { count share } personsWithDisabilities { count suppressed } } }
	  total { dialogues attendance { count } women { count share } youth { count share } youngWomen { count } displaced { count suppressed } groups { group count } } } }`
	first, end := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	// The i-th range: a year, give or take, never the same twice in
	// 18,000 asks.
	rangeOf := func(i int) (time.Time, time.Time) {
		return first.AddDate(0, 0, (i/300)%60), end.AddDate(0, 0, -(i % 300))
	}
	ask := func(b *testing.B, q string, from, to time.Time) {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"s": space, "from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code != 200 || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) || !bytes.Contains(rec.Body.Bytes(), []byte(`"rows":[{`)) {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	// The same answer again: served from the answer cache until a write.
	b.Run("answer-cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ask(b, query, first, end)
		}
	})
	// Parsed and validated once, executed every time: the range differs
	// each time, so no answer repeats.
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			from, to := rangeOf(i)
			ask(b, query, from, to)
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			from, to := rangeOf(i)
			ask(b, fmt.Sprintf("%s # %d", query, i), from, to)
		}
	})
}
