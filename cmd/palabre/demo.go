package main

import (
	"context"
	"fmt"
	"time"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
)

// demo loads a realistic synthetic history into an empty data directory.
func (m *Main) demo(ctx context.Context, args []string) error {
	f := m.flags("demo")
	dataFlag := f.string("data", "./palabre-data", "data directory (must hold no events yet)")
	n := f.int("events", 20_000, "about how many events to generate")
	seed := f.int("seed", 1, "generator seed: the same seed gives the same history")
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if *n < 100 || *n > 5_000_000 {
		f.problem("events", "must be between 100 and 5,000,000, not %d", *n)
	}
	if err := f.err(); err != nil {
		return err
	}
	// The demo's history is recorded as of the end of last month: the
	// donor report, whose figures are those recorded at the start of its
	// month, shows it from the first run.
	recorded := read.MonthStart(time.Now()).Add(-time.Hour)
	d, err := m.openStoreWith(dir, "embedded", "", func() (events.Store, embeddedStore, error) {
		s, err := pebblestore.Open(dir, &pebblestore.Options{Clock: func() time.Time { return recorded }})
		return s, s, err
	})
	if err != nil {
		return err
	}
	for _, err := range d.store.ReadAll(ctx, events.Start, 1) {
		if err != nil {
			return err
		}
		return fmt.Errorf("--data (PALABRE_DATA): %s already holds events; demo data goes into an empty data directory", dir)
	}
	start := time.Now()
	// The master key before the first event: made after, it would be a
	// new key for a record (refuseANewKeyForARecord).
	if _, err := m.masterKey(ctx, d, m.logger("auto")); err != nil {
		return err
	}
	// Two years up to today, so that this month's dashboards are not empty.
	from := domain.DateOf(time.Now().AddDate(-2, 0, 1))
	loaded, err := synthetic.Load(ctx, d.store, synthetic.Generate(synthetic.Config{Events: *n, Seed: uint64(*seed), Start: from, Months: 24, Unnamed: true}))
	if err != nil {
		return err
	}
	harvested, err := m.loadDemoOutcomes(ctx, d)
	if err != nil {
		return err
	}
	if err := demoFramework(ctx, d.store, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "loaded %d demo events, %d outcomes and a results framework into %s in %s (participants' names are not part of the demo)\n", loaded, harvested, dir, time.Since(start).Round(time.Millisecond))
	return nil
}
