package commands_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/stakeholder"
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

// retriedOnTwoNodes runs one command on two nodes (handlers over env's
// store and key store) at the worst moment: node A seals, and its write to
// stream fails once node B has sealed too and is about to write; B writes
// after A gave up (and did whatever it does after a failed write).
func retriedOnTwoNodes(t *testing.T, env *commandstest.Env, stream string, send func(h *commands.Handler) error) {
	t.Helper()
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
		go func() { bDone <- send(b) }()
		<-bSealed // B has sealed under the key A made, and is about to write
		return errWriteLost
	})
	if err := send(a); !errors.Is(err, errWriteLost) {
		t.Fatalf("node A: %v, want its write lost", err)
	}
	close(bMayWrite)
	if err := <-bDone; err != nil {
		t.Fatalf("node B: %v", err)
	}
}

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
	who := keystore.Identity{Name: "Fatoumata", Phone: "+223 70 00 00 00"}
	retriedOnTwoNodes(t, env, domain.StreamName(participant.Category, m.CommandID), func(h *commands.Handler) error {
		_, err := h.Enrol(ctx, m.CommandID, gaoEnrolment("GAO-7"), who, m)
		return err
	})
	state, _, err := commands.Participant.Load(ctx, env.Handler, m.CommandID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := env.Keys.Open(ctx, m.CommandID, state.Identity)
	if err != nil || got.Name != who.Name {
		t.Fatalf("the enrolment node B wrote opens as %+v, %v; want %s", got, err, who.Name)
	}
}

// The same race for an outcome's verifier, sealed under a key of the
// request's own.
func TestAFailedSubstantiationRequestLeavesTheKeyARetryOnAnotherNodeSealedUnder(t *testing.T) {
	env := commandstest.Open(t, today)
	t.Cleanup(env.Close)
	ctx := context.Background()
	id := harvestedOutcome(t, env)
	who := keystore.Identity{Name: "Aminata Verificatrice", Organisation: "Radio Kaoural"}
	m, request := meta(), outcome.RequestSubstantiation{RequestID: ulid.Make(), RequestedOn: domain.NewDate(2026, 3, 5)}
	retriedOnTwoNodes(t, env, domain.StreamName(outcome.Category, id), func(h *commands.Handler) error {
		_, err := h.RequestSubstantiation(ctx, id, request, who, m)
		return err
	})
	state, _, err := commands.Outcome.Load(ctx, env.Handler, id)
	if err != nil || len(state.Requests) != 1 {
		t.Fatalf("the outcome's requests: %+v, %v; want node B's", state.Requests, err)
	}
	got, err := env.Handler.VerifierIdentity(ctx, id, request.RequestID, state.Requests[0].Verifier)
	if err != nil || got.Name != who.Name {
		t.Fatalf("the verifier node B sealed opens as %+v, %v; want %s", got, err, who.Name)
	}
}

// harvestedOutcome records an outcome of a stakeholder's commitment.
func harvestedOutcome(t *testing.T, env *commandstest.Env) domain.ID {
	t.Helper()
	ctx, h := context.Background(), env.Handler
	holder, promise, harvest := meta(), meta(), meta()
	if _, err := commands.Stakeholder.Execute(ctx, h, holder.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "Gouvernorat de Gao", Type: "governor", Level: "regional", Region: "gao"}}, holder); err != nil {
		t.Fatal(err)
	}
	if _, err := commands.Commitment.Execute(ctx, h, promise.CommandID, commitment.Make{Promise: commitment.Promise{StakeholderID: holder.CommandID, Text: "Recevoir les associations", Pillar: "inclusion", MadeOn: domain.NewDate(2026, 1, 10)}}, promise); err != nil {
		t.Fatal(err)
	}
	record := outcome.Record{ActorID: holder.CommandID, ChangeType: "practice", On: domain.NewDate(2026, 3, 1), Region: "gao", Description: "d", Significance: "s", Contribution: "c",
		Evidence: []outcome.Evidence{{Kind: "commitment", ID: promise.CommandID}}}
	if _, err := commands.Outcome.Execute(ctx, h, harvest.CommandID, outcome.Harvest{Record: record}, harvest); err != nil {
		t.Fatal(err)
	}
	return harvest.CommandID
}
