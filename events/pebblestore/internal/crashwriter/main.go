// Command crashwriter appends to an embedded store from many writers and
// logs every acknowledged append outside the store, until it is killed. The
// crash test in package pebblestore kills it with SIGKILL at random moments
// and checks that the store kept every acknowledged event exactly once.
//
// Each writer owns one stream, crash-<w>, and derives its event ids from the
// stream and revision, so a restarted writer continues where the store
// says it stopped. Every acknowledged append becomes one line of the log:
//
//	<stream> <first revision> <id>,<id>,…
//
// written with a single write(2) to a file opened O_APPEND, so a kill
// leaves whole lines only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/pebblestore"
)

func main() {
	dir := flag.String("data", "", "data directory")
	logPath := flag.String("log", "", "file that receives one line per acknowledged append")
	writers := flag.Int("writers", 16, "concurrent writers")
	flag.Parse()
	if err := run(*dir, *logPath, *writers); err != nil {
		fmt.Fprintln(os.Stderr, "crashwriter:", err)
		os.Exit(1)
	}
}

func run(dir, logPath string, writers int) error {
	ackLog, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	store, err := pebblestore.Open(dir, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Println("ready")
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			if err := write(store, ackLog, fmt.Sprintf("crash-%d", w)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// write appends batches of one to three events to stream until an error.
func write(store events.Store, ackLog *os.File, stream string) error {
	ctx := context.Background()
	var expected events.ExpectedRevision = events.NoStream{}
	next := events.Revision(0)
	for e, err := range store.ReadStream(ctx, stream, events.ReadStreamOptions{Direction: events.Backwards, From: events.EndOfStream, Max: 1}) {
		if errors.Is(err, events.ErrStreamNotFound) {
			break
		}
		if err != nil {
			return err
		}
		expected, next = events.Exact(e.Revision), e.Revision+1
	}
	for {
		batch := make([]events.EventData, 1+rand.IntN(3))
		ids := make([]string, len(batch))
		for i := range batch {
			batch[i] = Event(stream, next+events.Revision(i))
			ids[i] = fmt.Sprintf("%x", batch[i].ID[:])
		}
		res, err := store.Append(ctx, stream, expected, batch...)
		if err != nil {
			return fmt.Errorf("append to %s at %d: %w", stream, next, err)
		}
		line := fmt.Sprintf("%s %d %s\n", stream, next, strings.Join(ids, ","))
		if _, err := ackLog.Write([]byte(line)); err != nil {
			return err
		}
		expected, next = events.Exact(res.NextExpected), res.NextExpected+1
	}
}

// Event is the event at revision rev of stream: the same every time, so a
// retry after a crash proposes exactly the same event.
func Event(stream string, rev events.Revision) events.EventData {
	var id events.ID
	copy(id[:], fmt.Sprintf("%-8.8s", stream))
	for b := range 8 {
		id[8+b] = byte(uint64(rev) >> (56 - 8*b))
	}
	id[0] |= 0x80 // never zero
	return events.EventData{
		ID:   id,
		Type: "CrashTested",
		Data: fmt.Appendf(nil, `{"stream":%q,"revision":%d,"padding":"%s"}`, stream, rev, strings.Repeat("x", 200)),
	}
}
