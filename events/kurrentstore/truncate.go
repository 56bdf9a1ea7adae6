package kurrentstore

import (
	"context"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/palabre/palabre/events"
)

// TruncateBefore drops stream's events before revision before: its
// metadata's truncate-before ($tb), so that reads start at it at once,
// and the events leave each node's chunk files at its next scavenge. It
// is for the nodes' own streams whose later events sum up the earlier
// (the tokens' snapshots); it replaces any other metadata of the stream.
func (s *Store) TruncateBefore(ctx context.Context, stream string, before events.Revision) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	var m esdb.StreamMetadata
	m.SetTruncateBefore(uint64(before))
	if _, err := s.client.SetStreamMetadata(ctx, stream, esdb.AppendToStreamOptions{}, m); err != nil {
		return translate(ctx, fmt.Errorf("truncate %s before %d", stream, before), err)
	}
	return nil
}
