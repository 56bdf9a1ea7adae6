package jetstore_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
)

// A stream read from the middle finds where to start by bisecting the
// store's sequences; other streams' events between its own once made the
// bisection stop moving (the next event of the stream at or after the
// middle was the upper bound itself), and the read spun until its
// context ended: a shared tokens read that never answered.
func TestReadFromTheMiddleOfAStreamInterleavedWithOthers(t *testing.T) {
	s := openStore(t, startCluster(t, 1)[0], 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	appendOne := func(stream string) {
		t.Helper()
		e := events.EventData{Type: "Noted", Data: []byte(`{}`)}
		rand.Read(e.ID[:])
		if _, err := s.Append(ctx, stream, events.Any{}, e); err != nil {
			t.Fatal(err)
		}
	}
	// Sequences 1-2: mine@0, mine@1; 3-5: others; 6-7: mine@2, mine@3.
	for _, stream := range []string{"mine", "mine", "other-a", "other-b", "other-c", "mine", "mine"} {
		appendOne(stream)
	}
	read, cancelRead := context.WithTimeout(ctx, 5*time.Second)
	defer cancelRead()
	var revs []events.Revision
	for e, err := range s.ReadStream(read, "mine", events.ReadStreamOptions{From: 1}) {
		if err != nil {
			t.Fatalf("read mine from revision 1 after %v: %v", revs, err)
		}
		revs = append(revs, e.Revision)
	}
	if len(revs) != 3 || revs[0] != 1 || revs[2] != 3 {
		t.Fatalf("read revisions %v, want 1, 2, 3", revs)
	}
}

// $all read over many batches, each asked for before the one before is
// decoded, while others append: every event once, in order, from any
// position, up to the end and past it while the batches come back full.
func TestReadAllAcrossBatchesAskedAheadWhileOthersAppend(t *testing.T) {
	s := openStore(t, startCluster(t, 1)[0], 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	appendSome := func(stream string, n int) {
		t.Helper()
		for range n / 50 {
			evs := make([]events.EventData, 50)
			for i := range evs {
				evs[i] = events.EventData{Type: "Noted", Data: []byte(`{}`)}
				rand.Read(evs[i].ID[:])
			}
			if _, err := s.Append(ctx, stream, events.Any{}, evs...); err != nil {
				t.Error(err)
				return
			}
		}
	}
	appendSome("first", 1500)
	written := make(chan struct{})
	read := uint64(0)
	for e, err := range s.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if read++; e.Position.Commit != read {
			t.Fatalf("event %d of $all is at position %d", read, e.Position.Commit)
		}
		if read == 100 {
			go func() { appendSome("second", 600); close(written) }()
		}
	}
	<-written
	if read < 1500 {
		t.Fatalf("read %d events of $all, want at least the 1,500 there when the read began", read)
	}
	want := uint64(700)
	for e, err := range s.ReadAll(ctx, events.Position{Commit: 700, Prepare: 700}, 400) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Position.Commit != want {
			t.Fatalf("read from 700, got position %d, want %d", e.Position.Commit, want)
		}
		want++
	}
	if want != 1100 {
		t.Fatalf("read 400 from 700 ended before %d, want 1100", want)
	}
}
