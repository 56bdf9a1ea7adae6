// Command loadtest measures a running palabre over HTTP: throughput and
// latency percentiles of inclusion queries, or of mutations whose answer
// includes the write (read-your-writes). It is a program, not a timed test:
//
//	go run ./integration/loadtest --url http://127.0.0.1:8080 --token plb_… --mode query
//	go run ./integration/loadtest --url http://127.0.0.1:8080 --token plb_… --mode mutation
//
// The token must be an admin's (the mutation mode sets up a space and
// participants first).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "palabre's address")
	token := flag.String("token", os.Getenv("PALABRE_TOKEN"), "an admin token (or PALABRE_TOKEN)")
	mode := flag.String("mode", "query", "query (inclusion views) or mutation (dialogues held)")
	duration := flag.Duration("duration", 10*time.Second, "how long to send")
	workers := flag.Int("concurrency", 32, "requests in flight")
	vary := flag.Bool("vary", false, "query mode: end each range on another day, so that no answer repeats (no answer cache)")
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "loadtest: --token (or PALABRE_TOKEN) is required")
		os.Exit(2)
	}
	c := &client{url: *url + "/graphql", token: *token, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}}
	var work func() error
	switch *mode {
	case "query":
		work = c.inclusionQuery(*vary)
	case "mutation":
		work = c.holdDialogues()
	default:
		fmt.Fprintf(os.Stderr, "loadtest: --mode must be query or mutation, not %q\n", *mode)
		os.Exit(2)
	}
	lat, failures, took := run(work, *workers, *duration)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("mode %s, %d workers, %s: %d requests, %d failed, %.0f requests/s, p50 %s, p99 %s, max %s\n",
		*mode, *workers, took.Round(time.Millisecond), len(lat), failures, float64(len(lat))/took.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))
}

// run calls work from workers goroutines for d and returns each call's
// latency.
func run(work func() error, workers int, d time.Duration) ([]time.Duration, int64, time.Duration) {
	var mu sync.Mutex
	var all []time.Duration
	var failures atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				if err := work(); err != nil {
					if failures.Add(1) <= 3 {
						fmt.Fprintln(os.Stderr, "loadtest:", err)
					}
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, failures.Load(), time.Since(start)
}

type client struct {
	url, token string
	http       *http.Client
}

func (c *client) do(query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(b, &out); err != nil || res.StatusCode != 200 || len(out.Errors) > 0 {
		return nil, fmt.Errorf("%d %.200s", res.StatusCode, b)
	}
	return out.Data, nil
}

func must(data map[string]any, err error) map[string]any {
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	return data
}

// inclusionQuery asks for one space's year by month, cycling over spaces.
func (c *client) inclusionQuery(vary bool) func() error {
	data := must(c.do(`{ spaces(first: 100) { edges { node { id } } } }`, nil))
	var spaces []string
	for _, e := range data["spaces"].(map[string]any)["edges"].([]any) {
		spaces = append(spaces, e.(map[string]any)["node"].(map[string]any)["id"].(string))
	}
	if len(spaces) == 0 {
		fmt.Fprintln(os.Stderr, "loadtest: no spaces; load demo data first (make run)")
		os.Exit(1)
	}
	var n atomic.Uint64
	const q = `query($s: ID!, $to: Date) { inclusion(spaceId: $s, from: "2024-01-01", to: $to, bucket: MONTH) {
	  rows { from figures { dialogues attendance { count } women { count share } youth { count share } } }
	  total { dialogues attendance { count } women { count share } youth { count share } personsWithDisabilities { count } } } }`
	return func() error {
		i := n.Add(1)
		to := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
		if vary {
			to = to.AddDate(0, 0, -int(i/uint64(len(spaces))%300))
		}
		_, err := c.do(q, map[string]any{"s": spaces[i%uint64(len(spaces))], "to": to.Format(time.DateOnly)})
		return err
	}
}

// holdDialogues logs dialogues in a space of its own; each answer is read
// after the read models have seen the write.
func (c *client) holdDialogues() func() error {
	space := ulid.Make().String()
	must(c.do(`mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Load test", kind: OTHER, region: "gao", pillar: INCLUSION, establishedOn: "2025-01-01"}) { id } }`, map[string]any{"c": space}))
	var people []string
	for i := range 20 {
		p := ulid.Make().String()
		must(c.do(`mutation($c: ID!, $code: String!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE, ageBand: AGE_25_35, functioning: {}, displacement: NONE, region: "gao", consent: {given: true, on: "2025-01-01"}}, identity: {name: "Load Test"}) { id } }`,
			map[string]any{"c": p, "code": fmt.Sprintf("LOAD-%d-%s", i, p[20:])}))
		people = append(people, p)
	}
	var n atomic.Uint64
	return func() error {
		i := n.Add(1)
		attendees := []map[string]any{{"participantId": people[i%20]}, {"participantId": people[(i+7)%20], "spoke": true}}
		_, err := c.do(`mutation($c: ID!, $s: ID!, $a: [DialogueAttendeeInput!]) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: "2025-06-01", format: WORKSHOP, pillar: INCLUSION, attendees: $a, headcount: {adultWomen: 3}}) { id figures { attendance { count } } } }`,
			map[string]any{"c": ulid.Make().String(), "s": space, "a": attendees})
		return err
	}
}
