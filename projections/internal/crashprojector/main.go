// Command crashprojector appends synthetic history to a store while a
// projection runner follows it and snapshots often, until it is killed.
// The crash test in package projections kills it with SIGKILL at random
// moments — between appends, applies and checkpoints — and checks that the
// recovered read models equal a full replay.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/events/synthetic"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/stakeholders"
)

func main() {
	dir := flag.String("data", "", "data directory")
	seed := flag.Uint64("seed", 1, "seed of the synthetic history to append")
	flag.Parse()
	if err := run(*dir, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "crashprojector:", err)
		os.Exit(1)
	}
}

func run(dir string, seed uint64) error {
	store, err := pebblestore.Open(dir, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	runner, err := projections.NewRunner(store, filepath.Join(dir, "snapshots"), &projections.Options{SnapshotEvery: 37, SnapshotInterval: -1},
		inclusion.New(), commitments.New(time.Now), stakeholders.New())
	if err != nil {
		return err
	}
	ctx := context.Background()
	go runner.Run(ctx)
	// Append until killed: each history has new ids, so histories never
	// collide across runs.
	for ; ; seed += 1000 {
		if _, err := synthetic.Load(ctx, store, synthetic.Generate(synthetic.Config{Events: 2000, Seed: seed})); err != nil {
			return err
		}
	}
}
