package inclusion

import (
	"runtime"
	"slices"
	"sync"
)

// A replay into an empty model (a first start, a rebuild, a past view)
// applies the whole log before anything is read. Applied one by one,
// events keep every figure current: a dialogue is counted and its cell
// republished when it is held, again at each correction, and again
// whenever one of its attendees' profiles is corrected; its space's list
// takes it in date order. In a batch, events only record what they say,
// and EndBatch then counts each dialogue once, sorts the lists and fills
// the base table, as a restore does. A rebuild at a million events spent
// most of its time on that repeated work.

// BeginBatch implements projections.Batcher: an empty model defers its
// counting until EndBatch, or until it is first read. A model that holds
// dialogues already applies events one by one, as always.
func (m *Model) BeginBatch() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batching = m.records.len() == 0
}

// EndBatch implements projections.Batcher.
func (m *Model) EndBatch() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.endBatch()
}

// readLock takes the read lock once a batch's deferred work is done: a
// read in the middle of a batch is slower, never wrong.
func (m *Model) readLock() {
	m.mu.RLock()
	if !m.batching {
		return
	}
	m.mu.RUnlock()
	m.mu.Lock()
	m.endBatch()
	m.mu.Unlock()
	m.mu.RLock()
}

// endBatch counts every dialogue, sorts the spaces' lists and fills the
// base table. m.mu is held.
func (m *Model) endBatch() {
	if !m.batching {
		return
	}
	m.batching = false
	// Sorting the lists and filling the base table read nothing that
	// counting writes (a record's share): they run beside it, so that no
	// core waits for the other at the end of a batch.
	m.restoring = true // cells are published once, below
	var beside sync.WaitGroup
	beside.Go(func() {
		m.sortLists()
		m.fillBase()
	})
	m.countAll()
	beside.Wait()
	m.restoring = false
	m.republishAll()
}

// fillBase enters every dialogue not retracted (those the spaces' lists
// hold) into its base cell, its counts known, as a restore and a batch's
// end do (m.restoring, so no cell is published yet). It goes space by
// space: each dialogue finds its space's months, and its month's cells,
// where the one before found them, in the cache. In the records' order,
// the spaces came at random, and a restart at 6M events spent seconds on
// those lookups. The lists must not be sorted meanwhile. m.mu is held.
func (m *Model) fillBase() {
	for _, list := range m.bySpace {
		for _, e := range list {
			d := m.records.at(e.index)
			m.enterBase(d, 1)
			d.inBase = true
		}
	}
}

// sortLists puts every space's list in date order, after a batch or a
// restore appended to them. m.mu is held.
func (m *Model) sortLists() {
	for _, list := range m.bySpace {
		slices.SortFunc(list, func(a, b dated) int {
			if m.datedBefore(a, b) {
				return -1
			}
			return 1
		})
	}
}

// countAll counts every dialogue, retracted ones too (a snapshot holds
// every dialogue's counts, and must be the same bytes however the model
// was made), on every core: counting only reads the model. The groups'
// counts go into the words arena after, one goroutine putting them: each
// counting goroutine lists them in words of its own.
// m.mu is held.
func (m *Model) countAll() {
	type groupsOf struct{ index, from, to uint32 }
	type found struct {
		groups []groupsOf
		words  []uint32
	}
	n, workers := uint32(m.records.len()), uint32(runtime.GOMAXPROCS(0))
	parts := make([]found, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var r counting
			f := &parts[w]
			for i := n * w / workers; i < n*(w+1)/workers; i++ {
				d := m.records.at(i)
				c, k := m.count(d, &r)
				d.share = measuresOf32(&c, &k)
				from := uint32(len(f.words))
				if f.words = appendGroupWords(f.words, &c, &k); uint32(len(f.words)) > from {
					f.groups = append(f.groups, groupsOf{i, from, uint32(len(f.words))})
				}
			}
		})
	}
	wg.Wait()
	for _, f := range parts {
		for _, g := range f.groups {
			m.records.at(g.index).share.groups = m.words.Put(f.words[g.from:g.to])
		}
	}
}
