package outcome_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain"
	. "github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/outcome"
)

var (
	governor, dialogueID, retracted, promise, request = ID(1), ID(2), ID(3), ID(4), ID(5)
	facts                                             = Facts{
		Stakeholders: map[domain.ID]domain.StakeholderFacts{governor: {Region: "gao"}},
		Dialogues:    map[domain.ID]domain.DialogueFacts{dialogueID: {SpaceID: ID(9)}, retracted: {SpaceID: ID(9), Retracted: true}},
		Others:       map[domain.Ref]any{{Category: "commitment", ID: promise}: domain.CommitmentFacts{StakeholderID: governor, Status: "fulfilled", Reports: 2}},
	}
	sealed = &domain.SealedIdentity{Nonce: make([]byte, 12), Ciphertext: make([]byte, 40)}
)

func record() outcome.Record {
	return outcome.Record{
		ActorID: governor, ChangeType: "practice", On: Date(2026, 3, 1), Region: "gao", Locality: "Ansongo",
		Description:  "Le gouverneur tient une réunion mensuelle avec les associations de femmes",
		Significance: "Première fois que les associations sont reçues",
		Contribution: "Plaidoyer du comité consultatif", Intended: true, Tags: []string{"femmes", "redevabilité"},
		Evidence: []outcome.Evidence{{Kind: "dialogue", ID: dialogueID}, {Kind: "commitment", ID: promise}, {Kind: "progress-report", ID: promise, Report: 2}},
	}
}

func TestOutcomeDecisions(t *testing.T) {
	harvested := outcome.Harvested{Record: record()}
	asked := outcome.SubstantiationRequested{RequestID: request, RequestedOn: Date(2026, 3, 5), Verifier: sealed}
	answer := outcome.RecordSubstantiation{RequestID: request, AnsweredOn: Date(2026, 3, 10), Verdict: "partly", Comment: "La réunion a eu lieu deux fois"}
	bad := outcome.Record{ActorID: ID(99), ChangeType: "mood", On: Date(2026, 12, 1), Region: "paris", Tags: []string{"a", "a"},
		Evidence: []outcome.Evidence{{Kind: "dialogue", ID: retracted}, {Kind: "commitment", ID: ID(98)}, {Kind: "progress-report", ID: promise, Report: 3}, {Kind: "rumour", ID: ID(1)}}}
	Run(t, outcome.Decide, outcome.Evolve, []Scenario[outcome.Command, outcome.Event]{
		{Name: "an outcome is harvested with its evidence", When: outcome.Harvest{Record: record()}, Facts: facts, Then: []outcome.Event{harvested}},
		{Name: "every problem of a record is reported at once", When: outcome.Harvest{Record: bad}, Facts: facts,
			Rejects: []string{"actorId", "changeType", "on", "region", "description", "significance", "contribution", "tags[1]",
				"evidence[0].id", "evidence[1].id", "evidence[2].report", "evidence[3].kind"}},
		{Name: "evidence the sender may not see is missing", When: outcome.Harvest{Record: record()}, Facts: Facts{Stakeholders: facts.Stakeholders},
			Rejects: []string{"evidence[0].id", "evidence[1].id", "evidence[2].id"}},
		{Name: "an outcome is harvested once", Given: []outcome.Event{harvested}, When: outcome.Harvest{Record: record()}, Facts: facts, Rejects: []string{"outcomeId"}},
		{Name: "an unknown outcome takes nothing", When: outcome.MarkPublic{Public: true}, Rejects: []string{"outcomeId"}},
		{Name: "an outcome is marked public", Given: []outcome.Event{harvested}, When: outcome.MarkPublic{Public: true}, Then: []outcome.Event{outcome.MarkedPublic{Public: true}}},
		{Name: "marking it as it is records nothing", Given: []outcome.Event{harvested}, When: outcome.MarkPublic{Public: false}, Then: nil},
		{Name: "a substantiation is requested with a sealed verifier", Given: []outcome.Event{harvested},
			When: outcome.RequestSubstantiation{RequestID: request, RequestedOn: Date(2026, 3, 5), Verifier: sealed}, Then: []outcome.Event{asked}},
		{Name: "a request needs a sealed verifier and a date after the change", Given: []outcome.Event{harvested},
			When: outcome.RequestSubstantiation{RequestID: request, RequestedOn: Date(2026, 2, 1)}, Rejects: []string{"verifier", "requestedOn"}},
		{Name: "a request id is used once", Given: []outcome.Event{harvested, asked},
			When: outcome.RequestSubstantiation{RequestID: request, RequestedOn: Date(2026, 3, 6), Verifier: sealed}, Rejects: []string{"requestId"}},
		{Name: "the verifier's answer is recorded", Given: []outcome.Event{harvested, asked}, When: answer, Then: []outcome.Event{outcome.SubstantiationRecorded(answer)}},
		{Name: "an answer is recorded once", Given: []outcome.Event{harvested, asked, outcome.SubstantiationRecorded(answer)}, When: answer, Rejects: []string{"requestId"}},
		{Name: "an answer has a verdict and follows its request", Given: []outcome.Event{harvested, asked},
			When: outcome.RecordSubstantiation{RequestID: request, AnsweredOn: Date(2026, 3, 1), Verdict: "maybe"}, Rejects: []string{"answeredOn", "verdict"}},
		{Name: "an answer to no request is refused", Given: []outcome.Event{harvested}, When: answer, Rejects: []string{"requestId"}},
		{Name: "a verifier is erased", Given: []outcome.Event{harvested, asked}, When: outcome.EraseVerifier{RequestID: request, ErasedOn: Date(2026, 3, 12)},
			Then: []outcome.Event{outcome.VerifierErased{RequestID: request, ErasedOn: Date(2026, 3, 12)}}},
		{Name: "an erased verifier is erased once", Given: []outcome.Event{harvested, asked, outcome.VerifierErased{RequestID: request}},
			When: outcome.EraseVerifier{RequestID: request, ErasedOn: Date(2026, 3, 12)}, Then: nil},
	})
}

func TestARevisionTakesThePublicMarkOff(t *testing.T) {
	s := outcome.Evolve(outcome.Evolve(outcome.State{}, outcome.Harvested{Record: record()}), outcome.MarkedPublic{Public: true})
	if s = outcome.Evolve(s, outcome.Revised{Record: record()}); s.Public {
		t.Fatal("a revised outcome is still marked public; want its new text read before it is published again")
	}
}

func TestAVerifierKeyIsNoIdAClientChooses(t *testing.T) {
	a, b := outcome.VerifierKeyID(ID(1), ID(2)), outcome.VerifierKeyID(ID(1), ID(3))
	if a == b || a == ID(2) || a != outcome.VerifierKeyID(ID(1), ID(2)) {
		t.Fatalf("key ids %s, %s: want distinct, stable, and not the request's id", a, b)
	}
}
