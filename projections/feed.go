package projections

import (
	"context"
	"iter"
	"strings"
	"sync/atomic"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/registry"
)

// batchSize is how many events are read and decoded at a time while
// catching up: one hand-off between goroutines per batch, not per event.
const batchSize = 512

// page is decoded events in $all order, or a mark: caughtUp once every
// event recorded so far has been sent, err when the feed ends on an error.
// Every lane reads the same page and none writes to it; the last to
// release it gives it back to the feed to fill again, so a rebuild does
// not allocate a page per batch.
type page struct {
	events   []Event
	caughtUp bool
	err      error
	// bytes holds the events' Data and Metadata when the store lends what
	// it reads: copied here, they cost no allocation once the page is
	// reused.
	bytes []byte

	readers atomic.Int32 // lanes that have not released it yet
	pool    *pagePool    // where it goes back; nil for a mark
}

// share sets how many readers must release the page before it is reused.
func (p *page) share(readers int) { p.readers.Store(int32(readers)) }

// release says one reader is done with the page; the last gives it back.
func (p *page) release() {
	if p.pool != nil && p.readers.Add(-1) <= 0 {
		p.pool.put(p)
	}
}

// pagePool keeps pages released by every reader for the feed to refill.
// It holds a few: the feed is never more than a few pages ahead of the
// slowest lane.
type pagePool struct{ free chan *page }

func newPagePool() *pagePool { return &pagePool{free: make(chan *page, 16)} }

func (pp *pagePool) get() *page {
	select {
	case p := <-pp.free:
		return p
	default:
		return &page{events: make([]Event, 0, batchSize), pool: pp}
	}
}

func (pp *pagePool) put(p *page) {
	clear(p.events) // drop the events' data: a pooled page holds nothing
	p.events, p.bytes = p.events[:0], p.bytes[:0]
	select {
	case pp.free <- p:
	default:
	}
}

// feed sends $all after position after, each event decoded once, in
// pages. It catches up a page at a time with ReadAll; at the first short
// page it stops, or, if follow, continues from a subscription one event per
// page, so a live write is never held back to fill a page. It closes out
// when done or when ctx ends.
func feed(ctx context.Context, store events.Store, after events.Position, follow bool, out chan<- *page) {
	defer close(out)
	send := func(p *page) bool {
		select {
		case out <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	pool := newPagePool()
	// Pages are decoded on their own goroutines while the next page is
	// read, and sent in order: reading, decoding and applying overlap.
	decoded := make(chan chan *page, 2)
	go readPages(ctx, store, after, pool, decoded)
	for done := range decoded {
		p := <-done
		if p.err == nil {
			after = p.events[len(p.events)-1].Record.Position
		}
		if !send(p) || p.err != nil {
			for range decoded { // let the reader stop
			}
			return
		}
	}
	if !follow {
		return
	}
	sub, err := store.SubscribeAll(ctx, events.SubscribeOptions{From: after})
	if err != nil {
		send(&page{err: err})
		return
	}
	defer sub.Close()
	codec := registry.Codec()
	for {
		m, err := sub.Next()
		p := &page{err: err}
		switch {
		case err != nil:
		case m.CaughtUp:
			p.caughtUp = true
		default:
			p = pool.get()
			p.events = append(p.events, NewEvent(codec, *m.Event))
		}
		if !send(p) || err != nil {
			return
		}
	}
}

// lender is a store that can lend the events it reads, valid until it
// yields the next (pebblestore's): the feed copies them into its pages
// instead of the store allocating each.
type lender interface {
	ReadAllLent(ctx context.Context, from events.Position, max int) iter.Seq2[events.RecordedEvent, error]
}

// readPages reads $all after position after a page at a time until a
// short page, handing each to a goroutine that decodes it in place; the
// pages come out of decoded in order. It closes decoded when done.
func readPages(ctx context.Context, store events.Store, after events.Position, pool *pagePool, decoded chan<- chan *page) {
	defer close(decoded)
	codec := registry.Codec()
	read, keep := store.ReadAll, func(_ *page, rec events.RecordedEvent) events.RecordedEvent { return rec }
	if l, ok := store.(lender); ok {
		types := map[string]string{}
		read, keep = l.ReadAllLent, func(p *page, rec events.RecordedEvent) events.RecordedEvent { return p.keep(rec, types) }
	}
	for {
		p := pool.get()
		n := 0
		// ReadAll starts at its position inclusive: ask for one more
		// and skip what was already sent.
		for rec, err := range read(ctx, after, batchSize+1) {
			if err != nil {
				done := make(chan *page, 1)
				done <- &page{err: err}
				decoded <- done
				return
			}
			n++
			if after.Less(rec.Position) {
				p.events = append(p.events, Event{Record: keep(p, rec)})
			}
		}
		if len(p.events) > 0 {
			after = p.events[len(p.events)-1].Record.Position
			done := make(chan *page, 1)
			go func() {
				for i := range p.events {
					p.events[i] = NewEvent(codec, p.events[i].Record)
				}
				done <- p
			}()
			select {
			case decoded <- done:
			case <-ctx.Done():
				return
			}
		}
		if n <= batchSize {
			return
		}
	}
}

// maxTypesKept bounds the event types whose names a feed keeps one copy of.
const maxTypesKept = 4096

// keep copies what a lent event points to: its Data and Metadata into
// the page's bytes, its stream's name into a string of its own, and its
// type as the one string kept for that type.
func (p *page) keep(rec events.RecordedEvent, types map[string]string) events.RecordedEvent {
	// Appending may move bytes: events already on the page keep the
	// old array, which lives as long as they do.
	at := len(p.bytes)
	p.bytes = append(p.bytes, rec.Data...)
	p.bytes = append(p.bytes, rec.Metadata...)
	data := p.bytes[at : at+len(rec.Data) : at+len(rec.Data)]
	metadata := p.bytes[at+len(rec.Data) : len(p.bytes) : len(p.bytes)]
	rec.Data, rec.Metadata = nil, nil
	if len(data) > 0 {
		rec.Data = data
	}
	if len(metadata) > 0 {
		rec.Metadata = metadata
	}
	typ, ok := types[rec.Type]
	if !ok {
		typ = strings.Clone(rec.Type)
		if len(types) < maxTypesKept { // a log's types are a few dozen
			types[typ] = typ
		}
	}
	rec.Stream, rec.Type = strings.Clone(rec.Stream), typ
	return rec
}
