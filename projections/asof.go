package projections

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain/registry"
)

// AsOf builds read models as they stood at past moments of recording — to
// reproduce last year's donor report exactly after later corrections — by
// replaying $all up to that moment into a fresh model. Results are cached
// by model and by the last position they include, so asking again for the
// same moment, or any moment with no event recorded since, costs nothing.
// Models it returns are shared: read them, never Apply to them.
type AsOf struct {
	store events.Store
	size  int

	mu    sync.Mutex
	cache map[asOfKey]Projection
	order []asOfKey // oldest first, for eviction
}

type asOfKey struct {
	name     string
	position events.Position
}

// NewAsOf returns a builder keeping up to size models.
func NewAsOf(store events.Store, size int) *AsOf {
	return &AsOf{store: store, size: max(size, 1), cache: map[asOfKey]Projection{}}
}

// At returns the model made by fresh, fed every event recorded at or before
// at. The context is honoured between events.
func (a *AsOf) At(ctx context.Context, at time.Time, fresh func() Projection) (Projection, error) {
	last, err := a.lastPositionAt(ctx, at)
	if err != nil {
		return nil, err
	}
	model := fresh()
	key := asOfKey{model.Name(), last}
	a.mu.Lock()
	if cached, ok := a.cache[key]; ok {
		a.mu.Unlock()
		return cached, nil
	}
	a.mu.Unlock()
	model.Reset()
	if last != events.Start {
		codec := registry.Codec()
		for rec, err := range a.store.ReadAll(ctx, events.Start, 0) {
			if err != nil {
				return nil, err
			}
			if last.Less(rec.Position) {
				break
			}
			if err := model.Apply(NewEvent(codec, rec)); err != nil {
				return nil, fmt.Errorf("%s as of %s: %w", model.Name(), at.Format(time.RFC3339), err)
			}
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.cache[key]; !ok {
		a.cache[key] = model
		a.order = append(a.order, key)
		if len(a.order) > a.size {
			delete(a.cache, a.order[0])
			a.order = a.order[1:]
		}
	}
	return a.cache[key], nil
}

// lastPositionAt finds the position of the last event recorded at or
// before at (Start when there is none). Recording times follow $all's
// order, so the scan stops at the first later one.
func (a *AsOf) lastPositionAt(ctx context.Context, at time.Time) (events.Position, error) {
	last := events.Start
	for rec, err := range a.store.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			return events.Start, err
		}
		if rec.RecordedAt.After(at) {
			break
		}
		last = rec.Position
	}
	return last, nil
}
