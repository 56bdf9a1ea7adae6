package projections

import (
	"context"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/registry"
)

// batchSize is how many events are read and decoded at a time while
// catching up: one hand-off between goroutines per batch, not per event.
const batchSize = 512

// batch is decoded events in $all order, or a mark: caughtUp once every
// event recorded so far has been sent, err when the feed ends on an error.
type batch struct {
	events   []Event
	caughtUp bool
	err      error
}

// feed sends $all after position after, each event decoded once, in
// batches. It catches up a page at a time with ReadAll; at the first short
// page it stops, or, if follow, continues from a subscription one event per
// batch, so a live write is never held back to fill a batch. It closes out
// when done or when ctx ends.
func feed(ctx context.Context, store events.Store, after events.Position, follow bool, out chan<- batch) {
	defer close(out)
	send := func(b batch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	codec := registry.Codec()
	// Pages are decoded on their own goroutines while the next page is
	// read, and sent in order: reading, decoding and applying overlap.
	decoded := make(chan chan batch, 2)
	go func(after events.Position) {
		defer close(decoded)
		for {
			records := make([]events.RecordedEvent, 0, batchSize)
			read := 0
			// ReadAll starts at its position inclusive: ask for one more
			// and skip what was already sent.
			for rec, err := range store.ReadAll(ctx, after, batchSize+1) {
				if err != nil {
					done := make(chan batch, 1)
					done <- batch{err: err}
					decoded <- done
					return
				}
				read++
				if after.Less(rec.Position) {
					records = append(records, rec)
				}
			}
			if len(records) > 0 {
				after = records[len(records)-1].Position
				done := make(chan batch, 1)
				go func() {
					page := make([]Event, len(records))
					for i, rec := range records {
						page[i] = NewEvent(codec, rec)
					}
					done <- batch{events: page}
				}()
				select {
				case decoded <- done:
				case <-ctx.Done():
					return
				}
			}
			if read <= batchSize {
				return
			}
		}
	}(after)
	for done := range decoded {
		b := <-done
		if !send(b) || b.err != nil {
			for range decoded { // let the reader stop
			}
			return
		}
		after = b.events[len(b.events)-1].Record.Position
	}
	if !follow {
		return
	}
	sub, err := store.SubscribeAll(ctx, events.SubscribeOptions{From: after})
	if err != nil {
		send(batch{err: err})
		return
	}
	defer sub.Close()
	for {
		m, err := sub.Next()
		var b batch
		switch {
		case err != nil:
			b.err = err
		case m.CaughtUp:
			b.caughtUp = true
		default:
			b.events = []Event{NewEvent(codec, *m.Event)}
		}
		if !send(b) || err != nil {
			return
		}
	}
}
