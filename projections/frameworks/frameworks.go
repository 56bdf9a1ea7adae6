package frameworks

import (
	"encoding/json"
	"io"
	"slices"
	"sync"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/projections"
)

// Framework is one programme's results framework. Its lists are shared
// with the model, which never changes them in place (Evolve replaces
// them): callers must not modify them.
type Framework struct {
	ID domain.ID `json:"id"`
	framework.State
}

// Model is the frameworks' read model; it implements
// projections.Projection.
type Model struct {
	mu         sync.RWMutex
	frameworks map[domain.ID]*Framework
}

var _ projections.Projection = (*Model)(nil)

// New returns an empty model.
func New() *Model {
	m := &Model{}
	m.Reset()
	return m
}

func (m *Model) Name() string { return "frameworks" }
func (m *Model) Version() int { return 1 }

func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frameworks = map[domain.ID]*Framework{}
}

// Blank is an empty model of the same kind, for a view as of a past
// moment.
func (m *Model) Blank() *Model { return New() }

// Apply implements projections.Projection.
func (m *Model) Apply(ev projections.Event) error {
	if ev.Err != nil {
		return ev.Err
	}
	e, ok := ev.Domain.(framework.Event)
	if !ok {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.frameworks[ev.AggregateID]
	if f == nil {
		f = &Framework{ID: ev.AggregateID}
		m.frameworks[ev.AggregateID] = f
	}
	f.State = framework.Evolve(f.State, e)
	return nil
}

// Get returns one framework, if defined.
func (m *Model) Get(id domain.ID) (Framework, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	f, ok := m.frameworks[id]
	if !ok || !f.Exists {
		return Framework{}, false
	}
	return *f, true
}

// List returns every framework, oldest first (by id).
func (m *Model) List() []Framework {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Framework, 0, len(m.frameworks))
	for _, f := range m.frameworks {
		if f.Exists {
			out = append(out, *f)
		}
	}
	slices.SortFunc(out, func(a, b Framework) int { return a.ID.Compare(b.ID) })
	return out
}

// Snapshot writes every framework in id order, so equal models give equal
// bytes.
func (m *Model) Snapshot(w io.Writer) error {
	return json.NewEncoder(w).Encode(m.List())
}

// Restore replaces the model with a snapshot's.
func (m *Model) Restore(r io.Reader) error {
	var list []Framework
	if err := json.NewDecoder(r).Decode(&list); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frameworks = make(map[domain.ID]*Framework, len(list))
	for i := range list {
		m.frameworks[list[i].ID] = &list[i]
	}
	return nil
}
