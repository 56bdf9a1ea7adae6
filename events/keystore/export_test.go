package keystore

import (
	"context"

	"github.com/palabre/palabre/events/domain"
)

// KeyOf exposes a participant's raw key to this package's tests, which
// prove it never reaches the disk in clear and is gone after erasure.
func (s *Store) KeyOf(id domain.ID) ([]byte, error) { return s.key(context.Background(), id, false) }
