package projections

import (
	"context"
	"fmt"
	"sort"
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
	cache map[asOfKey]pastModel
	order []asOfKey // oldest first, for eviction
	// held is the events fed to the cached models, all together: kept
	// no larger than pastLogs logs, so that past models never hold more
	// memory than pastLogs live models do.
	held int

	// index finds a moment's position without scanning $all from the
	// start: every indexEvery-th event's recording time and position,
	// extended with the log's tail on each use.
	indexMu sync.Mutex
	index   []mark
	indexed events.Position // where the next extension reads from
	seen    int             // events indexed so far
}

// mark is one event of the index.
type mark struct {
	at       time.Time
	position events.Position
}

const indexEvery = 1024

// pastModel is a cached model and how many events made it.
type pastModel struct {
	model Projection
	fed   int
}

type asOfKey struct {
	name     string
	position events.Position
}

// NewAsOf returns a builder keeping up to size models.
func NewAsOf(store events.Store, size int) *AsOf {
	return &AsOf{store: store, size: max(size, 1), cache: map[asOfKey]pastModel{}}
}

// At returns the model made by fresh, fed every event recorded at or before
// at. The context is honoured between events. admit, when not nil, is
// asked before a model is replayed (not when it is cached); its error is
// returned as it is, so a caller can bound how many replays one client
// may cause.
func (a *AsOf) At(ctx context.Context, at time.Time, fresh func() Projection, admit func() error) (Projection, error) {
	last, err := a.lastPositionAt(ctx, at)
	if err != nil {
		return nil, err
	}
	model := fresh()
	key := asOfKey{model.Name(), last}
	a.mu.Lock()
	if cached, ok := a.cache[key]; ok {
		a.mu.Unlock()
		return cached.model, nil
	}
	a.mu.Unlock()
	if admit != nil {
		if err := admit(); err != nil {
			return nil, err
		}
	}
	model.Reset()
	beginBatch(model)
	fed := 0
	if last != events.Start {
		codec := registry.Codec()
		for rec, err := range a.store.ReadAll(ctx, events.Start, 0) {
			if err != nil {
				return nil, err
			}
			if last.Less(rec.Position) {
				break
			}
			if err := apply(model, NewEvent(codec, rec)); err != nil {
				return nil, fmt.Errorf("%s as of %s: %w", model.Name(), at.Format(time.RFC3339), err)
			}
			fed++
		}
	}
	endBatch(model)
	return a.keep(key, pastModel{model, fed}), nil
}

// pastLogs bounds the events the cached past models hold, in logs: three
// moments compared side by side (a report before and after a correction,
// and now) stay cached, and a tool asking many moments near the log's end
// cannot make the server hold many copies of its read models.
const pastLogs = 3

// keep caches a model, evicting the oldest while there are more than
// size or they hold more events than pastLogs logs, and returns the cached one
// (another request may have made it first).
func (a *AsOf) keep(key asOfKey, m pastModel) Projection {
	a.indexMu.Lock()
	logSize := a.seen
	a.indexMu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	if cached, ok := a.cache[key]; ok {
		return cached.model
	}
	a.cache[key] = m
	a.order = append(a.order, key)
	a.held += m.fed
	for len(a.order) > a.size || len(a.order) > 1 && a.held > pastLogs*max(logSize, m.fed) {
		a.held -= a.cache[a.order[0]].fed
		delete(a.cache, a.order[0])
		a.order = a.order[1:]
	}
	return m.model
}

// PositionAt is the position of the last event recorded at or before at
// (Start when there is none).
func (a *AsOf) PositionAt(ctx context.Context, at time.Time) (events.Position, error) {
	return a.lastPositionAt(ctx, at)
}

// lastPositionAt finds the position of the last event recorded at or
// before at (Start when there is none). Recording times follow $all's
// order, so the index narrows the search to indexEvery events.
func (a *AsOf) lastPositionAt(ctx context.Context, at time.Time) (events.Position, error) {
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	if err := a.extendIndex(ctx); err != nil {
		return events.Start, err
	}
	// The first mark recorded after at; the answer is before it.
	i := sort.Search(len(a.index), func(i int) bool { return a.index[i].at.After(at) })
	if i == 0 {
		return events.Start, nil
	}
	last := a.index[i-1].position
	for rec, err := range a.store.ReadAll(ctx, last, indexEvery+1) {
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

// extendIndex reads the events recorded since it last ran; indexMu is
// held.
func (a *AsOf) extendIndex(ctx context.Context) error {
	from := a.indexed
	for rec, err := range a.store.ReadAll(ctx, from, 0) {
		if err != nil {
			return err
		}
		if a.seen > 0 && rec.Position == from {
			continue // from is the last event already indexed
		}
		if a.seen%indexEvery == 0 {
			a.index = append(a.index, mark{rec.RecordedAt, rec.Position})
		}
		a.seen++
		a.indexed = rec.Position
	}
	return nil
}
