package commands_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
)

// hookedStore runs a hook before each append to one stream, as a node
// whose write fails, or a node slowed between sealing and writing.
type hookedStore struct {
	events.Store
	stream       string
	beforeAppend func() error
}

func (s hookedStore) Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.EventData) (events.AppendResult, error) {
	if stream == s.stream {
		if err := s.beforeAppend(); err != nil {
			return events.AppendResult{}, err
		}
	}
	return s.Store.Append(ctx, stream, expected, evs...)
}

var errWriteLost = errors.New("the write was lost")

// One enrolment retried on two nodes at once (an outbox retrying on
// another node while the first still works): node A seals under a new key
// and fails to write; node B, meanwhile, sealed under the same key and
// writes after A gave up. B's enrolment must open: A may not take the key
// away from under it.
func TestAFailedEnrolmentLeavesTheKeyARetryOnAnotherNodeSealedUnder(t *testing.T) {
	env := commandstest.Open(t, today)
	t.Cleanup(env.Close)
	ctx := context.Background()
	m := meta()
	stream := domain.StreamName(participant.Category, m.CommandID)
	who := keystore.Identity{Name: "Fatoumata", Phone: "+223 70 00 00 00"}
	node := func(beforeAppend func() error) *commands.Handler {
		store := hookedStore{Store: env.Store, stream: stream, beforeAppend: beforeAppend}
		return commands.New(store, refdata.Default(), &commands.Options{Keys: env.Keys, CodeKey: env.CodeKey, Clock: func() time.Time { return today }, MaxRetries: 20})
	}
	bSealed, bMayWrite := make(chan struct{}), make(chan struct{})
	b := node(func() error {
		close(bSealed)
		<-bMayWrite
		return nil
	})
	bDone := make(chan error, 1)
	a := node(func() error {
		go func() {
			_, err := b.Enrol(ctx, m.CommandID, gaoEnrolment("GAO-7"), who, m)
			bDone <- err
		}()
		<-bSealed // B has sealed under the key A made, and is about to write
		return errWriteLost
	})
	if _, err := a.Enrol(ctx, m.CommandID, gaoEnrolment("GAO-7"), who, m); !errors.Is(err, errWriteLost) {
		t.Fatalf("node A: %v, want its write lost", err)
	}
	close(bMayWrite)
	if err := <-bDone; err != nil {
		t.Fatalf("node B: %v", err)
	}
	state, _, err := commands.Participant.Load(ctx, env.Handler, m.CommandID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := env.Keys.Open(ctx, m.CommandID, state.Identity)
	if err != nil || got.Name != who.Name {
		t.Fatalf("the enrolment node B wrote opens as %+v, %v; want %s", got, err, who.Name)
	}
}
