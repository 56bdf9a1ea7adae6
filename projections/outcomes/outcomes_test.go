package outcomes_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/outcomes"
)

var now = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// TestAVerifierIsSealedSubstantiatedAndErased runs an outcome through the
// real handler, store and key store: the verifier's identity is nowhere in
// the log in clear, a retry makes no second key, a refused request none at
// all, and an erasure leaves the answer and destroys the identity.
func TestAVerifierIsSealedSubstantiatedAndErased(t *testing.T) {
	env := commandstest.Open(t, now)
	defer env.Close()
	ctx, h := context.Background(), env.Handler
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make()} }
	holder, promise := meta(), meta()
	must(commands.Stakeholder.Execute(ctx, h, holder.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "Gouvernorat de Gao", Type: "governor", Level: "regional", Region: "gao"}}, holder))
	must(commands.Commitment.Execute(ctx, h, promise.CommandID, commitment.Make{Promise: commitment.Promise{StakeholderID: holder.CommandID, Text: "Recevoir les associations", Pillar: "inclusion", MadeOn: domain.NewDate(2026, 1, 10)}}, promise))
	harvest := meta()
	id := harvest.CommandID
	must(commands.Outcome.Execute(ctx, h, id, outcome.Harvest{Record: outcome.Record{ActorID: holder.CommandID, ChangeType: "practice", On: domain.NewDate(2026, 3, 1),
		Region: "gao", Description: "d", Significance: "s", Contribution: "c", Tags: []string{"femmes"},
		Evidence: []outcome.Evidence{{Kind: "commitment", ID: promise.CommandID}}}}, harvest))

	who := keystore.Identity{Name: "Aminata Verificatrice", Phone: "+22370000000", Organisation: "Radio Kaoural"}
	requestID := domain.ID(ulid.Make())
	ask := meta()
	request := outcome.RequestSubstantiation{RequestID: requestID, RequestedOn: domain.NewDate(2026, 3, 5)}
	must(h.RequestSubstantiation(ctx, id, request, who, ask))
	keyFile := keystore.Path(filepath.Join(env.Dir, "keys"), outcome.VerifierKeyID(id, requestID))
	first, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatalf("the verifier's key: %v", err)
	}
	if res, err := h.RequestSubstantiation(ctx, id, request, who, ask); err != nil || !res.Repeated {
		t.Fatalf("a retry: repeated %v, %v; want the first result", res.Repeated, err)
	}
	if again, _ := os.ReadFile(keyFile); !bytes.Equal(again, first) {
		t.Fatal("a retry replaced the verifier's key")
	}
	refused := outcome.RequestSubstantiation{RequestID: domain.ID(ulid.Make()), RequestedOn: domain.NewDate(2026, 1, 1)}
	if _, err := h.RequestSubstantiation(ctx, id, refused, who, meta()); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("a request dated before the change: %v, want a refusal", err)
	}
	if _, err := os.Stat(keystore.Path(filepath.Join(env.Dir, "keys"), outcome.VerifierKeyID(id, refused.RequestID))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused request left a key behind: %v", err)
	}
	answer := meta()
	must(commands.Outcome.Execute(ctx, h, id, outcome.RecordSubstantiation{RequestID: requestID, AnsweredOn: domain.NewDate(2026, 3, 9), Verdict: "agree"}, answer))
	assertNotInLog(t, env.Store, who)

	model := outcomes.New()
	replay := func() outcomes.Outcome {
		t.Helper()
		model.Reset()
		if _, _, err := projections.Replay(ctx, env.Store, model); err != nil {
			t.Fatal(err)
		}
		o, ok := model.Get(id)
		if !ok {
			t.Fatal("the outcome is not in the model")
		}
		return o
	}
	o := replay()
	if o.State() != outcomes.Substantiated || len(o.Requests) != 1 || o.Requests[0].Verifier == nil {
		t.Fatalf("state %s, requests %+v; want one answered, its verifier sealed", o.State(), o.Requests)
	}
	opened, err := h.VerifierIdentity(ctx, id, requestID, o.Requests[0].Verifier)
	if err != nil || opened != who {
		t.Fatalf("opened %+v, %v; want %+v", opened, err, who)
	}
	must(h.EraseVerifier(ctx, id, outcome.EraseVerifier{RequestID: requestID, ErasedOn: domain.NewDate(2026, 3, 10)}, meta()))
	sealed := o.Requests[0].Verifier
	if _, err := h.VerifierIdentity(ctx, id, requestID, sealed); !errors.Is(err, keystore.ErrErased) {
		t.Fatalf("the erased verifier's identity opens: %v", err)
	}
	if o = replay(); !o.Requests[0].Erased || o.Requests[0].Verifier != nil || o.Requests[0].Answer == nil {
		t.Fatalf("after erasure %+v; want the answer kept, the verifier gone", o.Requests[0])
	}
	if list := model.List(outcomes.Query{Region: "gao", Tag: "FEMMES", Cites: &promise.CommandID}); len(list) != 1 {
		t.Fatalf("listed by region, tag and evidence: %d, want 1", len(list))
	}
	var snap bytes.Buffer
	if err := model.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	restored := outcomes.New()
	if err := restored.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got, _ := restored.Get(id); got.State() != o.State() || len(got.Evidence) != 1 {
		t.Fatalf("restored %+v, want %+v", got, o)
	}
}

// assertNotInLog reads every event of the log, data and metadata, for any
// part of an identity.
func assertNotInLog(t *testing.T, store events.Store, who keystore.Identity) {
	t.Helper()
	for rec, err := range store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{who.Name, who.Phone, who.Organisation} {
			if bytes.Contains(rec.Data, []byte(secret)) || bytes.Contains(rec.Metadata, []byte(secret)) {
				t.Fatalf("%s@%d holds %q in clear", rec.Stream, rec.Revision, secret)
			}
		}
	}
}
