package keystore

import (
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/durable"
)

// batch is new keys made durable together: an import enrolling 20,000
// newcomers side by side shares its syncs instead of waiting for two per
// person, one after the other.
type batch struct {
	files []durable.File
	ids   []domain.ID
	done  bool
	err   error
}

// gather adds a new key to the batch being gathered. s.mu is held.
func (s *Store) gather(id domain.ID, wrapped []byte) *batch {
	if s.gathering == nil {
		s.gathering = &batch{}
	}
	b := s.gathering
	b.files = append(b.files, durable.File{Path: s.path(id), Data: wrapped})
	b.ids = append(b.ids, id)
	s.making[id] = b
	return b
}

// commit returns once b is durable, or failed: one caller at a time
// writes the batch gathered so far while the next one gathers, so that
// keys made at once share one directory sync.
func (s *Store) commit(b *batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !b.done {
		if s.syncing {
			s.synced.Wait()
			continue
		}
		next := s.gathering // b, since it is neither done nor syncing
		s.gathering, s.syncing = nil, true
		s.mu.Unlock()
		err := durable.WriteFiles(next.files)
		s.mu.Lock()
		next.done, next.err, s.syncing = true, err, false
		for _, id := range next.ids {
			delete(s.making, id)
		}
		s.synced.Broadcast()
	}
	return b.err
}

// awaitMade waits while a key of id is being made, so that it is read,
// made or forgotten only once it is durable or failed. s.mu is held.
func (s *Store) awaitMade(id domain.ID) {
	for s.making[id] != nil {
		s.synced.Wait()
	}
}
